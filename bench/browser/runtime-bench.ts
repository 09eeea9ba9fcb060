import { deleteDB } from 'idb';
import type { InteractionDataset } from '../../src/core/data/interaction-log';
import { InteractionLogBuilder } from '../../src/core/data/interaction-log';
import { eventTypeCode, type Item } from '../../src/core/data/types';
import { Vocabulary } from '../../src/core/data/vocabulary';
import { createRng } from '../../src/core/random';
import { createHearthStore } from '../../src/storage';
import { createLocalRecommender } from '../../src/worker/local-recommender';
import type { Recommender } from '../../src/worker/recommender-types';
import { createWorkerRecommender } from '../../src/worker/worker-client';

/** Knobs of {@link runRuntimeBench}; the defaults are what the reported numbers use. */
export interface RuntimeBenchOptions {
  /** Stored events (default 100,000). */
  readonly events?: number;
  /** Catalog items (default 10,000). */
  readonly items?: number;
  /** Timed track → top-10 round trips (default 200). */
  readonly tracks?: number;
}

const SHAPE = { users: 5000, clusters: 20, visitorEvents: 30, start: 1_700_000_000_000 };
const MF = { factors: 64, epochs: 5 } as const;

/**
 * Seeded shop-like data: users in clusters buying mostly (80 %) Zipf-like items of their cluster,
 * plus the device visitor (`local`) with a short history.
 */
function syntheticShop(
  events: number,
  items: number,
): { dataset: InteractionDataset; catalog: Item[] } {
  const rng = createRng(20240612);
  const { users, clusters } = SHAPE;
  const perCluster = Math.floor(items / clusters);
  const itemIds = Array.from({ length: items }, (_, i) => `sku-${i}`);
  const userVocab = new Vocabulary();
  const itemVocab = new Vocabulary();
  const builder = new InteractionLogBuilder();
  const types = ['view', 'view', 'view', 'click', 'cart', 'purchase'] as const;
  const push = (user: string, item: number, t: number): void => {
    const type = types[rng.int(types.length)]!;
    builder.push(
      userVocab.add(user),
      itemVocab.add(itemIds[item]!),
      eventTypeCode(type),
      NaN,
      SHAPE.start + t * 1000,
    );
  };
  const pick = (cluster: number): number =>
    rng.next() < 0.8
      ? cluster + clusters * Math.floor(perCluster * rng.next() ** 2)
      : Math.floor(items * rng.next() ** 2);
  for (let e = 0; e < events - SHAPE.visitorEvents; e++) {
    const u = rng.int(users);
    push(`user-${u}`, pick(u % clusters), e);
  }
  for (let e = 0; e < SHAPE.visitorEvents; e++) push('local', pick(3), events + e);
  const catalog = itemIds.map((id, i): Item => ({
    id,
    title: `Product ${i}`,
    category: [`c${i % clusters}`],
    price: 5 + (i % 50),
  }));
  return { dataset: { userVocab, itemVocab, columns: builder.build() }, catalog };
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

/** Long tasks (> 50 ms) on this thread while `run` runs. */
async function longTasksDuring(run: () => Promise<unknown>): Promise<number> {
  if (!PerformanceObserver.supportedEntryTypes.includes('longtask')) return NaN;
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.duration > 50) count++;
  });
  observer.observe({ type: 'longtask' });
  await run();
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  return count;
}

/** p50/p95/max of `tracks` track → updated top-10 for-you round trips. */
async function trackToTop10(
  r: Recommender,
  items: number,
  tracks: number,
): Promise<{ p50: number; p95: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < tracks; i++) {
    const itemId = `sku-${(i * 7919) % items}`;
    const t0 = performance.now();
    await r.track({ itemId, type: 'view' });
    const row = await r.recommend({ type: 'for-you', history: [], k: 10 });
    times.push(performance.now() - t0);
    if (row.items.some((item) => item.id === itemId)) {
      throw new Error(`The row still recommends ${itemId} right after it was tracked.`);
    }
  }
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    max: times[times.length - 1]!,
  };
}

/**
 * Browser runtime benchmark (runs inside a page): prepares a database with `events` stored events
 * and a `items`-item catalog, trains in the worker while counting main-thread long tasks, then
 * measures a cold start (new worker recommender on the prepared database → first personal row)
 * and track → updated top-10 latency (worker, and in-thread for comparison).
 */
export async function runRuntimeBench(
  options: RuntimeBenchOptions = {},
): Promise<Record<string, number>> {
  const events = options.events ?? 100_000;
  const items = options.items ?? 10_000;
  const tracks = options.tracks ?? 200;
  const dbName = `hearth-bench-runtime-${Date.now()}`;
  const localDb = `${dbName}-local`;
  const results: Record<string, number> = {};
  try {
    const { dataset, catalog } = syntheticShop(events, items);
    const store = await createHearthStore({ dbName });
    await store.putCatalog(catalog);
    await store.appendDataset(dataset);
    store.dispose();

    const trainer = createWorkerRecommender({ dbName, fineTuneAfterEvents: 0 });
    let trainMs = 0;
    results['browser.longTasksOver50ms'] = await longTasksDuring(async () => {
      trainMs = (await trainer.train({ backend: 'typed', mf: MF })).trainMs;
    });
    results['browser.runtime.workerTrainMs'] = trainMs;
    trainer.dispose();
    await new Promise((resolve) => setTimeout(resolve, 200));

    const t0 = performance.now();
    const cold = createWorkerRecommender({ dbName, fineTuneAfterEvents: 0 });
    await cold.ready();
    results['browser.coldStartToRecs.readyMs'] = performance.now() - t0;
    const first = await cold.recommend({ type: 'for-you', history: [], k: 10 });
    results['browser.coldStartToRecs.ms'] = performance.now() - t0;
    if (first.source !== 'personal')
      throw new Error(`First row came from ${first.source}, not personal.`);

    cold.dispose();
    await new Promise((resolve) => setTimeout(resolve, 200));

    // The same cold start in-thread: what the worker's start-up (script load) adds.
    const t1 = performance.now();
    const coldLocal = createLocalRecommender({ dbName, fineTuneAfterEvents: 0 });
    await coldLocal.recommend({ type: 'for-you', history: [], k: 10 });
    results['browser.coldStartToRecsLocal.ms'] = performance.now() - t1;
    coldLocal.dispose();

    const warm = createWorkerRecommender({ dbName, fineTuneAfterEvents: 0 });
    await warm.recommend({ type: 'for-you', history: [], k: 10 });
    const worker = await trackToTop10(warm, items, tracks);
    results['browser.trackToTop10.p50ms'] = worker.p50;
    results['browser.trackToTop10.p95ms'] = worker.p95;
    results['browser.trackToTop10.maxMs'] = worker.max;
    warm.dispose();

    // The same loop in-thread, to show what the worker round trip costs.
    const bytes = await (async () => {
      const s = await createHearthStore({ dbName });
      try {
        return (await s.loadModel('default'))!.bytes;
      } finally {
        s.dispose();
      }
    })();
    const local = createLocalRecommender({ dbName: localDb, fineTuneAfterEvents: 0 });
    await local.loadModel(bytes);
    const inThread = await trackToTop10(local, items, tracks);
    results['browser.trackToTop10Local.p50ms'] = inThread.p50;
    results['browser.trackToTop10Local.p95ms'] = inThread.p95;
    local.dispose();
  } finally {
    await new Promise((resolve) => setTimeout(resolve, 200));
    await deleteDB(dbName);
    await deleteDB(localDb);
  }
  return results;
}
