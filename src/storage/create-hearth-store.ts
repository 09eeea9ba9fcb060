import { HearthError, OptionError } from '../core/errors';
import type { InteractionDataset } from '../core/data/interaction-log';
import type { CatalogParseOptions, ImportReport, ParseInput } from '../core/data/parse';
import type { Interaction, Item } from '../core/data/types';
import { checkCatalog, readCatalog, writeCatalog } from './catalog-store';
import { resolveInput } from './fetch-input';
import { openHearthConnection, type HearthConnection } from './hearth-connection';
import { INTERACTION_STORES } from './hearth-db-schema';
import { BYTES_PER_ROW } from './interaction-chunks';
import { readDataset, readRecent } from './interaction-reads';
import { evictOldestRows, storedRows, writeBatch } from './interaction-writes';
import { deleteDatabase, deleteHearthCaches, listRemaining } from './export-erase';
import { modelBytes, putModel, storedModel } from './model-records';
import {
  commitOrAbort,
  quotaEvictionMessage,
  requestPersistence,
  withQuotaRecovery,
} from './quota';
import { batchFromDataset, batchFromInteractions, type RowBatch } from './row-batch';
import { settle } from './settle-request';
import type { InteractionImportOptions } from './import-options';
import type {
  AppendResult,
  HearthStore,
  HearthStoreOptions,
  InteractionImportResult,
  StorageReport,
  StoreChange,
  StoredCheckpoint,
  StoredModel,
} from './store-types';
import { buildStorageReport } from './storage-report';
import { resolveOptions, type ResolvedOptions } from './store-options';
import { createTabSync, withWebLock, type TabSync } from './tab-sync';

/** Checkpoint records and the export's full read, loaded on first use: serving needs neither. */
const loadCheckpointRecords = () => import('./checkpoint-records');

/** Rough stored size of one catalog item, to size quota eviction before the JSON exists. */
const CATALOG_ITEM_BYTES = 200;

function isClosingError(error: unknown): boolean {
  return (error as { readonly name?: unknown } | null)?.name === 'InvalidStateError';
}

class IndexedDbHearthStore implements HearthStore {
  private connection: Promise<HearthConnection> | null = null;
  private disposed = false;
  /** Pending while eraseAll runs; connections wait for it. */
  private erasing: Promise<void> | null = null;
  private readonly sync: TabSync;

  constructor(private readonly options: ResolvedOptions) {
    this.sync = createTabSync({
      channelName: `hearth:${options.dbName}`,
      onCloseRequest: () => this.closeConnection(),
    });
  }

  /** The open connection, opening (and upgrading) the database on first use or after a close. */
  connect(): Promise<HearthConnection> {
    if (this.erasing) {
      // An open issued now would queue behind the delete and recreate the database before the
      // erase could verify it is gone: work waits for the erase, then gets a fresh database.
      return this.erasing.then(() => this.connect());
    }
    if (this.disposed) {
      return Promise.reject(
        new HearthError(
          'DISPOSED',
          'This Hearth store was disposed; create a new one with createHearthStore.',
        ),
      );
    }
    if (this.connection === null) {
      const opening: Promise<HearthConnection> = openHearthConnection({
        dbName: this.options.dbName,
        visitorId: this.options.visitorId,
        onBlocked: () => this.sync.requestClose(),
        onLost: () => {
          if (this.connection === opening) this.connection = null;
        },
      });
      this.connection = opening;
      opening.catch(() => {
        if (this.connection === opening) this.connection = null;
      });
    }
    return this.connection;
  }

  private closeConnection(): void {
    const closing = this.connection;
    this.connection = null;
    closing?.then(({ db }) => db.close()).catch(() => undefined);
  }

  /** Runs `fn` on the connection; reconnects once when another tab closed it meanwhile. */
  private async run<T>(fn: (connection: HearthConnection) => Promise<T>): Promise<T> {
    const pending = this.connect();
    try {
      return await fn(await pending);
    } catch (error) {
      if (!isClosingError(error) || this.disposed) throw error;
      if (this.connection === pending) this.connection = null;
      return fn(await this.connect());
    }
  }

  private async countRows(): Promise<number> {
    return this.run(async ({ db }) => {
      const rows = await storedRows(db.transaction(INTERACTION_STORES, 'readonly'));
      return rows.chunkRows + rows.logRows;
    });
  }

  private evictOldest(rows: number): Promise<number> {
    return this.run(async ({ db }) => {
      const tx = db.transaction(INTERACTION_STORES, 'readwrite');
      // Evictions free space: they never go through the quota simulator.
      const { evicted } = await commitOrAbort(tx, () => evictOldestRows(tx, rows), undefined);
      return evicted;
    });
  }

  /** Runs a data-growing write with quota recovery (evicting oldest interactions, never models). */
  private withQuota<T>(what: string, neededRows: number, write: () => Promise<T>) {
    return withQuotaRecovery({
      write,
      what,
      neededRows,
      storedRows: () => this.countRows(),
      evictOldest: (rows) => this.evictOldest(rows),
      onEvicted: (evicted) =>
        this.sync.publish({ kind: 'quota', evicted, message: quotaEvictionMessage(evicted) }),
    });
  }

  private async appendBatch(batch: RowBatch): Promise<AppendResult> {
    if (batch.length === 0) return { appended: 0, evicted: 0 };
    const now = this.options.now();
    const { value, evicted: quotaEvicted } = await this.withQuota(
      `${batch.length} interactions`,
      batch.length,
      () =>
        this.run(async ({ db, mirror }) => {
          const tx = db.transaction(INTERACTION_STORES, 'readwrite');
          try {
            return await commitOrAbort(
              tx,
              () => writeBatch(tx, batch, mirror, this.options.retention, now),
              this.options.quotaSimulator,
            );
          } catch (error) {
            // The mirror may hold ids of the failed transaction.
            mirror.invalidate();
            throw error;
          }
        }),
    );
    this.sync.publish({ kind: 'interactions', appended: batch.length, total: value.total });
    return {
      appended: batch.length,
      evicted: value.evicted + quotaEvicted,
      ...(quotaEvicted > 0 ? { quotaRecovered: true } : {}),
    };
  }

  appendInteractions(events: readonly Interaction[]): Promise<AppendResult> {
    try {
      return this.appendBatch(batchFromInteractions(events, this.options.visitorId));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  appendDataset(dataset: InteractionDataset): Promise<AppendResult> {
    try {
      return this.appendBatch(batchFromDataset(dataset, this.options.now()));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async importInteractions(
    input: ParseInput | URL,
    options: InteractionImportOptions = {},
  ): Promise<InteractionImportResult> {
    // Parsers and the sliced import load on first import: a page that only serves never downloads them.
    const { importInteractionsInto } = await import('./streaming-import');
    return importInteractionsInto(
      {
        ...this.options,
        run: (write) => this.run(write),
        appendDataset: (dataset) => this.appendDataset(dataset),
        publish: (change) => this.sync.publish(change),
        countRows: () => this.countRows(),
      },
      input,
      options,
    );
  }

  readInteractions(): Promise<InteractionDataset> {
    return this.run(({ db, mirror }) =>
      readDataset(db.transaction(INTERACTION_STORES, 'readonly'), mirror),
    );
  }

  recentInteractions(
    limit: number,
    userId: string = this.options.visitorId,
  ): Promise<Interaction[]> {
    if (!Number.isInteger(limit) || limit < 0) {
      return Promise.reject(new OptionError(`limit must be a non-negative integer, got ${limit}.`));
    }
    return this.run(({ db, mirror }) =>
      readRecent(db.transaction(INTERACTION_STORES, 'readonly'), mirror, limit, userId),
    );
  }

  countInteractions(): Promise<number> {
    return this.countRows();
  }

  async putCatalog(items: readonly Item[]): Promise<void> {
    checkCatalog(items);
    const neededRows = Math.ceil((items.length * CATALOG_ITEM_BYTES) / BYTES_PER_ROW);
    await this.withQuota(`the catalog (${items.length} items)`, neededRows, () =>
      this.run(async ({ db }) => {
        const tx = db.transaction(['catalog', 'counters'], 'readwrite');
        await commitOrAbort(tx, async () => writeCatalog(tx, items), this.options.quotaSimulator);
      }),
    );
    this.sync.publish({ kind: 'catalog', items: items.length });
  }

  async importCatalog(
    input: ParseInput | URL,
    options: CatalogParseOptions = {},
  ): Promise<{ readonly report: ImportReport; readonly items: number }> {
    const { parseCatalog } = await import('../core/data/parse/parse-catalog');
    const { items, report } = await parseCatalog(await resolveInput(input), options);
    await this.putCatalog(items);
    return { report, items: items.length };
  }

  getCatalog(): Promise<Item[]> {
    return this.run(({ db }) => readCatalog(db));
  }

  async saveModel(
    name: string,
    bytes: Uint8Array,
    meta: Record<string, unknown> = {},
  ): Promise<StoredModel> {
    const stored = modelBytes(name, bytes);
    const savedAt = this.options.now();
    const { value } = await this.withQuota(
      `model "${name}"`,
      Math.ceil(stored.byteLength / BYTES_PER_ROW),
      () =>
        this.run(({ db }) =>
          putModel(db, { name, bytes: stored, savedAt, meta }, this.options.quotaSimulator),
        ),
    );
    this.sync.publish({ kind: 'model', name, version: value.version });
    return storedModel(value);
  }

  async loadModel(name: string): Promise<StoredModel | null> {
    const record = await this.run(({ db }) => db.get('models', name));
    return record === undefined ? null : storedModel(record);
  }

  async saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
    const { checkpointRecord, putCheckpoint } = await loadCheckpointRecords();
    const { record, bytes } = checkpointRecord(checkpoint);
    await this.withQuota(
      `the checkpoint of run "${record.runId}"`,
      Math.ceil(bytes / BYTES_PER_ROW),
      () => this.run(({ db }) => putCheckpoint(db, record, this.options.quotaSimulator)),
    );
  }

  async loadCheckpoint(runId: string): Promise<StoredCheckpoint | null> {
    return (await this.run(({ db }) => db.get('checkpoints', runId))) ?? null;
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | null> {
    const { readLatestCheckpoint } = await loadCheckpointRecords();
    return this.run(({ db }) => readLatestCheckpoint(db));
  }

  async clearCheckpoints(runId?: string): Promise<void> {
    const { deleteCheckpoints } = await loadCheckpointRecords();
    await this.run(({ db }) => deleteCheckpoints(db, runId));
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return (await this.run(({ db }) => db.get('meta', key))) as T | undefined;
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    if (typeof key !== 'string' || key === '')
      throw new OptionError('The meta key must be a non-empty string.');
    await this.withQuota(`setting "${key}"`, 1, () =>
      this.run(async ({ db }) => {
        const tx = db.transaction('meta', 'readwrite');
        await commitOrAbort(
          tx,
          async () => settle(value === undefined ? tx.store.delete(key) : tx.store.put(value, key)),
          this.options.quotaSimulator,
        );
      }),
    );
  }

  requestPersistence(): Promise<boolean> {
    return requestPersistence();
  }

  async report(): Promise<StorageReport> {
    // Static, not lazy: the widget reads the report at start (is a catalog or a model stored?),
    // and a lazy module would be fetched with the training chunk to show the first rows.
    return this.run(({ db }) => buildStorageReport(db));
  }

  async exportAll(): Promise<Blob> {
    const interactions = await this.readInteractions();
    const catalog = await this.getCatalog();
    const { readRecords } = await loadCheckpointRecords();
    const { models, checkpoints, meta } = await this.run(({ db }) => readRecords(db));
    // The export writer loads on first export: serving never needs it.
    const { buildExport } = await import('./export-file');
    return buildExport({
      dbName: this.options.dbName,
      exportedAt: this.options.now(),
      catalog,
      interactions,
      models,
      checkpoints,
      meta,
    });
  }

  async eraseAll(): Promise<{
    readonly remainingDatabases: readonly string[];
    readonly remainingCaches: readonly string[];
  }> {
    if (this.disposed)
      throw new HearthError(
        'DISPOSED',
        'This Hearth store was disposed; create a new one with createHearthStore.',
      );
    let finished = (): void => {};
    this.erasing = new Promise<void>((resolve) => (finished = resolve));
    try {
      this.sync.requestClose();
      this.closeConnection();
      await deleteDatabase(
        this.options.dbName,
        () => this.sync.requestClose(),
        this.options.eraseTimeoutMs,
      );
      await deleteHearthCaches();
      const remaining = await listRemaining(this.options.dbName);
      this.sync.publish({ kind: 'erased' });
      return remaining;
    } finally {
      this.erasing = null;
      finished();
    }
  }

  onChange(listener: (change: StoreChange) => void): () => void {
    return this.sync.subscribe(listener);
  }

  withTrainerLock<T>(
    fn: () => Promise<T>,
    options: { readonly wait?: boolean; readonly signal?: AbortSignal } = {},
  ): Promise<T | null> {
    return withWebLock(`hearth:${this.options.dbName}:trainer`, fn, options);
  }

  dispose(): void {
    if (this.disposed) return;
    this.closeConnection();
    this.disposed = true;
    this.sync.dispose();
  }
}

/**
 * Opens Hearth's on-device storage (IndexedDB), creating or upgrading the database.
 *
 * @example
 * const store = await createHearthStore({ retention: { maxEvents: 100_000 } });
 * await store.appendInteractions([{ itemId: 'sku-1', type: 'view', timestamp: Date.now() }]);
 * const dataset = await store.readInteractions();
 *
 * @throws OptionError for invalid options; BackendError when IndexedDB cannot be opened.
 */
export async function createHearthStore(options: HearthStoreOptions = {}): Promise<HearthStore> {
  const store = new IndexedDbHearthStore(resolveOptions(options));
  await store.connect();
  return store;
}
