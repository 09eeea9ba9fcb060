import { describe, expect, it } from 'vitest';
import { csrFromCoo } from '../../../../src/core/data/csr-matrix';
import { confidenceMatrix } from '../../../../src/core/models/mf/mf-trainer';
import { DEFAULT_MF_OPTIONS, trainTypedMf } from '../../../../src/core/models/mf/train-typed';
import { plantedMatrix } from '../../../fixtures/synthetic';

// User 0: 1 item (weight 2); user 1: 4 items (weights 1); user 2: none; user 3: 2 items (1, 3).
const matrix = csrFromCoo(
  4,
  5,
  Int32Array.from([0, 1, 1, 1, 1, 3, 3]),
  Int32Array.from([2, 0, 1, 2, 3, 0, 4]),
  Float32Array.from([2, 1, 1, 1, 1, 1, 3]),
);

describe('confidenceMatrix', () => {
  it('is the identity with userWeightNorm 1 when δ = 0', () => {
    const c = confidenceMatrix(matrix, 0);
    expect(Array.from(c.values)).toEqual(Array.from(matrix.values));
    expect(c.userWeightNorm).toBe(1);
  });

  it('scales by |I_u|^(−δ) and renormalises to the mean weight', () => {
    const c = confidenceMatrix(matrix, 0.5);
    // Before normalisation: 2·1, four × 1·½, (1, 3)·2^(−½). Sum of weights 10.
    const raw = [2, 0.5, 0.5, 0.5, 0.5, Math.SQRT1_2, 3 * Math.SQRT1_2];
    const rawSum = raw.reduce((a, b) => a + b, 0);
    const norm = 10 / rawSum;
    expect(c.userWeightNorm).toBeCloseTo(norm, 6);
    raw.forEach((r, p) => expect(c.values[p]).toBeCloseTo(r * norm, 5));
    const sum = Array.from(c.values).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(10, 4);
  });

  it('with δ = 1 gives every user the same total confidence per unit weight', () => {
    const c = confidenceMatrix(matrix, 1);
    // User 1 has four entries of weight 1: each gets norm / 4; user 0's single entry gets 2·norm.
    expect(c.values[1]! * 4).toBeCloseTo(c.userWeightNorm, 5);
    expect(c.values[0]).toBeCloseTo(2 * c.userWeightNorm, 5);
  });

  it('keeps the structure and does not modify its input', () => {
    const before = Array.from(matrix.values);
    const c = confidenceMatrix(matrix, 0.7);
    expect(c.indptr).toBe(matrix.indptr);
    expect(c.indices).toBe(matrix.indices);
    expect(c.rows).toBe(4);
    expect(c.cols).toBe(5);
    expect(Array.from(matrix.values)).toEqual(before);
  });

  it('is what training stores as the model userWeightNorm', async () => {
    const m = plantedMatrix({ users: 40, items: 30, seed: 2 });
    const result = await trainTypedMf(m, {
      ...DEFAULT_MF_OPTIONS,
      factors: 4,
      epochs: 1,
      userWeightExponent: 0.5,
    });
    expect(result.model.userWeightNorm).toBeCloseTo(confidenceMatrix(m, 0.5).userWeightNorm, 6);
    expect(result.model.userWeightNorm).not.toBe(1);
  });
});
