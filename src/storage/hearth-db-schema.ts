import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { StoredCheckpoint } from './store-types';

/**
 * IndexedDB version of the current layout ("schema v1"). Version history:
 * - 1: the prototype layout ("v0"): an `events` store of plain `Interaction` objects
 *   (auto-incremented keys) and a `meta` key/value store.
 * - 2: schema v1, described by {@link HearthDB}; `events` is migrated into columnar chunks.
 */
export const HEARTH_DB_VERSION = 2;

/** Default database name. */
export const DEFAULT_DB_NAME = 'hearth';

/** A block of interactions stored column by column (one structured-clone per column, not per row). */
export interface ChunkRecord {
  /** Auto-incremented on insert, so chunk order is insertion order across connections. */
  readonly id?: number;
  readonly count: number;
  /** Dense user ints (see the `vocab` store). */
  readonly users: Int32Array;
  readonly items: Int32Array;
  /** Index into `EVENT_TYPES`. */
  readonly types: Uint8Array;
  /** NaN when the event has no value. */
  readonly values: Float32Array;
  /** Milliseconds since the epoch; always finite. */
  readonly timestamps: Float64Array;
  readonly minTs: number;
  readonly maxTs: number;
  /**
   * Set on the chunks a sliced import writes (the id in its journal, see `import-journal.ts`):
   * how an interrupted import's rows are told apart from others. Rewrites drop it.
   */
  readonly importId?: number;
}

/** One event of the append log (small, single appends such as `track()`), ids kept as strings. */
export interface LogRecord {
  /** Auto-incremented on insert; log order is insertion order. */
  readonly seq?: number;
  readonly user: string;
  readonly item: string;
  readonly type: number;
  /** NaN when the event has no value. */
  readonly value: number;
  readonly timestamp: number;
}

/** Which vocabulary a {@link VocabRecord} belongs to. */
export type VocabKind = 'user' | 'item';

/** Ids `start .. start+count-1` of one vocabulary, JSON-encoded (3–5× faster than a string[] clone). */
export interface VocabRecord {
  readonly kind: VocabKind;
  readonly start: number;
  readonly count: number;
  /** JSON array of `count` ids. */
  readonly ids: string;
}

/** Part of the catalog, JSON-encoded (`Item[]`). */
export interface CatalogRecord {
  /** 0-based position of the part; parts are read back in this order. */
  readonly index: number;
  readonly count: number;
  readonly json: string;
}

/** A stored model file and its metadata. */
export interface ModelRecord {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly version: number;
  readonly savedAt: number;
  readonly meta: Readonly<Record<string, unknown>>;
}

/**
 * Internal bookkeeping, updated only inside the transaction that changes what it counts. The
 * `import*` keys are the journal of a sliced import in progress (see `import-journal.ts`).
 */
export type CounterName =
  'chunkRows' | 'catalogItems' | 'catalogBytes' | 'importId' | 'importAfterChunk' | 'importRows';

/** Typed layout of Hearth's database (schema v1). */
export interface HearthDB extends DBSchema {
  chunks: { key: number; value: ChunkRecord; indexes: { minTs: number; maxTs: number } };
  log: { key: number; value: LogRecord; indexes: { timestamp: number } };
  vocab: { key: [VocabKind, number]; value: VocabRecord };
  catalog: { key: number; value: CatalogRecord };
  models: { key: string; value: ModelRecord };
  checkpoints: { key: string; value: StoredCheckpoint; indexes: { savedAt: number } };
  meta: { key: string; value: unknown };
  counters: { key: CounterName; value: number };
}

/** Stores touched by every interaction write (chunks, log, vocabularies and their counters). */
export type InteractionStoreName = 'chunks' | 'log' | 'vocab' | 'counters';

/** Scope of interaction transactions. */
export const INTERACTION_STORES: InteractionStoreName[] = ['chunks', 'log', 'vocab', 'counters'];

/** A transaction over {@link INTERACTION_STORES}. */
export type InteractionTx<M extends 'readonly' | 'readwrite'> = IDBPTransaction<
  HearthDB,
  InteractionStoreName[],
  M
>;

/** Every store of schema v1. */
export const ALL_STORES: StoreNames<HearthDB>[] = [
  'chunks',
  'log',
  'vocab',
  'catalog',
  'models',
  'checkpoints',
  'meta',
  'counters',
];

/**
 * Creates the stores of schema v1 that are missing. Called only from the `upgrade` callback; keeps
 * stores that an older layout already had with the same shape (`meta`).
 */
export function createSchemaV1(db: IDBPDatabase<HearthDB>): void {
  const has = (name: StoreNames<HearthDB>): boolean => db.objectStoreNames.contains(name);
  if (!has('chunks')) {
    const chunks = db.createObjectStore('chunks', { keyPath: 'id', autoIncrement: true });
    chunks.createIndex('minTs', 'minTs');
    chunks.createIndex('maxTs', 'maxTs');
  }
  if (!has('log')) {
    const log = db.createObjectStore('log', { keyPath: 'seq', autoIncrement: true });
    log.createIndex('timestamp', 'timestamp');
  }
  if (!has('vocab')) db.createObjectStore('vocab', { keyPath: ['kind', 'start'] });
  if (!has('catalog')) db.createObjectStore('catalog', { keyPath: 'index' });
  if (!has('models')) db.createObjectStore('models', { keyPath: 'name' });
  if (!has('checkpoints')) {
    const checkpoints = db.createObjectStore('checkpoints', { keyPath: 'runId' });
    checkpoints.createIndex('savedAt', 'savedAt');
  }
  if (!has('meta')) db.createObjectStore('meta');
  if (!has('counters')) db.createObjectStore('counters');
}

/** The `upgrade` transaction, as `idb` types it. */
export type UpgradeTx = IDBPTransaction<HearthDB, StoreNames<HearthDB>[], 'versionchange'>;
