import { describe, expect, it } from 'vitest';
import type { Item } from '../../../src/core/data/types';
import { Vocabulary } from '../../../src/core/data/vocabulary';
import { OptionError } from '../../../src/core/errors';
import type { Catalog } from '../../../src/core/serve/filters';
import { compileItemFilter } from '../../../src/core/serve/filters';

const ids = Vocabulary.from(['knife', 'pan', 'lamp', 'mystery', 'spoon']);
const catalog: Catalog = [
  { id: 'knife', category: ['Home', 'Kitchen', 'Knives'], price: 30, inStock: true },
  { id: 'pan', category: ['Home', 'Kitchen'], price: 55, inStock: false },
  { id: 'lamp', category: ['Home', 'Lighting'], price: 80 },
  undefined,
  { id: 'spoon', price: 5 },
];

function passing(filter: ((i: number) => boolean) | null): number[] {
  if (filter === null) return [0, 1, 2, 3, 4];
  return [0, 1, 2, 3, 4].filter((i) => filter(i));
}

describe('compileItemFilter', () => {
  it('returns null when nothing needs testing', () => {
    expect(compileItemFilter(undefined, catalog, ids)).toBeNull();
    expect(compileItemFilter({ categoryPrefix: [] }, catalog, ids)).toBeNull();
  });

  it('keeps items under a category prefix; items without a category fail', () => {
    expect(
      passing(compileItemFilter({ categoryPrefix: ['Home', 'Kitchen'] }, catalog, ids)),
    ).toEqual([0, 1]);
    expect(passing(compileItemFilter({ categoryPrefix: ['Home'] }, catalog, ids))).toEqual([
      0, 1, 2,
    ]);
  });

  it('keeps items inside an inclusive price range; items without a price fail', () => {
    expect(passing(compileItemFilter({ minPrice: 30, maxPrice: 55 }, catalog, ids))).toEqual([
      0, 1,
    ]);
    expect(passing(compileItemFilter({ maxPrice: 10 }, catalog, ids))).toEqual([4]);
    expect(passing(compileItemFilter({ minPrice: 60 }, catalog, ids))).toEqual([2]);
  });

  it('drops only items marked out of stock when inStockOnly is set', () => {
    expect(passing(compileItemFilter({ inStockOnly: true }, catalog, ids))).toEqual([0, 2, 3, 4]);
  });

  it('calls the predicate with the catalog entry, or an id-only item when there is none', () => {
    const seen: [Item, number][] = [];
    const filter = compileItemFilter(
      {
        predicate: (item, index) => {
          seen.push([item, index]);
          return item.id.startsWith('m') || index === 0;
        },
      },
      catalog,
      ids,
    );
    expect(passing(filter)).toEqual([0, 3]);
    expect(seen[3]).toEqual([{ id: 'mystery' }, 3]);
    expect(seen[0]![0]).toBe(catalog[0]);
  });

  it('combines filters with AND', () => {
    const filter = compileItemFilter(
      { categoryPrefix: ['Home'], inStockOnly: true, maxPrice: 50 },
      catalog,
      ids,
    );
    expect(passing(filter)).toEqual([0]);
  });

  it('rejects an inverted or NaN price range and field filters without a catalog', () => {
    expect(() => compileItemFilter({ minPrice: 10, maxPrice: 5 }, catalog, ids)).toThrow(
      OptionError,
    );
    expect(() => compileItemFilter({ minPrice: NaN }, catalog, ids)).toThrow(OptionError);
    expect(() => compileItemFilter({ categoryPrefix: ['Home'] }, undefined, ids)).toThrow(
      /needs item data/,
    );
    expect(() => compileItemFilter({ inStockOnly: true }, undefined, ids)).toThrow(OptionError);
    expect(
      passing(compileItemFilter({ predicate: (item) => item.id === 'pan' }, undefined, ids)),
    ).toEqual([1]);
  });
});
