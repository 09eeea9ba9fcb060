import { DataError, OptionError } from '../errors';
import type { InteractionDataset } from '../data/interaction-log';
import { fitItemKnn } from '../models/item-knn';
import { fitPopularity } from '../models/popularity';
import type { UserScorer } from '../models/scorer';
import type { MfComputePath, MfTrainOptions, TrainProgress } from '../models/mf/mf-trainer';
import { createMfScorer } from '../models/mf/mf-scorer';
import { DEFAULT_MF_OPTIONS, createTypedMfPath } from '../models/mf/train-typed';
import { evaluateScorer, type MetricValues } from './evaluate';
import { splitInteractions, type SplitProtocol } from './split';

/** Models that offline evaluation can train. */
export type EvaluationModel = 'mf' | 'pop' | 'itemknn';

/** Options of {@link runEvaluation}. */
export interface RunEvaluationOptions {
  readonly dataset: InteractionDataset;
  readonly model: EvaluationModel;
  readonly protocol: SplitProtocol;
  readonly seed: number;
  readonly ks: readonly number[];
  /** Per-row confidence weights for training (default: every distinct pair weighs 1). */
  readonly rowWeights?: Float32Array;
  /** MF overrides (factors, epochs, …); the seed comes from `seed`. */
  readonly mf?: Partial<Omit<MfTrainOptions, 'seed' | 'signal' | 'onProgress'>>;
  /** Compute path for MF; default the typed-array path. */
  readonly computePath?: MfComputePath;
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
}

/** Splits, trains the requested model on the train part and evaluates it on the test part. */
export async function runEvaluation(o: RunEvaluationOptions): Promise<EvaluationReport> {
  const split = splitInteractions(o.dataset, {
    protocol: o.protocol,
    seed: o.seed,
    ...(o.rowWeights ? { rowWeights: o.rowWeights } : {}),
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
  if (o.model === 'mf') {
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
    throw new OptionError(`Unknown model "${String(o.model)}": use mf, pop or itemknn.`);
  }
  const metrics = evaluateScorer(scorer, split, { ks: o.ks });
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
  };
}
