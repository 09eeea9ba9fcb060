import { deleteDB } from 'idb';
import { EVENT_TYPES, type Interaction } from '../../src/core/data/types';
import { createRng } from '../../src/core/random';
import { createHearthStore } from '../../src/storage';

/** Knobs of {@link runStorageBench}; the defaults are what the reported numbers use. */
export interface StorageBenchOptions {
  /** Synthetic events to ingest and read back (default 1,000,000). */
  readonly events?: number;
  /** Single-event durable appends timed for `browser.trackEvent.ms` (default 200). */
  readonly trackEvents?: number;
}

const SHAPE = { users: 10_000, items: 20_000, start: 1_700_000_000_000 };

/** Seeded synthetic events: uniform users, Zipf-like items, every event type, increasing times. */
function syntheticEvents(n: number): Interaction[] {
  const rng = createRng(20240611);
  const userIds = Array.from({ length: SHAPE.users }, (_, i) => `user-${i}`);
  const itemIds = Array.from({ length: SHAPE.items }, (_, i) => `sku-${i}`);
  const events: Interaction[] = new Array<Interaction>(n);
  for (let i = 0; i < n; i++) {
    const type = EVENT_TYPES[rng.int(EVENT_TYPES.length)]!;
    const item = Math.floor(SHAPE.items * rng.next() ** 3);
    events[i] = {
      userId: userIds[rng.int(SHAPE.users)]!,
      itemId: itemIds[item]!,
      type,
      ...(type === 'rating' ? { value: 1 + rng.int(5) } : {}),
      timestamp: SHAPE.start + i * 37,
    };
  }
  return events;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`Storage bench read back wrong data: ${what}.`);
}

/**
 * Browser storage benchmark (runs inside a page): durable ingest of N synthetic events through
 * `appendInteractions` (validation, packing, chunk writes, commit) and the full read-back through
 * `readInteractions`, on a fresh database that is deleted afterwards. Verifies the read-back
 * (count and sampled rows) and throws when it differs.
 *
 * Returns `browser.ingest1M.ms` and `browser.readBack1M.ms` (named for the default 1M events;
 * `browser.storageBench.events` says how many were used) plus `browser.trackEvent.ms`, the mean
 * latency of a single durable `track()`-style append.
 */
export async function runStorageBench(
  options: StorageBenchOptions = {},
): Promise<Record<string, number>> {
  const n = options.events ?? 1_000_000;
  const trackEvents = options.trackEvents ?? 200;
  const events = syntheticEvents(n);
  const dbName = `hearth-storage-bench-${Date.now()}`;
  const store = await createHearthStore({ dbName });
  try {
    let t = performance.now();
    await store.appendInteractions(events);
    const ingestMs = performance.now() - t;

    t = performance.now();
    const dataset = await store.readInteractions();
    const readBackMs = performance.now() - t;

    const { columns, userVocab, itemVocab } = dataset;
    check(columns.length === n, `${columns.length} rows instead of ${n}`);
    for (const i of [0, Math.floor(n / 3), n - 1]) {
      const e = events[i]!;
      check(
        userVocab.idAt(columns.users[i]!) === e.userId &&
          itemVocab.idAt(columns.items[i]!) === e.itemId &&
          EVENT_TYPES[columns.types[i]!] === e.type &&
          columns.timestamps[i] === e.timestamp,
        `row ${i}`,
      );
    }

    t = performance.now();
    for (let i = 0; i < trackEvents; i++) {
      await store.appendInteractions([
        { itemId: `sku-${i}`, type: 'view', timestamp: SHAPE.start + n * 37 + i },
      ]);
    }
    const trackMs = trackEvents > 0 ? (performance.now() - t) / trackEvents : 0;
    check((await store.countInteractions()) === n + trackEvents, 'count after track()');

    return {
      'browser.ingest1M.ms': Math.round(ingestMs),
      'browser.readBack1M.ms': Math.round(readBackMs),
      'browser.trackEvent.ms': Math.round(trackMs * 100) / 100,
      'browser.storageBench.events': n,
    };
  } finally {
    store.dispose();
    await deleteDB(dbName);
  }
}
