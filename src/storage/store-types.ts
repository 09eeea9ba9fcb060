import type { InteractionDataset } from '../core/data/interaction-log';
import type { ImportReport, CatalogParseOptions, ParseInput } from '../core/data/parse';
import type { Interaction, Item } from '../core/data/types';
import type { MfCheckpoint } from '../core/models/mf/mf-trainer';
import type { InteractionImportOptions, InterruptedImport } from './import-options';
import type { QuotaSimulator } from './quota';

/** Retention policy, enforced on every write. */
export interface RetentionPolicy {
  /** Keep at most this many interactions (oldest evicted first). */
  readonly maxEvents?: number;
  /** Drop interactions older than this many milliseconds. */
  readonly maxAgeMs?: number;
}

/** Options of {@link HearthStoreFactory}. */
export interface HearthStoreOptions {
  /** IndexedDB database name (default `hearth`); tests use unique names. */
  readonly dbName?: string;
  readonly retention?: RetentionPolicy;
  /** Clock for retention (tests); default `Date.now`. */
  readonly now?: () => number;
  /** User id of this device's visitor: rows without `userId` belong to it (default `local`). */
  readonly visitorId?: string;
  /** How long `eraseAll` waits for other tabs to close the database (default 5,000 ms). */
  readonly eraseTimeoutMs?: number;
  /** **Test-only**: simulates `QuotaExceededError` on the next N writes (see `createQuotaSimulator`). */
  readonly quotaSimulator?: QuotaSimulator;
}

/** Result of a durable append: resolved only after the IndexedDB transaction committed. */
export interface AppendResult {
  readonly appended: number;
  /** Rows evicted by the retention policy or by quota recovery during this write. */
  readonly evicted: number;
  /** Set when the write hit the storage quota and oldest interactions were evicted to fit. */
  readonly quotaRecovered?: boolean;
}

/** What `HearthStore.importInteractions` did. */
export interface InteractionImportResult {
  readonly report: ImportReport;
  readonly append: AppendResult;
  /** Set when an import that a closed tab or worker left unfinished was dealt with first. */
  readonly interruptedImport?: InterruptedImport;
}

/** A stored model file (see `encodeBundle`) with its metadata. */
export interface StoredModel {
  readonly bytes: Uint8Array;
  /** Monotonic version (incremented on every save). */
  readonly version: number;
  readonly savedAt: number;
  /** Free-form JSON metadata (e.g. training report). */
  readonly meta: Readonly<Record<string, unknown>>;
}

/** A training checkpoint stored after every epoch. */
export interface StoredCheckpoint {
  /** Identifies the training run (e.g. a hash of data version + options). */
  readonly runId: string;
  readonly checkpoint: MfCheckpoint;
  /** JSON metadata needed to resume (options, data version, compute path). */
  readonly meta: Readonly<Record<string, unknown>>;
  readonly savedAt: number;
}

/** What is stored, for the privacy panel. */
export interface StorageReport {
  readonly interactions: number;
  readonly catalogItems: number;
  readonly models: number;
  readonly checkpoints: number;
  /** Approximate bytes per store (sum of typed-array and encoded sizes). */
  readonly bytes: Readonly<
    Record<'interactions' | 'catalog' | 'models' | 'checkpoints' | 'meta', number>
  >;
  /** `navigator.storage.estimate()` when available. */
  readonly estimate: { readonly usage: number; readonly quota: number } | null;
  readonly persisted: boolean | null;
}

/** Change notifications, also delivered to other tabs through BroadcastChannel. */
export type StoreChange = (
  | { readonly kind: 'interactions'; readonly appended: number; readonly total: number }
  | { readonly kind: 'catalog'; readonly items: number }
  | { readonly kind: 'model'; readonly name: string; readonly version: number }
  | { readonly kind: 'erased' }
  | { readonly kind: 'quota'; readonly evicted: number; readonly message: string }
  | { readonly kind: 'import-recovered'; readonly removed: number; readonly message: string }
) & {
  /** True when another tab (another store instance on the same database) made the change. */
  readonly remote?: boolean;
};

/**
 * On-device storage of Hearth (IndexedDB via `idb`): catalog, interactions (columnar typed-array
 * chunks plus a small append log), models, checkpoints and metadata.
 */
export interface HearthStore {
  /** Appends interactions durably (resolves after commit). Bad rows throw `DataError` naming the row; nothing is written then. */
  appendInteractions(events: readonly Interaction[]): Promise<AppendResult>;
  /** Appends an already columnar dataset (e.g. from `parseInteractions`) durably; NaN timestamps are stamped with the current time. */
  appendDataset(dataset: InteractionDataset): Promise<AppendResult>;
  /**
   * Parses a File/Blob/URL/stream/string with the engine's parsers and appends the good rows;
   * returns the row-level report. A File/Blob, a URL's download or a stream is read, parsed and
   * stored in slices with progress, checked against the device first (`DataError`
   * `LOG_TOO_LARGE`), and removed again if the import fails. Imports of one database run one at a
   * time across tabs; an import a closed tab left unfinished is undone first (`interruptedImport`).
   */
  importInteractions(
    input: ParseInput | URL,
    options?: InteractionImportOptions,
  ): Promise<InteractionImportResult>;
  /** Every stored interaction as one columnar dataset (vocabularies rebuilt), oldest first. */
  readInteractions(): Promise<InteractionDataset>;
  /** The most recent interactions of one user (default: the device's visitor), newest last. */
  recentInteractions(limit: number, userId?: string): Promise<Interaction[]>;
  countInteractions(): Promise<number>;
  /** Replaces the catalog. */
  putCatalog(items: readonly Item[]): Promise<void>;
  importCatalog(
    input: ParseInput | URL,
    options?: CatalogParseOptions,
  ): Promise<{ readonly report: ImportReport; readonly items: number }>;
  getCatalog(): Promise<Item[]>;
  saveModel(name: string, bytes: Uint8Array, meta?: Record<string, unknown>): Promise<StoredModel>;
  loadModel(name: string): Promise<StoredModel | null>;
  saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  loadCheckpoint(runId: string): Promise<StoredCheckpoint | null>;
  /** The most recent checkpoint of any run (to resume after a reload). */
  latestCheckpoint(): Promise<StoredCheckpoint | null>;
  clearCheckpoints(runId?: string): Promise<void>;
  getMeta<T>(key: string): Promise<T | undefined>;
  setMeta(key: string, value: unknown): Promise<void>;
  /** Asks `navigator.storage.persist()` (call when the user opts in); returns whether granted. */
  requestPersistence(): Promise<boolean>;
  report(): Promise<StorageReport>;
  /** Everything stored, as one JSON file (typed arrays base64) the user can keep. */
  exportAll(): Promise<Blob>;
  /** Deletes the database and Hearth's caches; resolves with proof that nothing remains. */
  eraseAll(): Promise<{
    readonly remainingDatabases: readonly string[];
    readonly remainingCaches: readonly string[];
  }>;
  /** Subscribes to changes from this and other tabs. Returns an unsubscribe function. */
  onChange(listener: (change: StoreChange) => void): () => void;
  /** Runs `fn` holding the single trainer lock across tabs (Web Locks); returns null if another tab holds it and `wait` is false. */
  withTrainerLock<T>(
    fn: () => Promise<T>,
    options?: { readonly wait?: boolean; readonly signal?: AbortSignal },
  ): Promise<T | null>;
  /** Closes the database and channel. */
  dispose(): void;
}
