import { decodeServingBundle } from '../core/bundle/decode-bundle';
import { DEFAULT_EVENT_WEIGHTS, type Interaction } from '../core/data/types';
import type { ForYouRowRequest } from '../core/serve/row-types';
import { createHearthStore } from '../storage';
import type { HearthStore } from '../storage/store-types';
import { createFederatedLoader } from './federated-loader';
import { downloadModel, followModelHead, loadInitialModel } from './initial-load';
import { createLiveProfile } from './live-profile';
import { createProfileSync } from './profile-sync';
import { checkConfig, checkTrackEvent, disposedError, messageOf } from './recommender-checks';
import type { LocalRecommenderDeps } from './recommender-deps';
import { createRecommenderEvents } from './recommender-events';
import type { ExperimentRuntime } from './experiment-runtime';
import type { Recommender, RecommenderConfig } from './recommender-types';
import { createServingModel } from './serving-model';
import { createStoreChangeHandler } from './store-change-handler';
import { createStoreLifecycle } from './store-lifecycle';
import { createTrainingControl } from './training-control';

export { MODEL_NAME } from './serving-model';
export { FEDERATED_CONSENT_KEY } from './federated-loader';
export type { LocalRecommenderDeps } from './recommender-deps';

/** Default size of the live profile. */
export const DEFAULT_HISTORY_LIMIT = 500;

/**
 * The in-thread {@link Recommender}: IndexedDB storage, the serving model, the visitor's live
 * profile, training with checkpoints and fallbacks, background fine-tuning. Training runs on the
 * calling thread: in a page prefer {@link createWorkerRecommender}, which runs this in a worker.
 *
 * This function only wires the parts, one concern per module: `store-lifecycle` (open, reopen
 * after an erase), `store-change-handler` (other tabs), `serving-model` (model swaps, catalog),
 * `initial-load` (stored model or `modelUrl`), `profile-sync` (live profile), `training-control`
 * (training, fine-tuning), `federated-loader` (federated learning).
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
  let disposed = false;
  const isDisposed = (): boolean => disposed;
  const events = createRecommenderEvents();
  const { emit, on } = events;
  const profile = createLiveProfile({ limit: historyLimit });

  const stores = createStoreLifecycle({
    createStore: deps.createStore ?? createHearthStore,
    storeOptions: {
      visitorId,
      ...(config.dbName !== undefined && { dbName: config.dbName }),
      ...(config.retention !== undefined && { retention: config.retention }),
    },
    onChange: (change) => onStoreChange(change),
    isDisposed,
  });
  const openStore = stores.open;
  const serving = createServingModel({ eventWeights, store: openStore, emit });
  const profileSync = createProfileSync({
    profile,
    store: openStore,
    historyLimit,
    visitorId,
    emit,
  });
  const federated = createFederatedLoader({
    config: config.federated,
    deps,
    eventWeights,
    store: openStore,
    serving,
    history: () => profile.history(),
    emit,
    isDisposed,
  });

  /** Forgets everything held in memory after the store was erased (here or in another tab). */
  const forgetAll = (): void => {
    stores.close();
    serving.reset();
    profile.clear();
    lab?.then((x) => x.reset());
  };
  const onStoreChange = createStoreChangeHandler({
    serving,
    scheduleProfileRefresh: profileSync.scheduleRefresh,
    forgetAll: () => {
      federated.ifLoaded((f) => f.reset());
      forgetAll();
    },
    emit,
    isDisposed,
  });

  let lab: Promise<ExperimentRuntime> | undefined;
  // Loaded only where experiments are configured, or their status is asked for.
  const experiments = (): Promise<ExperimentRuntime> =>
    (lab ??= import('./experiment-runtime').then((m) =>
      m.createExperimentRuntime({
        config,
        deps,
        visitorId,
        store: openStore,
        serving,
        emit,
        on,
        download: downloadModel,
        decode: decodeServingBundle,
      }),
    ));
  // Experiments that cannot load (their chunk offline, a bad attribute) leave the rows on the
  // site's defaults instead of stopping them; experiments() still rejects with the reason.
  const arms =
    config.experiments &&
    experiments().catch((error: unknown) => {
      emit({ type: 'storage', message: `Experiments are off on this page: ${messageOf(error)}` });
      return undefined;
    });

  const init = async (): Promise<void> => {
    const s = await openStore();
    // Definitions come before the model: an arm may serve its own model file.
    await (await arms)?.prepareModel(config.modelUrl);
    const initial = await loadInitialModel({
      store: s,
      modelUrl: config.modelUrl,
      catalogUrl: config.catalogUrl,
      baseUrl,
      fetch: deps.fetch,
    });
    serving.setCatalog(initial.catalog);
    if (initial.model) {
      await serving.serveIfNewer(initial.model.bundle, initial.model.version, 'loaded');
    }
    void followModelHead(initial, serving, {
      baseUrl,
      fetch: deps.fetch,
      report: (message) => emit({ type: 'storage', message }),
    });
    profile.replaceStored(await s.recentInteractions(historyLimit, visitorId));
  };
  const readyPromise = init();
  readyPromise.then(
    () => federated.whenConsented((f) => f.start()),
    () => undefined,
  );
  const alive = async (): Promise<HearthStore> => {
    if (disposed) throw disposedError();
    await readyPromise;
    return openStore();
  };

  const training = createTrainingControl({
    config,
    scheduleIdle: deps.scheduleIdle,
    eventWeights,
    serving,
    alive,
    emit,
    afterTraining: () => federated.whenConsented((f) => f.afterTraining()),
    isDisposed,
  });

  return {
    ready: () => (disposed ? Promise.reject(disposedError()) : readyPromise),

    async recommend(request) {
      await alive();
      const served = serving.state().rows;
      const rows = (await arms)?.rows(served) ?? served;
      if (request.type !== 'for-you') return rows.recommend(request);
      const live = profile.history();
      // Tolerate a missing history from untyped callers: the stored one is what matters here.
      const extra = (request.history as ForYouRowRequest['history'] | undefined) ?? [];
      const history = extra.length === 0 ? live : [...live, ...extra];
      return rows.recommend({ ...request, history });
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
      training.noteEvents(1);
      await (await arms)?.track(event, interaction.timestamp);
    },

    async importInteractions(input, options) {
      const s = await alive();
      const { report } = await s.importInteractions(input, options);
      await profileSync.refresh();
      return report;
    },

    async importCatalog(input, options) {
      const s = await alive();
      const { report } = await s.importCatalog(input, options);
      await serving.reloadCatalog();
      return report;
    },

    train: (request = {}) => training.train(request),

    async loadModel(bytes) {
      await alive();
      const version = await serving.saveAndServe(
        decodeServingBundle(bytes),
        bytes.slice(),
        'loaded',
        {},
      );
      return version ?? serving.state().version;
    },

    async capabilities() {
      await alive();
      return training.capabilities();
    },

    async storage() {
      return (await alive()).report();
    },

    async exportAll() {
      return (await alive()).exportAll();
    },

    async eraseAll() {
      const s = await alive();
      federated.ifLoaded((f) => f.reset());
      const proof = await s.eraseAll();
      forgetAll();
      emit({ type: 'history-changed', events: 0 });
      return proof;
    },

    async federatedStatus() {
      await alive();
      return (await federated.runtime()).status();
    },

    async setFederatedConsent(granted) {
      await alive();
      return (await federated.runtime()).setConsent(granted);
    },

    async participate() {
      await alive();
      return (await federated.runtime()).participate();
    },

    async recordExposure(exposure) {
      await alive();
      return (await experiments()).recordExposure(exposure);
    },

    async experiments() {
      await alive();
      return (await experiments()).status();
    },

    on,

    dispose() {
      if (disposed) return;
      disposed = true;
      federated.ifLoaded((f) => f.dispose());
      lab?.then((x) => x.dispose()).catch(() => undefined);
      training.dispose();
      profileSync.dispose();
      stores.close();
      serving.dispose();
      events.clear();
    },
  };
}
