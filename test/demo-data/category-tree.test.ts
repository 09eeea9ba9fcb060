import { describe, expect, it } from 'vitest';
import {
  complementNeighbours,
  DEMO_COMPLEMENTS,
  DEMO_DEPARTMENTS,
  DEMO_LEAVES,
  findLeaf,
  PICTOGRAMS,
} from '../../src/core/demo-data';
import { personaLeafInterest, SHOPPER_PERSONAS } from '../../src/core/demo-data/shopper-personas';

describe('demo category tree', () => {
  it('has 6–8 departments of 3–5 categories with at least 2 subcategories each', () => {
    expect(DEMO_DEPARTMENTS.length).toBeGreaterThanOrEqual(6);
    expect(DEMO_DEPARTMENTS.length).toBeLessThanOrEqual(8);
    for (const department of DEMO_DEPARTMENTS) {
      expect(department.categories.length, department.name).toBeGreaterThanOrEqual(3);
      expect(department.categories.length, department.name).toBeLessThanOrEqual(5);
      expect(department.brands.length, department.name).toBeGreaterThanOrEqual(4);
      for (const category of department.categories) {
        expect(category.subcategories.length, category.name).toBeGreaterThanOrEqual(2);
        expect(category.useCases.length).toBeGreaterThan(0);
        expect(category.features.length).toBeGreaterThan(0);
        expect(category.materials.length).toBeGreaterThan(0);
      }
    }
  });

  it('names every leaf uniquely and gives it a drawable shape, nouns and a positive price', () => {
    const keys = new Set(DEMO_LEAVES.map((leaf) => leaf.key));
    expect(keys.size).toBe(DEMO_LEAVES.length);
    for (const leaf of DEMO_LEAVES) {
      expect(leaf.path).toHaveLength(3);
      expect(Object.hasOwn(PICTOGRAMS, leaf.subcategory.shape), leaf.key).toBe(true);
      expect(leaf.subcategory.nouns.length, leaf.key).toBeGreaterThan(0);
      expect(leaf.subcategory.price, leaf.key).toBeGreaterThan(0);
      expect(findLeaf(leaf.path)).toBe(leaf);
    }
    expect(findLeaf(['Home', 'Kitchen', 'Knives'])?.subcategory.shape).toBe('knife');
    expect(findLeaf(['Home', 'Kitchen'])).toBeUndefined();
    expect(findLeaf(undefined)).toBeUndefined();
  });

  it('resolves every complement link, in both directions', () => {
    const neighbours = complementNeighbours();
    expect(neighbours).toHaveLength(DEMO_LEAVES.length);
    const tents = findLeaf(['Outdoor', 'Camping', 'Tents'])!;
    const bags = findLeaf(['Outdoor', 'Camping', 'Sleeping Bags'])!;
    expect(Array.from(neighbours[tents.index]!)).toContain(bags.index);
    expect(Array.from(neighbours[bags.index]!)).toContain(tents.index);
    const links = neighbours.reduce((n, list) => n + list.length, 0);
    expect(links).toBe(2 * DEMO_COMPLEMENTS.length);
  });

  it('gives every persona known categories and shares that sum to 1', () => {
    expect(() => personaLeafInterest(SHOPPER_PERSONAS)).not.toThrow();
    const shares = SHOPPER_PERSONAS.reduce((sum, persona) => sum + persona.share, 0);
    expect(shares).toBeCloseTo(1, 6);
    expect(() =>
      personaLeafInterest([{ ...SHOPPER_PERSONAS[0]!, interests: { Nowhere: 1 } }]),
    ).toThrow(/unknown category "Nowhere"/);
  });
});
