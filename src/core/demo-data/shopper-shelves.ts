import type { Rng } from '../random';
import type { CatalogShape } from './catalog-generator';

/** Pages of subcategory listings, for catalogs too large for a shopper to see a whole subcategory. */
export interface Shelves {
  /** Products per page. */
  readonly size: number;
  /**
   * One page of leaf `leaf`'s listing (products ranked by appeal, best first): page p is shown
   * with probability ∝ 1/(p + 1), so every product is reachable while attention falls off with
   * rank — a long tail. A `forced` product (≥ 0) is put on the page. The returned array is reused
   * by the next call.
   */
  page(leaf: number, forced: number, rng: Rng): Int32Array;
}

/**
 * Listings of every subcategory of `catalog`, ranked by appeal (ties by catalog order), shown
 * `size` products at a time. The demo simulates shoppers who look at a whole subcategory; with
 * 100k+ products a subcategory holds thousands, so the large-catalog generator shows pages.
 */
export function createShelves(catalog: CatalogShape, size: number): Shelves {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`shelf must be a positive integer (got ${size}).`);
  }
  const { appeal } = catalog.traits;
  const ranked = catalog.itemsByLeaf.map((list) =>
    Int32Array.from(list).sort((a, b) => appeal[b]! - appeal[a]! || a - b),
  );
  const out = new Int32Array(size);
  return {
    size,
    page(leaf, forced, rng) {
      const list = ranked[leaf]!;
      const pages = Math.ceil(list.length / size);
      const p = Math.min(pages - 1, Math.floor(Math.exp(rng.next() * Math.log(pages + 1))) - 1);
      const start = p * size;
      const length = Math.min(size, list.length - start);
      out.set(list.subarray(start, start + length));
      if (forced >= 0 && !out.subarray(0, length).includes(forced)) out[0] = forced;
      return out.subarray(0, length);
    },
  };
}
