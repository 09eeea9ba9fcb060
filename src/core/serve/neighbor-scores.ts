import { transposeCsr } from '../data/csr-transpose';
import { OptionError } from '../errors';
import type { SparseNeighbors } from '../models/sparse-neighbors';

/**
 * Scores every item from a visitor's history through per-item neighbour lists, the way a bundle
 * serves a neighbour family (ItemKNN, EASE) or the neighbour half of a blend.
 */
export interface NeighborScorer {
  readonly numItems: number;
  /**
   * Writes into `out` (length `numItems`) Σ_{h ∈ items} w(h → i) for every item i, where w(h → i)
   * is h's score in the neighbour list of i (0 when absent), times `weights[h]` when given.
   * Duplicates count again.
   */
  scoreHistory(items: ArrayLike<number>, out: Float32Array, weights?: ArrayLike<number>): void;
}

/**
 * Builds a {@link NeighborScorer} over lists whose row i holds the history items that speak for
 * item i (ItemKNN's neighbours, `EaseModel.toNeighbors`). The lists are transposed once so a
 * history costs O(Σ_h |items listing h|), not a pass over the catalog.
 */
export function createNeighborScorer(neighbors: SparseNeighbors): NeighborScorer {
  const n = neighbors.numItems;
  const reverse = transposeCsr({
    rows: n,
    cols: n,
    indptr: neighbors.indptr,
    indices: neighbors.indices,
    values: neighbors.scores,
  });
  const { indptr, indices, values } = reverse;
  return {
    numItems: n,
    scoreHistory(items, out, weights) {
      out.fill(0);
      for (let k = 0; k < items.length; k++) {
        const h = items[k]!;
        if (!(h >= 0 && h < n) || !Number.isInteger(h)) {
          throw new OptionError(`History item index ${h} is outside the model's ${n} items.`);
        }
        const w = weights?.[k] ?? 1;
        for (let p = indptr[h]!; p < indptr[h + 1]!; p++) out[indices[p]!]! += w * values[p]!;
      }
    },
  };
}

/**
 * For-you scoring of a neighbour family or blend as a bundle records it: final score =
 * `mfWeight·mfScore + neighborWeight·Σ_h w(h → i)` over the visitor's positive history items.
 */
export interface NeighborScoring {
  readonly lists: SparseNeighbors;
  readonly mfWeight: number;
  readonly neighborWeight: number;
}

/**
 * Returns a function that mixes neighbour scores into MF scores in place (`scores` are the MF
 * scores of every item; items beyond the lists keep their weighted MF score) and says whether it
 * did: a history with no neighbour evidence at all keeps the MF scores as they are. `historyWeights`
 * (parallel to `historyItems`, default 1 each) scale each history item's neighbour scores, e.g.
 * towards recent items.
 */
export function createNeighborMixer(
  scoring: NeighborScoring,
): (
  scores: Float32Array,
  historyItems: ArrayLike<number>,
  historyWeights?: ArrayLike<number>,
) => boolean {
  const scorer = createNeighborScorer(scoring.lists);
  const buffer = new Float32Array(scorer.numItems);
  return (scores, historyItems, historyWeights) => {
    const known: number[] = [];
    const weights: number[] = [];
    for (let h = 0; h < historyItems.length; h++) {
      const item = historyItems[h]!;
      if (item < scorer.numItems) {
        known.push(item);
        weights.push(historyWeights?.[h] ?? 1);
      }
    }
    scorer.scoreHistory(known, buffer, weights);
    // No neighbour evidence (history outside the lists, e.g. beyond EASE's item cap): the MF
    // scores alone still personalise, where mixing would zero them.
    if (!buffer.some((v) => v !== 0)) return false;
    const limit = Math.min(scores.length, buffer.length);
    for (let i = 0; i < scores.length; i++) scores[i]! *= scoring.mfWeight;
    for (let i = 0; i < limit; i++) scores[i]! += scoring.neighborWeight * buffer[i]!;
    return true;
  };
}
