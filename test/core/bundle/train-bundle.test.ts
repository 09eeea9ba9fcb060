import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelBundle } from '../../../src/core/bundle/model-bundle';
import type { TrainStage } from '../../../src/core/bundle/train-bundle';
import { trainModelBundle } from '../../../src/core/bundle/train-bundle';
import { CancelledError, DataError } from '../../../src/core/errors';
import {
  SMALL_BUNDLE,
  clusterOf,
  datasetFromRows,
  plantedDataset,
  smallBundleData,
} from '../../fixtures/synthetic';

const MF = { factors: 8, epochs: 4 };
const { users, items, clusters, extra } = SMALL_BUNDLE;
const { dataset, catalog } = smallBundleData();
let bundle: ModelBundle;
const stages: TrainStage[] = [];
let progressEpochs: number[] = [];

beforeAll(async () => {
  const epochs: number[] = [];
  bundle = await trainModelBundle({
    dataset,
    catalog,
    mf: MF,
    onStage: (s) => stages.push(s),
    onProgress: (p) => epochs.push(p.epoch),
  });
  progressEpochs = epochs;
});

function cosine(a: Float32Array, ao: number, b: Float32Array, bo: number, k: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let d = 0; d < k; d++) {
    ab += a[ao + d]! * b[bo + d]!;
    aa += a[ao + d]! ** 2;
    bb += b[bo + d]! ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('trainModelBundle', () => {
  it('orders items: interacted items in dataset order, then catalog-only items', () => {
    expect(bundle.itemIds).toHaveLength(items + extra);
    expect(bundle.itemIds.slice(0, items)).toEqual(dataset.itemVocab.toArray());
    expect(bundle.itemIds.slice(items)).toEqual(catalog.slice(items).map((item) => item.id));
    expect(bundle.mf.numItems).toBe(items + extra);
    expect(bundle.mf.itemFactors).toHaveLength((items + extra) * MF.factors);
    expect(bundle.mf.itemBias).toHaveLength(items + extra);
    expect(bundle.popularity).toHaveLength(items + extra);
    expect(bundle.trending.scores).toHaveLength(items + extra);
    expect(bundle.coOccurrence.numItems).toBe(items + extra);
  });

  it('embeds catalog-only items with the content tower and counts them as cold', () => {
    const tower = bundle.contentTower;
    expect(tower).not.toBeNull();
    const k = MF.factors;
    for (let i = items; i < items + extra; i++) {
      const e = tower!.embed(catalog[i]!);
      expect(Array.from(bundle.mf.itemFactors.subarray(i * k, i * k + k))).toEqual(
        Array.from(e.vector),
      );
      expect(bundle.mf.itemBias[i]).toBe(Math.fround(e.bias));
      expect(e.vector.some((x) => x !== 0)).toBe(true);
    }
    expect(bundle.training.coldItems).toBe(extra);
  });

  it('places cold items next to warm items of their cluster', () => {
    const k = MF.factors;
    let better = 0;
    for (let i = items; i < items + extra; i++) {
      let same = 0;
      let other = 0;
      for (let j = 0; j < items; j++) {
        const c = cosine(bundle.mf.itemFactors, i * k, bundle.mf.itemFactors, j * k, k);
        if (clusterOf(j, clusters) === clusterOf(i, clusters)) same += c / (items / clusters);
        else other += c / (items - items / clusters);
      }
      if (same > other + 0.2) better++;
    }
    expect(better).toBe(extra);
  });

  it('keeps the trained factors of warm items', () => {
    const k = MF.factors;
    // Warm rows are MF output, not content predictions: they differ from the tower's guess.
    const e = bundle.contentTower!.embed(catalog[0]!);
    expect(Array.from(bundle.mf.itemFactors.subarray(0, k))).not.toEqual(Array.from(e.vector));
  });

  it('counts distinct users per item as popularity', () => {
    const expected = new Float32Array(items + extra);
    const seen = new Set<string>();
    const c = dataset.columns;
    for (let e = 0; e < c.length; e++) {
      const key = `${c.users[e]}:${c.items[e]}`;
      if (!seen.has(key)) {
        seen.add(key);
        expected[c.items[e]!]! += 1;
      }
    }
    expect(Array.from(bundle.popularity)).toEqual(Array.from(expected));
  });

  it('records how it was trained and reports stages and progress', () => {
    expect(bundle.training).toMatchObject({
      computePath: 'typed',
      computeChoice: 'typed (requested)',
      epochs: MF.epochs,
      users,
      interactions: dataset.columns.length,
    });
    expect(Number.isFinite(bundle.training.finalLoss)).toBe(true);
    expect(bundle.training.trainMs).toBeGreaterThan(0);
    expect(stages).toEqual(['matrix', 'mf', 'content', 'co-occurrence', 'trending', 'done']);
    expect(progressEpochs).toEqual([1, 2, 3, 4]);
    expect(Number.isNaN(Date.parse(bundle.createdAt))).toBe(false);
  });

  it('trains without a catalog: no content tower, no cold items', async () => {
    const plain = await trainModelBundle({ dataset, mf: MF });
    expect(plain.contentTower).toBeNull();
    expect(plain.itemIds).toEqual(dataset.itemVocab.toArray());
    expect(plain.training.coldItems).toBe(0);
  });

  it('counts interacted items whose events cancel out as cold too', async () => {
    const ds = datasetFromRows([
      { user: 'a', item: 'x', type: 'purchase' },
      { user: 'a', item: 'y', type: 'view' },
      { user: 'b', item: 'x', type: 'view' },
      { user: 'b', item: 'z', type: 'view' },
      { user: 'b', item: 'z', type: 'dismiss' },
    ]);
    const b = await trainModelBundle({ dataset: ds, mf: { factors: 2, epochs: 1 } });
    expect(b.itemIds).toEqual(['x', 'y', 'z']);
    expect(b.training.coldItems).toBe(1);
    expect(b.popularity[2]).toBe(0);
  });

  it('rejects data without positive interactions', async () => {
    const ds = datasetFromRows([{ user: 'a', item: 'x', type: 'dismiss' }]);
    await expect(trainModelBundle({ dataset: ds })).rejects.toThrow(DataError);
    await expect(trainModelBundle({ dataset: ds })).rejects.toMatchObject({
      code: 'NOT_ENOUGH_DATA',
    });
  });

  it('is cancelled through its signal', async () => {
    const controller = new AbortController();
    await expect(
      trainModelBundle({
        dataset: plantedDataset({ users: 40, items: 20 }),
        mf: { factors: 4, epochs: 50 },
        signal: controller.signal,
        onProgress: (p) => {
          if (p.epoch === 1) controller.abort();
        },
      }),
    ).rejects.toThrow(CancelledError);
  });
});
