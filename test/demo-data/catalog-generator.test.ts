import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/core/errors';
import {
  charmPrice,
  DEFAULT_PRODUCT_COUNT,
  DEMO_COLOURS,
  DEMO_LEAVES,
  DEMO_STYLES,
  findLeaf,
  generateCatalog,
} from '../../src/core/demo-data';

describe('generateCatalog', () => {
  const catalog = generateCatalog();
  const { items } = catalog;

  it('makes 2,400 products by default with ids p0001…p2400', () => {
    expect(DEFAULT_PRODUCT_COUNT).toBe(2400);
    expect(items).toHaveLength(2400);
    expect(items[0]!.id).toBe('p0001');
    expect(items[2399]!.id).toBe('p2400');
    expect(new Set(items.map((item) => item.id)).size).toBe(2400);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const again = generateCatalog({ seed: 7 });
    expect(JSON.stringify(again.items)).toBe(JSON.stringify(items));
    expect(Array.from(again.traits.appeal)).toEqual(Array.from(catalog.traits.appeal));
    const other = generateCatalog({ seed: 8 });
    expect(other.items[0]!.title).not.toBe(items[0]!.title);
  });

  it('is reproducible at other sizes too', () => {
    const small = generateCatalog({ products: 300 });
    expect(small.items).toHaveLength(300);
    expect(JSON.stringify(generateCatalog({ products: 300 }).items)).toBe(
      JSON.stringify(small.items),
    );
  });

  it('gives every product a valid title, description, category, tags, price, image and attributes', () => {
    const titles = new Set<string>();
    for (const item of items) {
      expect(item.title!.length, item.id).toBeGreaterThan(3);
      titles.add(item.title!);
      const sentences = item.description!.split(/(?<=\.) (?=[A-Z])/);
      expect(sentences.length, item.description).toBeGreaterThanOrEqual(1);
      expect(sentences.length, item.description).toBeLessThanOrEqual(3);
      expect(item.description).toMatch(/\.$/);
      expect(item.category, item.id).toHaveLength(3);
      const leaf = findLeaf(item.category);
      expect(leaf, item.category!.join(' > ')).toBeDefined();
      expect(item.tags!.length).toBeGreaterThanOrEqual(3);
      expect(new Set(item.tags).size).toBe(item.tags!.length);
      for (const tag of item.tags!) expect(tag).toBe(tag.toLowerCase());
      expect(item.price!).toBeGreaterThan(0);
      expect(Math.round(item.price! * 100) / 100).toBe(item.price);
      expect(typeof item.inStock).toBe('boolean');
      expect(item.imageUrl).toBe(`images/${item.id}.svg`);
      const a = item.attributes!;
      expect(leaf!.department.brands.map((b) => b.name)).toContain(a['brand']);
      expect(Object.hasOwn(DEMO_COLOURS, a['colour'] as string)).toBe(true);
      expect(DEMO_STYLES).toContain(a['style']);
      expect(a['rating']).toBeGreaterThanOrEqual(1);
      expect(a['rating']).toBeLessThanOrEqual(5);
      expect(Number.isInteger(a['reviewCount'])).toBe(true);
      expect('author' in a).toBe(leaf!.subcategory.bookKind !== undefined);
      if (leaf!.subcategory.bookKind === undefined) {
        expect(item.title!.startsWith(`${a['brand'] as string} `), item.title).toBe(true);
      }
    }
    expect(titles.size).toBe(items.length);
  });

  it('covers every subcategory and lists products by leaf', () => {
    expect(catalog.itemsByLeaf).toHaveLength(DEMO_LEAVES.length);
    let total = 0;
    catalog.itemsByLeaf.forEach((list, leaf) => {
      expect(list.length, DEMO_LEAVES[leaf]!.key).toBeGreaterThan(5);
      for (const i of list) expect(catalog.traits.leaf[i]).toBe(leaf);
      total += list.length;
    });
    expect(total).toBe(items.length);
  });

  it('keeps about 92% in stock and prices log-normal around each subcategory median', () => {
    const inStock = items.filter((item) => item.inStock).length / items.length;
    expect(inStock).toBeGreaterThan(0.88);
    expect(inStock).toBeLessThan(0.96);
    for (const [leaf, list] of catalog.itemsByLeaf.entries()) {
      const logs = Array.from(list, (i) => Math.log(items[i]!.price!)).sort((a, b) => a - b);
      const median = Math.exp(logs[logs.length >> 1]!);
      const target = DEMO_LEAVES[leaf]!.subcategory.price;
      expect(median / target, DEMO_LEAVES[leaf]!.key).toBeGreaterThan(0.6);
      expect(median / target, DEMO_LEAVES[leaf]!.key).toBeLessThan(1.7);
    }
    const laptops = findLeaf(['Electronics', 'Computing', 'Laptops'])!.index;
    const seeds = findLeaf(['Garden', 'Plants & Pots', 'Seeds'])!.index;
    const meanPrice = (leaf: number): number =>
      Array.from(catalog.itemsByLeaf[leaf]!, (i) => items[i]!.price!).reduce((a, b) => a + b) /
      catalog.itemsByLeaf[leaf]!.length;
    expect(meanPrice(laptops)).toBeGreaterThan(50 * meanPrice(seeds));
  });

  it('rounds prices the way shops do', () => {
    expect(charmPrice(4.3)).toBe(4.49);
    expect(charmPrice(0.2)).toBe(0.99);
    expect(charmPrice(44.6)).toBe(44.99);
    expect(charmPrice(747)).toBe(744.99);
    expect(charmPrice(1234)).toBe(1229.99);
  });

  it('rejects bad options with OptionError', () => {
    expect(() => generateCatalog({ products: 10 })).toThrow(OptionError);
    expect(() => generateCatalog({ products: 1000.5 })).toThrow(/products must be an integer/);
    expect(() => generateCatalog({ seed: -1 })).toThrow(/seed/);
  });
});
