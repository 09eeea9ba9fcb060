import { dot } from '../math/linalg';
import type { ItemFactorTable } from './score-items';
import { dotAllRows } from './score-items';

/** Euclidean norm of every item's factor row (length `numItems`). Compute once per model. */
export function itemNorms(table: ItemFactorTable): Float32Array {
  const { numItems: n, factors: k, itemFactors: v } = table;
  const norms = new Float32Array(n);
  for (let i = 0; i < n; i++) norms[i] = Math.sqrt(dot(v, i * k, v, i * k, k));
  return norms;
}

/**
 * Cosine similarity between `query` (length `factors`) and every item row, into `out` (allocated
 * when not given). Items with all-zero rows, or a zero query, get NaN so rankers skip them.
 */
export function cosineToAll(
  query: Float32Array,
  table: ItemFactorTable,
  norms: Float32Array,
  out: Float32Array = new Float32Array(table.numItems),
): Float32Array {
  const n = table.numItems;
  const k = table.factors;
  dotAllRows(query, table.itemFactors, n, k, null, 1, out);
  const queryNorm = Math.sqrt(dot(query, 0, query, 0, k));
  for (let i = 0; i < n; i++) {
    const denom = queryNorm * norms[i]!;
    out[i] = denom > 0 ? out[i]! / denom : NaN;
  }
  return out;
}
