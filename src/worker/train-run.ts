import type { ModelBundle } from '../core/bundle/model-bundle';
import { trainModelBundle } from '../core/bundle/train-bundle';
import type { InteractionDataset } from '../core/data/interaction-log';
import type { EventWeights, Item } from '../core/data/types';
import { runEvaluation } from '../core/eval/run-evaluation';
import type { MetricValues } from '../core/eval/evaluate';
import type { MfCheckpoint, MfComputePath, MfTrainOptions } from '../core/models/mf/mf-trainer';
import { DEFAULT_MF_OPTIONS } from '../core/models/mf/train-typed';
import { omitMfSettings, type MfSettings } from '../core/tune/tune-types';
import type { FallbackTrainResult } from '../core/models/mf/train-with-fallback';
import { trainWithFallback } from '../core/models/mf/train-with-fallback';
import type { HearthStore } from '../storage/store-types';
import type { ComputePlan } from './compute-path-pool';
import type { RecommenderTrainProgress, TrainReport } from './recommender-types';
import { trainingRunId } from './run-id';

/** The numeric MF options of a run (everything but callbacks and the resume state). */
export type MfRunOptions = Omit<
  MfTrainOptions,
  'signal' | 'onProgress' | 'onCheckpoint' | 'resumeFrom'
>;

const MF_KEYS = [
  'factors',
  'regularization',
  'regularizationExponent',
  'unobservedWeight',
  'userWeightExponent',
  'biasScale',
  'initScale',
  'epochs',
  'cgSteps',
  'seed',
] as const satisfies readonly (keyof MfRunOptions)[];

/**
 * The defaults with `overrides` applied, keeping only MF option keys (requests may come from the
 * wire). Values are validated by the trainer.
 */
export function resolveMfOptions(overrides: Partial<MfRunOptions> | undefined): MfRunOptions {
  const merged: Record<string, number> = {};
  for (const key of MF_KEYS) merged[key] = overrides?.[key] ?? DEFAULT_MF_OPTIONS[key];
  return merged as unknown as MfRunOptions;
}

/** Options of {@link trainStoredRun}. */
export interface StoredRunOptions {
  readonly store: HearthStore;
  readonly dataset: InteractionDataset;
  readonly catalog: readonly Item[];
  readonly plan: ComputePlan;
  readonly mf: MfRunOptions;
  readonly eventWeights: EventWeights;
  /** Save a checkpoint after every epoch and resume from a stored one of the same run. */
  readonly checkpoints: boolean;
  /** Tune on a validation split first, searching what `fixed` leaves open (see `tuneModel`). */
  readonly tune?: { readonly fixed: Partial<MfSettings>; readonly budgetMs?: number };
  /** Warm start (fine-tuning); a stored checkpoint of the same run wins over it. */
  readonly warmStart?: MfCheckpoint;
  readonly signal: AbortSignal;
  readonly onProgress?: (progress: RecommenderTrainProgress) => void;
  /** A checkpoint could not be stored; training goes on without it. */
  readonly onStorageWarning?: (message: string) => void;
}

/** What {@link trainStoredRun} produced. */
export interface StoredRunResult {
  readonly bundle: ModelBundle;
  readonly runId: string;
  readonly fallbacks: TrainReport['fallbacks'];
  readonly resumedFromEpoch: number;
  readonly lossHistory: readonly number[];
}

/**
 * Trains a bundle on the plan's paths in order (a failed path hands over to the next at the last
 * epoch), storing a checkpoint after every epoch under the run id (data + options checksum) and
 * starting from the stored checkpoint of the same run when there is one, e.g. after a reload.
 */
export async function trainStoredRun(o: StoredRunOptions): Promise<StoredRunResult> {
  const runId = trainingRunId(o.dataset, o.mf, o.eventWeights);
  let resumeFrom = o.warmStart;
  let resumedFromEpoch = 0;
  if (o.checkpoints) {
    const stored = await o.store.loadCheckpoint(runId);
    if (stored && fits(stored.checkpoint, o.dataset, o.mf)) {
      resumeFrom = stored.checkpoint;
      resumedFromEpoch = stored.checkpoint.epoch;
    }
  }
  const order = o.plan.order;
  let current = order[0]!.name;
  let trained: FallbackTrainResult | null = null;
  const composite: MfComputePath = {
    name: current,
    async train(matrix, options) {
      trained = await trainWithFallback({
        matrix,
        train: options,
        order,
        onFallback: (from) => {
          const next = order[order.findIndex((p) => p.name === from) + 1];
          if (next) current = next.name;
        },
      });
      return trained;
    },
    dispose() {},
  };
  const onCheckpoint = async (checkpoint: MfCheckpoint): Promise<void> => {
    try {
      await o.store.saveCheckpoint({
        runId,
        checkpoint,
        meta: { computePath: current, epochs: o.mf.epochs, rows: o.dataset.columns.length },
        savedAt: Date.now(),
      });
    } catch (error) {
      // Losing a checkpoint only costs the resume; the run itself is still good.
      const why = error instanceof Error ? error.message : String(error);
      o.onStorageWarning?.(`Could not store the epoch ${checkpoint.epoch} checkpoint: ${why}`);
    }
  };
  const bundle = await trainModelBundle({
    dataset: o.dataset,
    catalog: o.catalog,
    computePath: composite,
    computeChoice: o.plan.report.reason,
    eventWeights: o.eventWeights,
    mf: {
      ...(o.tune ? { ...omitMfSettings(o.mf), ...o.tune.fixed } : o.mf),
      ...(resumeFrom && { resumeFrom }),
      ...(o.checkpoints && { onCheckpoint }),
    },
    ...(o.onProgress && {
      onProgress: (p) => o.onProgress?.({ ...p, computePath: current }),
    }),
    signal: o.signal,
    ...(o.tune && {
      tune: true,
      ...(o.tune.budgetMs !== undefined && { tuneBudgetMs: o.tune.budgetMs }),
    }),
  });
  const result = trained as FallbackTrainResult | null;
  return {
    bundle,
    runId,
    fallbacks: (result?.fallbacks ?? []).map((f) => ({ from: f.from, error: f.error })),
    resumedFromEpoch,
    lossHistory: result?.lossHistory ?? [],
  };
}

/** The run options without the settings tuning may choose. */
function fits(c: MfCheckpoint, dataset: InteractionDataset, mf: MfRunOptions): boolean {
  const k = mf.factors;
  const m = dataset.userVocab.size;
  const n = dataset.itemVocab.size;
  return (
    c.userFactors.length === m * k &&
    c.itemFactors.length === n * k &&
    c.itemBias.length === n &&
    Number.isInteger(c.epoch) &&
    c.epoch >= 0 &&
    c.epoch <= mf.epochs
  );
}

/**
 * Offline metrics of MF (these options, on `path`) next to popularity, protocol `random` with the
 * run's seed, at k = 10.
 */
export async function evaluateAgainstPopularity(o: {
  readonly dataset: InteractionDataset;
  readonly mf: MfRunOptions;
  readonly path: MfComputePath;
  readonly signal: AbortSignal;
  /** A tuned run: evaluate the shipped pipeline (tuning inside the training part) instead. */
  readonly tune?: StoredRunOptions['tune'];
  readonly eventWeights?: EventWeights;
}): Promise<{ readonly model: MetricValues; readonly popularity: MetricValues }> {
  const { seed, ...mf } = o.mf;
  const common = { dataset: o.dataset, protocol: 'random', seed, ks: [10] } as const;
  const model = await runEvaluation({
    ...common,
    model: o.tune ? 'auto' : 'mf',
    ...(o.tune && {
      pipeline: {
        fixed: o.tune.fixed,
        ...(o.tune.budgetMs !== undefined && { budgetMs: o.tune.budgetMs }),
        ...(o.eventWeights && { eventWeights: o.eventWeights }),
      },
    }),
    mf,
    computePath: o.path,
    signal: o.signal,
  });
  const popularity = await runEvaluation({ ...common, model: 'pop' });
  return { model: model.metrics, popularity: popularity.metrics };
}
