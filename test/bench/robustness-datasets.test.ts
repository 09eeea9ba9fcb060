import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InteractionDataset } from '../../src/core/data/interaction-log';
import { eventTypeCode } from '../../src/core/data/types';
import { evaluateScorer } from '../../src/core/eval/evaluate';
import { splitInteractions } from '../../src/core/eval/split';
import { fitItemKnn } from '../../src/core/models/item-knn';
import { fitPopularity } from '../../src/core/models/popularity';
import {
  ROBUSTNESS_DATASETS,
  SPARSE_ML100K_KEEP,
  datasetCounts,
  loadRobustnessDataset,
  type RobustnessDatasetName,
} from '../../bench/datasets';

const ML100K = resolve(__dirname, '../../../shared/data/ml-100k');
const hasMl100k = existsSync(resolve(ML100K, 'u.data'));
const GENERATED = ROBUSTNESS_DATASETS.filter((n) => n !== 'sparse-ml100k');

const tiny = async (name: RobustnessDatasetName, seed?: number) => {
  const d = await loadRobustnessDataset(name, {
    size: 'tiny',
    ml100kDir: null,
    ...(seed !== undefined ? { seed } : {}),
  });
  if (!d) throw new Error(`${name} gave no data set`);
  return d;
};

const sameColumns = (a: InteractionDataset, b: InteractionDataset): boolean =>
  a.columns.length === b.columns.length &&
  a.userVocab.toArray().join() === b.userVocab.toArray().join() &&
  a.itemVocab.toArray().join() === b.itemVocab.toArray().join() &&
  (['users', 'items', 'types', 'values', 'timestamps'] as const).every(
    (k) => Buffer.compare(Buffer.from(a.columns[k].buffer), Buffer.from(b.columns[k].buffer)) === 0,
  );

describe('robustness data sets', () => {
  it.each(GENERATED)('%s is deterministic for a seed and changes with it', async (name) => {
    const a = await tiny(name);
    const b = await tiny(name);
    expect(sameColumns(a.dataset, b.dataset)).toBe(true);
    expect(sameColumns(a.dataset, (await tiny(name, 11)).dataset)).toBe(false);
    expect(a.name).toBe(name);
    expect(a.description.length).toBeGreaterThan(20);
  });

  it.each(GENERATED)('%s has only valid rows', async (name) => {
    const { dataset } = await tiny(name);
    const c = dataset.columns;
    for (let e = 0; e < c.length; e++) {
      expect(c.users[e]).toBeLessThan(dataset.userVocab.size);
      expect(c.items[e]).toBeLessThan(dataset.itemVocab.size);
    }
    const counts = datasetCounts(dataset);
    expect(counts.pairs).toBeGreaterThan(counts.users * 5);
  });

  it('long-tail plays: heavy-tailed item popularity and play counts, one row per pair', async () => {
    const { dataset } = await tiny('long-tail-plays');
    const counts = datasetCounts(dataset);
    expect(counts.events).toBe(counts.pairs);
    const plays = Float64Array.from(dataset.columns.values).sort();
    expect(plays[0]).toBeGreaterThanOrEqual(1);
    expect(plays.every(Number.isInteger)).toBe(true);
    expect(plays[plays.length - 1]! / plays[plays.length >> 1]!).toBeGreaterThan(50);
    const perItem = new Int32Array(counts.items);
    for (const i of dataset.columns.items) perItem[i]!++;
    const sorted = Array.from(perItem).sort((a, b) => b - a);
    // The top 5% of items hold far more than 5% of pairs; most items have a handful of users.
    const head = sorted.slice(0, Math.ceil(0.05 * sorted.length)).reduce((a, b) => a + b, 0);
    expect(head / counts.pairs).toBeGreaterThan(0.25);
    expect(sorted[sorted.length >> 1]).toBeLessThanOrEqual(3);
  });

  it('sparse ratings: half-star ratings 0.5–5 with timestamps', async () => {
    const { dataset } = await tiny('sparse-ratings');
    const c = dataset.columns;
    for (let e = 0; e < c.length; e++) {
      expect(c.types[e]).toBe(eventTypeCode('rating'));
      expect(c.values[e]! * 2).toBe(Math.round(c.values[e]! * 2));
      expect(c.values[e]).toBeGreaterThanOrEqual(0.5);
      expect(c.values[e]).toBeLessThanOrEqual(5);
      expect(Number.isFinite(c.timestamps[e])).toBe(true);
    }
  });

  it('few users: many more items than users, several event types per pair', async () => {
    const { dataset } = await tiny('few-users');
    const counts = datasetCounts(dataset);
    expect(counts.items).toBeGreaterThan(5 * counts.users);
    expect(counts.events).toBeGreaterThan(counts.pairs);
    expect(new Set(dataset.columns.types).size).toBeGreaterThanOrEqual(3);
  });

  it('demo shop: every interacted item is in the catalog', async () => {
    const d = await tiny('demo-shop');
    const ids = new Set(d.catalog!.map((item) => item.id));
    expect(d.dataset.itemVocab.toArray().every((id) => ids.has(id))).toBe(true);
  });

  it.each(['long-tail-plays', 'sparse-ratings', 'few-users'] as const)(
    '%s has personal structure: ItemKNN beats popularity',
    async (name) => {
      const { dataset } = await tiny(name);
      const split = splitInteractions(dataset, { protocol: 'random', seed: 1 });
      const opts = { ks: [10], auc: false };
      const pop = evaluateScorer(fitPopularity(split.train), split, opts)['ndcg@10']!;
      const knn = evaluateScorer(fitItemKnn(split.train), split, opts)['ndcg@10']!;
      expect(knn).toBeGreaterThan(1.3 * pop);
    },
  );

  it.skipIf(!hasMl100k)('sparse ML-100K keeps a seeded 15% of the ratings', async () => {
    const load = (seed?: number) =>
      loadRobustnessDataset('sparse-ml100k', {
        ml100kDir: ML100K,
        ...(seed !== undefined ? { seed } : {}),
      });
    const a = (await load())!;
    expect(a.dataset.columns.length).toBe(Math.round(SPARSE_ML100K_KEEP * 100_000));
    expect(datasetCounts(a.dataset).pairs).toBe(a.dataset.columns.length);
    expect(sameColumns(a.dataset, (await load())!.dataset)).toBe(true);
    expect(sameColumns(a.dataset, (await load(3))!.dataset)).toBe(false);
  });

  it('sparse ML-100K is null without MovieLens 100K', async () => {
    if (!hasMl100k) console.warn(`MovieLens 100K not found at ${ML100K}: its tests are skipped.`);
    expect(await loadRobustnessDataset('sparse-ml100k', { ml100kDir: null })).toBeNull();
  });
});
