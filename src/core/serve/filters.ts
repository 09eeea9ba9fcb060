import type { Item } from '../data/types';
import type { Vocabulary } from '../data/vocabulary';
import { OptionError } from '../errors';

/** Catalog entries aligned with item indices; `undefined` where an item has no catalog entry. */
export type Catalog = readonly (Item | undefined)[];

/**
 * Business rules a recommended item must satisfy. All given rules must pass.
 *
 * Missing data: rules that need a field (`categoryPrefix` needs `category`, the price bounds need
 * `price`) reject items that lack the field or have no catalog entry, since they cannot be shown
 * to match. `inStockOnly` rejects only items explicitly marked `inStock: false`, so items without
 * stock information (or without a catalog entry) stay eligible. `predicate` sees the catalog entry,
 * or `{ id }` alone for items without one.
 */
export interface ItemFilters {
  /** Keep items whose category path starts with this path, e.g. `['Home', 'Kitchen']`. `[]` keeps all. */
  readonly categoryPrefix?: readonly string[];
  /** Keep items with `price ≥ minPrice`. */
  readonly minPrice?: number;
  /** Keep items with `price ≤ maxPrice`. */
  readonly maxPrice?: number;
  /** Drop items marked `inStock: false`. */
  readonly inStockOnly?: boolean;
  /** Custom rule; return `false` to drop the item. */
  readonly predicate?: (item: Item, index: number) => boolean;
}

/** Whether `path` starts with every segment of `prefix`. */
export function hasCategoryPrefix(
  path: readonly string[] | undefined,
  prefix: readonly string[],
): boolean {
  if (path === undefined || path.length < prefix.length) return false;
  for (let d = 0; d < prefix.length; d++) if (path[d] !== prefix[d]) return false;
  return true;
}

/**
 * Turns filters into one test on item indices, or `null` when nothing needs testing. Throws
 * `OptionError` for an inverted or non-numeric price range and for field rules without a catalog.
 */
export function compileItemFilter(
  filters: ItemFilters | undefined,
  catalog: Catalog | undefined,
  itemIds: Vocabulary,
): ((index: number) => boolean) | null {
  if (filters === undefined) return null;
  const { categoryPrefix, minPrice, maxPrice, inStockOnly, predicate } = filters;
  for (const [name, value] of [
    ['minPrice', minPrice],
    ['maxPrice', maxPrice],
  ] as const) {
    if (value !== undefined && Number.isNaN(value)) {
      throw new OptionError(`filters.${name} must be a number (got NaN); omit it for no bound.`);
    }
  }
  if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice) {
    throw new OptionError(
      `filters.minPrice (${minPrice}) is above filters.maxPrice (${maxPrice}); swap them.`,
    );
  }
  const byCategory = categoryPrefix !== undefined && categoryPrefix.length > 0;
  const byPrice = minPrice !== undefined || maxPrice !== undefined;
  const byStock = inStockOnly === true;
  if ((byCategory || byPrice || byStock) && catalog === undefined) {
    const name = byCategory ? 'categoryPrefix' : byPrice ? 'minPrice/maxPrice' : 'inStockOnly';
    throw new OptionError(
      `filters.${name} needs item data: pass a catalog aligned with the item indices.`,
    );
  }
  if (!byCategory && !byPrice && !byStock && predicate === undefined) return null;
  const lo = minPrice ?? -Infinity;
  const hi = maxPrice ?? Infinity;
  return (index) => {
    const item = catalog?.[index];
    if (byCategory && !hasCategoryPrefix(item?.category, categoryPrefix)) return false;
    if (byPrice) {
      const price = item?.price;
      if (price === undefined || !(price >= lo && price <= hi)) return false;
    }
    if (byStock && item?.inStock === false) return false;
    if (predicate !== undefined && !predicate(item ?? { id: itemIds.idAt(index) }, index)) {
      return false;
    }
    return true;
  };
}
