import type { CsrMatrix } from '../data/csr-matrix';
import { DataError, throwIfAborted } from '../errors';
import type {
  MfComputePath,
  MfTrainOptions,
  MfTrainResult,
  TrainProgress,
} from '../models/mf/mf-trainer';
import { DEFAULT_MF_OPTIONS, createTypedMfPath } from '../models/mf/train-typed';
import { createMfScorer } from '../models/mf/mf-scorer';
import type { MfModel } from '../models/mf/mf-model';
import type { UserScorer } from '../models/scorer';
import type { SparseNeighbors } from '../models/sparse-neighbors';
import { createNeighborScorer } from '../serve/neighbor-scores';
import type { ConfidenceKind, ConfidenceTransform } from './confidence';
import { applyConfidence, fitConfidence } from './confidence-fit';
import { defaultMfSettings } from './search-space';
import { fitNeighbors } from './neighbor-families';
import { tuneModel, type TuneOptions } from './tune-model';
import type {
  FixedSettings,
  ItemToItemChoice,
  MfSettings,
  TuneProgress,
  TuningChoice,
} from './tune-types';

/** Confidence transform of untuned training (`--no-tune`). */
export const DEFAULT_CONFIDENCE: ConfidenceKind = 'linear';

/** Options of {@link fitPipeline}. */
export interface FitPipelineOptions {
  /** Users × items matrix of summed pair weights (see `weightedMatrixOf`). */
  readonly train: CsrMatrix;
  /** Search settings on a validation split of `train` (default true). */
  readonly tune?: boolean;
  /** Settings fixed by the caller; with `tune: false` the rest are the defaults. */
  readonly fixed?: FixedSettings;
  /** How tuning carves its validation split (see `TuneOptions.validation`). */
  readonly validation?: TuneOptions['validation'];
  readonly budgetMs?: number;
  readonly maxTrials?: number;
  readonly seed?: number;
  /** Options of the final MF fit only (checkpoints, resume, CG steps, …). */
  readonly finalFit?: Partial<
    Omit<MfTrainOptions, keyof MfSettings | 'seed' | 'signal' | 'onProgress'>
  >;
  readonly computePath?: MfComputePath;
  readonly onTuneProgress?: (progress: TuneProgress) => void;
  /** Epoch progress of the final MF fit. */
  readonly onProgress?: (progress: TrainProgress) => void;
  /**
   * Tuned runs only: called after tuning, before the final fit, with a function that fits the
   * chosen MF (settings, confidence transform, seed, compute path) on another users × items matrix
   * of the same items; what it returns is recorded as the choice's `itemToItem`.
   */
  readonly chooseItemToItem?: (
    fitMf: (train: CsrMatrix) => Promise<MfModel>,
  ) => Promise<ItemToItemChoice | null>;
  readonly signal?: AbortSignal;
}

/** The fitted pipeline: what a bundle ships and what evaluation scores. */
export interface FittedPipeline {
  readonly choice: TuningChoice;
  /** Confidence transform fitted on the whole training matrix. */
  readonly confidence: ConfidenceTransform;
  readonly mf: MfTrainResult;
  /** Top-N neighbour lists of a neighbour family or blend (null for pure MF). */
  readonly neighbors: SparseNeighbors | null;
  /** Scores training users the way the shipped model scores a visitor with the same history. */
  readonly scorer: UserScorer;
  /** Wall time of the final fit (tuning excluded). */
  readonly trainMs: number;
}

/**
 * The training pipeline `hearth train` ships and `hearth eval` measures: tune (unless disabled)
 * on a validation split of `train`, then fit the chosen family on all of `train`.
 */
export async function fitPipeline(o: FitPipelineOptions): Promise<FittedPipeline> {
  if (o.train.indices.length === 0) {
    throw new DataError(
      'NOT_ENOUGH_DATA',
      'No positive interactions to train on (all were dismissals or zero-weight events).',
    );
  }
  const seed = o.seed ?? DEFAULT_MF_OPTIONS.seed;
  const tuned =
    o.tune === false
      ? untunedChoice(o.fixed ?? {})
      : await tuneModel({
          train: o.train,
          seed,
          ...(o.fixed ? { fixed: o.fixed } : {}),
          ...(o.validation ? { validation: o.validation } : {}),
          ...(o.budgetMs !== undefined ? { budgetMs: o.budgetMs } : {}),
          ...(o.maxTrials !== undefined ? { maxTrials: o.maxTrials } : {}),
          ...(o.computePath ? { computePath: o.computePath } : {}),
          ...(o.onTuneProgress ? { onProgress: o.onTuneProgress } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
        });
  throwIfAborted(o.signal);
  const path = o.computePath ?? createTypedMfPath();
  /** Fits the chosen MF on `train`; `extra` adds options of the final fit. */
  const fitChosen = async (
    train: CsrMatrix,
    extra: Partial<MfTrainOptions> = {},
  ): Promise<{ mf: MfTrainResult; confidence: ConfidenceTransform }> => {
    const confidence = fitConfidence(tuned.confidence, train.values);
    const mf = await path.train(applyConfidence(train, confidence), {
      ...DEFAULT_MF_OPTIONS,
      ...extra,
      ...tuned.mf,
      seed,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    return { mf, confidence };
  };
  const itemToItem =
    tuned.tuned && o.chooseItemToItem
      ? await o.chooseItemToItem(async (train) => (await fitChosen(train)).mf.model)
      : null;
  const choice = itemToItem ? { ...tuned, itemToItem } : tuned;
  throwIfAborted(o.signal);
  const started = performance.now();
  const { mf, confidence } = await fitChosen(o.train, {
    ...o.finalFit,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const neighbors =
    choice.neighborSource !== null && choice.neighborWeight > 0
      ? await fitNeighbors(choice.neighborSource, o.train, {
          ...(choice.easeLambdaShare !== undefined
            ? { easeLambdaShare: choice.easeLambdaShare }
            : {}),
          ...(choice.neighbors > 0 ? { neighbors: choice.neighbors } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
        })
      : null;
  const trainMs = performance.now() - started;
  const scorer = blendScorer(mf, neighbors, choice, o.train);
  return { choice, confidence, mf, neighbors, scorer, trainMs };
}

/** The choice of untuned training: fixed settings over the defaults, pure MF. */
export function untunedChoice(fixed: FixedSettings): TuningChoice {
  const mf = { ...defaultMfSettings() };
  for (const key of Object.keys(mf) as (keyof typeof mf)[]) {
    const v = fixed[key];
    if (v !== undefined) mf[key] = v;
  }
  return {
    family: 'mf',
    confidence: fixed.confidence ?? DEFAULT_CONFIDENCE,
    mf,
    mfWeight: 1,
    neighborWeight: 0,
    neighbors: 0,
    neighborSource: null,
    candidates: [],
    validationNdcg: NaN,
    validationUsers: 0,
    trials: 0,
    tuningMs: 0,
    tuned: false,
  };
}

/** Scores training rows as a bundle scores a visitor with the same (binary) history. */
function blendScorer(
  mf: MfTrainResult,
  neighbors: SparseNeighbors | null,
  choice: TuningChoice,
  train: CsrMatrix,
): UserScorer {
  const factorScorer = createMfScorer(mf);
  const neighborScorer =
    neighbors && choice.neighborWeight > 0 ? createNeighborScorer(neighbors) : null;
  const scratch = new Float32Array(mf.model.numItems);
  return {
    numItems: mf.model.numItems,
    scoreUser(user, out) {
      if (neighborScorer) {
        const items = train.indices.subarray(train.indptr[user]!, train.indptr[user + 1]!);
        neighborScorer.scoreHistory(items, scratch);
      }
      // As served (`createNeighborMixer`): without neighbour evidence the MF scores stand alone.
      if (!neighborScorer || !scratch.some((v) => v !== 0)) {
        factorScorer.scoreUser(user, out);
        return;
      }
      if (choice.mfWeight !== 0) {
        factorScorer.scoreUser(user, out);
        if (choice.mfWeight !== 1) for (let i = 0; i < out.length; i++) out[i]! *= choice.mfWeight;
      } else out.fill(0);
      for (let i = 0; i < out.length; i++) out[i]! += choice.neighborWeight * scratch[i]!;
    },
  };
}
