/**
 * Per-item top-N neighbour lists in CSR form (used by ItemKNN, co-occurrence and similar-item
 * rows). Neighbours of item `i` are `indices[indptr[i]..indptr[i+1])`, sorted by descending score.
 */
export interface SparseNeighbors {
  readonly numItems: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly scores: Float32Array;
}

/** Neighbours of `item` as parallel views (no copies). */
export function neighborsOf(
  n: SparseNeighbors,
  item: number,
): { readonly indices: Int32Array; readonly scores: Float32Array } {
  const start = n.indptr[item] ?? 0;
  const end = n.indptr[item + 1] ?? start;
  return { indices: n.indices.subarray(start, end), scores: n.scores.subarray(start, end) };
}
