import { describe, expect, it } from 'vitest';
import { encodeModelFile } from '../../src/core/model-file';
import {
  createInitialModel,
  decodeFederatedModel,
  encodeFederatedModel,
} from '../../src/federated/federated-model';

describe('federated model file', () => {
  it('round-trips the model and its version', () => {
    const model = {
      ...createInitialModel({ numItems: 9, seed: 1, hyper: { factors: 5 } }),
      userWeightNorm: 3.5,
    };
    const back = decodeFederatedModel(encodeFederatedModel({ version: 7, model }));
    expect(back.version).toBe(7);
    expect(back.model).toEqual(model);
  });

  it("carries a model's binary history confidence and rejects other values", () => {
    const model = {
      ...createInitialModel({ numItems: 4, seed: 1, hyper: { factors: 2 } }),
      historyConfidence: 'binary' as const,
    };
    const bytes = encodeFederatedModel({ version: 2, model });
    expect(decodeFederatedModel(bytes).model.historyConfidence).toBe('binary');
    const plain = createInitialModel({ numItems: 4, seed: 1, hyper: { factors: 2 } });
    expect(
      decodeFederatedModel(encodeFederatedModel({ version: 2, model: plain })).model,
    ).not.toHaveProperty('historyConfidence');
    const { kind: _k, numItems: _n, itemFactors, itemBias, ...params } = plain;
    const odd = encodeModelFile({
      header: {
        kind: 'hearth-federated-model',
        schema: 1,
        version: 1,
        numItems: 4,
        mf: params,
        historyConfidence: 'linear',
      },
      tensors: { itemFactors, itemBias },
      shapes: { itemFactors: [4, 2] },
    });
    expect(() => decodeFederatedModel(odd)).toThrow(/historyConfidence/);
  });

  it('starts from the centralized initialisation with zero biases', () => {
    const m = createInitialModel({ numItems: 4, seed: 2 });
    expect(m.factors).toBe(64);
    expect(m.itemFactors).toHaveLength(256);
    expect(Array.from(m.itemBias)).toEqual([0, 0, 0, 0]);
    expect(() => createInitialModel({ numItems: 0, seed: 1 })).toThrow(/items/);
  });

  it('rejects other model files and inconsistent shapes', () => {
    const other = encodeModelFile({ header: { kind: 'something' }, tensors: {} });
    expect(() => decodeFederatedModel(other)).toThrow(/kind/);
    const m = createInitialModel({ numItems: 3, seed: 1, hyper: { factors: 2 } });
    const bad = encodeModelFile({
      header: {
        kind: 'hearth-federated-model',
        version: 1,
        numItems: 3,
        mf: { ...m, kind: null, itemFactors: null, itemBias: null, numItems: null },
      },
      tensors: { itemFactors: new Float32Array(5), itemBias: m.itemBias },
    });
    expect(() => decodeFederatedModel(bad)).toThrow(/shape/);
  });
});
