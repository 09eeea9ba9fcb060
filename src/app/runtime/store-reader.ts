import { decodeBundle } from '../../core/bundle/bundle-file';
import type { BundleTrainingInfo } from '../../core/bundle/model-bundle';
import type { Interaction, Item } from '../../core/data/types';
import { createHearthStore, type HearthStore } from '../../storage';
import { MODEL_NAME } from '../../worker';

/** The model being served, as stored on this device. */
export interface StoredModelInfo {
  readonly version: number;
  readonly savedAt: number;
  readonly bytes: number;
  /** How it got here: `url` (downloaded global model), `trained`, `fine-tuned`, `loaded`. */
  readonly source: string;
  readonly training: BundleTrainingInfo;
}

/**
 * Read-only view of a recommender's IndexedDB database from the page, for what the runtime does
 * not expose itself (the visitor's recent events, the stored model's details). Writes stay with
 * the runtime in its worker; this connection closes itself when that worker erases the database.
 */
export interface StoreReader {
  /** The visitor's most recent events, newest first. */
  recentEvents(limit: number): Promise<Interaction[]>;
  /** The serving model's details, or null before any model is stored. */
  modelInfo(): Promise<StoredModelInfo | null>;
  /** The stored catalog (empty without one). */
  catalog(): Promise<Item[]>;
  /**
   * Calls `listener` when another connection (another tab, or this page's worker) erased the
   * database. Opens the database's change channel now, so no erase is missed.
   */
  onRemoteErase(listener: () => void): () => void;
  dispose(): void;
}

/** Options of {@link createStoreReader}. */
export interface StoreReaderOptions {
  readonly dbName: string;
  readonly visitorId?: string;
}

/** Opens a {@link StoreReader} (the database opens on first read). */
export function createStoreReader(options: StoreReaderOptions): StoreReader {
  let store: Promise<HearthStore> | null = null;
  const open = (): Promise<HearthStore> =>
    (store ??= createHearthStore({
      dbName: options.dbName,
      ...(options.visitorId !== undefined && { visitorId: options.visitorId }),
    }));
  return {
    async recentEvents(limit) {
      const rows = await (await open()).recentInteractions(limit, options.visitorId);
      return rows.reverse();
    },
    async modelInfo() {
      const stored = await (await open()).loadModel(MODEL_NAME);
      if (!stored) return null;
      const source = stored.meta['source'];
      return {
        version: stored.version,
        savedAt: stored.savedAt,
        bytes: stored.bytes.byteLength,
        source: typeof source === 'string' ? source : 'unknown',
        training: decodeBundle(stored.bytes).training,
      };
    },
    async catalog() {
      return (await open()).getCatalog();
    },
    onRemoteErase(listener) {
      let unsubscribe: (() => void) | null = null;
      let cancelled = false;
      open().then(
        (s) => {
          if (cancelled) return;
          unsubscribe = s.onChange((change) => {
            if (change.kind === 'erased' && change.remote === true) listener();
          });
        },
        () => undefined,
      );
      return () => {
        cancelled = true;
        unsubscribe?.();
      };
    },
    dispose() {
      store?.then((s) => s.dispose()).catch(() => undefined);
      store = null;
    },
  };
}
