import { describe, expect, it } from 'vitest';
import { csrFromCoo } from '../../../src/core/data/csr-matrix';

/** Reference: entries summed in input order per (row, col), kept when positive, rows sorted. */
function naiveCsr(rows: number, rowIdx: Int32Array, colIdx: Int32Array, weights: Float32Array) {
  const perRow = Array.from({ length: rows }, () => new Map<number, number>());
  for (let e = 0; e < rowIdx.length; e++) {
    const row = perRow[rowIdx[e]!]!;
    // Float32 after every addition, as the CSR values are stored.
    row.set(colIdx[e]!, Math.fround((row.get(colIdx[e]!) ?? 0) + weights[e]!));
  }
  const indptr = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of perRow) {
    for (const [col, value] of [...row].sort((a, b) => a[0] - b[0])) {
      if (value > 0) {
        indices.push(col);
        values.push(value);
      }
    }
    indptr.push(indices.length);
  }
  return { indptr, indices, values };
}

describe('csrFromCoo', () => {
  it.each([
    ['long rows', 5000, 40, 60],
    ['short rows', 900, 300, 20],
  ])('sorts %s, sums duplicates in input order, drops non-positive sums', (_, n, rows, cols) => {
    let state = 12345;
    const next = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const rowIdx = Int32Array.from({ length: n }, () => Math.floor(next() * rows));
    const colIdx = Int32Array.from({ length: n }, () => Math.floor(next() * cols));
    const weights = Float32Array.from({ length: n }, () => Math.fround(next() * 3 - 0.7));
    const csr = csrFromCoo(rows, cols, rowIdx, colIdx, weights);
    const expected = naiveCsr(rows, rowIdx, colIdx, weights);
    expect(Array.from(csr.indptr)).toEqual(expected.indptr);
    expect(Array.from(csr.indices)).toEqual(expected.indices);
    expect(Array.from(csr.values)).toEqual(expected.values);
    expect(csr.values.length).toBeLessThan(n);
  });

  it('counts each pair once without weights', () => {
    const csr = csrFromCoo(2, 3, Int32Array.of(1, 0, 1, 1), Int32Array.of(2, 1, 0, 2), null);
    expect(Array.from(csr.indptr)).toEqual([0, 1, 3]);
    expect(Array.from(csr.indices)).toEqual([1, 0, 2]);
    expect(Array.from(csr.values)).toEqual([1, 1, 2]);
  });
});
