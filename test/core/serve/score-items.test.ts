import { describe, expect, it } from 'vitest';
import { OptionError } from '../../../src/core/errors';
import { scoreItems } from '../../../src/core/serve/score-items';
import { cosineToAll, itemNorms } from '../../../src/core/serve/similarity';
import { randomModel } from './serve-fixtures';

function naiveScore(model: ReturnType<typeof randomModel>, x: Float32Array, i: number): number {
  let s = 0;
  for (let d = 0; d < model.factors; d++) s += x[d]! * model.itemFactors[i * model.factors + d]!;
  return s + model.itemBias[i]!;
}

describe('scoreItems', () => {
  it('computes x·v_i + b_i for every item, including the tail after the unrolled blocks', () => {
    const model = randomModel(29, 5, 1);
    const x = Float32Array.from([0.5, -1, 2, 0.25, 1]);
    const out = scoreItems(x, model);
    expect(out).toHaveLength(29);
    for (let i = 0; i < 29; i++) expect(out[i]).toBeCloseTo(naiveScore(model, x, i), 5);
  });

  it('writes into a given buffer and leaves out the bias when the table has none', () => {
    const model = randomModel(16, 3, 2);
    const x = Float32Array.from([1, 2, 3]);
    const out = new Float32Array(16);
    const table = { numItems: 16, factors: 3, itemFactors: model.itemFactors };
    expect(scoreItems(x, table, out)).toBe(out);
    for (let i = 0; i < 16; i++) {
      expect(out[i]).toBeCloseTo(naiveScore(model, x, i) - model.itemBias[i]!, 5);
    }
  });

  it('multiplies the bias by the model biasScale', () => {
    const model = { ...randomModel(10, 2, 4), biasScale: 0.5 };
    const x = Float32Array.from([1, -1]);
    const out = scoreItems(x, model);
    for (let i = 0; i < 10; i++) {
      expect(out[i]).toBeCloseTo(naiveScore(model, x, i) - 0.5 * model.itemBias[i]!, 5);
    }
  });

  it('rejects a user vector of the wrong size and a too small output buffer', () => {
    const model = randomModel(4, 3, 3);
    expect(() => scoreItems(new Float32Array(2), model)).toThrow(OptionError);
    expect(() => scoreItems(new Float32Array(3), model, new Float32Array(3))).toThrow(OptionError);
  });
});

describe('cosineToAll', () => {
  it('gives the cosine to every item and NaN for items without an embedding', () => {
    const table = {
      numItems: 3,
      factors: 2,
      itemFactors: Float32Array.from([1, 0, 1, 1, 0, 0]),
    };
    const out = cosineToAll(Float32Array.from([2, 0]), table, itemNorms(table));
    expect(out[0]).toBeCloseTo(1, 6);
    expect(out[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(out[2]).toBeNaN();
  });
});
