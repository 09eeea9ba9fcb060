import { throwIfAborted } from '../errors';
import type { InteractionDataset } from '../data/interaction-log';
import { DEFAULT_EVENT_WEIGHTS, type EventWeights, type Item } from '../data/types';
import { fitCoOccurrence } from '../models/co-occurrence';
import { fitContentTower, type ContentTower } from '../models/content';
import type { MfModel } from '../models/mf/mf-model';
import type { MfComputePath, MfTrainOptions, TrainProgress } from '../models/mf/mf-trainer';
import type { ConfidenceKind } from '../tune/confidence';
import { weightedMatrixOf } from '../tune/confidence-fit';
import { fitPipeline } from '../tune/fit-pipeline';
import { chooseItemToItemWeights } from '../tune/item-to-item-choice';
import { DEFAULT_MF_OPTIONS } from '../models/mf/train-typed';
import { omitMfSettings, pickMfSettings, type TuneProgress } from '../tune/tune-types';
import { fitTrending } from '../models/trending';
import type { SparseNeighbors } from '../models/sparse-neighbors';
import type { ModelBundle } from './model-bundle';

/** Stages of {@link trainModelBundle}, reported through `onStage`. */
export type TrainStage =
  'matrix' | 'tune' | 'item-to-item' | 'mf' | 'content' | 'co-occurrence' | 'trending' | 'done';

/** Options of {@link trainModelBundle}. */
export interface TrainBundleOptions {
  readonly dataset: InteractionDataset;
  /** Catalog items; items without interactions get content-tower embeddings. */
  readonly catalog?: readonly Item[];
  /** Compute path for MF (default: the typed path) and the reason it was chosen. */
  readonly computePath?: MfComputePath;
  readonly computeChoice?: string;
  /**
   * MF settings fixed by the caller (tuning leaves them alone), the seed, and options of the final
   * fit (checkpoints, resume, CG steps).
   */
  readonly mf?: Partial<Omit<MfTrainOptions, 'signal' | 'onProgress'>>;
  /** Confidence transform fixed by the caller (default: tuned, or `linear` untuned). */
  readonly confidence?: ConfidenceKind;
  /**
   * Choose the family, MF settings and confidence on a validation split of the interactions
   * (default false here; `hearth-recs train` and the worker turn it on).
   */
  readonly tune?: boolean;
  /** Tuning time budget in ms (default `DEFAULT_TUNE_BUDGET_MS`). */
  readonly tuneBudgetMs?: number;
  readonly maxTrials?: number;
  readonly onTuneProgress?: (progress: TuneProgress) => void;
  readonly eventWeights?: EventWeights;
  readonly onProgress?: (progress: TrainProgress) => void;
  readonly onStage?: (stage: TrainStage) => void;
  readonly signal?: AbortSignal;
}

/**
 * Trains everything a storefront serves from: MF on the interactions (cold catalog items embedded
 * by the content tower), popularity, trending and co-occurrence. Item order: items seen in the
 * interactions first (dataset order), then catalog-only items.
 */
export async function trainModelBundle(o: TrainBundleOptions): Promise<ModelBundle> {
  const weights = o.eventWeights ?? DEFAULT_EVENT_WEIGHTS;
  o.onStage?.('matrix');
  const warmIds = o.dataset.itemVocab.toArray();
  const itemIds = warmIds.slice();
  const known = new Set(itemIds);
  for (const item of o.catalog ?? []) {
    if (!known.has(item.id)) {
      known.add(item.id);
      itemIds.push(item.id);
    }
  }
  const nAll = itemIds.length;
  const nWarm = warmIds.length;
  const matrix = weightedMatrixOf(o.dataset, weights);
  o.onStage?.(o.tune ? 'tune' : 'mf');
  const { seed, ...mfOptions } = o.mf ?? {};
  const fixedMf = pickMfSettings(mfOptions);
  const finalFit = omitMfSettings(mfOptions);
  let mfStarted = !o.tune;
  const fitted = await fitPipeline({
    train: matrix,
    tune: o.tune ?? false,
    fixed: { ...fixedMf, ...(o.confidence ? { confidence: o.confidence } : {}) },
    ...(seed !== undefined ? { seed } : {}),
    finalFit,
    ...(o.tuneBudgetMs !== undefined ? { budgetMs: o.tuneBudgetMs } : {}),
    ...(o.maxTrials !== undefined ? { maxTrials: o.maxTrials } : {}),
    ...(o.computePath ? { computePath: o.computePath } : {}),
    ...(o.onTuneProgress ? { onTuneProgress: o.onTuneProgress } : {}),
    // The similar row's blend, chosen on validation users with the tuned MF (see
    // `chooseItemToItemWeights`), before the final fit so that fit is the last one trained.
    chooseItemToItem: (fitMf) => {
      o.onStage?.('item-to-item');
      return chooseItemToItemWeights({
        dataset: o.dataset,
        eventWeights: weights,
        fitMf,
        seed: seed ?? DEFAULT_MF_OPTIONS.seed,
        ...(o.catalog !== undefined && { catalog: o.catalog }),
        ...(o.signal !== undefined && { signal: o.signal }),
      });
    },
    onProgress: (p) => {
      if (!mfStarted) o.onStage?.('mf');
      mfStarted = true;
      o.onProgress?.(p);
    },
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const trained = fitted.mf;
  const trainMs = fitted.trainMs;
  throwIfAborted(o.signal);
  const k = trained.model.factors;
  const itemFactors = new Float32Array(nAll * k);
  itemFactors.set(trained.model.itemFactors);
  const itemBias = new Float32Array(nAll);
  itemBias.set(trained.model.itemBias);
  let contentTower: ContentTower | null = null;
  if (o.catalog && o.catalog.length > 0) {
    o.onStage?.('content');
    const byId = new Map(o.catalog.map((item) => [item.id, item]));
    const warmItems = warmIds.map((id) => byId.get(id));
    const trainMask = new Uint8Array(nWarm);
    for (let p = 0; p < matrix.indices.length; p++) trainMask[matrix.indices[p]!] = 1;
    if (warmItems.some((item, i) => item !== undefined && trainMask[i])) {
      contentTower = fitContentTower({
        items: warmItems,
        itemFactors: trained.model.itemFactors,
        itemBias: trained.model.itemBias,
        factors: k,
        trainMask,
        ...(o.signal ? { signal: o.signal } : {}),
      });
      // Items known only from the catalog (no interactions) get their embedding from content.
      for (let i = 0; i < nAll; i++) {
        if (i < nWarm && trainMask[i]) continue;
        const item = byId.get(itemIds[i]!);
        if (!item) continue;
        const e = contentTower.embed(item);
        itemFactors.set(e.vector, i * k);
        itemBias[i] = e.bias;
      }
    }
  }
  throwIfAborted(o.signal);
  o.onStage?.('co-occurrence');
  const coOccurrence = fitCoOccurrence(o.dataset.columns, { numItems: nAll });
  o.onStage?.('trending');
  const trending = fitTrending(o.dataset.columns, { numItems: nAll });
  const popularity = new Float32Array(nAll);
  for (let p = 0; p < matrix.indices.length; p++) popularity[matrix.indices[p]!]! += 1;
  const mf: MfModel = { ...trained.model, numItems: nAll, itemFactors, itemBias };
  o.onStage?.('done');
  const lists = fitted.neighbors;
  return {
    eventWeights: weights,
    confidence: fitted.confidence,
    tuning: fitted.choice,
    ...(lists
      ? {
          neighborScoring: {
            lists: padNeighbors(lists, nAll),
            mfWeight: fitted.choice.mfWeight,
            neighborWeight: fitted.choice.neighborWeight,
          },
        }
      : {}),
    createdAt: new Date().toISOString(),
    itemIds,
    mf,
    popularity,
    trending: { scores: trending.scores, now: trending.now, halfLifeMs: trending.halfLifeMs },
    coOccurrence: coOccurrence.neighbors,
    contentTower,
    training: {
      computePath: trained.computePath,
      computeChoice: o.computeChoice ?? `${trained.computePath} (requested)`,
      epochs: trained.epochMs.length,
      trainMs,
      finalLoss: trained.lossHistory[trained.lossHistory.length - 1] ?? NaN,
      users: matrix.rows,
      interactions: o.dataset.columns.length,
      coldItems: nAll - nWarm + countUntrained(matrix.indices, nWarm),
    },
  };
}

/** Neighbour lists over the warm items, extended with empty rows for catalog-only items. */
function padNeighbors(lists: SparseNeighbors, numItems: number): SparseNeighbors {
  if (lists.numItems === numItems) return lists;
  const indptr = new Int32Array(numItems + 1);
  indptr.set(lists.indptr);
  indptr.fill(lists.indptr[lists.numItems]!, lists.numItems + 1);
  return { ...lists, numItems, indptr };
}

function countUntrained(indices: Int32Array, nWarm: number): number {
  const seen = new Uint8Array(nWarm);
  for (let p = 0; p < indices.length; p++) seen[indices[p]!] = 1;
  let count = 0;
  for (let i = 0; i < nWarm; i++) if (!seen[i]) count++;
  return count;
}
