import { DataError, throwIfAborted } from '../errors';
import type { InteractionDataset } from '../data/interaction-log';
import { toInteractionMatrix } from '../data/interaction-matrix';
import { DEFAULT_EVENT_WEIGHTS, type EventWeights, type Item } from '../data/types';
import { fitCoOccurrence } from '../models/co-occurrence';
import { fitContentTower, type ContentTower } from '../models/content';
import type { MfModel } from '../models/mf/mf-model';
import type { MfComputePath, MfTrainOptions, TrainProgress } from '../models/mf/mf-trainer';
import { DEFAULT_MF_OPTIONS, createTypedMfPath } from '../models/mf/train-typed';
import { fitTrending } from '../models/trending';
import type { ModelBundle } from './model-bundle';

/** Stages of {@link trainModelBundle}, reported through `onStage`. */
export type TrainStage = 'matrix' | 'mf' | 'content' | 'co-occurrence' | 'trending' | 'done';

/** Options of {@link trainModelBundle}. */
export interface TrainBundleOptions {
  readonly dataset: InteractionDataset;
  /** Catalog items; items without interactions get content-tower embeddings. */
  readonly catalog?: readonly Item[];
  /** Compute path for MF (default: the typed path) and the reason it was chosen. */
  readonly computePath?: MfComputePath;
  readonly computeChoice?: string;
  /** MF hyper-parameter overrides. */
  readonly mf?: Partial<Omit<MfTrainOptions, 'signal' | 'onProgress'>>;
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
  const matrix = toInteractionMatrix(o.dataset, { weights });
  if (matrix.indices.length === 0) {
    throw new DataError(
      'NOT_ENOUGH_DATA',
      'No positive interactions to train on (all were dismissals or zero-weight events).',
    );
  }
  o.onStage?.('mf');
  const path = o.computePath ?? createTypedMfPath();
  const options: MfTrainOptions = {
    ...DEFAULT_MF_OPTIONS,
    ...o.mf,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  };
  const started = performance.now();
  const trained = await path.train(matrix, options);
  const trainMs = performance.now() - started;
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
  return {
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

function countUntrained(indices: Int32Array, nWarm: number): number {
  const seen = new Uint8Array(nWarm);
  for (let p = 0; p < indices.length; p++) seen[indices[p]!] = 1;
  let count = 0;
  for (let i = 0; i < nWarm; i++) if (!seen[i]) count++;
  return count;
}
