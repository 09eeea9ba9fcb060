import { deleteDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError, DataError, ModelFileError, OptionError } from '../../src/core/errors';
import type { RowRequest, RowResult } from '../../src/core/serve/row-types';
import { createLocalRecommender } from '../../src/worker/local-recommender';
import type {
  Recommender,
  RecommenderConfig,
  RecommenderEvent,
} from '../../src/worker/recommender-types';
import { createWorkerRecommender } from '../../src/worker/worker-client';
import { clusterOfId, plantedCatalogJsonl, plantedCsv } from './runtime-fixtures';

const CLUSTERS = 4;
/** ~5k interactions: 300 users × 200 items in 4 clusters. */
const CSV = plantedCsv({ users: 300, items: 200, clusters: CLUSTERS, seed: 5 });
const CATALOG = plantedCatalogJsonl(200, CLUSTERS);
const MF = { factors: 16, epochs: 6 } as const;

let counter = 0;
const opened: Recommender[] = [];
const dbNames = new Set<string>();

function uniqueDb(label: string): string {
  const name = `hearth-runtime-${label}-${Date.now()}-${counter++}`;
  dbNames.add(name);
  return name;
}

afterEach(async () => {
  for (const r of opened.splice(0)) r.dispose();
  // Give terminated workers a moment to drop their connections before deleting.
  await new Promise((resolve) => setTimeout(resolve, 50));
  for (const name of [...dbNames]) await deleteDB(name);
  dbNames.clear();
});

/** A worker recommender (fine-tuning off) that records its events and is disposed after the test. */
function worker(config: RecommenderConfig): { r: Recommender; events: RecommenderEvent[] } {
  const r = createWorkerRecommender({ fineTuneAfterEvents: 0, ...config });
  opened.push(r);
  const events: RecommenderEvent[] = [];
  r.on((e) => events.push(e));
  return { r, events };
}

const forYou = (r: Recommender): Promise<RowResult> =>
  r.recommend({ type: 'for-you', history: [], k: 10 });

describe('worker recommender in Chromium', () => {
  it('round-trips: init → import → train on typed → recommend → rows follow a track', async () => {
    const { r, events } = worker({ dbName: uniqueDb('roundtrip') });
    await r.ready();
    expect((await r.importCatalog(CATALOG)).acceptedRows).toBe(200);
    const imported = await r.importInteractions(CSV);
    expect(imported.acceptedRows).toBeGreaterThan(4000);
    const epochs: number[] = [];
    const report = await r.train({
      backend: 'typed',
      mf: MF,
      onProgress: (p) => epochs.push(p.epoch),
    });
    expect(report).toMatchObject({
      computePath: 'typed',
      epochs: 6,
      modelVersion: 1,
      resumedFromEpoch: 0,
    });
    expect(epochs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.filter((e) => e.type === 'training-progress')).toHaveLength(6);
    expect(events).toContainEqual({ type: 'model-changed', version: 1, source: 'trained' });

    const before = await forYou(r);
    expect(before.source).not.toBe('personal');
    for (const item of ['i0', 'i4', 'i8']) await r.track({ itemId: item, type: 'purchase' });
    expect(events.filter((e) => e.type === 'history-changed').at(-1)).toEqual({
      type: 'history-changed',
      events: 3,
    });
    const after = await forYou(r);
    expect(after.source).toBe('personal');
    expect(after.items.map((i) => i.id)).not.toEqual(before.items.map((i) => i.id));
    expect(
      after.items.filter((i) => clusterOfId(i.id, CLUSTERS) === 0).length,
    ).toBeGreaterThanOrEqual(8);
    const storage = await r.storage();
    expect(storage.interactions).toBe(imported.acceptedRows + 3);
    expect(storage.models).toBeGreaterThanOrEqual(1);
  });

  it('cancels training across the worker with CancelledError', async () => {
    const { r } = worker({ dbName: uniqueDb('cancel') });
    await r.importInteractions(CSV);
    const controller = new AbortController();
    const error = await r
      .train({
        backend: 'typed',
        mf: { ...MF, epochs: 200 },
        signal: controller.signal,
        onProgress: (p) => p.epoch === 2 && controller.abort(),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect(error).toMatchObject({ name: 'CancelledError', code: 'TRAINING_CANCELLED' });
    // The worker is still usable and no model was stored.
    expect((await r.storage()).models).toBe(0);
  });

  it('keeps error class and code across the boundary', async () => {
    const { r } = worker({ dbName: uniqueDb('errors') });
    const empty = await r.train({ backend: 'typed', mf: MF }).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(DataError);
    expect(empty).toMatchObject({ code: 'NOT_ENOUGH_DATA' });
    const junk = await r.loadModel(new Uint8Array([1, 2, 3, 4])).catch((e: unknown) => e);
    expect(junk).toBeInstanceOf(ModelFileError);
    expect((junk as ModelFileError).code).toMatch(/^MODEL_FILE_/);
  });

  it('resumes training after a reload from the stored checkpoint', async () => {
    const dbName = uniqueDb('resume');
    const first = worker({ dbName }).r;
    await first.importInteractions(CSV);
    const options = { backend: 'typed', mf: { ...MF, epochs: 40 } } as const;
    const interrupted = first.train({
      ...options,
      // A reload mid-run: the page (and its worker) goes away after epoch 3.
      onProgress: (p) => p.epoch === 3 && first.dispose(),
    });
    await expect(interrupted).rejects.toMatchObject({ code: 'DISPOSED' });
    const second = worker({ dbName }).r;
    const report = await second.train(options);
    expect(report.resumedFromEpoch).toBeGreaterThan(0);
    expect(report.epochs).toBe(40);
    expect(report.lossHistory).toHaveLength(40);
    expect((await forYou(second)).items).toHaveLength(10);
  });

  it('hot-swaps a model trained in another tab, keeping the visitor profile', async () => {
    const dbName = uniqueDb('tabs');
    const a = worker({ dbName });
    const b = worker({ dbName });
    await a.r.importInteractions(CSV);
    await b.r.ready();
    await b.r.track({ itemId: 'i1', type: 'purchase' });
    const trained = await a.r.train({ backend: 'typed', mf: MF });
    await expect
      .poll(() => b.events.find((e) => e.type === 'model-changed'), { timeout: 10_000 })
      .toEqual({ type: 'model-changed', version: trained.modelVersion, source: 'other-tab' });
    const row = await forYou(b.r);
    expect(row.source).toBe('personal');
    expect(row.items.map((i) => i.id)).not.toContain('i1');
  });

  it('keeps the main thread free of long tasks while the worker trains', async () => {
    const supported = PerformanceObserver.supportedEntryTypes.includes('longtask');
    if (!supported) {
      console.warn('longtask entries unsupported: skipping the responsiveness check');
      return;
    }
    // About 200 ms per epoch on one core: long enough that in-thread training shows up.
    const csv = plantedCsv({ users: 1500, items: 600, clusters: 8, pIn: 0.1, seed: 9 });
    const options = { backend: 'typed', mf: { factors: 128, epochs: 3 } } as const;
    const longTasksDuring = async (run: () => Promise<unknown>): Promise<number> => {
      const entries: PerformanceEntry[] = [];
      const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
      observer.observe({ type: 'longtask' });
      await run();
      // Long-task entries are delivered after the task; let them arrive.
      await new Promise((resolve) => setTimeout(resolve, 100));
      observer.disconnect();
      return entries.filter((e) => e.duration > 50).length;
    };

    const { r } = worker({ dbName: uniqueDb('responsive') });
    await r.importInteractions(csv);
    await r.ready();
    const inWorker = await longTasksDuring(() => r.train(options));
    expect(inWorker).toBe(0);

    // Control: the same training on this thread does produce long tasks, so the probe works.
    const local = createLocalRecommender({
      dbName: uniqueDb('responsive-local'),
      fineTuneAfterEvents: 0,
    });
    opened.push(local);
    await local.importInteractions(csv);
    const inPage = await longTasksDuring(() => local.train(options));
    expect(inPage).toBeGreaterThan(0);
  });

  it('behaves like the in-thread recommender: same training, rows and errors', async () => {
    const inWorker = worker({ dbName: uniqueDb('parity-worker') }).r;
    const inThread = createLocalRecommender({
      dbName: uniqueDb('parity-local'),
      fineTuneAfterEvents: 0,
    });
    opened.push(inThread);
    const both = [inWorker, inThread] as const;
    const reports = [];
    for (const r of both) {
      await r.importCatalog(CATALOG);
      await r.importInteractions(CSV);
      reports.push(await r.train({ backend: 'typed', mf: MF }));
      await r.track({ itemId: 'i3', type: 'cart' });
      await r.track({ itemId: 'i7', type: 'view' });
    }
    expect(reports[0]!.lossHistory).toEqual(reports[1]!.lossHistory);
    const requests: RowRequest[] = [
      { type: 'for-you', history: [{ itemId: 'i11', type: 'click' }], k: 10 },
      { type: 'similar', itemId: 'i3', k: 5, diversity: { lambda: 0.7 } },
      { type: 'bought-together', itemIds: ['i3', 'i7'], k: 5 },
      { type: 'trending', k: 5 },
      { type: 'popular', k: 5, filters: { categoryPrefix: ['c1'] } },
    ];
    for (const request of requests) {
      const [a, b] = [await inWorker.recommend(request), await inThread.recommend(request)];
      expect(a.items.length).toBeGreaterThan(0);
      expect(a).toEqual(b);
    }
    const bad = { type: 'popular', k: 0 } as const;
    const [ea, eb] = [
      await inWorker.recommend(bad).catch((e: unknown) => e),
      await inThread.recommend(bad).catch((e: unknown) => e),
    ];
    expect(ea).toBeInstanceOf(OptionError);
    expect(ea).toMatchObject({
      name: eb instanceof Error ? eb.name : '',
      message: (eb as Error).message,
    });
  });

  it('keeps federated consent in IndexedDB across reloads and erases it with everything', async () => {
    const unconfigured = worker({ dbName: uniqueDb('federated-off') }).r;
    expect((await unconfigured.federatedStatus()).configured).toBe(false);
    const refused = await unconfigured.setFederatedConsent(true).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OptionError);
    expect(refused).toMatchObject({ code: 'INVALID_OPTION' });

    const config: RecommenderConfig = {
      dbName: uniqueDb('federated'),
      federated: { serverUrl: '', token: 'site-token', refreshIntervalMs: 0 },
    };
    const { r, events } = worker(config);
    expect(await r.federatedStatus()).toMatchObject({
      configured: true,
      consent: { granted: false, changedAt: null },
      requests: 0,
    });
    expect((await r.setFederatedConsent(true)).consent.granted).toBe(true);
    await expect
      .poll(() => events.some((e) => e.type === 'federated' && e.status.consent.granted))
      .toBe(true);
    r.dispose();
    const reloaded = worker(config).r;
    expect((await reloaded.federatedStatus()).consent.granted).toBe(true);
    await reloaded.eraseAll();
    expect(await reloaded.federatedStatus()).toMatchObject({
      consent: { granted: false, changedAt: null },
      pendingUploads: 0,
    });
  });

  it('fine-tunes in the worker once idle after enough new events', async () => {
    const { r, events } = worker({
      dbName: uniqueDb('fine-tune'),
      fineTuneAfterEvents: 3,
      backend: 'typed',
    });
    await r.importInteractions(CSV);
    const trained = await r.train({ mf: MF });
    for (const item of ['i0', 'i4', 'i8']) await r.track({ itemId: item, type: 'view' });
    // The worker waits for ~2 s without requests before it fine-tunes.
    await expect
      .poll(() => events.find((e) => e.type === 'model-changed' && e.source === 'fine-tuned'), {
        timeout: 15_000,
        interval: 200,
      })
      .toEqual({ type: 'model-changed', version: trained.modelVersion + 1, source: 'fine-tuned' });
    expect((await forYou(r)).source).toBe('personal');
  });
});
