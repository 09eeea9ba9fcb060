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
