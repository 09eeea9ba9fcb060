import type { EventWeights } from '../core/data/types';
import type { HistoryEvent } from '../core/serve/row-types';
import type { FederatedConsent } from '../federated/consent-store';
import type { HearthStore } from '../storage/store-types';
import type { FederatedRuntime } from './federated-runtime';
import type { LocalRecommenderDeps } from './recommender-deps';
import type { FederatedConfig, RecommenderEvent } from './recommender-types';
import type { ServingModel } from './serving-model';

/**
 * `CONSENT_META_KEY` of `src/federated/consent-store` (a test keeps them equal): importing it
 * would put the consent store on the serving path of the worker bundle.
 */
export const FEDERATED_CONSENT_KEY = 'federated.consent';

/** The model-file writer alone, for federated updates (which do not need the training code). */
const loadBundleEncoder = () => import('../core/bundle/bundle-file');

/**
 * Federated learning, loaded on first use (a status, a consent, or a consented visitor's start or
 * training): pages that do not use it, and visitors who never opted in, do not download it.
 */
export interface FederatedLoader {
  /** The runtime, loading it if needed. */
  runtime(): Promise<FederatedRuntime>;
  /** Runs `job` if the runtime is already loaded (errors are dropped: background work). */
  ifLoaded(job: (f: FederatedRuntime) => unknown): void;
  /** Runs `job` in the background when a server is configured and the visitor opted in. */
  whenConsented(job: (f: FederatedRuntime) => unknown): void;
}

/** Options of {@link createFederatedLoader}. */
export interface FederatedLoaderOptions {
  readonly config: FederatedConfig | undefined;
  readonly deps: Pick<LocalRecommenderDeps, 'baseUrl' | 'fetch'>;
  readonly eventWeights: EventWeights;
  readonly store: () => Promise<HearthStore>;
  readonly serving: ServingModel;
  readonly history: () => readonly HistoryEvent[];
  readonly emit: (event: RecommenderEvent) => void;
  readonly isDisposed: () => boolean;
}

/** Creates a {@link FederatedLoader}; nothing loads until a method needs the runtime. */
export function createFederatedLoader(o: FederatedLoaderOptions): FederatedLoader {
  let federated: Promise<FederatedRuntime> | null = null;
  const runtime = (): Promise<FederatedRuntime> =>
    (federated ??= Promise.all([import('./federated-runtime'), loadBundleEncoder()]).then(
      ([m, { encodeBundle }]) =>
        m.createFederatedRuntime({
          config: o.config,
          deps: o.deps,
          eventWeights: o.eventWeights,
          store: o.store,
          model: () => o.serving.state(),
          history: o.history,
          catalog: () => o.serving.catalog(),
          save: (bundle, meta, basedOn) =>
            o.serving.saveAndServe(bundle, encodeBundle(bundle), 'federated', meta, basedOn),
          emit: o.emit,
        }),
    ));
  return {
    runtime,
    ifLoaded(job) {
      federated?.then(job).catch(() => undefined);
    },
    whenConsented(job) {
      if (!o.config || o.isDisposed()) return;
      (
        federated ??
        o
          .store()
          .then((s) => s.getMeta<FederatedConsent>(FEDERATED_CONSENT_KEY))
          .then((consent) => (consent?.granted === true ? runtime() : null))
      )
        .then((f) => f && !o.isDisposed() && job(f))
        .catch(() => undefined);
    },
  };
}
