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

// Serving needs only the transpose: it lives in its own module so that the builder's sorting
// code (training only) stays out of the widget's serve chunk.
export { transposeCsr } from './csr-transpose';

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
  const counts = new Int32Array(rows + 1);
  for (let e = 0; e < n; e++) counts[rowIdx[e]! + 1]!++;
  for (let r = 0; r < rows; r++) counts[r + 1]! += counts[r]!;
  const cursor = counts.slice(0, rows);
  const tmpCols = new Int32Array(n);
  const tmpVals = new Float32Array(n);
  for (let e = 0; e < n; e++) {
    const r = rowIdx[e]!;
    const p = cursor[r]!++;
    tmpCols[p] = colIdx[e]!;
    tmpVals[p] = weights ? weights[e]! : 1;
  }
  // Sort each row by column (stable: duplicates stay in input order, so their float sums equal a
  // sequential sum) and merge duplicates.
  const sorter = createRowSorter(tmpCols, tmpVals, cols);
  const indptr = new Int32Array(rows + 1);
  const outCols = new Int32Array(n);
  const outVals = new Float32Array(n);
  let out = 0;
  for (let r = 0; r < rows; r++) {
    const start = counts[r]!;
    const end = counts[r + 1]!;
    sorter(start, end);
    const rowStart = out;
    let lastCol = -1;
    for (let p = start; p < end; p++) {
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
    // Drop non-positive merged entries.
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

/** Rows up to this long are insertion-sorted; longer ones go through a native numeric sort. */
const INSERTION_SORT_MAX = 32;

/**
 * A stable in-place sort of `cols[start, end)` (with `vals` alongside) by column: insertion sort
 * for short rows, and for long ones a native sort of keys `column · length + position`, which
 * are distinct, exact doubles (below 2^53) and keep equal columns in position order.
 */
function createRowSorter(
  cols: Int32Array,
  vals: Float32Array,
  numCols: number,
): (start: number, end: number) => void {
  let keys = new Float64Array(0);
  let scratchCols = new Int32Array(0);
  let scratchVals = new Float32Array(0);
  return (start, end) => {
    const length = end - start;
    if (length <= INSERTION_SORT_MAX) {
      for (let p = start + 1; p < end; p++) {
        const c = cols[p]!;
        if (c >= cols[p - 1]!) continue;
        const v = vals[p]!;
        let q = p - 1;
        while (q >= start && cols[q]! > c) {
          cols[q + 1] = cols[q]!;
          vals[q + 1] = vals[q]!;
          q--;
        }
        cols[q + 1] = c;
        vals[q + 1] = v;
      }
      return;
    }
    if (numCols * length >= Number.MAX_SAFE_INTEGER) {
      sortByComparison(cols, vals, start, end);
      return;
    }
    if (keys.length < length) {
      keys = new Float64Array(length);
      scratchCols = new Int32Array(length);
      scratchVals = new Float32Array(length);
    }
    const view = keys.subarray(0, length);
    for (let k = 0; k < length; k++) view[k] = cols[start + k]! * length + k;
    view.sort();
    for (let k = 0; k < length; k++) {
      const from = start + (view[k]! % length);
      scratchCols[k] = cols[from]!;
      scratchVals[k] = vals[from]!;
    }
    cols.set(scratchCols.subarray(0, length), start);
    vals.set(scratchVals.subarray(0, length), start);
  };
}

/** Stable sort of a row by column through a comparison sort (rows too long for exact keys). */
function sortByComparison(cols: Int32Array, vals: Float32Array, start: number, end: number): void {
  const order = Array.from({ length: end - start }, (_, k) => start + k);
  order.sort((a, b) => cols[a]! - cols[b]!);
  const sortedCols = Int32Array.from(order, (p) => cols[p]!);
  const sortedVals = Float32Array.from(order, (p) => vals[p]!);
  cols.set(sortedCols, start);
  vals.set(sortedVals, start);
}

/** Column indices of row `r` (a view, not a copy). */
export function rowIndices(m: CsrMatrix, r: number): Int32Array {
  return m.indices.subarray(m.indptr[r]!, m.indptr[r + 1]!);
}
