import type { ComputeCapabilities } from '../core/compute/capabilities';
import type { EventWeights } from '../core/data/types';
import { CancelledError, throwIfAborted } from '../core/errors';
import type { HearthStore } from '../storage/store-types';
import type { ComputePathPool } from './compute-path-pool';
import {
  DEFAULT_FINE_TUNE_AFTER_EVENTS,
  createFineTuneScheduler,
  hasMultiUserData,
} from './fine-tune-schedule';
import { mainThreadIdleScheduler, type IdleScheduler } from './idle-scheduler';
import { disposedError, messageOf } from './recommender-checks';
import type {
  RecommenderConfig,
  RecommenderEvent,
  TrainReport,
  TrainRequest,
} from './recommender-types';
import type { ServingModel } from './serving-model';
import type { TrainingHost } from './training-jobs';

/**
 * Training and fine-tuning (and, through them, the trainer, the model-file writer and TF.js) load
 * only when a page first trains or fine-tunes: serving stored or downloaded models stays small.
 */
const loadTrainingJobs = () => import('./training-jobs');

/** Fine-tune runs started over because another model was served while one ran. */
const FINE_TUNE_ATTEMPTS = 3;

/** Full training on request and fine-tuning in the background, on the lazily loaded compute paths. */
export interface TrainingControl {
  train(request: TrainRequest): Promise<TrainReport>;
  /** Counts new local events towards the next background fine-tune. */
  noteEvents(count: number): void;
  capabilities(): Promise<ComputeCapabilities>;
  /** Cancels running and scheduled work and releases the compute paths. */
  dispose(): void;
}

/** Options of {@link createTrainingControl}. */
export interface TrainingControlOptions {
  readonly config: Pick<
    RecommenderConfig,
    'backend' | 'wasmPaths' | 'fineTuneAfterEvents' | 'trainingWorkers'
  >;
  readonly scheduleIdle: IdleScheduler | undefined;
  readonly eventWeights: EventWeights;
  readonly serving: ServingModel;
  /** The open store once the recommender is ready; rejects once disposed. */
  readonly alive: () => Promise<HearthStore>;
  readonly emit: (event: RecommenderEvent) => void;
  /** A model was trained or fine-tuned and served (federated contribution hook). */
  readonly afterTraining: () => void;
  readonly isDisposed: () => boolean;
}

/** Creates a {@link TrainingControl}; nothing heavy loads until the first training. */
export function createTrainingControl(o: TrainingControlOptions): TrainingControl {
  const { config, serving } = o;
  const lifetime = new AbortController();
  // Loaded on first training: the compute paths pull in TF.js, which serving never needs.
  let poolPromise: Promise<ComputePathPool> | null = null;
  const pool = (): Promise<ComputePathPool> =>
    (poolPromise ??= import('./compute-path-pool').then((m) =>
      m.createComputePathPool({
        ...(config.wasmPaths !== undefined && { wasmPaths: config.wasmPaths }),
        ...(config.trainingWorkers !== undefined && { maxWorkers: config.trainingWorkers }),
      }),
    ));

  const host: TrainingHost = {
    catalog: () => serving.catalog(),
    servedVersion: () => serving.state().version,
    pool,
    backend: config.backend ?? 'auto',
    eventWeights: o.eventWeights,
    saveAndServe: serving.saveAndServe,
    emit: o.emit,
    resetFineTune: () => fineTune.reset(),
  };

  const fineTuneNow = async (): Promise<void> => {
    const s = await o.alive();
    await s.withTrainerLock(
      async () => {
        const dataset = await s.readInteractions();
        // A lone visitor is served exactly by fold-in; see hasMultiUserData.
        if (!hasMultiUserData(dataset)) return;
        const { fineTuneAndServe } = await loadTrainingJobs();
        // A model served meanwhile (a global model, another tab's) would make the run's result
        // stale: start again from that model rather than drop the visitor's new events.
        for (let attempt = 0; attempt < FINE_TUNE_ATTEMPTS; attempt++) {
          const current = serving.state();
          if (!current.bundle) return;
          const version = await fineTuneAndServe(host, {
            store: s,
            dataset,
            bundle: current.bundle,
            version: current.version,
            signal: lifetime.signal,
          });
          if (version !== null) {
            o.afterTraining();
            return;
          }
          if (serving.state().version === current.version) return;
        }
      },
      { wait: false, signal: lifetime.signal },
    );
  };

  const fineTune = createFineTuneScheduler({
    afterEvents: config.fineTuneAfterEvents ?? DEFAULT_FINE_TUNE_AFTER_EVENTS,
    schedule: o.scheduleIdle ?? mainThreadIdleScheduler(),
    run: fineTuneNow,
    onError: (error) => {
      if (o.isDisposed() || error instanceof CancelledError) return;
      o.emit({ type: 'storage', message: `Background fine-tuning failed: ${messageOf(error)}` });
    },
  });

  return {
    async train(request) {
      const s = await o.alive();
      throwIfAborted(request.signal);
      const { trainWithLock } = await loadTrainingJobs();
      try {
        const report = await trainWithLock(host, { store: s, request, lifetime: lifetime.signal });
        o.afterTraining();
        return report;
      } catch (error) {
        if (o.isDisposed()) throw disposedError();
        throw error;
      }
    },
    noteEvents: (count) => fineTune.noteEvents(count),
    async capabilities() {
      return (await pool()).capabilities();
    },
    dispose() {
      lifetime.abort();
      fineTune.dispose();
      poolPromise?.then((p) => p.dispose()).catch(() => undefined);
    },
  };
}
