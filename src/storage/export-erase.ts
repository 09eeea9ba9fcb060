import { deleteDB } from 'idb';
import type { InteractionDataset } from '../core/data/interaction-log';
import { EVENT_TYPES, type Item } from '../core/data/types';
import { toBase64 } from './base64';
import type { ModelRecord } from './hearth-db-schema';
import type { StoredCheckpoint } from './store-types';

/** Prefix of the Cache Storage caches that belong to Hearth (erased by `eraseAll`). */
export const HEARTH_CACHE_PREFIX = 'hearth';

/**
 * Layout of the JSON file written by `exportAll`. Typed arrays are base64 of their bytes in
 * little-endian order; `interactions.users[i]` indexes `interactions.userIds` (same for items) and
 * `types[i]` indexes `eventTypes`; a NaN value means "no value".
 */
export interface HearthExport {
  readonly format: 'hearth-export';
  readonly formatVersion: 1;
  readonly dbName: string;
  readonly exportedAt: string;
  readonly catalog: readonly Item[];
  readonly interactions: {
    readonly rows: number;
    readonly eventTypes: readonly string[];
    readonly userIds: readonly string[];
    readonly itemIds: readonly string[];
    /** Base64 Int32Array. */
    readonly users: string;
    /** Base64 Int32Array. */
    readonly items: string;
    /** Base64 Uint8Array. */
    readonly types: string;
    /** Base64 Float32Array. */
    readonly values: string;
    /** Base64 Float64Array (ms since the epoch). */
    readonly timestamps: string;
  };
  readonly models: readonly {
    readonly name: string;
    readonly version: number;
    readonly savedAt: number;
    readonly meta: Readonly<Record<string, unknown>>;
    /** Base64 model file. */
    readonly bytes: string;
  }[];
  readonly checkpoints: readonly {
    readonly runId: string;
    readonly savedAt: number;
    readonly meta: Readonly<Record<string, unknown>>;
    readonly epoch: number;
    readonly lossHistory: readonly number[];
    /** Base64 Float32Array. */
    readonly userFactors: string;
    /** Base64 Float32Array. */
    readonly itemFactors: string;
    /** Base64 Float32Array. */
    readonly itemBias: string;
  }[];
  readonly meta: Readonly<Record<string, unknown>>;
}

/** What `exportAll` read from the database. */
export interface ExportInput {
  readonly dbName: string;
  readonly exportedAt: number;
  readonly catalog: readonly Item[];
  readonly interactions: InteractionDataset;
  readonly models: readonly ModelRecord[];
  readonly checkpoints: readonly StoredCheckpoint[];
  readonly meta: Readonly<Record<string, unknown>>;
}

/** Builds the export file as a JSON Blob. */
export function buildExport(input: ExportInput): Blob {
  const { columns, userVocab, itemVocab } = input.interactions;
  const n = columns.length;
  const file: HearthExport = {
    format: 'hearth-export',
    formatVersion: 1,
    dbName: input.dbName,
    exportedAt: new Date(input.exportedAt).toISOString(),
    catalog: input.catalog,
    interactions: {
      rows: n,
      eventTypes: EVENT_TYPES,
      userIds: userVocab.toArray(),
      itemIds: itemVocab.toArray(),
      users: toBase64(columns.users.subarray(0, n)),
      items: toBase64(columns.items.subarray(0, n)),
      types: toBase64(columns.types.subarray(0, n)),
      values: toBase64(columns.values.subarray(0, n)),
      timestamps: toBase64(columns.timestamps.subarray(0, n)),
    },
    models: input.models.map((m) => ({
      name: m.name,
      version: m.version,
      savedAt: m.savedAt,
      meta: m.meta,
      bytes: toBase64(m.bytes),
    })),
    checkpoints: input.checkpoints.map((c) => ({
      runId: c.runId,
      savedAt: c.savedAt,
      meta: c.meta,
      epoch: c.checkpoint.epoch,
      lossHistory: c.checkpoint.lossHistory,
      userFactors: toBase64(c.checkpoint.userFactors),
      itemFactors: toBase64(c.checkpoint.itemFactors),
      itemBias: toBase64(c.checkpoint.itemBias),
    })),
    meta: input.meta,
  };
  return new Blob([JSON.stringify(file)], { type: 'application/json' });
}

/**
 * Deletes a database. While other connections block it, calls `onBlocked` (which asks other tabs
 * to close); resolves true once deleted, false if still blocked after `timeoutMs` (the deletion
 * then completes whenever the last connection closes).
 */
export async function deleteDatabase(
  name: string,
  onBlocked: () => void,
  timeoutMs: number,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([deleteDB(name, { blocked: onBlocked }).then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Deletes every Cache Storage cache whose name starts with {@link HEARTH_CACHE_PREFIX}. */
export async function deleteHearthCaches(): Promise<void> {
  if (typeof caches === 'undefined') return;
  const names = await caches.keys();
  await Promise.all(
    names.filter((name) => name.startsWith(HEARTH_CACHE_PREFIX)).map((name) => caches.delete(name)),
  );
}

/** What is left after an erase: this database if it still exists, and Hearth's caches. */
export async function listRemaining(dbName: string): Promise<{
  readonly remainingDatabases: readonly string[];
  readonly remainingCaches: readonly string[];
}> {
  const databases = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : [];
  const cacheNames = typeof caches === 'undefined' ? [] : await caches.keys();
  return {
    remainingDatabases: databases.map((info) => info.name ?? '').filter((name) => name === dbName),
    remainingCaches: cacheNames.filter((name) => name.startsWith(HEARTH_CACHE_PREFIX)),
  };
}
