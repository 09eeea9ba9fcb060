import type { InteractionDataset } from '../../src/core/data/interaction-log';
import { InteractionLogBuilder } from '../../src/core/data/interaction-log';
import { parseCatalog, parseInteractions } from '../../src/core/data/parse';
import type { ParseInput } from '../../src/core/data/parse';
import { EVENT_TYPES, eventTypeCode, type Interaction, type Item } from '../../src/core/data/types';
import { Vocabulary } from '../../src/core/data/vocabulary';
import { CancelledError, DataError } from '../../src/core/errors';
import type {
  HearthStore,
  HearthStoreOptions,
  StoreChange,
  StoredCheckpoint,
  StoredModel,
} from '../../src/storage/store-types';

/** One in-memory "database", shared by every store opened with its name (like tabs sharing IDB). */
interface MemoryDb {
  interactions: Interaction[];
  catalog: Item[];
  models: Map<string, StoredModel>;
  version: number;
  checkpoints: Map<string, StoredCheckpoint>;
  meta: Map<string, unknown>;
  listeners: Set<{ readonly origin: object; readonly listener: (change: StoreChange) => void }>;
  lock: Promise<void> | null;
}

const dbs = new Map<string, MemoryDb>();

function dbOf(name: string): MemoryDb {
  let db = dbs.get(name);
  if (!db) {
    db = {
      interactions: [],
      catalog: [],
      models: new Map(),
      version: 0,
      checkpoints: new Map(),
      meta: new Map(),
      listeners: new Set(),
      lock: null,
    };
    dbs.set(name, db);
  }
  return db;
}

/** Calls recorded by a memory store, for assertions. */
export interface MemoryStoreProbe {
  checkpointsSaved: number;
  disposed: boolean;
}

/** Probes of every memory store opened, by database name (last opened wins). */
export const probes = new Map<string, MemoryStoreProbe>();

/** Peeks at a database (test assertions). */
export function peekDb(name: string): Readonly<MemoryDb> | undefined {
  return dbs.get(name);
}

function datasetOf(rows: readonly Interaction[]): InteractionDataset {
  const userVocab = new Vocabulary();
  const itemVocab = new Vocabulary();
  const builder = new InteractionLogBuilder();
  for (const r of rows) {
    builder.push(
      userVocab.add(r.userId ?? 'local'),
      itemVocab.add(r.itemId),
      eventTypeCode(r.type),
      r.value ?? NaN,
      r.timestamp,
    );
  }
  return { userVocab, itemVocab, columns: builder.build() };
}

function rowsOf(dataset: InteractionDataset): Interaction[] {
  const rows: Interaction[] = [];
  const c = dataset.columns;
  for (let r = 0; r < c.length; r++) {
    rows.push({
      userId: dataset.userVocab.idAt(c.users[r]!),
      itemId: dataset.itemVocab.idAt(c.items[r]!),
      type: EVENT_TYPES[c.types[r]!]!,
      timestamp: Number.isNaN(c.timestamps[r]!) ? r : c.timestamps[r]!,
      ...(!Number.isNaN(c.values[r]!) && { value: c.values[r]! }),
    });
  }
  return rows;
}

/**
 * An in-memory {@link HearthStore} following the contract closely enough to test the runtime in
 * Node: shared state per `dbName`, change notifications to every store of the db (this "tab"
 * included), a trainer lock across stores of the db.
 */
export async function createMemoryStore(options: HearthStoreOptions = {}): Promise<HearthStore> {
  const name = options.dbName ?? 'hearth';
  const db = dbOf(name);
  const probe: MemoryStoreProbe = { checkpointsSaved: 0, disposed: false };
  probes.set(name, probe);
  const origin = {};
  const own = new Set<{
    readonly origin: object;
    readonly listener: (change: StoreChange) => void;
  }>();
  const notify = (change: StoreChange): void => {
    // This instance hears its own changes at once; other "tabs" later, marked remote.
    for (const entry of [...db.listeners]) {
      if (entry.origin === origin) entry.listener(change);
      else setTimeout(() => entry.listener({ ...change, remote: true }), 0);
    }
  };
  const append = (events: readonly Interaction[]): { appended: number; evicted: number } => {
    events.forEach((e, i) => {
      if (!e.itemId || !(EVENT_TYPES as readonly string[]).includes(e.type)) {
        throw new DataError('INVALID_ROW', `Row ${i}: bad itemId or type.`);
      }
    });
    db.interactions.push(...events);
    notify({ kind: 'interactions', appended: events.length, total: db.interactions.length });
    return { appended: events.length, evicted: 0 };
  };
  const store: HearthStore = {
    async appendInteractions(events) {
      return append(events);
    },
    async importInteractions(input, parseOptions) {
      const { dataset, report } = await parseInteractions(input as ParseInput, parseOptions);
      return { report, append: append(rowsOf(dataset)) };
    },
    async appendDataset(dataset) {
      return append(rowsOf(dataset));
    },
    async readInteractions() {
      return datasetOf(db.interactions);
    },
    async recentInteractions(limit, userId = 'local') {
      return db.interactions.filter((e) => (e.userId ?? 'local') === userId).slice(-limit);
    },
    async countInteractions() {
      return db.interactions.length;
    },
    async putCatalog(items) {
      db.catalog = [...items];
      notify({ kind: 'catalog', items: items.length });
    },
    async importCatalog(input, parseOptions) {
      const { items, report } = await parseCatalog(input as ParseInput, parseOptions);
      await store.putCatalog(items);
      return { report, items: items.length };
    },
    async getCatalog() {
      return [...db.catalog];
    },
    async saveModel(modelName, bytes, meta = {}) {
      const stored: StoredModel = {
        bytes: bytes.slice(),
        version: ++db.version,
        savedAt: Date.now(),
        meta,
      };
      db.models.set(modelName, stored);
      notify({ kind: 'model', name: modelName, version: stored.version });
      return stored;
    },
    async loadModel(modelName) {
      return db.models.get(modelName) ?? null;
    },
    async saveCheckpoint(checkpoint) {
      probe.checkpointsSaved++;
      db.checkpoints.set(checkpoint.runId, checkpoint);
    },
    async loadCheckpoint(runId) {
      return db.checkpoints.get(runId) ?? null;
    },
    async latestCheckpoint() {
      let latest: StoredCheckpoint | null = null;
      for (const c of db.checkpoints.values())
        if (!latest || c.savedAt >= latest.savedAt) latest = c;
      return latest;
    },
    async clearCheckpoints(runId) {
      if (runId === undefined) db.checkpoints.clear();
      else db.checkpoints.delete(runId);
    },
    async getMeta<T>(key: string) {
      return db.meta.get(key) as T | undefined;
    },
    async setMeta(key, value) {
      db.meta.set(key, value);
    },
    async requestPersistence() {
      return false;
    },
    async report() {
      return {
        interactions: db.interactions.length,
        catalogItems: db.catalog.length,
        models: db.models.size,
        checkpoints: db.checkpoints.size,
        bytes: { interactions: 0, catalog: 0, models: 0, checkpoints: 0, meta: 0 },
        estimate: null,
        persisted: null,
      };
    },
    async exportAll() {
      return new Blob([JSON.stringify({ interactions: db.interactions, catalog: db.catalog })]);
    },
    async eraseAll() {
      dbs.delete(name);
      notify({ kind: 'erased' });
      return { remainingDatabases: [], remainingCaches: [] };
    },
    onChange(listener) {
      const entry = { origin, listener };
      db.listeners.add(entry);
      own.add(entry);
      return () => {
        db.listeners.delete(entry);
        own.delete(entry);
      };
    },
    async withTrainerLock(fn, lockOptions = {}) {
      while (db.lock) {
        if (lockOptions.wait === false) return null;
        if (lockOptions.signal?.aborted) throw new CancelledError();
        await db.lock;
      }
      let release!: () => void;
      db.lock = new Promise((resolve) => (release = resolve));
      try {
        return await fn();
      } finally {
        db.lock = null;
        release();
      }
    },
    dispose() {
      probe.disposed = true;
      for (const listener of own) db.listeners.delete(listener);
      own.clear();
    },
  };
  return store;
}
