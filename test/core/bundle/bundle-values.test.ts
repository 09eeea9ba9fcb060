import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle } from '../../../src/core/bundle/bundle-file';
import { MAX_MODEL_PARAMETER } from '../../../src/core/bundle/check-bundle-values';
import type { ModelBundle } from '../../../src/core/bundle/model-bundle';
import { trainModelBundle } from '../../../src/core/bundle/train-bundle';
import { ModelFileError } from '../../../src/core/errors';
import type { JsonObject, ModelTensor } from '../../../src/core/model-file';
import { decodeModelFile, encodeModelFile } from '../../../src/core/model-file';
import {
  createInitialModel,
  decodeFederatedModel,
  encodeFederatedModel,
} from '../../../src/federated/federated-model';
import { smallBundleData } from '../../fixtures/synthetic';

const { dataset, catalog } = smallBundleData();
let bundle: ModelBundle;
let bytes: Uint8Array;

beforeAll(async () => {
  bundle = await trainModelBundle({ dataset, catalog, mf: { factors: 8, epochs: 3 } });
  bytes = encodeBundle(bundle);
});

/** A correctly sealed file (valid length and checksum) whose tensor `name` has `value` at `at`. */
function crafted(name: string, at: number, value: number): Uint8Array {
  const content = decodeModelFile(bytes);
  const tensors: Record<string, ModelTensor> = { ...content.tensors };
  const copy = (tensors[name] as Float32Array).slice();
  copy[at] = value;
  tensors[name] = copy;
  return encodeModelFile({ header: content.header, tensors });
}

function rejection(file: Uint8Array): string {
  try {
    decodeBundle(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).code).toBe('MODEL_FILE_CORRUPT');
    return (error as Error).message;
  }
  throw new Error('decodeBundle accepted a crafted file');
}

describe('#11 decodeBundle rejects sealed files with impossible values', () => {
  it('#11 ±Infinity or NaN popularity is rejected naming the tensor, row and item', () => {
    for (const value of [Infinity, -Infinity, NaN, -1]) {
      const message = rejection(crafted('popularity', 3, value));
      expect(message).toContain(`tensor "popularity" holds ${String(value)} at row 3`);
      expect(message).toContain(`(item "${bundle.itemIds[3]}")`);
    }
  });

  it('#11 an absurd bias (3e38) or a non-finite factor names the tensor and row', () => {
    expect(rejection(crafted('mf.itemBias', 5, 3e38))).toMatch(
      /tensor "mf\.itemBias" holds 3\.\d+e\+38 at row 5 \(item "[^"]+"\)/,
    );
    const k = bundle.mf.factors;
    expect(rejection(crafted('mf.itemFactors', 2 * k + 1, NaN))).toContain(
      'tensor "mf.itemFactors" holds NaN at row 2, column 1',
    );
    expect(rejection(crafted('mf.itemFactors', 0, MAX_MODEL_PARAMETER * 2))).toContain(
      'mf.itemFactors',
    );
  });

  it('#11 trending, co-occurrence and content-tower tensors are checked too', () => {
    expect(rejection(crafted('trending.scores', 0, Infinity))).toContain('trending.scores');
    expect(rejection(crafted('cooc.scores', 0, NaN))).toContain('cooc.scores');
    const towerTensor = Object.keys(decodeModelFile(bytes).tensors).find(
      (name) =>
        name.startsWith('tower.') && decodeModelFile(bytes).tensors[name] instanceof Float32Array,
    )!;
    expect(rejection(crafted(towerTensor, 0, -Infinity))).toContain(towerTensor);
  });

  it('#11 header numbers that would overflow scores are rejected naming the field', () => {
    const lists = bundle.coOccurrence;
    const withScoring = encodeBundle({
      ...bundle,
      neighborScoring: { lists, mfWeight: 1, neighborWeight: 1e308 },
    });
    expect(rejection(withScoring)).toContain('neighborScoring.neighborWeight');
    const content = decodeModelFile(bytes);
    const header = structuredClone(content.header) as Record<string, unknown>;
    (header['eventWeights'] as Record<string, number>)['purchase'] = 3.5e38;
    const file = encodeModelFile({ header: header as JsonObject, tensors: content.tensors });
    expect(rejection(file)).toContain('eventWeights.purchase');
  });

  it('a trained bundle and its extreme but legitimate values still load', () => {
    expect(decodeBundle(bytes).itemIds).toEqual(bundle.itemIds);
    const big = crafted('popularity', 0, 250_000);
    expect(decodeBundle(big).popularity[0]).toBe(250_000);
  });

  it('#11 the federated model file gets the same checks', () => {
    const model = createInitialModel({ numItems: 6, seed: 1, hyper: { factors: 4 } });
    expect(decodeFederatedModel(encodeFederatedModel({ version: 3, model })).version).toBe(3);
    const itemFactors = model.itemFactors.slice();
    itemFactors[9] = NaN;
    const bytes = encodeFederatedModel({ version: 3, model: { ...model, itemFactors } });
    expect(() => decodeFederatedModel(bytes)).toThrow(
      /tensor "itemFactors" holds NaN at row 2, column 1/,
    );
    const itemBias = model.itemBias.slice();
    itemBias[0] = -3e38;
    expect(() =>
      decodeFederatedModel(encodeFederatedModel({ version: 3, model: { ...model, itemBias } })),
    ).toThrow(ModelFileError);
  });
});
