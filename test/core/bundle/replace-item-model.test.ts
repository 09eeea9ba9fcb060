import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBundle } from '../../../src/core/bundle/bundle-file';
import { decodeServingBundle } from '../../../src/core/bundle/decode-bundle';
import type { ModelBundle } from '../../../src/core/bundle/model-bundle';
import { replaceItemModel } from '../../../src/core/bundle/replace-item-model';
import { trainModelBundle } from '../../../src/core/bundle/train-bundle';
import type { MfModel } from '../../../src/core/models/mf/mf-model';
import { SMALL_BUNDLE, smallBundleData } from '../../fixtures/synthetic';

const K = 8;
const { items, extra } = SMALL_BUNDLE;
const { dataset, catalog } = smallBundleData();
let bundle: ModelBundle;

beforeAll(async () => {
  bundle = await trainModelBundle({ dataset, catalog, mf: { factors: K, epochs: 4 } });
});

/** The bundle's model with factor columns reversed and the catalog-only rows zeroed. */
function rotatedGlobalModel(b: ModelBundle): MfModel {
  const f = new Float32Array(b.mf.itemFactors.length);
  for (let i = 0; i < items; i++)
    for (let d = 0; d < K; d++) f[i * K + d] = b.mf.itemFactors[i * K + (K - 1 - d)]!;
  return { ...b.mf, itemFactors: f };
}

describe('replaceItemModel', () => {
  it('folds visitors in as the new model was built: binary for a binary-history model', () => {
    const tuned = { ...bundle, confidence: { kind: 'linear' as const, epsilon: 1, scale: 0.5 } };
    const kept = replaceItemModel({ bundle: tuned, mf: rotatedGlobalModel(bundle), catalog });
    expect(kept.confidence).toEqual(tuned.confidence);
    const binary = replaceItemModel({
      bundle: tuned,
      mf: { ...rotatedGlobalModel(bundle), historyConfidence: 'binary' },
      catalog,
    });
    expect(binary.confidence).toEqual({ kind: 'binary', epsilon: 1, scale: 1 });
  });

  it('refits the tower of a bundle decoded for serving (tower kept as stored state)', () => {
    const served = decodeServingBundle(encodeBundle(bundle));
    expect(served.contentTower).toBeNull();
    const next = replaceItemModel({ bundle: served, mf: rotatedGlobalModel(bundle), catalog });
    expect(next.contentTower).not.toBeNull();
    expect(next.contentTowerState).toBeUndefined();
    const direct = replaceItemModel({ bundle, mf: rotatedGlobalModel(bundle), catalog });
    expect(Array.from(next.mf.itemFactors)).toEqual(Array.from(direct.mf.itemFactors));
  });

  it('refits the content tower in the new factor space and embeds items without signal with it', () => {
    const next = replaceItemModel({ bundle, mf: rotatedGlobalModel(bundle), catalog });
    expect(next.contentTower).not.toBe(bundle.contentTower);
    // Ridge regression is equivariant to a rotation of its targets: the catalog-only items' new
    // embeddings are their old ones with the columns reversed.
    for (let i = items; i < items + extra; i++) {
      for (let d = 0; d < K; d++) {
        expect(next.mf.itemFactors[i * K + d]).toBeCloseTo(
          bundle.mf.itemFactors[i * K + (K - 1 - d)]!,
          3,
        );
      }
    }
    // Warm rows are served as given.
    expect(Array.from(next.mf.itemFactors.subarray(0, items * K))).toEqual(
      Array.from(rotatedGlobalModel(bundle).itemFactors.subarray(0, items * K)),
    );
    expect(next.itemIds).toBe(bundle.itemIds);
  });

  it('only swaps the model when the bundle has no content tower or no catalog', () => {
    const mf = rotatedGlobalModel(bundle);
    expect(replaceItemModel({ bundle, mf, catalog: [] }).mf).toBe(mf);
    const noTower = replaceItemModel({ bundle: { ...bundle, contentTower: null }, mf, catalog });
    expect(noTower.mf).toBe(mf);
    expect(noTower.contentTower).toBeNull();
  });

  it('refuses a model for a different number of items', () => {
    expect(() => replaceItemModel({ bundle, mf: { ...bundle.mf, numItems: 3 }, catalog })).toThrow(
      /same catalog/,
    );
  });
});
