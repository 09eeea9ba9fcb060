import type { CsrMatrix } from '../data/csr-matrix';
import { transposeCsr } from '../data/csr-matrix';
import { itemSupport } from './item-support';
import type { SparseNeighbors } from './sparse-neighbors';
import { createTopNSelector } from './top-n-selector';

/** Options of {@link cosineNeighbors}; all are validated by the calling model factory. */
export interface CosineNeighborOptions {
  /** Neighbours kept per item (top-N by similarity). */
  readonly neighbors: number;
  /** λ added to the denominator: damps pairs backed by few co-occurrences. */
  readonly shrinkage: number;
  /** Asymmetry exponent α (0.5 = cosine). */
  readonly alpha: number;
  /** Pairs co-occurring in fewer rows than this are dropped. */
  readonly minSupport: number;
}

/** Item–item neighbours plus the per-item support they were normalised with. */
export interface CosineNeighborResult {
  readonly neighbors: SparseNeighbors;
  /** Distinct rows per item. */
  readonly support: Int32Array;
}

/**
 * Top-N item–item similarities of a binary rows × items matrix (entry weights are ignored):
 *
 *   sim(i, j) = c_ij / (n_i^α · n_j^(1−α) + λ)
 *
 * with c_ij the number of rows holding both items and n_i the rows holding item i. With α = 0.5
 * this is cosine similarity shrunk towards 0 by λ. Item i is never its own neighbour. Rows of the
 * co-occurrence matrix are computed one item at a time in a dense accumulator, so the cost is
 * Σ_rows |row|² and memory is O(items + output).
 */
export function cosineNeighbors(
  matrix: CsrMatrix,
  options: CosineNeighborOptions,
): CosineNeighborResult {
  const numItems = matrix.cols;
  const byItem = transposeCsr(matrix);
  const support = itemSupport(matrix);
  const { alpha, shrinkage, minSupport } = options;
  const keep = Math.min(options.neighbors, Math.max(numItems - 1, 0));
  const normLeft = new Float64Array(numItems);
  const normRight = new Float64Array(numItems);
  for (let i = 0; i < numItems; i++) {
    normLeft[i] = Math.pow(support[i]!, alpha);
    normRight[i] = Math.pow(support[i]!, 1 - alpha);
  }

  const counts = new Int32Array(numItems);
  const touched = new Int32Array(numItems);
  const selector = createTopNSelector(keep);
  const indptr = new Int32Array(numItems + 1);
  let capacity = Math.max(16, Math.min(keep * numItems, 4 * matrix.indices.length));
  let outIdx = new Int32Array(capacity);
  let outScore = new Float32Array(capacity);
  let written = 0;
  const rowPtr = matrix.indptr;
  const rowCols = matrix.indices;

  for (let i = 0; i < numItems; i++) {
    let nTouched = 0;
    for (let p = byItem.indptr[i]!; p < byItem.indptr[i + 1]!; p++) {
      const r = byItem.indices[p]!;
      for (let q = rowPtr[r]!; q < rowPtr[r + 1]!; q++) {
        const j = rowCols[q]!;
        if (counts[j] === 0) touched[nTouched++] = j;
        counts[j]!++;
      }
    }
    const left = normLeft[i]!;
    for (let t = 0; t < nTouched; t++) {
      const j = touched[t]!;
      const c = counts[j]!;
      counts[j] = 0;
      if (j === i || c < minSupport) continue;
      selector.offer(j, c / (left * normRight[j]! + shrinkage));
    }
    if (written + selector.size > capacity) {
      capacity = Math.max(capacity * 2, written + selector.size);
      const grownIdx = new Int32Array(capacity);
      grownIdx.set(outIdx.subarray(0, written));
      outIdx = grownIdx;
      const grownScore = new Float32Array(capacity);
      grownScore.set(outScore.subarray(0, written));
      outScore = grownScore;
    }
    written += selector.drain(outIdx, outScore, written);
    indptr[i + 1] = written;
  }

  return {
    neighbors: {
      numItems,
      indptr,
      indices: outIdx.slice(0, written),
      scores: outScore.slice(0, written),
    },
    support,
  };
}
