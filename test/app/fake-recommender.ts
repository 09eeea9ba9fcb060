import type { RowRequest, RowResult } from '../../src/core/serve/row-types';
import type { HearthBinding } from '../../src/app/runtime/use-hearth';
import { createHearthRuntime } from '../../src/app/runtime/hearth-runtime';
import type { StoreReader } from '../../src/app/runtime/store-reader';
import type { Recommender, RecommenderEvent } from '../../src/worker';

/** A scripted {@link Recommender}: given methods are used, the others reject. */
export interface FakeRecommender extends Recommender {
  /** Emits an event to the listeners, as the runtime would. */
  emit(event: RecommenderEvent): void;
  /** Requests `recommend` received, in order. */
  readonly requests: RowRequest[];
}

const unsupported = (name: string) => () =>
  Promise.reject(new Error(`${name} is not scripted in this test`));

/** Creates a {@link FakeRecommender}; `recommend` defaults to empty rows. */
export function createFakeRecommender(overrides: Partial<Recommender> = {}): FakeRecommender {
  const listeners = new Set<(event: RecommenderEvent) => void>();
  const requests: RowRequest[] = [];
  const base: Recommender = {
    ready: () => Promise.resolve(),
    recommend: (request) =>
      Promise.resolve<RowResult>({
        type: request.type,
        source: 'none',
        items: [],
        unknownItems: [],
      }),
    track: () => Promise.resolve(),
    importInteractions: unsupported('importInteractions'),
    importCatalog: unsupported('importCatalog'),
    train: unsupported('train'),
    loadModel: unsupported('loadModel'),
    capabilities: unsupported('capabilities'),
    storage: unsupported('storage'),
    exportAll: unsupported('exportAll'),
    eraseAll: unsupported('eraseAll'),
    federatedStatus: unsupported('federatedStatus'),
    setFederatedConsent: unsupported('setFederatedConsent'),
    participate: unsupported('participate'),
    recordExposure: () => Promise.resolve(),
    experiments: unsupported('experiments'),
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {},
  };
  const merged = { ...base, ...overrides };
  return {
    ...merged,
    recommend(request) {
      requests.push(request);
      return merged.recommend(request);
    },
    on: base.on,
    emit(event) {
      for (const listener of [...listeners]) listener(event);
    },
    requests,
  };
}

/** A reader with no stored data (or the given answers). */
export function createFakeReader(overrides: Partial<StoreReader> = {}): StoreReader {
  return {
    recentEvents: () => Promise.resolve([]),
    modelInfo: () => Promise.resolve(null),
    catalog: () => Promise.resolve([]),
    onRemoteErase: () => () => undefined,
    dispose() {},
    ...overrides,
  };
}

/** A binding whose runtime wraps `recommender` (created once; `restart` reuses it). */
export function fakeBinding(recommender: Recommender, reader = createFakeReader()): HearthBinding {
  return { runtime: createHearthRuntime({ config: {}, create: () => recommender }), reader };
}
