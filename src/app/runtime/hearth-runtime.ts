import {
  createWorkerRecommender,
  type EraseReport,
  type FederatedStatus,
  type Recommender,
  type RecommenderConfig,
  type RecommenderEvent,
  type TrackEvent,
} from '../../worker';

/** Where the model being served came from, as last reported by the runtime. */
export type ModelOrigin = 'trained' | 'other-tab' | 'loaded' | 'fine-tuned' | 'federated';

/** A message for the visitor about something the runtime did on its own. */
export interface RuntimeNotice {
  readonly id: number;
  readonly message: string;
}

/** Snapshot of a {@link HearthRuntime}, for rendering. */
export interface HearthRuntimeState {
  readonly status: 'starting' | 'ready' | 'error';
  /** Why the runtime could not start (status `error`). */
  readonly error: string | null;
  /** Stored model version being served (0: none). */
  readonly modelVersion: number;
  readonly modelOrigin: ModelOrigin | null;
  /** Increments on every history change: rows refetch when it moves. */
  readonly historyTick: number;
  /** Increments when the recommender is replaced (after erasing everything). */
  readonly generation: number;
  /** Newest last; at most {@link MAX_NOTICES}. */
  readonly notices: readonly RuntimeNotice[];
  /** Federated-learning state (consent, traffic, queue); null until the recommender reported it. */
  readonly federated: FederatedStatus | null;
  /** Why the federated-learning state could not be read (null when it could, or not yet asked). */
  readonly federatedError: string | null;
}

/** Notices kept for the status area. */
export const MAX_NOTICES = 4;

/** A recommender plus the state the UI renders from its events. */
export interface HearthRuntime {
  /** The current recommender (replaced by {@link HearthRuntime.restart}). */
  readonly recommender: Recommender;
  getState(): HearthRuntimeState;
  subscribe(listener: () => void): () => void;
  /** Tracks a visitor event; failures become a notice instead of an unhandled rejection. */
  track(event: TrackEvent): Promise<void>;
  /** Records the visitor's federated-learning opt-in or opt-out; the state follows. Rejects on failure. */
  setFederatedConsent(granted: boolean): Promise<FederatedStatus>;
  /** Contributes to the federated model now (consent required); the state follows. Rejects on failure. */
  participate(): Promise<FederatedStatus>;
  /** Replaces the recommender with a fresh one on the same configuration. */
  restart(): void;
  /**
   * Erases everything the recommender stored, then restarts it (public files such as `modelUrl`
   * are downloaded again); resolves with the runtime's proof of what remained right after.
   */
  eraseAll(): Promise<EraseReport>;
  /**
   * Another tab erased this database: restarts, unless the erase was this runtime's own (its
   * broadcast also reaches this page's other connections, e.g. its store reader).
   */
  erasedElsewhere(): void;
  dispose(): void;
}

/** Options of {@link createHearthRuntime}. */
export interface HearthRuntimeOptions {
  readonly config: RecommenderConfig;
  /** Creates the recommender (default: in a Web Worker). */
  readonly create?: (config: RecommenderConfig) => Recommender;
}

const ORIGIN_NOTICES: Record<ModelOrigin, (version: number) => string | null> = {
  trained: (v) => `Model v${v} trained on this device is now serving your rows.`,
  'other-tab': (v) => `Model v${v}, trained in another tab, is now serving your rows.`,
  loaded: () => null,
  'fine-tuned': (v) => `Model v${v}: fine-tuned on this device with your recent events.`,
  federated: (v) =>
    `Model v${v} from the shop's federated model is now serving your rows (your history stayed on this device).`,
};

/** Creates a {@link HearthRuntime} and starts its recommender. */
export function createHearthRuntime(options: HearthRuntimeOptions): HearthRuntime {
  const create = options.create ?? ((config) => createWorkerRecommender(config));
  const listeners = new Set<() => void>();
  let nextNotice = 1;
  let state: HearthRuntimeState = {
    status: 'starting',
    error: null,
    modelVersion: 0,
    modelOrigin: null,
    historyTick: 0,
    generation: 0,
    notices: [],
    federated: null,
    federatedError: null,
  };
  let recommender: Recommender;
  let unsubscribe: () => void = () => undefined;
  let disposed = false;
  // Own erases whose broadcast has not come back yet (see erasedElsewhere).
  let ownErases = 0;
  // Whether the current recommender already sent a federated status: the first read after
  // `ready` may answer after a newer event and must not overwrite it.
  let federatedReported = false;

  const set = (patch: Partial<HearthRuntimeState>): void => {
    state = { ...state, ...patch };
    for (const listener of [...listeners]) listener();
  };

  const notify = (message: string): void =>
    set({ notices: [...state.notices, { id: nextNotice++, message }].slice(-MAX_NOTICES) });

  const onEvent = (event: RecommenderEvent): void => {
    switch (event.type) {
      case 'model-changed': {
        set({ modelVersion: event.version, modelOrigin: event.source });
        const message = ORIGIN_NOTICES[event.source](event.version);
        if (message !== null) notify(message);
        break;
      }
      case 'history-changed':
        set({ historyTick: state.historyTick + 1 });
        break;
      case 'storage':
        notify(event.message);
        break;
      case 'federated':
        federatedReported = true;
        set({ federated: event.status, federatedError: null });
        break;
      case 'training-progress':
        break;
    }
  };

  const start = (): void => {
    const current = create(options.config);
    recommender = current;
    unsubscribe = current.on(onEvent);
    federatedReported = false;
    current.ready().then(
      () => {
        if (recommender !== current || disposed) return;
        set({ status: 'ready', error: null });
        // A recommender without federated support rejects (or lacks the method): never unhandled.
        Promise.resolve()
          .then(() => current.federatedStatus())
          .then(
            (status) => {
              if (recommender === current && !disposed && !federatedReported) {
                set({ federated: status, federatedError: null });
              }
            },
            (error: unknown) => {
              if (recommender === current && !disposed && !federatedReported) {
                set({ federatedError: messageOf(error) });
              }
            },
          );
      },
      (error: unknown) => {
        if (recommender === current && !disposed) set({ status: 'error', error: messageOf(error) });
      },
    );
  };

  const restart = (): void => {
    if (disposed) return;
    unsubscribe();
    recommender.dispose();
    set({
      status: 'starting',
      error: null,
      modelVersion: 0,
      modelOrigin: null,
      historyTick: state.historyTick + 1,
      generation: state.generation + 1,
      federated: null,
      federatedError: null,
    });
    start();
  };

  start();

  return {
    get recommender() {
      return recommender;
    },
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async track(event) {
      try {
        await recommender.track(event);
      } catch (error) {
        notify(`Could not record your ${event.type} of ${event.itemId}: ${messageOf(error)}`);
      }
    },
    async setFederatedConsent(granted) {
      const current = recommender;
      const status = await current.setFederatedConsent(granted);
      if (recommender === current && !disposed) set({ federated: status, federatedError: null });
      return status;
    },
    async participate() {
      const current = recommender;
      const status = await current.participate();
      if (recommender === current && !disposed) set({ federated: status, federatedError: null });
      return status;
    },
    restart,
    async eraseAll() {
      ownErases++;
      try {
        const proof = await recommender.eraseAll();
        restart();
        return proof;
      } catch (error) {
        ownErases--;
        throw error;
      }
    },
    erasedElsewhere() {
      if (ownErases > 0) ownErases--;
      else restart();
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

/** The message of an error (or its string form). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
