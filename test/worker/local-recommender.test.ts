import { afterEach, describe, expect, it } from 'vitest';
import { encodeBundle } from '../../src/core/bundle/bundle-file';
import { trainModelBundle } from '../../src/core/bundle/train-bundle';
import { CancelledError, DataError, HearthError, ModelFileError } from '../../src/core/errors';
import {
  createLocalRecommender,
  type LocalRecommenderDeps,
} from '../../src/worker/local-recommender';
import type {
  Recommender,
  RecommenderConfig,
  RecommenderEvent,
  TrainReport,
} from '../../src/worker/recommender-types';
import { plantedDataset } from '../fixtures/synthetic';
import { createMemoryStore, peekDb, probes } from './memory-store';
import { clusterOfId, plantedCsv } from './runtime-fixtures';

const MF = { factors: 8, epochs: 4 } as const;
const CLUSTERS = 4;
const CSV = plantedCsv();
let dbCounter = 0;
const opened: Recommender[] = [];

afterEach(() => {
  for (const r of opened.splice(0)) r.dispose();
});

/** A local recommender on a fresh (or the given) in-memory database; idle tasks are collected. */
function open(
  config: RecommenderConfig = {},
  deps: LocalRecommenderDeps = {},
): { r: Recommender; events: RecommenderEvent[]; idle: (() => void)[]; dbName: string } {
  const dbName = config.dbName ?? `db-${++dbCounter}`;
  const idle: (() => void)[] = [];
  const r = createLocalRecommender(
    { fineTuneAfterEvents: 0, ...config, dbName },
    {
      createStore: createMemoryStore,
      scheduleIdle: (task) => {
        idle.push(task);
        return () => idle.splice(idle.indexOf(task), 1);
      },
      ...deps,
    },
  );
  opened.push(r);
  const events: RecommenderEvent[] = [];
  r.on((e) => events.push(e));
  return { r, events, idle, dbName };
}

async function trained(
  config: RecommenderConfig = {},
): Promise<ReturnType<typeof open> & { report: TrainReport }> {
  const o = open(config);
  await o.r.importInteractions(CSV);
  const report = await o.r.train({ backend: 'typed', mf: MF });
  return { ...o, report };
}

const forYou = (r: Recommender) => r.recommend({ type: 'for-you', history: [], k: 10 });

describe('local recommender', () => {
  it('serves empty rows before any model, then trains, stores and hot-swaps a model', async () => {
    const { r, events, dbName } = open();
    await r.ready();
    expect((await forYou(r)).source).toBe('none');
    const report = await r.importInteractions(CSV);
    expect(report.acceptedRows).toBeGreaterThan(500);
    const progress: number[] = [];
    const result = await r.train({
      backend: 'typed',
      mf: MF,
      onProgress: (p) => progress.push(p.epoch),
    });
    expect(result).toMatchObject({
      computePath: 'typed',
      resumedFromEpoch: 0,
      epochs: 4,
      modelVersion: 1,
      fallbacks: [],
    });
    expect(result.choice?.chosen).toBe('typed');
    expect(result.lossHistory).toHaveLength(4);
    expect(progress).toEqual([1, 2, 3, 4]);
    expect(events).toContainEqual({ type: 'model-changed', version: 1, source: 'trained' });
    expect(events.filter((e) => e.type === 'training-progress')).toHaveLength(4);
    // A checkpoint per epoch, all cleared once the model is stored.
    expect(probes.get(dbName)!.checkpointsSaved).toBe(4);
    expect(peekDb(dbName)!.checkpoints.size).toBe(0);
    expect(peekDb(dbName)!.models.get('default')!.version).toBe(1);
    expect((await r.recommend({ type: 'popular', k: 5 })).source).toBe('popularity');
  });

  it('track stores the event, emits history-changed and moves for-you towards it', async () => {
    const { r, events, dbName } = await trained();
    expect((await forYou(r)).source).not.toBe('personal');
    for (const item of ['i0', 'i4', 'i8', 'i12']) await r.track({ itemId: item, type: 'purchase' });
    expect(events.filter((e) => e.type === 'history-changed').at(-1)).toEqual({
      type: 'history-changed',
      events: 4,
    });
    const stored = peekDb(dbName)!.interactions.filter((e) => e.userId === 'local');
    expect(stored.map((e) => e.itemId)).toEqual(['i0', 'i4', 'i8', 'i12']);
    const row = await forYou(r);
    expect(row.source).toBe('personal');
    expect(row.items.map((i) => i.id)).not.toContain('i0');
    const inCluster = row.items.filter((i) => clusterOfId(i.id, CLUSTERS) === 0).length;
    expect(inCluster).toBeGreaterThanOrEqual(8);
  });

  it('merges the request history with the live profile', async () => {
    const { r } = await trained();
    await r.track({ itemId: 'i1', type: 'purchase' });
    const row = await r.recommend({
      type: 'for-you',
      history: [{ itemId: 'i5', type: 'view' }],
      k: 5,
    });
    expect(row.items.map((i) => i.id)).not.toContain('i1');
    expect(row.items.map((i) => i.id)).not.toContain('i5');
  });

  it('rejects a malformed event with DataError and keeps it out of the profile', async () => {
    const { r } = await trained();
    await expect(r.track({ itemId: '', type: 'view' })).rejects.toBeInstanceOf(DataError);
    await expect(
      r.track({ itemId: 'i1', type: 'stare' as unknown as 'view' }),
    ).rejects.toMatchObject({ code: 'INVALID_ROW' });
    // What an import refuses, track() refuses too (an export must import back).
    for (const bad of [
      { itemId: 'i1', type: 'rating' as const },
      { itemId: 'i1', type: 'view' as const, value: 0 },
      { itemId: 'i1', type: 'view' as const, value: -2 },
      { itemId: 'i1', type: 'view' as const, value: 1e308 },
      { itemId: 'i1', type: 'view' as const, timestamp: -5 },
    ]) {
      await expect(r.track(bad), JSON.stringify(bad)).rejects.toMatchObject({
        code: 'INVALID_ROW',
      });
    }
    expect((await forYou(r)).source).not.toBe('personal');
  });

  it('cancels training through the signal and resumes from the stored checkpoint', async () => {
    const { r, dbName } = open();
    await r.importInteractions(CSV);
    const controller = new AbortController();
    const cancelled = r.train({
      backend: 'typed',
      mf: { ...MF, epochs: 6 },
      signal: controller.signal,
      onProgress: (p) => {
        if (p.epoch === 3) controller.abort();
      },
    });
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    expect(peekDb(dbName)!.checkpoints.size).toBe(1);
    expect(peekDb(dbName)!.models.size).toBe(0);

    // A reload: a new recommender on the same database resumes the same run.
    r.dispose();
    const again = open({ dbName }).r;
    const resumed = await again.train({ backend: 'typed', mf: { ...MF, epochs: 6 } });
    expect(resumed.resumedFromEpoch).toBe(3);
    expect(resumed.epochs).toBe(6);

    // Same losses as one uninterrupted run: resuming changes nothing.
    const fresh = await trained();
    const full = await fresh.r.train({ backend: 'typed', mf: { ...MF, epochs: 6 } });
    expect(resumed.lossHistory).toHaveLength(6);
    resumed.lossHistory.forEach((loss, i) => expect(loss).toBeCloseTo(full.lossHistory[i]!, 5));
  });

  it('does not resume a checkpoint of other data or options', async () => {
    const { r, dbName } = open();
    await r.importInteractions(CSV);
    const controller = new AbortController();
    await r
      .train({
        backend: 'typed',
        mf: { ...MF, epochs: 6 },
        signal: controller.signal,
        onProgress: (p) => p.epoch === 2 && controller.abort(),
      })
      .catch(() => undefined);
    expect(peekDb(dbName)!.checkpoints.size).toBe(1);
    const other = await r.train({ backend: 'typed', mf: { ...MF, epochs: 5 } });
    expect(other.resumedFromEpoch).toBe(0);
  });

  it('hot-swaps a model trained in another tab and keeps the visitor profile', async () => {
    const a = open();
    await a.r.importInteractions(CSV);
    const b = open({ dbName: a.dbName });
    await b.r.ready();
    await b.r.track({ itemId: 'i2', type: 'purchase' });
    await a.r.train({ backend: 'typed', mf: MF });
    await expect
      .poll(() => b.events.find((e) => e.type === 'model-changed'))
      .toEqual({ type: 'model-changed', version: 1, source: 'other-tab' });
    const row = await forYou(b.r);
    expect(row.source).toBe('personal');
    expect(row.items.map((i) => i.id)).not.toContain('i2');
  });

  it('loads model bytes (hot swap) and refuses a corrupted file with ModelFileError', async () => {
    const bundle = await trainModelBundle({ dataset: plantedDataset(), mf: MF });
    const bytes = encodeBundle(bundle);
    const { r, events } = open();
    await expect(r.loadModel(bytes)).resolves.toBe(1);
    expect(events).toContainEqual({ type: 'model-changed', version: 1, source: 'loaded' });
    expect((await r.recommend({ type: 'similar', itemId: 'i3', k: 3 })).source).toBe('similar');
    const broken = bytes.slice();
    broken[broken.length - 10]! ^= 0xff;
    await expect(r.loadModel(broken)).rejects.toBeInstanceOf(ModelFileError);
  });

  it('downloads modelUrl once and stores it', async () => {
    const bytes = encodeBundle(await trainModelBundle({ dataset: plantedDataset(), mf: MF }));
    let downloads = 0;
    const fetch = async (url: string): Promise<Response> => {
      downloads++;
      expect(url).toBe('https://shop.example/m.hearth');
      return new Response(bytes.slice().buffer);
    };
    const config = { modelUrl: '/m.hearth' };
    const deps = { fetch, baseUrl: 'https://shop.example/page' };
    const first = open(config, deps);
    await first.r.ready();
    expect(first.events).toContainEqual({ type: 'model-changed', version: 1, source: 'loaded' });
    const second = open({ ...config, dbName: first.dbName }, deps);
    await second.r.ready();
    expect(downloads).toBe(1);
    const failing = open(config, { ...deps, fetch: async () => new Response('', { status: 404 }) });
    await expect(failing.r.ready()).rejects.toMatchObject({
      name: 'DataError',
      code: 'UNREADABLE_INPUT',
    });
  });

  it('fine-tunes when idle after enough events, only with multi-user data', async () => {
    const { r, idle, events } = await trained({ fineTuneAfterEvents: 2, backend: 'typed' });
    await r.track({ itemId: 'i0', type: 'view' });
    expect(idle).toHaveLength(0);
    await r.track({ itemId: 'i4', type: 'view' });
    expect(idle).toHaveLength(1);
    idle.shift()!();
    await expect
      .poll(() => events.find((e) => e.type === 'model-changed' && e.source === 'fine-tuned'))
      .toEqual({ type: 'model-changed', version: 2, source: 'fine-tuned' });

    // A storefront: a shipped model and one visitor — nothing beyond fold-in.
    const bytes = encodeBundle(await trainModelBundle({ dataset: plantedDataset(), mf: MF }));
    const shop = open({ fineTuneAfterEvents: 1 });
    await shop.r.loadModel(bytes);
    await shop.r.track({ itemId: 'i1', type: 'view' });
    expect(shop.idle).toHaveLength(1);
    shop.idle.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(shop.events.filter((e) => e.type === 'model-changed')).toHaveLength(1);
  });

  it('fine-tunes again from a model served while a fine-tune ran, keeping the new events', async () => {
    const { r, idle, events } = await trained({ fineTuneAfterEvents: 1, backend: 'typed' });
    const bytes = encodeBundle(await trainModelBundle({ dataset: plantedDataset(), mf: MF }));
    await r.track({ itemId: 'i0', type: 'view' });
    idle.shift()!();
    await r.loadModel(bytes);
    await expect
      .poll(() => events.filter((e) => e.type === 'model-changed').map((e) => e.source))
      .toEqual(['trained', 'loaded', 'fine-tuned']);
  });

  it('evaluates against popularity on request', async () => {
    const { r } = open();
    await r.importInteractions(CSV);
    const report = await r.train({ backend: 'typed', mf: MF, evaluate: true });
    expect(Object.keys(report.metrics!.model)).toContain('ndcg@10');
    expect(report.metrics!.model['ndcg@10']!).toBeGreaterThan(
      report.metrics!.popularity['ndcg@10']!,
    );
  });

  it('erases everything and forgets the model and profile', async () => {
    const { r, dbName } = await trained();
    await r.track({ itemId: 'i0', type: 'view' });
    await expect(r.eraseAll()).resolves.toEqual({ remainingDatabases: [], remainingCaches: [] });
    expect(peekDb(dbName)).toBeUndefined();
    expect((await forYou(r)).source).toBe('none');
    expect((await r.storage()).interactions).toBe(0);
  });

  it('rejects every call with DISPOSED after dispose and closes the store', async () => {
    const { r, dbName } = await trained();
    r.dispose();
    await expect(forYou(r)).rejects.toMatchObject({ code: 'DISPOSED' });
    await expect(r.ready()).rejects.toBeInstanceOf(HearthError);
    expect(probes.get(dbName)!.disposed).toBe(true);
  });

  it('fails training on empty data with DataError NOT_ENOUGH_DATA', async () => {
    const { r } = open();
    await expect(r.train({ backend: 'typed', mf: MF })).rejects.toMatchObject({
      name: 'DataError',
      code: 'NOT_ENOUGH_DATA',
    });
  });

  it("picks up the visitor's events tracked in another tab", async () => {
    const a = await trained();
    const b = open({ dbName: a.dbName });
    await b.r.ready();
    await a.r.track({ itemId: 'i6', type: 'purchase' });
    await expect
      .poll(() => b.events.find((e) => e.type === 'history-changed'))
      .toEqual({ type: 'history-changed', events: 1 });
    const row = await forYou(b.r);
    expect(row.source).toBe('personal');
    expect(row.items.map((i) => i.id)).not.toContain('i6');
  });

  it('forgets everything when another tab erases the data', async () => {
    const a = await trained();
    await a.r.track({ itemId: 'i0', type: 'view' });
    const b = open({ dbName: a.dbName });
    await b.r.ready();
    await b.r.eraseAll();
    await expect
      .poll(() => a.events.find((e) => e.type === 'storage'))
      .toMatchObject({ type: 'storage' });
    expect(a.events.at(-1)).toEqual({ type: 'history-changed', events: 0 });
    expect((await forYou(a.r)).source).toBe('none');
  });
});
