import { encodeBundle } from '../core/bundle/bundle-file';
import type { ModelBundle } from '../core/bundle/model-bundle';
import type { InteractionDataset } from '../core/data/interaction-log';
import type { EventWeights, Item } from '../core/data/types';
import { CancelledError, throwIfAborted } from '../core/errors';
import type { ComputePathName } from '../core/models/mf/mf-trainer';
import { MF_SETTING_KEYS, type MfSettings } from '../core/tune/tune-types';
import type { HearthStore } from '../storage/store-types';
import type { ComputePathPool } from './compute-path-pool';
import { evaluationShortfall, isNotEnoughData } from './evaluation-feasibility';
import { FINE_TUNE_EPOCHS } from './fine-tune-schedule';
import type { RecommenderEvent, TrainReport, TrainRequest } from './recommender-types';
import {
  evaluateAgainstPopularity,
  resolveMfOptions,
  trainStoredRun,
  type MfRunOptions,
} from './train-run';
import { warmStartCheckpoint } from './fine-tune';

export { resolveMfOptions } from './train-run';

/**
 * What the training jobs use of the recommender that runs them (`createLocalRecommender`). The
 * jobs live in this module, loaded on first training or fine-tune, so that the serving bundle
 * carries neither them nor the model-file writer.
 */
export interface TrainingHost {
  /** The catalog now (read when a run starts, as the run sees it). */
  catalog(): readonly Item[];
  /** Version of the model served now (0 = none). */
  servedVersion(): number;
  /** The compute paths (loaded on first use). */
  pool(): Promise<ComputePathPool>;
  /** The configured compute path, used when a request names none. */
  readonly backend: ComputePathName | 'auto';
  readonly eventWeights: EventWeights;
  /**
   * Stores `bytes` as the served model and serves `bundle` (after any swap before it); with
   * `unlessChangedSince`, only while the served version is still that one (else resolves null).
   */
  saveAndServe(
    bundle: ModelBundle,
    bytes: Uint8Array,
    source: 'trained' | 'fine-tuned',
    meta: Record<string, unknown>,
    unlessChangedSince?: number,
  ): Promise<number | null>;
  emit(event: RecommenderEvent): void;
  /** Forgets the events counted towards the next fine-tune (a full training just used them). */
  resetFineTune(): void;
}

/** Options of {@link trainWithLock}. */
export interface TrainWithLockOptions {
  readonly store: HearthStore;
  readonly request: TrainRequest;
  /** Aborted when the recommender is disposed. */
  readonly lifetime: AbortSignal;
}

/**
 * `Recommender.train`: waits for the trainer lock (other tabs may hold it), then
 * {@link trainAndServe}. A cancelled request rejects with a `CancelledError`, whatever step it
 * stopped.
 */
export async function trainWithLock(
  host: TrainingHost,
  o: TrainWithLockOptions,
): Promise<TrainReport> {
  const { store, request } = o;
  const signal = request.signal ? AbortSignal.any([request.signal, o.lifetime]) : o.lifetime;
  const mf = resolveMfOptions(request.mf);
  try {
    const report = await store.withTrainerLock(
      () => trainAndServe(host, { store, request, mf, signal }),
      { wait: true, signal },
    );
    if (report === null) throw new CancelledError();
    return report;
  } catch (error) {
    if (request.signal?.aborted && !(error instanceof CancelledError)) throw new CancelledError();
    throw error;
  }
}

/** Options of {@link trainAndServe}. */
export interface TrainJobOptions {
  readonly store: HearthStore;
  readonly request: TrainRequest;
  /** `resolveMfOptions(request.mf)`. */
  readonly mf: MfRunOptions;
  /** The request's signal combined with the recommender's lifetime. */
  readonly signal: AbortSignal;
}

/**
 * A full training run, to be called holding the trainer lock: trains on the stored interactions
 * with checkpoints, optionally evaluates against popularity, then stores and serves the model and
 * clears the checkpoints. Data too small to evaluate is found before training: the model is still
 * trained and served, and the report says why its quality was not measured.
 */
export async function trainAndServe(host: TrainingHost, o: TrainJobOptions): Promise<TrainReport> {
  const { store, request, mf, signal } = o;
  throwIfAborted(signal);
  const dataset = await store.readInteractions();
  const paths = await host.pool();
  const plan = await paths.plan(request.backend ?? host.backend);
  throwIfAborted(signal);
  // Tuned unless asked not to: the family and settings are chosen on the visitor's own data.
  const tune =
    request.tune !== false
      ? {
          fixed: fixedSettingsOf(request.mf, mf.factors),
          ...(request.tuneBudgetMs !== undefined && { budgetMs: request.tuneBudgetMs }),
        }
      : undefined;
  // Decided before training: a run that cannot be measured still ships its model.
  const unmeasurable = request.evaluate
    ? evaluationShortfall({
        dataset,
        seed: mf.seed,
        ...(tune && { eventWeights: host.eventWeights }),
      })
    : null;
  const run = await trainStoredRun({
    store,
    dataset,
    catalog: host.catalog(),
    plan,
    mf,
    eventWeights: host.eventWeights,
    checkpoints: true,
    ...(tune && { tune }),
    signal,
    onProgress: (progress) => {
      request.onProgress?.(progress);
      host.emit({ type: 'training-progress', progress });
    },
    onStorageWarning: (message) => host.emit({ type: 'storage', message }),
  });
  const training = run.bundle.training;
  // Read before evaluation, which trains models of its own on the same path.
  const workers = training.computePath === 'typed' ? await paths.typedWorkers() : undefined;
  let metrics: TrainReport['metrics'];
  let evaluationSkipped = unmeasurable ?? undefined;
  if (request.evaluate && unmeasurable === null) {
    const path = await paths.get(training.computePath as ComputePathName);
    try {
      metrics = await evaluateAgainstPopularity({
        dataset,
        mf,
        path,
        signal,
        ...(tune && { tune, eventWeights: host.eventWeights }),
      });
    } catch (error) {
      if (!isNotEnoughData(error)) throw error;
      evaluationSkipped = (error as Error).message;
    }
  }
  throwIfAborted(signal);
  const version = await host.saveAndServe(run.bundle, encodeBundle(run.bundle), 'trained', {
    mf,
    runId: run.runId,
  });
  await store.clearCheckpoints().catch(() => undefined);
  host.resetFineTune();
  return {
    computePath: training.computePath as ComputePathName,
    choice: plan.report,
    fallbacks: run.fallbacks,
    resumedFromEpoch: run.resumedFromEpoch,
    epochs: run.lossHistory.length,
    trainMs: training.trainMs,
    ...(workers !== undefined && { workers }),
    lossHistory: run.lossHistory,
    modelVersion: version ?? host.servedVersion(),
    ...(metrics && { metrics }),
    ...(evaluationSkipped !== undefined && { evaluationSkipped }),
    ...(run.bundle.tuning?.tuned && { tuning: run.bundle.tuning }),
  };
}

/** The MF settings a request fixed (tuning searches the rest); `factors` is always fixed. */
function fixedSettingsOf(
  requested: TrainRequest['mf'],
  factors: number,
): Partial<MfSettings> & { factors: number } {
  const out: Partial<Record<keyof MfSettings, number>> = {};
  for (const key of MF_SETTING_KEYS) {
    const v = requested?.[key];
    if (v !== undefined) out[key] = v;
  }
  return { ...out, factors };
}

/** Options of {@link fineTuneAndServe}. */
export interface FineTuneJobOptions {
  readonly store: HearthStore;
  /** The stored interactions (of more than one user: see `hasMultiUserData`). */
  readonly dataset: InteractionDataset;
  /** The served model to start from, and its version. */
  readonly bundle: ModelBundle;
  readonly version: number;
  readonly signal: AbortSignal;
}

/**
 * A background fine-tune, to be called holding the trainer lock: a few epochs warm-started from
 * the served model, stored and served unless another model was served meanwhile. Resolves the new
 * version, or null when nothing was served (no warm start possible, or the model changed).
 */
export async function fineTuneAndServe(
  host: TrainingHost,
  o: FineTuneJobOptions,
): Promise<number | null> {
  const m = o.bundle.mf;
  const mf = resolveMfOptions({
    factors: m.factors,
    regularization: m.regularization,
    regularizationExponent: m.regularizationExponent,
    unobservedWeight: m.unobservedWeight,
    userWeightExponent: m.userWeightExponent,
    biasScale: m.biasScale,
    initScale: m.initScale,
    epochs: FINE_TUNE_EPOCHS,
  });
  const warmStart = warmStartCheckpoint(o.bundle, o.dataset, mf);
  if (!warmStart) return null;
  const run = await trainStoredRun({
    store: o.store,
    dataset: o.dataset,
    catalog: host.catalog(),
    plan: await (await host.pool()).plan(host.backend),
    mf,
    eventWeights: host.eventWeights,
    checkpoints: false,
    warmStart,
    signal: o.signal,
  });
  return host.saveAndServe(run.bundle, encodeBundle(run.bundle), 'fine-tuned', { mf }, o.version);
}
