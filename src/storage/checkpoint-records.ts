import type { IDBPDatabase } from 'idb';
import { OptionError } from '../core/errors';
import type { HearthDB, ModelRecord } from './hearth-db-schema';
import { tightCopy } from './model-records';
import { commitOrAbort, type QuotaSimulator } from './quota';
import { settle } from './settle-request';
import type { StoredCheckpoint } from './store-types';

// Training checkpoints and the export's full read: loaded on first use (serving needs neither).

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

/** Stores one checkpoint record (one transaction; a quota error aborts it whole). */
export async function putCheckpoint(
  db: IDBPDatabase<HearthDB>,
  record: ReturnType<typeof checkpointRecord>['record'],
  quotaSimulator: QuotaSimulator | undefined,
): Promise<void> {
  const tx = db.transaction('checkpoints', 'readwrite');
  await commitOrAbort(tx, async () => settle(tx.store.put(record)), quotaSimulator);
}

/** Deletes the checkpoint of run `runId`, or every checkpoint when `runId` is undefined. */
export async function deleteCheckpoints(
  db: IDBPDatabase<HearthDB>,
  runId: string | undefined,
): Promise<void> {
  const tx = db.transaction('checkpoints', 'readwrite');
  await commitOrAbort(
    tx,
    async () => settle(runId === undefined ? tx.store.clear() : tx.store.delete(runId)),
    undefined,
  );
}
