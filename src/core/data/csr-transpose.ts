import type { CsrMatrix } from './csr-matrix';

/** Transposes a CSR matrix (cols × rows); rows of the result are sorted. */
export function transposeCsr(m: CsrMatrix): CsrMatrix {
  const total = m.indices.length;
  const indptr = new Int32Array(m.cols + 1);
  for (let p = 0; p < total; p++) indptr[m.indices[p]! + 1]!++;
  for (let c = 0; c < m.cols; c++) indptr[c + 1]! += indptr[c]!;
  const cursor = indptr.slice(0, m.cols);
  const indices = new Int32Array(total);
  const values = new Float32Array(total);
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.indptr[r]!; p < m.indptr[r + 1]!; p++) {
      const c = m.indices[p]!;
      const q = cursor[c]!++;
      indices[q] = r;
      values[q] = m.values[p]!;
    }
  }
  return { rows: m.cols, cols: m.rows, indptr, indices, values };
}
