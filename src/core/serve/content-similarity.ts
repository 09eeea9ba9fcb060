import type { Catalog } from './filters';

/**
 * Catalog content in integer form for fast item–item comparisons: category prefixes and tags as
 * interned ids. Built once per catalog in O(items · (depth + tags)).
 */
export interface ContentIndex {
  readonly numItems: number;
  /** Category depth per item (0 without a category). */
  readonly depth: Uint8Array;
  /** `prefix[d][i]`: id of item i's category path cut after segment d (−1 beyond its depth). */
  readonly prefix: readonly Int32Array[];
  /** Distinct tag ids per item in CSR form. */
  readonly tagPtr: Int32Array;
  readonly tagIds: Int32Array;
  /** Tag ids known (size of the marker array {@link contentScores} needs). */
  readonly tagCount: number;
}

/** Deepest category level compared; deeper segments are ignored. */
const MAX_DEPTH = 8;

/** Interns the catalog's category prefixes and tags (see {@link ContentIndex}). */
export function buildContentIndex(catalog: Catalog, numItems: number): ContentIndex {
  const depth = new Uint8Array(numItems);
  const prefix: Int32Array[] = [];
  const prefixIds = new Map<string, number>();
  const tagIdsOf = new Map<string, number>();
  const tagPtr = new Int32Array(numItems + 1);
  const tags: number[] = [];
  for (let i = 0; i < numItems; i++) {
    const item = catalog[i];
    const path = item?.category ?? [];
    const d = Math.min(path.length, MAX_DEPTH);
    depth[i] = d;
    let key = '';
    for (let s = 0; s < d; s++) {
      key += `\u0000${path[s]!}`;
      while (prefix.length <= s) prefix.push(new Int32Array(numItems).fill(-1));
      let id = prefixIds.get(key);
      if (id === undefined) prefixIds.set(key, (id = prefixIds.size));
      prefix[s]![i] = id;
    }
    const own = new Set<number>();
    for (const tag of item?.tags ?? []) {
      let id = tagIdsOf.get(tag);
      if (id === undefined) tagIdsOf.set(tag, (id = tagIdsOf.size));
      own.add(id);
    }
    for (const id of own) tags.push(id);
    tagPtr[i + 1] = tags.length;
  }
  return {
    numItems,
    depth,
    prefix,
    tagPtr,
    tagIds: Int32Array.from(tags),
    tagCount: tagIdsOf.size,
  };
}

/** Shared category-path depth of `a` and `b` over the deeper of the two paths (0 without one). */
function pathOverlap(index: ContentIndex, a: number, b: number): number {
  const da = index.depth[a]!;
  const db = index.depth[b]!;
  const limit = Math.min(da, db);
  let shared = 0;
  while (shared < limit && index.prefix[shared]![a] === index.prefix[shared]![b]) shared++;
  return shared > 0 ? shared / Math.max(da, db) : 0;
}

/** Facets (category, tags) `anchor` has: the denominator of its content similarity. */
function facetsOf(index: ContentIndex, anchor: number): number {
  const hasTags = index.tagPtr[anchor + 1]! > index.tagPtr[anchor]!;
  return (index.depth[anchor]! > 0 ? 1 : 0) + (hasTags ? 1 : 0);
}

/**
 * Content similarity of every item to `anchor`, added into `out` times `weight`: the mean, over
 * the facets the anchor has, of (a) the shared category-path depth over the deeper of the two
 * paths and (b) the Jaccard overlap of their tags. In [0, 1]; items without content get 0.
 * Returns false (and adds nothing) when the anchor has neither a category nor tags. `marker`
 * (length ≥ `tagCount`, all 0) is scratch space and is left all 0.
 */
export function addContentScores(
  index: ContentIndex,
  anchor: number,
  weight: number,
  out: Float32Array,
  marker: Uint8Array,
): boolean {
  if (anchor >= index.numItems) return false;
  const facets = facetsOf(index, anchor);
  if (facets === 0) return false;
  const { tagPtr, tagIds } = index;
  const scale = weight / facets;
  const n = Math.min(out.length, index.numItems);
  if (index.depth[anchor]! > 0) {
    for (let i = 0; i < n; i++) out[i]! += scale * pathOverlap(index, anchor, i);
  }
  const ta0 = tagPtr[anchor]!;
  const ta = tagPtr[anchor + 1]! - ta0;
  if (ta > 0) {
    for (let p = ta0; p < ta0 + ta; p++) marker[tagIds[p]!] = 1;
    for (let i = 0; i < n; i++) {
      const start = tagPtr[i]!;
      const count = tagPtr[i + 1]! - start;
      let common = 0;
      for (let p = start; p < start + count; p++) common += marker[tagIds[p]!]!;
      if (common > 0) out[i]! += (scale * common) / (ta + count - common);
    }
    for (let p = ta0; p < ta0 + ta; p++) marker[tagIds[p]!] = 0;
  }
  return true;
}

/** Content similarity of one pair (same definition as {@link addContentScores}). */
export function contentSimilarity(index: ContentIndex, anchor: number, item: number): number {
  if (anchor >= index.numItems || item >= index.numItems) return 0;
  const facets = facetsOf(index, anchor);
  if (facets === 0) return 0;
  const { tagPtr, tagIds } = index;
  let score = index.depth[anchor]! > 0 ? pathOverlap(index, anchor, item) : 0;
  const ta0 = tagPtr[anchor]!;
  const ta = tagPtr[anchor + 1]! - ta0;
  const start = tagPtr[item]!;
  const count = tagPtr[item + 1]! - start;
  let common = 0;
  for (let p = start; p < start + count; p++) {
    for (let q = ta0; q < ta0 + ta; q++) if (tagIds[p] === tagIds[q]) common++;
  }
  if (common > 0) score += common / (ta + count - common);
  return score / facets;
}
