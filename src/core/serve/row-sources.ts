import type { SparseNeighbors } from '../models/sparse-neighbors';
import { neighborsOf } from '../models/sparse-neighbors';
import type { Catalog } from './filters';
import { hasCategoryPrefix } from './filters';

/**
 * Sums the neighbour scores of every anchor into `out` (NaN for items no anchor lists, so rankers
 * skip them). Returns how many distinct items got a score.
 */
export function coOccurrenceScores(
  neighbors: SparseNeighbors,
  anchors: readonly number[],
  out: Float32Array,
): number {
  out.fill(NaN);
  let touched = 0;
  for (const anchor of anchors) {
    if (anchor >= neighbors.numItems) continue;
    const { indices, scores } = neighborsOf(neighbors, anchor);
    for (let p = 0; p < indices.length; p++) {
      const j = indices[p]!;
      if (j >= out.length) continue;
      const prev = out[j]!;
      if (prev !== prev) {
        out[j] = scores[p]!;
        touched++;
      } else {
        out[j] = prev + scores[p]!;
      }
    }
  }
  return touched;
}

/** The score `anchor` lists for neighbour `item`, or 0 when it does not list it. */
export function neighborScore(neighbors: SparseNeighbors, anchor: number, item: number): number {
  if (anchor >= neighbors.numItems) return 0;
  const { indices, scores } = neighborsOf(neighbors, anchor);
  for (let p = 0; p < indices.length; p++) if (indices[p] === item) return scores[p]!;
  return 0;
}

/**
 * Scores the items sharing the anchor's full category path (its leaf category or below) by
 * `rank` (trending or popularity; 0 when absent or missing), NaN elsewhere. Returns how many items
 * matched; 0 when the anchor has no category.
 */
export function sameCategoryScores(
  catalog: Catalog,
  anchor: number,
  rank: Float32Array | undefined,
  out: Float32Array,
): number {
  out.fill(NaN);
  const path = catalog[anchor]?.category;
  if (path === undefined || path.length === 0) return 0;
  let matched = 0;
  const n = Math.min(out.length, catalog.length);
  for (let i = 0; i < n; i++) {
    if (!hasCategoryPrefix(catalog[i]?.category, path)) continue;
    out[i] = rank?.[i] ?? 0;
    matched++;
  }
  return matched;
}
