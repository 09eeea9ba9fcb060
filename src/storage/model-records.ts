import type { IDBPDatabase } from 'idb';
import { OptionError } from '../core/errors';
import type { HearthDB, ModelRecord } from './hearth-db-schema';
import { commitOrAbort, type QuotaSimulator } from './quota';
import { settle } from './settle-request';
import type { StoredModel } from './store-types';

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
