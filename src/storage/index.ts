/**
 * Hearth's on-device storage: catalog, interactions (columnar typed-array chunks plus a small
 * append log), vocabularies, models, checkpoints and metadata in IndexedDB. Nothing leaves the
 * device; several tabs share one database with change notifications and a trainer lock.
 *
 * @example
 * const store = await createHearthStore({ retention: { maxEvents: 200_000 } });
 * await store.appendInteractions([{ itemId: 'sku-1', type: 'click', timestamp: Date.now() }]);
 * const { columns } = await store.readInteractions();
 *
 * @module
 */

export { createHearthStore } from './create-hearth-store';
export { createQuotaSimulator, type QuotaSimulator } from './quota';
export { HEARTH_CACHE_PREFIX } from './export-erase';
export type { HearthExportManifest } from './export-file';
export { HEARTH_DB_VERSION, DEFAULT_DB_NAME } from './hearth-db-schema';
export { CHUNK_ROWS } from './interaction-chunks';
export { LOG_COMPACT_ROWS, LOG_MAX_BATCH } from './append-log';
export type { ImportProgress, InteractionImportOptions, InterruptedImport } from './import-options';
export {
  detectDeviceLimits,
  importCapacity,
  STORED_BYTES_PER_EVENT,
  TRAIN_BYTES_PER_EVENT,
  type DeviceLimits,
  type ImportCapacity,
} from './import-capacity';
export type {
  AppendResult,
  HearthStore,
  HearthStoreOptions,
  InteractionImportResult,
  RetentionPolicy,
  StorageReport,
  StoreChange,
  StoredCheckpoint,
  StoredModel,
} from './store-types';
