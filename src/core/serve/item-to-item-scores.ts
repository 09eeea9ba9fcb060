import { dot } from '../math/linalg';
import type { SparseNeighbors } from '../models/sparse-neighbors';
import type { ContentIndex } from './content-similarity';
import { addContentScores, contentSimilarity } from './content-similarity';
import { neighborScore } from './row-sources';
import type { ItemFactorTable } from './score-items';
import { dotAllRows } from './score-items';

/**
 * Weights of the item–item similarities blended for the similar row (and the short-history part
 * of the for-you row). Each similarity lies in [0, 1] (cosine of item factors, shrunk basket
 * cosine, content overlap), so the weights compare directly; a source without data for an anchor
 * adds nothing.
 */
export interface ItemToItemWeights {
  /** Cosine of the MF item factors. */
  readonly embedding: number;
  /** Session co-occurrence (shrunk basket cosine). */
  readonly coOccurrence: number;
  /** Category-path and tag overlap in the catalog. */
  readonly content: number;
  /**
   * MF item bias (the model's popularity prior) scaled to [0, 1] over the items; added only where
   * another source has data for the anchors (default 0).
   */
  readonly itemBias?: number;
}

/**
 * Default blend. Chosen on validation users carved from the training users of ML-100K and of the
 * demo shop (see docs/engine.md, "Item-to-item rows"), never on the reported split.
 */
export const DEFAULT_ITEM_TO_ITEM_WEIGHTS: ItemToItemWeights = Object.freeze({
  embedding: 1,
  coOccurrence: 50,
  content: 0.5,
});

/** Anchors with a smaller share of the query get no content pass (see {@link itemToItemScores}). */
export const MIN_CONTENT_SHARE = 0.25;

/** The item–item evidence a recommender holds; every part is optional. */
export interface ItemToItemSources {
  readonly table?: ItemFactorTable;
  /** Norms of `table`'s rows (see `itemNorms`). */
  readonly norms?: Float32Array;
  readonly coOccurrence?: SparseNeighbors;
  readonly content?: ContentIndex;
}

/** An anchor item and its share of the query (shares sum to 1). */
export interface WeightedAnchor {
  readonly item: number;
  readonly share: number;
}

/**
 * Writes into `out` (length = items) the blended similarity of every item to the weighted
 * anchors: Σ_a share_a · (w_e·cos(a, i) + w_c·cooc(a, i) + w_t·content(a, i)) + w_b·bias(i), the
 * bias term only when another source had data. The embedding
 * term is one pass over the factors for all anchors (the shares are folded into one query).
 * Content is added only for anchors holding at least {@link MIN_CONTENT_SHARE} of the query.
 * Returns how many (anchor, source) pairs had data; 0 means the scores carry no evidence.
 */
export function itemToItemScores(
  sources: ItemToItemSources,
  weights: ItemToItemWeights,
  anchors: readonly WeightedAnchor[],
  out: Float32Array,
  marker: { tags: Uint8Array },
): number {
  out.fill(0);
  let evidence = 0;
  const { table, norms, coOccurrence, content } = sources;
  if (table !== undefined && norms !== undefined && weights.embedding > 0) {
    const k = table.factors;
    const v = table.itemFactors;
    const query = new Float32Array(k);
    for (const { item, share } of anchors) {
      if (item >= table.numItems || !(norms[item]! > 0)) continue;
      const scale = (share * weights.embedding) / norms[item]!;
      for (let d = 0; d < k; d++) query[d]! += v[item * k + d]! * scale;
      evidence++;
    }
    if (evidence > 0) {
      const n = table.numItems;
      const dots = out.subarray(0, n);
      dotAllRows(query, v, n, k, null, 1, dots);
      for (let i = 0; i < n; i++) dots[i] = norms[i]! > 0 ? dots[i]! / norms[i]! : 0;
    }
  }
  if (coOccurrence !== undefined && weights.coOccurrence > 0) {
    for (const { item, share } of anchors) {
      if (item >= coOccurrence.numItems) continue;
      const start = coOccurrence.indptr[item]!;
      const end = coOccurrence.indptr[item + 1]!;
      if (end === start) continue;
      evidence++;
      const scale = share * weights.coOccurrence;
      for (let p = start; p < end; p++) {
        const j = coOccurrence.indices[p]!;
        if (j < out.length) out[j]! += scale * coOccurrence.scores[p]!;
      }
    }
  }
  if (content !== undefined && weights.content > 0) {
    if (marker.tags.length < content.tagCount) marker.tags = new Uint8Array(content.tagCount);
    for (const { item, share } of anchors) {
      // Each content pass is O(items); an anchor with a small share would barely move the scores.
      if (share < MIN_CONTENT_SHARE) continue;
      if (addContentScores(content, item, share * weights.content, out, marker.tags)) evidence++;
    }
  }
  const biasWeight = weights.itemBias ?? 0;
  if (evidence > 0 && biasWeight > 0 && table?.itemBias !== undefined) {
    addScaledBias(table.itemBias, table.numItems, biasWeight, out);
  }
  return evidence;
}

/** Adds `weight` × the item bias scaled to [0, 1] (min to max over the items) to `out`. */
export function addScaledBias(
  bias: Float32Array,
  numItems: number,
  weight: number,
  out: Float32Array,
): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < numItems; i++) {
    lo = Math.min(lo, bias[i]!);
    hi = Math.max(hi, bias[i]!);
  }
  if (!(hi > lo)) return;
  const scale = weight / (hi - lo);
  for (let i = 0; i < numItems; i++) out[i]! += scale * (bias[i]! - lo);
}

/**
 * The blended similarity of one pair, as {@link itemToItemScores} adds it for an anchor with
 * `share` of the query (for explanations).
 */
export function pairSimilarity(
  sources: ItemToItemSources,
  weights: ItemToItemWeights,
  anchor: number,
  item: number,
  share = 1,
): number {
  const { table, norms, coOccurrence, content } = sources;
  let s = 0;
  if (table !== undefined && norms !== undefined && weights.embedding > 0) {
    const n = table.numItems;
    const denom = anchor < n && item < n ? norms[anchor]! * norms[item]! : 0;
    if (denom > 0) {
      const k = table.factors;
      s +=
        (weights.embedding * dot(table.itemFactors, anchor * k, table.itemFactors, item * k, k)) /
        denom;
    }
  }
  if (coOccurrence !== undefined && weights.coOccurrence > 0) {
    s += weights.coOccurrence * neighborScore(coOccurrence, anchor, item);
  }
  if (content !== undefined && weights.content > 0 && share >= MIN_CONTENT_SHARE) {
    s += weights.content * contentSimilarity(content, anchor, item);
  }
  return s;
}
