import type { ModelBundle } from '../core/bundle/model-bundle';
import type { InteractionDataset } from '../core/data/interaction-log';
import { Vocabulary } from '../core/data/vocabulary';
import type { MfCheckpoint } from '../core/models/mf/mf-trainer';
import { initialFactors } from '../core/models/mf/mf-trainer';
import type { IdleScheduler } from './idle-scheduler';

/** Epochs of a background fine-tuning run. */
export const FINE_TUNE_EPOCHS = 2;

/** Default number of new local events after which an idle fine-tune is scheduled. */
export const DEFAULT_FINE_TUNE_AFTER_EVENTS = 20;

/**
 * Whether stored interactions can teach a model anything beyond fold-in. Fine-tuning re-solves
 * item factors from every user's data; with one user (a storefront visitor next to a global model)
 * that would overfit the catalog to one person, and the visitor is already served exactly by
 * fold-in, so it needs at least two users.
 */
export function hasMultiUserData(dataset: InteractionDataset): boolean {
  return dataset.userVocab.size >= 2;
}

/**
 * The starting state of a warm-started run on `dataset`: item factors and biases copied from the
 * current model by item id (items the model lacks get the seeded initial factors), user factors 0
 * (the first half-epoch solves them against the warm items). Returns null when the model has no
 * item of the dataset, or another factor count than `options.factors`.
 */
export function warmStartCheckpoint(
  bundle: ModelBundle,
  dataset: InteractionDataset,
  options: { readonly factors: number; readonly initScale: number; readonly seed: number },
): MfCheckpoint | null {
  const k = options.factors;
  if (bundle.mf.factors !== k) return null;
  const n = dataset.itemVocab.size;
  const m = dataset.userVocab.size;
  const init = initialFactors(0, n, options);
  const modelIndex = Vocabulary.from(bundle.itemIds);
  const source = bundle.mf.itemFactors;
  let matched = 0;
  for (let i = 0; i < n; i++) {
    const j = modelIndex.get(dataset.itemVocab.idAt(i));
    if (j < 0 || j >= bundle.mf.numItems) continue;
    init.itemFactors.set(source.subarray(j * k, j * k + k), i * k);
    init.itemBias[i] = bundle.mf.itemBias[j]!;
    matched++;
  }
  if (matched === 0) return null;
  return {
    epoch: 0,
    userFactors: new Float32Array(m * k),
    itemFactors: init.itemFactors,
    itemBias: init.itemBias,
    lossHistory: [],
  };
}

/** Counts new local events and runs a fine-tune in the next idle period once enough arrived. */
export interface FineTuneScheduler {
  /** Counts `count` new local events (tracked or imported). */
  noteEvents(count: number): void;
  /** Forgets the counted events (a full training just used them). */
  reset(): void;
  /** Cancels a scheduled run (a running one finishes on its own). */
  dispose(): void;
}

/** Options of {@link createFineTuneScheduler}. */
export interface FineTuneSchedulerOptions {
  /** Events before a run; 0 turns fine-tuning off. */
  readonly afterEvents: number;
  readonly schedule: IdleScheduler;
  /** The fine-tuning run; it decides itself whether there is anything to do. */
  readonly run: () => Promise<void>;
  /** Receives a failed run's error (fine-tuning is best effort). */
  readonly onError: (error: unknown) => void;
}

/** Creates a {@link FineTuneScheduler}. */
export function createFineTuneScheduler(o: FineTuneSchedulerOptions): FineTuneScheduler {
  let pending = 0;
  let cancel: (() => void) | null = null;
  let running = false;
  let disposed = false;

  const maybeSchedule = (): void => {
    if (disposed || o.afterEvents <= 0 || pending < o.afterEvents || cancel || running) return;
    cancel = o.schedule(() => {
      cancel = null;
      if (disposed) return;
      running = true;
      pending = 0;
      o.run()
        .catch(o.onError)
        .finally(() => {
          running = false;
          maybeSchedule();
        });
    });
  };

  return {
    noteEvents(count) {
      pending += count;
      maybeSchedule();
    },
    reset() {
      pending = 0;
      cancel?.();
      cancel = null;
    },
    dispose() {
      disposed = true;
      cancel?.();
      cancel = null;
    },
  };
}
