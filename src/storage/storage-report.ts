import type { IDBPDatabase } from 'idb';
import { INTERACTION_STORES, type HearthDB } from './hearth-db-schema';
import { BYTES_PER_ROW } from './interaction-chunks';
import { storedRows } from './interaction-writes';
import { isPersisted, storageEstimate } from './quota';
import type { StorageReport } from './store-types';

function jsonBytes(value: unknown): number {
  try {
    return (JSON.stringify(value)?.length ?? 0) * 2;
  } catch {
    return 0;
  }
}

/**
 * Counts and approximate bytes of every store (typed-array byte lengths, JSON/UTF-16 text sizes),
 * plus the browser's own estimate and persistence state.
 */
export async function buildStorageReport(db: IDBPDatabase<HearthDB>): Promise<StorageReport> {
  const tx = db.transaction(INTERACTION_STORES, 'readonly');
  const rows = await storedRows(tx);
  let interactionBytes = rows.chunkRows * BYTES_PER_ROW;
  let vocab = await tx.objectStore('vocab').openCursor();
  while (vocab !== null) {
    interactionBytes += vocab.value.ids.length * 2;
    vocab = await vocab.continue();
  }
  let log = await tx.objectStore('log').openCursor();
  while (log !== null) {
    interactionBytes += BYTES_PER_ROW + (log.value.user.length + log.value.item.length) * 2;
    log = await log.continue();
  }
  const catalogItems = (await db.get('counters', 'catalogItems')) ?? 0;
  const catalogBytes = (await db.get('counters', 'catalogBytes')) ?? 0;

  let models = 0;
  let modelBytes = 0;
  let model = await db.transaction('models').store.openCursor();
  while (model !== null) {
    models++;
    modelBytes += model.value.bytes.byteLength + jsonBytes(model.value.meta);
    model = await model.continue();
  }
  let checkpoints = 0;
  let checkpointBytes = 0;
  let checkpoint = await db.transaction('checkpoints').store.openCursor();
  while (checkpoint !== null) {
    const c = checkpoint.value.checkpoint;
    checkpoints++;
    checkpointBytes +=
      c.userFactors.byteLength +
      c.itemFactors.byteLength +
      c.itemBias.byteLength +
      jsonBytes(checkpoint.value.meta);
    checkpoint = await checkpoint.continue();
  }
  let metaBytes = 0;
  let meta = await db.transaction('meta').store.openCursor();
  while (meta !== null) {
    metaBytes += jsonBytes(meta.key) + jsonBytes(meta.value);
    meta = await meta.continue();
  }
  const [estimate, persisted] = await Promise.all([storageEstimate(), isPersisted()]);
  return {
    interactions: rows.chunkRows + rows.logRows,
    catalogItems,
    models,
    checkpoints,
    bytes: {
      interactions: interactionBytes,
      catalog: catalogBytes,
      models: modelBytes,
      checkpoints: checkpointBytes,
      meta: metaBytes,
    },
    estimate,
    persisted,
  };
}
