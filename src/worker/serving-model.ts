import { decodeServingBundle } from '../core/bundle/decode-bundle';
import type { ModelBundle } from '../core/bundle/model-bundle';
import type { EventWeights, Item } from '../core/data/types';
import type { HearthStore } from '../storage/store-types';
import { createModelState, type ModelState } from './model-state';
import type { RecommenderEvent } from './recommender-types';

/** Name under which the serving model is stored. */
export const MODEL_NAME = 'default';

/** Where a served model came from (the `source` of its `model-changed` event). */
export type ModelSource = Extract<RecommenderEvent, { type: 'model-changed' }>['source'];

/**
 * What rows are served from (the model, its version, the catalog) and every way it changes. Swaps
 * run one at a time, in order, so versions only ever go up.
 */
export interface ServingModel {
  /** The serving state now. */
  state(): ModelState;
  /** The catalog now. */
  catalog(): readonly Item[];
  /** Replaces the catalog and rebuilds the rows around the current model. */
  setCatalog(items: readonly Item[]): void;
  /** Serves `bundle` as `version` unless a model at least as new is served (after earlier swaps). */
  serveIfNewer(bundle: ModelBundle, version: number, source: ModelSource): Promise<void>;
  /**
   * Stores `bytes` as the served model and serves `bundle` (after any swap before it); with
   * `unlessChangedSince`, only while the served version is still that one (else resolves null).
   */
  saveAndServe(
    bundle: ModelBundle,
    bytes: Uint8Array,
    source: 'trained' | 'loaded' | 'fine-tuned' | 'federated',
    meta: Record<string, unknown>,
    unlessChangedSince?: number,
  ): Promise<number | null>;
  /** Serves the stored model if it is newer (another tab stored it). */
  loadStored(source: 'other-tab' | 'loaded'): Promise<void>;
  /** Re-reads the catalog from the store (another tab imported one). */
  reloadCatalog(): Promise<void>;
  /** Forgets model and catalog (after an erase): rows fall back to nothing. */
  reset(): void;
  dispose(): void;
}

/** Options of {@link createServingModel}. */
export interface ServingModelOptions {
  readonly eventWeights: EventWeights;
  readonly store: () => Promise<HearthStore>;
  readonly emit: (event: RecommenderEvent) => void;
}

/** Creates a {@link ServingModel} with no model and an empty catalog. */
export function createServingModel(o: ServingModelOptions): ServingModel {
  let catalog: readonly Item[] = [];
  let state: ModelState = createModelState({ bundle: null, version: 0, catalog });
  let swaps: Promise<unknown> = Promise.resolve();
  const serially = <T>(job: () => Promise<T>): Promise<T> => {
    const run = swaps.then(job);
    swaps = run.catch(() => undefined);
    return run;
  };
  const setModel = (bundle: ModelBundle | null, version: number): void => {
    const previous = state;
    state = createModelState({ bundle, version, catalog, eventWeights: o.eventWeights });
    previous.rows.dispose();
  };
  const swapIn = (bundle: ModelBundle, version: number, source: ModelSource): void => {
    if (version <= state.version) return;
    setModel(bundle, version);
    o.emit({ type: 'model-changed', version, source });
  };

  return {
    state: () => state,
    catalog: () => catalog,
    setCatalog(items) {
      catalog = items;
      setModel(state.bundle, state.version);
    },
    serveIfNewer: (bundle, version, source) =>
      serially(async () => swapIn(bundle, version, source)),
    saveAndServe: (bundle, bytes, source, meta, unlessChangedSince) =>
      serially(async () => {
        if (unlessChangedSince !== undefined && state.version !== unlessChangedSince) return null;
        const stored = await (await o.store()).saveModel(MODEL_NAME, bytes, { source, ...meta });
        setModel(bundle, stored.version);
        o.emit({ type: 'model-changed', version: stored.version, source });
        return stored.version;
      }),
    loadStored: (source) =>
      serially(async () => {
        const stored = await (await o.store()).loadModel(MODEL_NAME);
        if (!stored || stored.version <= state.version) return;
        swapIn(decodeServingBundle(stored.bytes), stored.version, source);
      }),
    reloadCatalog: () =>
      serially(async () => {
        catalog = await (await o.store()).getCatalog();
        setModel(state.bundle, state.version);
      }),
    reset() {
      catalog = [];
      setModel(null, 0);
    },
    dispose() {
      state.rows.dispose();
    },
  };
}
