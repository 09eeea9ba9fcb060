import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_KIND, decodeBundle, encodeBundle } from '../../../src/core/bundle/bundle-file';
import { MAX_MODEL_PARAMETER } from '../../../src/core/bundle/check-bundle-values';
import { decodeServingBundle } from '../../../src/core/bundle/decode-bundle';
import { withContentTower } from '../../../src/core/bundle/decode-full-bundle';
import type { ModelBundle } from '../../../src/core/bundle/model-bundle';
import { trainModelBundle } from '../../../src/core/bundle/train-bundle';
import { ModelFileError } from '../../../src/core/errors';
import type { ModelTensor } from '../../../src/core/model-file';
import { decodeModelFile } from '../../../src/core/model-file';
import {
  createInitialModel,
  decodeFederatedModel,
  encodeFederatedModel,
} from '../../../src/federated/federated-model';
import { smallBundleData } from '../../fixtures/synthetic';
import { editBundleFile, expectModelFileError } from './edit-bundle-file';

const { dataset, catalog } = smallBundleData();
let bundle: ModelBundle;
let bytes: Uint8Array;

beforeAll(async () => {
  bundle = await trainModelBundle({ dataset, catalog, mf: { factors: 8, epochs: 3 } });
  bytes = encodeBundle(bundle);
});

/** The bundle file re-encoded with edited header and tensors (valid length and checksum). */
const reencode = (
  edit: (header: Record<string, unknown>, tensors: Record<string, ModelTensor>) => void,
): Uint8Array => editBundleFile(bytes, edit);

describe('encodeBundle / decodeBundle', () => {
  it('round-trips every array and field', () => {
    const back = decodeBundle(bytes);
    expect(back.createdAt).toBe(bundle.createdAt);
    expect(back.itemIds).toEqual(bundle.itemIds);
    const { itemFactors, itemBias, ...params } = bundle.mf;
    const { itemFactors: f2, itemBias: b2, ...params2 } = back.mf;
    expect(params2).toEqual(params);
    expect(Array.from(f2)).toEqual(Array.from(itemFactors));
    expect(Array.from(b2)).toEqual(Array.from(itemBias));
    expect(Array.from(back.popularity)).toEqual(Array.from(bundle.popularity));
    expect(Array.from(back.trending.scores)).toEqual(Array.from(bundle.trending.scores));
    expect(back.trending.now).toBe(bundle.trending.now);
    expect(back.trending.halfLifeMs).toBe(bundle.trending.halfLifeMs);
    expect(back.coOccurrence.numItems).toBe(bundle.coOccurrence.numItems);
    expect(Array.from(back.coOccurrence.indptr)).toEqual(Array.from(bundle.coOccurrence.indptr));
    expect(Array.from(back.coOccurrence.indices)).toEqual(Array.from(bundle.coOccurrence.indices));
    expect(Array.from(back.coOccurrence.scores)).toEqual(Array.from(bundle.coOccurrence.scores));
    expect(back.training).toEqual(bundle.training);
  });

  it('restores a content tower that embeds identically', () => {
    const back = decodeBundle(bytes);
    expect(back.contentTower).not.toBeNull();
    const unseen = { id: 'new', title: 'cosmic gadget', tags: ['cosmic'], category: ['Shop'] };
    for (const item of [...catalog, unseen]) {
      const a = bundle.contentTower!.embed(item);
      const b = back.contentTower!.embed(item);
      expect(Array.from(b.vector)).toEqual(Array.from(a.vector));
      expect(b.bias).toBe(a.bias);
    }
  });

  it('a serving decode leaves the tower unbuilt but keeps it: re-encoding writes the same bytes', () => {
    const served = decodeServingBundle(bytes);
    expect(served.contentTower).toBeNull();
    expect(served.contentTowerState).toBeDefined();
    expect(Array.from(encodeBundle(served))).toEqual(Array.from(bytes));
    const built = withContentTower(served);
    const item = catalog[0]!;
    expect(Array.from(built.contentTower!.embed(item).vector)).toEqual(
      Array.from(bundle.contentTower!.embed(item).vector),
    );
  });

  it('accepts an ArrayBuffer and round-trips a bundle without content tower', async () => {
    const plain = await trainModelBundle({ dataset, mf: { factors: 4, epochs: 1 } });
    const encoded = encodeBundle(plain);
    const copy = encoded.slice().buffer;
    const back = decodeBundle(copy);
    expect(back.contentTower).toBeNull();
    expect(Array.from(back.mf.itemFactors)).toEqual(Array.from(plain.mf.itemFactors));
  });

  it('keeps an unknown trending time as NaN', () => {
    const back = decodeBundle(
      encodeBundle({ ...bundle, trending: { ...bundle.trending, now: NaN } }),
    );
    expect(back.trending.now).toBeNaN();
  });

  it('is deterministic: the same bundle encodes to the same bytes', () => {
    expect(Buffer.from(encodeBundle(bundle)).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('decodeBundle rejects damaged files', () => {
  it('flipped bytes anywhere → ModelFileError', () => {
    for (const at of [20, 200, Math.floor(bytes.length / 2), bytes.length - 10, bytes.length - 1]) {
      const damaged = bytes.slice();
      damaged[at]! ^= 0x5a;
      expect(() => decodeBundle(damaged), `byte ${at}`).toThrow(ModelFileError);
    }
    const damaged = bytes.slice();
    damaged[Math.floor(bytes.length / 2)]! ^= 1;
    expectModelFileError(() => decodeBundle(damaged), 'MODEL_FILE_CORRUPT');
  });

  it('truncated → MODEL_FILE_TRUNCATED', () => {
    for (const length of [bytes.length - 1, Math.floor(bytes.length / 2), 16]) {
      expectModelFileError(() => decodeBundle(bytes.slice(0, length)), 'MODEL_FILE_TRUNCATED');
    }
  });

  it('a tensor whose length does not match the header → MODEL_FILE_CORRUPT naming it', () => {
    const short = reencode((_h, t) => {
      t['mf.itemBias'] = (t['mf.itemBias'] as Float32Array).slice(1);
    });
    expect(expectModelFileError(() => decodeBundle(short), 'MODEL_FILE_CORRUPT')).toContain(
      'mf.itemBias',
    );
    // More item ids in the header than rows in the tensors.
    const moreIds = reencode((h) => {
      h['itemIds'] = [...(h['itemIds'] as string[]), 'extra-item'];
    });
    expectModelFileError(() => decodeBundle(moreIds), 'MODEL_FILE_CORRUPT');
    const wrongFactors = reencode((h) => {
      (h['mf'] as Record<string, number>)['factors'] = 7;
    });
    expectModelFileError(() => decodeBundle(wrongFactors), 'MODEL_FILE_CORRUPT');
  });

  it('missing or mistyped tensors → MODEL_FILE_CORRUPT', () => {
    const missing = reencode((_h, t) => {
      delete t['popularity'];
    });
    expectModelFileError(() => decodeBundle(missing), 'MODEL_FILE_CORRUPT');
    const mistyped = reencode((_h, t) => {
      t['cooc.indptr'] = Float32Array.from(t['cooc.indptr'] as Int32Array);
    });
    expectModelFileError(() => decodeBundle(mistyped), 'MODEL_FILE_CORRUPT');
  });

  it('inconsistent co-occurrence lists → MODEL_FILE_CORRUPT', () => {
    const outOfRange = reencode((_h, t) => {
      const indices = (t['cooc.indices'] as Int32Array).slice();
      indices[0] = 10_000;
      t['cooc.indices'] = indices;
    });
    expectModelFileError(() => decodeBundle(outOfRange), 'MODEL_FILE_CORRUPT');
    const unordered = reencode((_h, t) => {
      const indptr = (t['cooc.indptr'] as Int32Array).slice();
      indptr[1] = indptr[indptr.length - 1]! + 1;
      t['cooc.indptr'] = indptr;
    });
    expectModelFileError(() => decodeBundle(unordered), 'MODEL_FILE_CORRUPT');
  });

  it('a bad content tower → MODEL_FILE_CORRUPT', () => {
    const noWeights = reencode((_h, t) => {
      delete t['tower.weights'];
    });
    expectModelFileError(() => decodeBundle(noWeights), 'MODEL_FILE_CORRUPT');
  });

  it('another kind → MODEL_FILE_CORRUPT; another schema → MODEL_FILE_VERSION', () => {
    expect(BUNDLE_KIND).toBe('hearth-model-bundle');
    const otherKind = reencode((h) => {
      h['kind'] = 'something-else';
    });
    expectModelFileError(() => decodeBundle(otherKind), 'MODEL_FILE_CORRUPT');
    const newer = reencode((h) => {
      h['schema'] = 3;
    });
    expectModelFileError(() => decodeBundle(newer), 'MODEL_FILE_VERSION');
  });

  it('non-numeric MF parameters → MODEL_FILE_CORRUPT', () => {
    const bad = reencode((h) => {
      (h['mf'] as Record<string, unknown>)['biasScale'] = 'high';
    });
    expectModelFileError(() => decodeBundle(bad), 'MODEL_FILE_CORRUPT');
  });

  it('not a model file at all → MODEL_FILE_CORRUPT', () => {
    expectModelFileError(
      () => decodeBundle(new TextEncoder().encode('{"hello": "world"}')),
      'MODEL_FILE_CORRUPT',
    );
  });
});

/** A correctly sealed file (valid length and checksum) whose tensor `name` has `value` at `at`. */
function crafted(name: string, at: number, value: number): Uint8Array {
  return reencode((_h, tensors) => {
    const copy = (tensors[name] as Float32Array).slice();
    copy[at] = value;
    tensors[name] = copy;
  });
}

function rejection(file: Uint8Array): string {
  return expectModelFileError(() => decodeBundle(file), 'MODEL_FILE_CORRUPT');
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
    const file = reencode((header) => {
      (header['eventWeights'] as Record<string, number>)['purchase'] = 3.5e38;
    });
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
