import { describe, expect, it } from 'vitest';
import type { CsrMatrix } from '../../src/core/data/csr-matrix';
import { createInitialModel } from '../../src/federated/federated-model';
import { createFoldInScorer, rowHistory } from '../../src/federated/fold-in-scorer';

/** Two users over 4 items with summed event weights (a view 1 … a purchase 8). */
const train: CsrMatrix = {
  rows: 2,
  cols: 4,
  indptr: Int32Array.from([0, 2, 3]),
  indices: Int32Array.from([0, 2, 1]),
  values: Float32Array.from([8, 1, 3]),
};

describe('rowHistory', () => {
  it('keeps the summed weights, or counts every item once for a binary-history model', () => {
    expect(rowHistory(train, 0)).toEqual([
      { item: 0, weight: 8 },
      { item: 2, weight: 1 },
    ]);
    expect(rowHistory(train, 0, {})).toEqual(rowHistory(train, 0));
    expect(rowHistory(train, 0, { historyConfidence: 'binary' })).toEqual([
      { item: 0, weight: 1 },
      { item: 2, weight: 1 },
    ]);
  });

  it('folds users into a binary-history model as if every weight were 1', () => {
    const model = createInitialModel({ numItems: 4, seed: 3, hyper: { factors: 3 } });
    const ones: CsrMatrix = { ...train, values: new Float32Array(3).fill(1) };
    const score = (m: typeof model, t: CsrMatrix) => {
      const out = new Float32Array(4);
      createFoldInScorer(m, t).scoreUser(0, out);
      return Array.from(out);
    };
    const binary = { ...model, historyConfidence: 'binary' as const };
    expect(score(binary, train)).toEqual(score(model, ones));
    expect(score(model, train)).not.toEqual(score(model, ones));
  });
});
