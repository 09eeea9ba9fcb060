import type { InteractionDataset } from '../core/data/interaction-log';
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
