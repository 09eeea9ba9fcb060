import { decodeBundle } from '../core/bundle/decode-bundle';
import type { ModelBundle } from '../core/bundle/model-bundle';
import {
  DEFAULT_EVENT_WEIGHTS,
  EVENT_TYPES,
  type Interaction,
  type Item,
} from '../core/data/types';
import {
  CancelledError,
  DataError,
  HearthError,
  OptionError,
  throwIfAborted,
} from '../core/errors';
import type { ForYouRowRequest, RowRequest, RowResult } from '../core/serve/row-types';
import type { FederatedConsent } from '../federated/consent-store';
import { createHearthStore } from '../storage';
import type { HearthStore, HearthStoreOptions, StoreChange } from '../storage/store-types';
import type { ComputePathPool } from './compute-path-pool';
import type { FederatedRuntime } from './federated-runtime';
import {
  DEFAULT_FINE_TUNE_AFTER_EVENTS,
  createFineTuneScheduler,
  hasMultiUserData,
} from './fine-tune-schedule';
import { mainThreadIdleScheduler, type IdleScheduler } from './idle-scheduler';
import { createLiveProfile } from './live-profile';
import { createModelState, type ModelState } from './model-state';
import { unreachable } from './protocol';
import type {
  Recommender,
  RecommenderConfig,
  RecommenderEvent,
  TrackEvent,
  TrainReport,
  TrainRequest,
} from './recommender-types';
import type { TrainingHost } from './training-jobs';

/**
 * Training and fine-tuning (and, through them, the trainer, the model-file writer and TF.js) load
 * only when a page first trains or fine-tunes: serving stored or downloaded models stays small.
 */
const loadTrainingJobs = () => import('./training-jobs');

/** The model-file writer alone, for federated updates (which do not need the training code). */
const loadBundleEncoder = () => import('../core/bundle/bundle-file');

/** Name under which the serving model is stored. */
export const MODEL_NAME = 'default';

/** Default size of the live profile. */
export const DEFAULT_HISTORY_LIMIT = 500;

/**
 * `CONSENT_META_KEY` of `src/federated/consent-store` (a test keeps them equal): importing it
 * would put the consent store on the serving path of the worker bundle.
 */
export const FEDERATED_CONSENT_KEY = 'federated.consent';

/** Delay that batches profile refreshes after bursts of store changes. */
const PROFILE_REFRESH_MS = 50;

/** Replaceable environment of {@link createLocalRecommender} (tests, the worker host). */
export interface LocalRecommenderDeps {
  /** Opens the store (default `createHearthStore`). */
  readonly createStore?: (options: HearthStoreOptions) => Promise<HearthStore>;
  /** When background work (fine-tuning) may run; default `requestIdleCallback` or a 2 s timer. */
  readonly scheduleIdle?: IdleScheduler;
  /** Downloads `modelUrl` and talks to the federated server (default global `fetch`). */
  readonly fetch?: (url: string, init?: RequestInit) => Promise<Response>;
  /** Base for relative URLs (default the page's `location.href`). */
  readonly baseUrl?: string;
}

function checkConfig(config: RecommenderConfig): void {
  const { fineTuneAfterEvents: after, historyLimit: limit } = config;
  if (after !== undefined && !(Number.isInteger(after) && after >= 0)) {
    throw new OptionError(
      `fineTuneAfterEvents must be an integer ≥ 0 (got ${after}); 0 turns it off.`,
    );
  }
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    throw new OptionError(`historyLimit must be an integer ≥ 1 (got ${limit}).`);
  }
}

function checkTrackEvent(event: TrackEvent): void {
  const where = `track(${JSON.stringify(event)})`;
  if (typeof event.itemId !== 'string' || event.itemId === '') {
    throw new DataError('INVALID_ROW', `${where}: itemId must be a non-empty string.`);
  }
  if (!(EVENT_TYPES as readonly string[]).includes(event.type)) {
    throw new DataError(
      'INVALID_ROW',
      `${where}: type must be one of ${EVENT_TYPES.join(', ')} (got "${String(event.type)}").`,
    );
  }
  for (const field of ['timestamp', 'value'] as const) {
    const v = event[field];
    if (v !== undefined && !Number.isFinite(v)) {
      throw new DataError('INVALID_ROW', `${where}: ${field} must be a finite number or omitted.`);
    }
  }
}

const disposedError = (): HearthError =>
  new HearthError('DISPOSED', 'This recommender was disposed; create a new one.');

/**
 * The in-thread {@link Recommender}: IndexedDB storage, the serving model, the visitor's live
 * profile, training with checkpoints and fallbacks, background fine-tuning. Training runs on the
 * calling thread: in a page prefer {@link createWorkerRecommender}, which runs this in a worker.
 */
export function createLocalRecommender(
  config: RecommenderConfig = {},
  deps: LocalRecommenderDeps = {},
): Recommender {
  checkConfig(config);
  const visitorId = config.visitorId ?? 'local';
  const historyLimit = config.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const eventWeights = DEFAULT_EVENT_WEIGHTS;
  const baseUrl = deps.baseUrl ?? (globalThis as { location?: { href: string } }).location?.href;
  const openStoreWith = deps.createStore ?? createHearthStore;
  const listeners = new Set<(event: RecommenderEvent) => void>();
  const lifetime = new AbortController();
  // Loaded on first training: the compute paths pull in TF.js, which serving never needs.
  let poolPromise: Promise<ComputePathPool> | null = null;
  const pool = (): Promise<ComputePathPool> =>
    (poolPromise ??= import('./compute-path-pool').then((m) =>
      m.createComputePathPool(
        config.wasmPaths !== undefined ? { wasmPaths: config.wasmPaths } : {},
      ),
    ));
  const profile = createLiveProfile({ limit: historyLimit });
  let catalog: Item[] = [];
  let state: ModelState = createModelState({ bundle: null, version: 0, catalog });
  let store: Promise<HearthStore> | null = null;
  let unsubscribe: (() => void) | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const emit = (event: RecommenderEvent): void => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        // A failing listener must not break the others or the operation that emitted.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  };

  // Model swaps run one at a time, in order, so versions only ever go up.
  let swaps: Promise<unknown> = Promise.resolve();
  const serially = <T>(job: () => Promise<T>): Promise<T> => {
    const run = swaps.then(job);
    swaps = run.catch(() => undefined);
    return run;
  };

  const setModel = (bundle: ModelBundle | null, version: number): void => {
    const previous = state;
    state = createModelState({ bundle, version, catalog, eventWeights });
    previous.rows.dispose();
  };

  const openStore = (): Promise<HearthStore> => {
    if (disposed) return Promise.reject(disposedError());
    if (store) return store;
    const created: Promise<HearthStore> = openStoreWith({
      visitorId,
      ...(config.dbName !== undefined && { dbName: config.dbName }),
      ...(config.retention !== undefined && { retention: config.retention }),
    });
    store = created;
    created.then(
      (s) => {
        if (store !== created || disposed) return;
        unsubscribe = s.onChange(onStoreChange);
      },
      () => {
        if (store === created) store = null;
      },
    );
    return created;
  };

  const closeStore = (): void => {
    unsubscribe?.();
    unsubscribe = null;
    const closing = store;
    store = null;
    closing?.then((s) => s.dispose()).catch(() => undefined);
  };

  const refreshProfile = async (): Promise<void> => {
    const s = await openStore();
    const rows = await s.recentInteractions(historyLimit, visitorId);
    const before = profile.history();
    profile.replaceStored(rows);
    const after = profile.history();
    const same =
      before.length === after.length &&
      before.every((e, i) => e.itemId === after[i]!.itemId && e.type === after[i]!.type);
    if (!same) emit({ type: 'history-changed', events: profile.size });
  };

  const scheduleProfileRefresh = (): void => {
    if (refreshTimer !== null || disposed) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      if (!disposed) refreshProfile().catch(() => undefined);
    }, PROFILE_REFRESH_MS);
  };

  const resetLocalState = (): void => {
    catalog = [];
    profile.clear();
    setModel(null, 0);
  };

  const loadStoredModel = (source: 'other-tab' | 'loaded'): Promise<void> =>
    serially(async () => {
      const stored = await (await openStore()).loadModel(MODEL_NAME);
      if (!stored || stored.version <= state.version) return;
      setModel(decodeBundle(stored.bytes), stored.version);
      emit({ type: 'model-changed', version: stored.version, source });
    });

  const reloadCatalog = (): Promise<void> =>
    serially(async () => {
      catalog = await (await openStore()).getCatalog();
      setModel(state.bundle, state.version);
    });

  /** Stores a model and serves it (after any swap before it). */
  const saveAndServe = (
    bundle: ModelBundle,
    bytes: Uint8Array,
    source: 'trained' | 'loaded' | 'fine-tuned' | 'federated',
    meta: Record<string, unknown>,
    unlessChangedSince?: number,
  ): Promise<number | null> =>
    serially(async () => {
      if (unlessChangedSince !== undefined && state.version !== unlessChangedSince) return null;
      const stored = await (await openStore()).saveModel(MODEL_NAME, bytes, { source, ...meta });
      setModel(bundle, stored.version);
      emit({ type: 'model-changed', version: stored.version, source });
      return stored.version;
    });

  // Federated learning loads on first use (a status, a consent, or a consented visitor's start or
  // training): pages that do not use it, and visitors who never opted in, do not download it.
  let federated: Promise<FederatedRuntime> | null = null;
  const fl = (): Promise<FederatedRuntime> =>
    (federated ??= Promise.all([import('./federated-runtime'), loadBundleEncoder()]).then(
      ([m, { encodeBundle }]) =>
        m.createFederatedRuntime({
          config: config.federated,
          deps,
          eventWeights,
          store: openStore,
          model: () => state,
          history: () => profile.history(),
          catalog: () => catalog,
          save: (bundle, meta, basedOn) =>
            saveAndServe(bundle, encodeBundle(bundle), 'federated', meta, basedOn),
          emit,
        }),
    ));
  const withFederated = (job: (f: FederatedRuntime) => unknown): void => {
    federated?.then(job).catch(() => undefined);
  };
  /** Runs `job` in the background when a server is configured and the visitor opted in. */
  const whenConsented = (job: (f: FederatedRuntime) => unknown): void => {
    if (!config.federated || disposed) return;
    (
      federated ??
      openStore()
        .then((s) => s.getMeta<FederatedConsent>(FEDERATED_CONSENT_KEY))
        .then((consent) => (consent?.granted === true ? fl() : null))
    )
      .then((f) => f && !disposed && job(f))
      .catch(() => undefined);
  };

  /** Changes made through this recommender are applied where they are made; only other tabs' matter. */
  function onStoreChange(change: StoreChange): void {
    if (disposed) return;
    if (change.kind === 'quota') {
      emit({ type: 'storage', message: change.message });
      return;
    }
    if (change.remote !== true) return;
    switch (change.kind) {
      case 'model':
        if (change.name === MODEL_NAME && change.version > state.version) {
          loadStoredModel('other-tab').catch((error: unknown) =>
            emit({ type: 'storage', message: `Could not load the new model: ${messageOf(error)}` }),
          );
        }
        break;
      case 'catalog':
        reloadCatalog().catch(() => undefined);
        break;
      case 'interactions':
        scheduleProfileRefresh();
        break;
      case 'erased':
        withFederated((f) => f.reset());
        closeStore();
        resetLocalState();
        emit({
          type: 'storage',
          message: 'All Hearth data on this device was erased in another tab.',
        });
        emit({ type: 'history-changed', events: 0 });
        break;
      default:
        unreachable(change, 'store change');
    }
  }

  const init = async (): Promise<void> => {
    const s = await openStore();
    const catalogUrl = config.catalogUrl;
    const importCatalogUrl = async (): Promise<void> => {
      if (catalogUrl !== undefined && (await s.getCatalog()).length === 0) {
        await s.importCatalog(new URL(catalogUrl, baseUrl));
      }
    };
    let stored = await s.loadModel(MODEL_NAME);
    if (!stored && config.modelUrl !== undefined) {
      const bytes = await download(config.modelUrl);
      decodeBundle(bytes); // Validate before storing: a bad file must not replace nothing with junk.
      await importCatalogUrl();
      stored = await s.saveModel(MODEL_NAME, bytes, { source: 'url', url: config.modelUrl });
    } else {
      await importCatalogUrl();
    }
    catalog = await s.getCatalog();
    if (stored) {
      const bundle = decodeBundle(stored.bytes);
      await serially(async () => {
        if (stored.version <= state.version) return;
        setModel(bundle, stored.version);
        emit({ type: 'model-changed', version: stored.version, source: 'loaded' });
      });
    } else {
      setModel(null, 0);
    }
    profile.replaceStored(await s.recentInteractions(historyLimit, visitorId));
  };

  const download = async (url: string): Promise<Uint8Array> => {
    const absolute = new URL(url, baseUrl).href;
    let response: Response;
    try {
      response = await (deps.fetch ?? ((u: string) => fetch(u)))(absolute);
    } catch (error) {
      throw new DataError(
        'UNREADABLE_INPUT',
        `Could not download the model from ${absolute} (${messageOf(error)}); check modelUrl and the network.`,
      );
    }
    if (!response.ok) {
      throw new DataError(
        'UNREADABLE_INPUT',
        `Could not download the model from ${absolute} (HTTP ${response.status}); check modelUrl.`,
      );
    }
    return new Uint8Array(await response.arrayBuffer());
  };

  const readyPromise = init();
  readyPromise.then(
    () => whenConsented((f) => f.start()),
    () => undefined,
  );

  const alive = async (): Promise<HearthStore> => {
    if (disposed) throw disposedError();
    await readyPromise;
    return openStore();
  };

  /** What the training jobs (loaded on first use) use of this recommender. */
  const trainingHost: TrainingHost = {
    catalog: () => catalog,
    servedVersion: () => state.version,
    pool,
    backend: config.backend ?? 'auto',
    eventWeights,
    saveAndServe,
    emit,
    resetFineTune: () => fineTune.reset(),
  };

  const fineTuneNow = async (): Promise<void> => {
    const s = await alive();
    await s.withTrainerLock(
      async () => {
        const current = state;
        if (!current.bundle) return;
        const dataset = await s.readInteractions();
        // A lone visitor is served exactly by fold-in; see hasMultiUserData.
        if (!hasMultiUserData(dataset)) return;
        const { fineTuneAndServe } = await loadTrainingJobs();
        const version = await fineTuneAndServe(trainingHost, {
          store: s,
          dataset,
          bundle: current.bundle,
          version: current.version,
          signal: lifetime.signal,
        });
        if (version !== null) whenConsented((f) => f.afterTraining());
      },
      { wait: false, signal: lifetime.signal },
    );
  };

  const fineTune = createFineTuneScheduler({
    afterEvents: config.fineTuneAfterEvents ?? DEFAULT_FINE_TUNE_AFTER_EVENTS,
    schedule: deps.scheduleIdle ?? mainThreadIdleScheduler(),
    run: fineTuneNow,
    onError: (error) => {
      if (disposed || error instanceof CancelledError) return;
      emit({ type: 'storage', message: `Background fine-tuning failed: ${messageOf(error)}` });
    },
  });

  const train = async (request: TrainRequest): Promise<TrainReport> => {
    const s = await alive();
    const signal = request.signal
      ? AbortSignal.any([request.signal, lifetime.signal])
      : lifetime.signal;
    throwIfAborted(request.signal);
    const { resolveMfOptions, trainAndServe } = await loadTrainingJobs();
    const mf = resolveMfOptions(request.mf);
    try {
      const report = await s.withTrainerLock(
        () => trainAndServe(trainingHost, { store: s, request, mf, signal }),
        { wait: true, signal },
      );
      if (report === null) throw new CancelledError();
      whenConsented((f) => f.afterTraining());
      return report;
    } catch (error) {
      if (disposed) throw disposedError();
      if (request.signal?.aborted && !(error instanceof CancelledError)) throw new CancelledError();
      throw error;
    }
  };

  return {
    ready: () => (disposed ? Promise.reject(disposedError()) : readyPromise),

    async recommend(request: RowRequest): Promise<RowResult> {
      await alive();
      if (request.type !== 'for-you') return state.rows.recommend(request);
      const live = profile.history();
      // Tolerate a missing history from untyped callers: the stored one is what matters here.
      const extra = (request.history as ForYouRowRequest['history'] | undefined) ?? [];
      const history = extra.length === 0 ? live : [...live, ...extra];
      return state.rows.recommend({ ...request, history });
    },

    async track(event) {
      const s = await alive();
      checkTrackEvent(event);
      const interaction: Interaction = {
        itemId: event.itemId,
        type: event.type,
        userId: visitorId,
        timestamp: event.timestamp ?? Date.now(),
        ...(event.value !== undefined && { value: event.value }),
      };
      // Rows follow the click at once; the durable write completes before track resolves.
      profile.add(interaction);
      try {
        await s.appendInteractions([interaction]);
      } catch (error) {
        profile.discard(interaction);
        throw error;
      }
      emit({ type: 'history-changed', events: profile.size });
      fineTune.noteEvents(1);
    },

    async importInteractions(input, options) {
      const s = await alive();
      const { report } = await s.importInteractions(input, options);
      await refreshProfile();
      return report;
    },

    async importCatalog(input, options) {
      const s = await alive();
      const { report } = await s.importCatalog(input, options);
      await reloadCatalog();
      return report;
    },

    train: (request = {}) => train(request),

    async loadModel(bytes) {
      await alive();
      const bundle = decodeBundle(bytes);
      const version = await saveAndServe(bundle, bytes.slice(), 'loaded', {});
      return version ?? state.version;
    },

    async capabilities() {
      await alive();
      return (await pool()).capabilities();
    },

    async storage() {
      return (await alive()).report();
    },

    async exportAll() {
      return (await alive()).exportAll();
    },

    async eraseAll() {
      const s = await alive();
      withFederated((f) => f.reset());
      const proof = await s.eraseAll();
      closeStore();
      resetLocalState();
      emit({ type: 'history-changed', events: 0 });
      return proof;
    },

    async federatedStatus() {
      await alive();
      return (await fl()).status();
    },

    async setFederatedConsent(granted) {
      await alive();
      return (await fl()).setConsent(granted);
    },

    async participate() {
      await alive();
      return (await fl()).participate();
    },

    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      withFederated((f) => f.dispose());
      lifetime.abort();
      fineTune.dispose();
      if (refreshTimer !== null) clearTimeout(refreshTimer);
      poolPromise?.then((p) => p.dispose()).catch(() => undefined);
      closeStore();
      state.rows.dispose();
      listeners.clear();
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
