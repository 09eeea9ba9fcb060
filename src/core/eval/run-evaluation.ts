import { DataError, OptionError } from '../errors';
import type { InteractionDataset } from '../data/interaction-log';
import { DEFAULT_EVENT_WEIGHTS, type EventWeights } from '../data/types';
import { rowWeightsOf } from '../tune/confidence-fit';
import { fitPipeline } from '../tune/fit-pipeline';
import type { FixedSettings, TuneProgress, TuningChoice } from '../tune/tune-types';
import { fitItemKnn } from '../models/item-knn';
import { fitPopularity } from '../models/popularity';
import type { UserScorer } from '../models/scorer';
import type { MfComputePath, MfTrainOptions, TrainProgress } from '../models/mf/mf-trainer';
import { createMfScorer } from '../models/mf/mf-scorer';
import { DEFAULT_MF_OPTIONS, createTypedMfPath } from '../models/mf/train-typed';
import { evaluateScorer, type MetricValues } from './evaluate';
import { splitInteractions, type SplitProtocol } from './split';

/**
 * Models that offline evaluation can train. `auto` is the shipped pipeline (tuned family choice);
 * `mf` is MF alone (tuned when `pipeline.tune`).
 */
export type EvaluationModel = 'auto' | 'mf' | 'pop' | 'itemknn';

/**
 * The pipeline `hearth train` ships: row weights from event types (× values), tuning on a
 * validation split of the training part, the chosen confidence transform and family.
 */
export interface EvaluationPipeline {
  /** Search settings on a validation split carved from the training part (default true). */
  readonly tune?: boolean;
  readonly eventWeights?: EventWeights;
  /** Settings fixed by the caller (flags); with `tune: false` the rest are the defaults. */
  readonly fixed?: FixedSettings;
  readonly budgetMs?: number;
  readonly maxTrials?: number;
  readonly onTuneProgress?: (progress: TuneProgress) => void;
}

/** Options of {@link runEvaluation}. */
export interface RunEvaluationOptions {
  readonly dataset: InteractionDataset;
  readonly model: EvaluationModel;
  readonly protocol: SplitProtocol;
  readonly seed: number;
  readonly ks: readonly number[];
  /** Each evaluated user's NDCG at the smallest cut-off (see `EvaluateOptions.onUserNdcg`). */
  readonly onUserNdcg?: (user: number, ndcg: number) => void;
  /** Per-row confidence weights for training (default: every distinct pair weighs 1). */
  readonly rowWeights?: Float32Array;
  /** MF overrides (factors, epochs, …); the seed comes from `seed`. */
  readonly mf?: Partial<Omit<MfTrainOptions, 'seed' | 'signal' | 'onProgress'>>;
  /** Compute path for MF; default the typed-array path. */
  readonly computePath?: MfComputePath;
  /**
   * Evaluate the shipped pipeline (required for `auto`; for `mf` it replaces the fixed-default MF
   * trained on `rowWeights`). `rowWeights` is ignored when given: the pipeline derives its own.
   */
  readonly pipeline?: EvaluationPipeline;
  readonly onProgress?: (progress: TrainProgress) => void;
  readonly signal?: AbortSignal;
}

/** Result of one offline evaluation run (the shape `hearth eval --json` prints). */
export interface EvaluationReport {
  readonly model: EvaluationModel;
  readonly protocol: SplitProtocol;
  readonly seed: number;
  /** Users and items of the dataset. */
  readonly users: number;
  readonly items: number;
  /** Users with held-out items. */
  readonly evaluatedUsers: number;
  /** Wall time of training only (no parsing, no evaluation). */
  readonly trainMs: number;
  readonly metrics: MetricValues;
  /** MF only: compute path, epochs and mean epoch time. */
  readonly computePath?: string;
  readonly epochs?: number;
  readonly epochMs?: number;
  /** Pipeline runs: what tuning chose (family, settings, confidence, validation scores, ms). */
  readonly tuning?: TuningChoice;
}

/**
 * Splits, trains the requested model on the train part and evaluates it on the test part. With a
 * pipeline, tuning sees only the train part (its validation split is carved from it).
 */
export async function runEvaluation(o: RunEvaluationOptions): Promise<EvaluationReport> {
  const pipeline =
    o.model === 'auto' ? (o.pipeline ?? {}) : o.model === 'mf' ? o.pipeline : undefined;
  const rowWeights = pipeline
    ? rowWeightsOf(o.dataset, pipeline.eventWeights ?? DEFAULT_EVENT_WEIGHTS)
    : o.rowWeights;
  const split = splitInteractions(o.dataset, {
    protocol: o.protocol,
    seed: o.seed,
    ...(rowWeights ? { rowWeights } : {}),
  });
  if (split.evaluatedUsers === 0) {
    throw new DataError(
      'NOT_ENOUGH_DATA',
      `No user qualifies for protocol "${o.protocol}" (each needs at least 5 distinct items${o.protocol === 'temporal' ? ' and one after the time cut' : ''}); use more data or another protocol.`,
    );
  }
  let scorer: UserScorer;
  let extra: Pick<EvaluationReport, 'computePath' | 'epochs' | 'epochMs'> = {};
  const started = performance.now();
  let trainMs: number;
  let tuning: TuningChoice | undefined;
  if (pipeline) {
    const fitted = await fitPipeline({
      train: split.train,
      seed: o.seed,
      tune: pipeline.tune ?? true,
      // Validation mirrors the protocol being measured (e.g. leave-last-out tunes for the next item).
      validation: {
        protocol: split.protocol,
        ...(split.trainLastSeen ? { lastSeen: split.trainLastSeen } : {}),
      },
      fixed: { ...pipeline.fixed, ...o.mf, ...(o.model === 'mf' ? { family: 'mf' as const } : {}) },
      ...(pipeline.budgetMs !== undefined ? { budgetMs: pipeline.budgetMs } : {}),
      ...(pipeline.maxTrials !== undefined ? { maxTrials: pipeline.maxTrials } : {}),
      ...(o.computePath ? { computePath: o.computePath } : {}),
      ...(pipeline.onTuneProgress ? { onTuneProgress: pipeline.onTuneProgress } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    trainMs = performance.now() - started;
    scorer = fitted.scorer;
    tuning = fitted.choice;
    const epochs = fitted.mf.epochMs;
    extra = {
      computePath: fitted.mf.computePath,
      epochs: epochs.length,
      epochMs: epochs.reduce((a, b) => a + b, 0) / Math.max(1, epochs.length),
    };
  } else if (o.model === 'mf') {
    const path = o.computePath ?? createTypedMfPath();
    const options: MfTrainOptions = {
      ...DEFAULT_MF_OPTIONS,
      ...o.mf,
      seed: o.seed,
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    };
    const result = await path.train(split.train, options);
    trainMs = performance.now() - started;
    scorer = createMfScorer(result);
    const total = result.epochMs.reduce((a, b) => a + b, 0);
    extra = {
      computePath: result.computePath,
      epochs: result.epochMs.length,
      epochMs: total / Math.max(1, result.epochMs.length),
    };
  } else if (o.model === 'pop') {
    scorer = fitPopularity(split.train);
    trainMs = performance.now() - started;
  } else if (o.model === 'itemknn') {
    scorer = fitItemKnn(split.train);
    trainMs = performance.now() - started;
  } else {
    throw new OptionError(`Unknown model "${String(o.model)}": use auto, mf, pop or itemknn.`);
  }
  const metrics = evaluateScorer(scorer, split, {
    ks: o.ks,
    ...(o.onUserNdcg ? { onUserNdcg: o.onUserNdcg } : {}),
  });
  return {
    model: o.model,
    protocol: o.protocol,
    seed: o.seed,
    users: o.dataset.userVocab.size,
    items: o.dataset.itemVocab.size,
    evaluatedUsers: split.evaluatedUsers,
    trainMs,
    metrics,
    ...extra,
    ...(tuning ? { tuning } : {}),
  };
}
