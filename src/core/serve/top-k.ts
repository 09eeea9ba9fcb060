import { requireInRange } from '../models/option-checks';
import { createTopNSelector } from '../models/top-n-selector';

/**
 * Item indices that must not be returned (already seen, bought, dismissed): a set of indices, or
 * a mask where a non-zero byte at `i` excludes item `i` (shorter masks exclude nothing beyond).
 */
export type ExclusionSet = ReadonlySet<number> | Uint8Array;

/** Options of {@link topK}. */
export interface TopKOptions {
  readonly exclude?: ExclusionSet;
  /**
   * Extra test an item must pass (filters). Called lazily, only for items whose score could still
   * enter the top K, so an expensive predicate runs on a small fraction of the catalog.
   */
  readonly accept?: (index: number) => boolean;
}

/** The selected items, best first (parallel arrays, length ≤ k). */
export interface TopKResult {
  readonly indices: Int32Array;
  readonly scores: Float32Array;
}

/** Largest `k` accepted by {@link topK} (an array can never hold more items). */
const MAX_K = 2 ** 31 - 1;

/**
 * The `k` highest scores, best first, without sorting everything: a bounded min-heap (the shared
 * {@link createTopNSelector}) plus a running lower bound on the K-th best score, so most items are
 * rejected by one comparison before any exclusion or filter is looked at.
 *
 * Order equals a full sort by descending score with ties broken by the lower index. NaN scores
 * mark non-candidates and are never returned; `-Infinity` is an ordinary (worst) score. Returns
 * fewer than `k` items when fewer are eligible. Throws `OptionError` unless `k` is an integer ≥ 1.
 */
export function topK(scores: Float32Array, k: number, options: TopKOptions = {}): TopKResult {
  requireInRange('k', k, 1, MAX_K, true);
  const n = scores.length;
  const cap = Math.min(k, n);
  const selector = createTopNSelector(cap);
  const outIdx = new Int32Array(cap);
  const outScore = new Float32Array(cap);
  const { exclude } = options;
  const mask = exclude instanceof Uint8Array ? exclude : null;
  const set = exclude === undefined || exclude instanceof Uint8Array ? null : exclude;
  const accept = options.accept ?? null;
  // Re-reading the heap's worst score costs O(cap·log cap); doing it every few offers keeps the
  // bound tight even when scores arrive in ascending order, at amortised O(log cap) per offer.
  const refreshEvery = Math.max(64, 4 * cap);
  let threshold = -Infinity;
  let thresholdKnown = false;
  let offersSinceRefresh = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    // Strictly greater: an equal score at a higher index loses the tie to the kept K-th item.
    if (!(s > threshold) && (thresholdKnown || s !== s)) continue;
    if (mask !== null && mask[i]) continue;
    if (set !== null && set.has(i)) continue;
    if (accept !== null && !accept(i)) continue;
    selector.offer(i, s);
    if (selector.size === cap && ++offersSinceRefresh >= (thresholdKnown ? refreshEvery : 1)) {
      selector.drain(outIdx, outScore, 0);
      threshold = outScore[cap - 1]!;
      thresholdKnown = true;
      for (let j = 0; j < cap; j++) selector.offer(outIdx[j]!, outScore[j]!);
      offersSinceRefresh = 0;
    }
  }
  const count = selector.drain(outIdx, outScore, 0);
  if (count === cap) return { indices: outIdx, scores: outScore };
  return { indices: outIdx.slice(0, count), scores: outScore.slice(0, count) };
}
