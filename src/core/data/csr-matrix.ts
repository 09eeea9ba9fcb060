/**
 * Compressed sparse row matrix of implicit-feedback weights (rows × cols). Column indices within
 * a row are sorted ascending and unique.
 */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Row start offsets, length rows + 1. */
  readonly indptr: Int32Array;
  /** Column index of each stored entry. */
  readonly indices: Int32Array;
  /** Weight of each stored entry (> 0). */
  readonly values: Float32Array;
}

/** Number of stored entries. */
export function nnz(m: CsrMatrix): number {
  return m.indices.length;
}

/**
 * Builds a CSR matrix from COO triplets, summing duplicates. Entries whose summed weight is not
 * positive are dropped (e.g. a view cancelled by a dismissal) — that is feedback, not bad data.
 */
export function csrFromCoo(
  rows: number,
  cols: number,
  rowIdx: Int32Array,
  colIdx: Int32Array,
  weights: Float32Array | null,
): CsrMatrix {
  const n = rowIdx.length;
  // Two stable counting sorts, by column then by row, leave each row's entries sorted by column
  // with duplicates in input order (so their float sums equal a sequential sum) in O(n).
  const byColumn = new Int32Array(n);
  const colStart = new Int32Array(cols + 1);
  for (let e = 0; e < n; e++) colStart[colIdx[e]! + 1]!++;
  for (let c = 0; c < cols; c++) colStart[c + 1]! += colStart[c]!;
  for (let e = 0; e < n; e++) byColumn[colStart[colIdx[e]!]!++] = e;
  const counts = new Int32Array(rows + 1);
  for (let e = 0; e < n; e++) counts[rowIdx[e]! + 1]!++;
  for (let r = 0; r < rows; r++) counts[r + 1]! += counts[r]!;
  const cursor = counts.slice(0, rows);
  const tmpCols = new Int32Array(n);
  const tmpVals = new Float32Array(n);
  for (let q = 0; q < n; q++) {
    const e = byColumn[q]!;
    const p = cursor[rowIdx[e]!]!++;
    tmpCols[p] = colIdx[e]!;
    tmpVals[p] = weights ? weights[e]! : 1;
  }
  // Merge duplicates and drop non-positive merged entries, row by row.
  const indptr = new Int32Array(rows + 1);
  const outCols = new Int32Array(n);
  const outVals = new Float32Array(n);
  let out = 0;
  for (let r = 0; r < rows; r++) {
    const rowStart = out;
    let lastCol = -1;
    for (let p = counts[r]!; p < counts[r + 1]!; p++) {
      const c = tmpCols[p]!;
      if (c === lastCol) {
        outVals[out - 1]! += tmpVals[p]!;
      } else {
        outCols[out] = c;
        outVals[out] = tmpVals[p]!;
        out++;
        lastCol = c;
      }
    }
    let w = rowStart;
    for (let p = rowStart; p < out; p++) {
      if (outVals[p]! > 0) {
        outCols[w] = outCols[p]!;
        outVals[w] = outVals[p]!;
        w++;
      }
    }
    out = w;
    indptr[r + 1] = out;
  }
  return {
    rows,
    cols,
    indptr,
    indices: outCols.slice(0, out),
    values: outVals.slice(0, out),
  };
}

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

/** Column indices of row `r` (a view, not a copy). */
export function rowIndices(m: CsrMatrix, r: number): Int32Array {
  return m.indices.subarray(m.indptr[r]!, m.indptr[r + 1]!);
}
