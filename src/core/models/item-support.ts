import type { CsrMatrix } from '../data/csr-matrix';

/**
 * Number of distinct rows (users, baskets) holding each column (item) of `matrix`. Every stored
 * entry counts once: CSR rows hold unique columns with positive weights.
 */
export function itemSupport(matrix: CsrMatrix): Int32Array {
  const support = new Int32Array(matrix.cols);
  const { indices } = matrix;
  for (let p = 0; p < indices.length; p++) support[indices[p]!]!++;
  return support;
}
