import { describe, expect, it } from 'vitest';
import { OptionError } from '../../../src/core/errors';
import { mmrSelect } from '../../../src/core/serve/mmr';
import { topK } from '../../../src/core/serve/top-k';
import { handBuiltModel, randomModel } from './serve-fixtures';

describe('mmrSelect', () => {
  it('with λ = 1 keeps the relevance order exactly', () => {
    const model = randomModel(200, 8, 5);
    const scores = new Float32Array(200);
    for (let i = 0; i < 200; i++) scores[i] = Math.sin(i * 1.7);
    const top = topK(scores, 50);
    const order = mmrSelect({
      candidates: top.indices,
      relevance: top.scores,
      k: 10,
      lambda: 1,
      table: model,
    });
    expect(Array.from(order)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('with λ < 1 picks a different item over a near-duplicate of the first pick', () => {
    // 0 and 1 are near-duplicates; 2 points elsewhere and is a little less relevant.
    const model = handBuiltModel([
      [1, 0, 0],
      [0.99, 0.05, 0],
      [0, 0, 1],
      [0.2, 1, 0],
    ]);
    const candidates = Int32Array.from([0, 1, 2, 3]);
    const relevance = Float32Array.from([1, 0.95, 0.9, 0.1]);
    const plain = mmrSelect({ candidates, relevance, k: 3, lambda: 1, table: model });
    expect(Array.from(plain)).toEqual([0, 1, 2]);
    const diverse = mmrSelect({ candidates, relevance, k: 3, lambda: 0.5, table: model });
    expect(Array.from(diverse.slice(0, 2))).toEqual([0, 2]);
  });

  it('returns every candidate when k exceeds the pool', () => {
    const model = handBuiltModel([
      [1, 0],
      [0, 1],
    ]);
    const order = mmrSelect({
      candidates: Int32Array.from([1, 0]),
      relevance: Float32Array.from([2, 1]),
      k: 5,
      lambda: 0.3,
      table: model,
    });
    expect(Array.from(order)).toEqual([0, 1]);
  });

  it('rejects λ outside [0, 1]', () => {
    const model = handBuiltModel([[1]]);
    const base = {
      candidates: Int32Array.from([0]),
      relevance: Float32Array.from([1]),
      k: 1,
      table: model,
    };
    expect(() => mmrSelect({ ...base, lambda: 1.2 })).toThrow(OptionError);
    expect(() => mmrSelect({ ...base, lambda: -0.1 })).toThrow(OptionError);
    expect(() => mmrSelect({ ...base, lambda: NaN })).toThrow(OptionError);
  });
});
