import { describe, expect, it } from 'vitest';
import { csrFromCoo } from '../../../src/core/data/csr-matrix';
import { fitPopularity } from '../../../src/core/models/popularity';

describe('fitPopularity', () => {
  // Users × items; weights differ and one pair is repeated, but only distinct users count.
  const matrix = csrFromCoo(
    3,
    4,
    Int32Array.from([0, 0, 1, 1, 2, 2]),
    Int32Array.from([0, 1, 1, 2, 1, 1]),
    Float32Array.from([5, 1, 2, 9, 1, 1]),
  );

  it('counts distinct users per item', () => {
    const model = fitPopularity(matrix);
    expect(model.kind).toBe('popularity');
    expect(model.numItems).toBe(4);
    expect(Array.from(model.counts)).toEqual([1, 3, 1, 0]);
  });

  it('scores every user with the counts', () => {
    const model = fitPopularity(matrix);
    const out = new Float32Array(4).fill(-1);
    model.scoreUser(2, out);
    expect(Array.from(out)).toEqual([1, 3, 1, 0]);
  });

  it('handles an empty matrix', () => {
    const empty = csrFromCoo(0, 2, new Int32Array(0), new Int32Array(0), null);
    expect(Array.from(fitPopularity(empty).counts)).toEqual([0, 0]);
  });
});
