import type { IDBPDatabase } from 'idb';
import { OptionError } from '../core/errors';
import type { HearthDB, ModelRecord } from './hearth-db-schema';
import { commitOrAbort, type QuotaSimulator } from './quota';
import { settle } from './settle-request';
import type { StoredCheckpoint, StoredModel } from './store-types';

/** A copy of `array` when it views part of a larger buffer (structured clone stores whole buffers). */
export function tightCopy<
  T extends {
    readonly byteOffset: number;
    readonly byteLength: number;
    readonly buffer: ArrayBufferLike;
    slice(): T;
  },
>(array: T): T {
  return array.byteOffset === 0 && array.byteLength === array.buffer.byteLength
    ? array
    : array.slice();
}

/** Saves a model with version = previous version + 1, in one transaction (safe across tabs). */
export async function putModel(
  db: IDBPDatabase<HearthDB>,
  model: Omit<ModelRecord, 'version'>,
  simulator: QuotaSimulator | undefined,
): Promise<ModelRecord> {
  const tx = db.transaction('models', 'readwrite');
  return commitOrAbort(
    tx,
    async () => {
      const previous = await tx.store.get(model.name);
      const record: ModelRecord = { ...model, version: (previous?.version ?? 0) + 1 };
      settle(tx.store.put(record));
      return record;
    },
    simulator,
  );
}

/**
 * Checks `saveModel` arguments and returns the bytes to store.
 *
 * @throws OptionError for an empty name or non-`Uint8Array` bytes.
 */
export function modelBytes(name: string, bytes: Uint8Array): Uint8Array {
  if (typeof name !== 'string' || name === '') {
    throw new OptionError('The model name must be a non-empty string.');
  }
  if (!(bytes instanceof Uint8Array)) {
    throw new OptionError('Model bytes must be a Uint8Array (see encodeBundle).');
  }
  return tightCopy(bytes);
}

/** The public view of a model record. */
export function storedModel(record: ModelRecord): StoredModel {
  return {
    bytes: record.bytes,
    version: record.version,
    savedAt: record.savedAt,
    meta: record.meta,
  };
}

/**
 * A checkpoint ready to store (tight typed-array copies) and its size in bytes.
 *
 * @throws OptionError for an empty run id.
 */
export function checkpointRecord(checkpoint: StoredCheckpoint): {
  readonly record: StoredCheckpoint;
  readonly bytes: number;
} {
  if (typeof checkpoint.runId !== 'string' || checkpoint.runId === '') {
    throw new OptionError('checkpoint.runId must be a non-empty string.');
  }
  const c = checkpoint.checkpoint;
  const record: StoredCheckpoint = {
    runId: checkpoint.runId,
    savedAt: checkpoint.savedAt,
    meta: checkpoint.meta,
    checkpoint: {
      epoch: c.epoch,
      lossHistory: [...c.lossHistory],
      userFactors: tightCopy(c.userFactors),
      itemFactors: tightCopy(c.itemFactors),
      itemBias: tightCopy(c.itemBias),
    },
  };
  return {
    record,
    bytes: c.userFactors.byteLength + c.itemFactors.byteLength + c.itemBias.byteLength,
  };
}

/** The checkpoint with the largest `savedAt`, or null. */
export async function readLatestCheckpoint(
  db: IDBPDatabase<HearthDB>,
): Promise<StoredCheckpoint | null> {
  const cursor = await db
    .transaction('checkpoints')
    .store.index('savedAt')
    .openCursor(null, 'prev');
  return cursor?.value ?? null;
}

/** Every model, checkpoint and meta entry (for the export file). */
export async function readRecords(db: IDBPDatabase<HearthDB>): Promise<{
  readonly models: ModelRecord[];
  readonly checkpoints: StoredCheckpoint[];
  readonly meta: Record<string, unknown>;
}> {
  const tx = db.transaction(['models', 'checkpoints', 'meta'], 'readonly');
  const metaStore = tx.objectStore('meta');
  const [models, checkpoints, metaKeys, metaValues] = await Promise.all([
    tx.objectStore('models').getAll(),
    tx.objectStore('checkpoints').getAll(),
    metaStore.getAllKeys(),
    metaStore.getAll(),
  ]);
  const meta: Record<string, unknown> = {};
  metaKeys.forEach((key, i) => {
    meta[key] = metaValues[i];
  });
  return { models, checkpoints, meta };
}
