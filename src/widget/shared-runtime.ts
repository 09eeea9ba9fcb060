import { EVENT_TYPES } from '../core/data/types';
import { DataError } from '../core/errors';
import type { HistoryEvent, RowRequest } from '../core/serve/row-types';
import { DEFAULT_DB_NAME } from '../storage/hearth-db-schema';
import type {
  EraseReport,
  ExperimentExposure,
  RecommendedRow,
  Recommender,
  RecommenderConfig,
  RecommenderEvent,
  TrackEvent,
} from '../worker/recommender-types';
import { createWorkerRecommender } from '../worker/worker-client';
import {
  displayCatalogOf,
  downloadCatalog,
  readCatalogSource,
  type CatalogSource,
  type DisplayCatalog,
} from './display-catalog';
import type { Consent, WidgetSetupProblem } from './widget-types';

/**
 * Events of a {@link WidgetRuntime}: the recommender's, consent changes, and `catalog-changed`
 * when the device got the page's catalog (rows refresh to use it).
 */
export type WidgetRuntimeEvent =
  | RecommenderEvent
  | { readonly type: 'consent-changed'; readonly consent: Consent }
  | { readonly type: 'catalog-changed' };

/** Options of {@link createWidgetRuntime}. */
export interface WidgetRuntimeOptions {
  /** Model file (`hearth-recs train` output), used until the device has a model of its own. */
  readonly modelSrc?: string;
  /** Catalog JSON / JSONL matching the model: product titles, prices and images come from it. */
  readonly catalogSrc?: string;
  /** IndexedDB database (default `hearth`). */
  readonly dbName?: string;
  /** Initial consent (default `denied`: events are kept in page memory only). */
  readonly consent?: Consent;
  /**
   * Creates the recommender (default: {@link createWorkerRecommender}, one Web Worker). Give one to
   * configure it further (federated learning, retention): it receives `dbName` and `modelUrl` and
   * may add its own settings. Called again after {@link WidgetRuntime.erase}.
   */
  readonly createRecommender?: (config: RecommenderConfig) => Recommender;
  /** Downloads the catalog (default global `fetch`). */
  readonly fetch?: (url: string) => Promise<Response>;
}

/**
 * What every widget on a page shares: one recommender (one worker), the display catalog, the
 * consent state and the page-memory history used while consent is not granted.
 */
export interface WidgetRuntime {
  /** The model and catalog addresses in use (absolute), as given by whoever created the runtime. */
  readonly sources: { readonly modelSrc?: string; readonly catalogSrc?: string };
  readonly consent: Consent;
  /**
   * The recommender rows come from (one Web Worker): use it for what rows do not do — `train()`,
   * imports, `storage()`, federated learning — instead of starting a second recommender on the
   * same database. Read it when you need it ({@link WidgetRuntime.erase} replaces it) and never
   * dispose it yourself (dispose the runtime).
   */
  readonly recommender: Recommender;
  /**
   * Resolves when the model (stored, or downloaded from `modelSrc`) is loaded; rejects when it
   * cannot be. A device without a catalog gets `catalogSrc`'s in the background after that.
   */
  ready(): Promise<void>;
  /**
   * A row; for-you rows also fold in the events kept in page memory. Under an experiment arm the
   * row carries `experiment` (a holdout's has no items).
   */
  recommend(request: RowRequest): Promise<RecommendedRow>;
  /**
   * Records that a row of an experiment arm was seen (`Recommender.recordExposure`): rows call it
   * at their first card impression, holdout rows when their place becomes visible.
   */
  recordExposure(exposure: ExperimentExposure): Promise<void>;
  /** The display catalog (downloaded once, on first call). */
  catalog(): Promise<DisplayCatalog>;
  /**
   * Records a visitor event: stored on the device with consent, else kept in page memory. Either
   * way rows follow it at once (`history-changed`).
   *
   * @throws DataError `INVALID_ROW` for an empty item id or an unknown event type.
   */
  track(event: TrackEvent): Promise<void>;
  /** Sets the page's consent; events tracked from now on follow it. */
  setConsent(consent: Consent): void;
  /**
   * Deletes everything Hearth stored on this device and the page-memory history, then starts a
   * fresh recommender (it downloads the global model again; no visitor data is left).
   */
  erase(): Promise<EraseReport>;
  /**
   * A set-up mistake to tell the developer about, or null: `no-model` when the runtime was given
   * no `modelSrc` and the device has no model of its own. Logged once (console warning) per
   * runtime; checked again after the model changes.
   */
  setupProblem(): Promise<WidgetSetupProblem | null>;
  /** Subscribes to runtime events; returns the unsubscribe function. */
  on(listener: (event: WidgetRuntimeEvent) => void): () => void;
  dispose(): void;
}

/** Events kept in page memory without consent (the newest win). */
export const MEMORY_HISTORY_LIMIT = 200;

const pageUrl = (): string =>
  (globalThis as { document?: { baseURI: string } }).document?.baseURI ??
  (globalThis as { location?: { href: string } }).location?.href ??
  'http://localhost/';

/** `url` resolved against the page's address (undefined stays undefined). */
export function pageRelativeUrl(url: string | undefined): string | undefined {
  return url === undefined || url === '' ? undefined : new URL(url, pageUrl()).href;
}

function checkEvent(event: TrackEvent): void {
  const where = `Hearth.track(${JSON.stringify(event)})`;
  if (typeof event?.itemId !== 'string' || event.itemId === '') {
    throw new DataError('INVALID_ROW', `${where}: itemId must be a non-empty string.`);
  }
  if (!(EVENT_TYPES as readonly string[]).includes(event.type)) {
    throw new DataError(
      'INVALID_ROW',
      `${where}: type must be one of ${EVENT_TYPES.join(', ')} (got "${String(event.type)}").`,
    );
  }
}

/** What a page without a model is told (once) in the console and through `data-problem`. */
export const NO_MODEL_MESSAGE =
  'No model: the page names no model file and this device has none, so rows show catalog ' +
  'fallbacks or nothing. Train one with npx hearth-recs train and set model-src="/model/model.hearth" ' +
  'catalog-src="/model/catalog.json" (modelSrc, catalogSrc in React).';

/** Deletes the database directly, for when the recommender itself could not start. */
async function deleteDatabaseDirectly(name: string): Promise<EraseReport> {
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error(`could not delete ${name}`));
    // Blocked by another tab: the deletion completes when that tab closes its connection.
    request.onblocked = () => resolve();
  });
  const remaining = (await indexedDB.databases?.()) ?? [];
  return {
    remainingDatabases: remaining.flatMap((db) => (db.name === name ? [name] : [])),
    remainingCaches: [],
  };
}

/** Memoizes `load`'s promise; a rejected one is forgotten, so the next call tries again. */
function retriedOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    if (pending) return pending;
    const loading = load();
    pending = loading;
    loading.catch(() => {
      if (pending === loading) pending = null;
    });
    return loading;
  };
}

/** Creates a {@link WidgetRuntime}; its recommender starts at once. */
export function createWidgetRuntime(options: WidgetRuntimeOptions = {}): WidgetRuntime {
  const modelSrc = pageRelativeUrl(options.modelSrc);
  const catalogSrc = pageRelativeUrl(options.catalogSrc);
  const dbName = options.dbName ?? DEFAULT_DB_NAME;
  // The catalog is imported from the page (see ensureCatalog), not through `catalogUrl`: the page
  // already downloaded it to render fallback rows, so the worker need not fetch it again.
  const config: RecommenderConfig = {
    dbName,
    ...(modelSrc !== undefined && { modelUrl: modelSrc }),
  };
  const create = options.createRecommender ?? ((c) => createWorkerRecommender(c));
  const listeners = new Set<(event: WidgetRuntimeEvent) => void>();
  let consent: Consent = options.consent ?? 'denied';
  let memory: HistoryEvent[] = [];
  let disposed = false;
  let problem: Promise<WidgetSetupProblem | null> | null = null;
  let warnedProblem = false;

  /** The catalog file's records or shard index, downloaded once (a failed download is retried on next use). */
  const catalogRecords = retriedOnce((): Promise<CatalogSource> =>
    catalogSrc === undefined
      ? Promise.resolve({ records: [] })
      : downloadCatalog(catalogSrc, options.fetch).then((text) =>
          readCatalogSource(text, catalogSrc),
        ),
  );

  const emit = (event: WidgetRuntimeEvent): void => {
    if (event.type === 'model-changed') problem = null;
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        // One broken subscriber must not stop the others (or the host page).
        console.error('[hearth] a runtime listener failed:', error);
      }
    }
  };

  /**
   * Gives a device without a catalog the page's one, so rows can use item content and stock;
   * resolves true when it imported one.
   */
  const ensureCatalog = async (r: Recommender): Promise<boolean> => {
    if (catalogSrc === undefined || (await r.storage()).catalogItems > 0) return false;
    const source = await catalogRecords();
    // A sharded catalog is too large to import whole: rows show it shard by shard instead.
    const items = 'records' in source ? source.records : [];
    if (items.length === 0) return false;
    await r.importCatalog(items.map((x) => JSON.stringify(x)).join('\n'));
    return true;
  };

  let recommender: Recommender;
  let readyPromise: Promise<void>;
  let unsubscribe: () => void = () => undefined;
  /** `no-model` when neither the page nor the device has a model (see {@link NO_MODEL_MESSAGE}). */
  const diagnose = async (r: Recommender): Promise<WidgetSetupProblem | null> => {
    if (modelSrc !== undefined) return null;
    try {
      await readyPromise;
      if ((await r.storage()).models > 0) return null;
    } catch {
      // A runtime that cannot start reports that failure itself; it is not a set-up hint.
      return null;
    }
    if (!warnedProblem) {
      warnedProblem = true;
      console.warn(`[hearth] ${NO_MODEL_MESSAGE}`);
    }
    return { code: 'no-model', message: NO_MODEL_MESSAGE };
  };

  const start = (): void => {
    problem = null;
    const r = create(config);
    recommender = r;
    unsubscribe = r.on(emit);
    readyPromise = r.ready();
    // Rows do not wait for the catalog import: the model alone serves them, and they refresh
    // (catalog-changed) once filters and content can use the catalog. On a first visit this keeps
    // the worker's catalog parser off the path to the first row.
    readyPromise
      .then(() => ensureCatalog(r))
      .then(
        (imported) => {
          if (imported && recommender === r) emit({ type: 'catalog-changed' });
        },
        (error: unknown) => {
          if (recommender !== r) return;
          const message = `The catalog could not be imported (${error instanceof Error ? error.message : String(error)}); rows are served from the model alone.`;
          emit({ type: 'storage', message });
        },
      );
    readyPromise.catch(() => undefined);
    // Start the download now: it runs while the worker starts.
    catalogRecords().catch(() => undefined);
  };
  start();

  return {
    sources: {
      ...(modelSrc !== undefined && { modelSrc }),
      ...(catalogSrc !== undefined && { catalogSrc }),
    },
    get consent() {
      return consent;
    },
    get recommender() {
      return recommender;
    },
    ready: () => readyPromise,

    async recommend(request) {
      await readyPromise;
      if (request.type !== 'for-you' || memory.length === 0) return recommender.recommend(request);
      return recommender.recommend({ ...request, history: [...request.history, ...memory] });
    },

    recordExposure: (exposure) => readyPromise.then(() => recommender.recordExposure(exposure)),

    catalog: retriedOnce(() =>
      catalogRecords().then((r) => displayCatalogOf(r, catalogSrc ?? pageUrl(), options.fetch)),
    ),

    async track(event) {
      checkEvent(event);
      if (consent === 'granted') {
        await recommender.track(event);
        return;
      }
      memory.push({ itemId: event.itemId, type: event.type });
      if (memory.length > MEMORY_HISTORY_LIMIT) memory = memory.slice(-MEMORY_HISTORY_LIMIT);
      emit({ type: 'history-changed', events: memory.length });
    },

    setConsent(next) {
      if (next === consent) return;
      consent = next;
      emit({ type: 'consent-changed', consent });
    },

    async erase() {
      memory = [];
      const old = recommender;
      unsubscribe();
      let report: EraseReport;
      try {
        report = await old.eraseAll();
        old.dispose();
      } catch {
        old.dispose();
        report = await deleteDatabaseDirectly(dbName);
      }
      if (!disposed) start();
      emit({ type: 'history-changed', events: 0 });
      return report;
    },

    setupProblem() {
      problem ??= diagnose(recommender);
      return problem;
    },

    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      unsubscribe();
      recommender.dispose();
      listeners.clear();
    },
  };
}

const SLOT = Symbol.for('hearth.widget.runtime');

type RuntimeSlot = { [SLOT]?: WidgetRuntime };

/**
 * The page's one runtime, created on first call with `options` (later calls get the same runtime
 * and their options are ignored: the first widget on the page decides the model and catalog).
 * Shared across bundles through a global symbol, so the script-tag widget and the React component
 * on one page use one worker.
 */
export function sharedRuntime(options: WidgetRuntimeOptions = {}): WidgetRuntime {
  const slot = globalThis as RuntimeSlot;
  return (slot[SLOT] ??= createWidgetRuntime(options));
}

/** The page's runtime if one was created, else null. */
export function peekSharedRuntime(): WidgetRuntime | null {
  return (globalThis as RuntimeSlot)[SLOT] ?? null;
}

/** Disposes the page's runtime (single-page apps tearing down, tests); the next use creates one. */
export function disposeSharedRuntime(): void {
  const slot = globalThis as RuntimeSlot;
  slot[SLOT]?.dispose();
  delete slot[SLOT];
}
