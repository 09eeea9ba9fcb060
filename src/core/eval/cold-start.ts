import type { CsrMatrix } from '../data/csr-matrix';
import { csrFromCoo } from '../data/csr-matrix';
import type { InteractionDataset } from '../data/interaction-log';
import { toInteractionMatrix } from '../data/interaction-matrix';
import type { Item } from '../data/types';
import { DataError, OptionError, throwIfAborted } from '../errors';
import type { ContentTowerOptions } from '../models/content/content-tower';
import { fitContentTower } from '../models/content/content-tower';
import type { MfComputePath, MfTrainOptions } from '../models/mf/mf-trainer';
import { createRng, shuffleInPlace } from '../random';
import { auc, recallAtK } from './metrics';
import { topKIndices } from './top-k-indices';

/** Content-tower settings used by {@link evaluateColdStart} (the data fields are filled in). */
export type ColdStartTowerOptions = Omit<
  ContentTowerOptions,
  'items' | 'itemFactors' | 'itemBias' | 'factors' | 'trainMask' | 'signal'
>;

/** Options of {@link evaluateColdStart}. */
export interface ColdStartOptions {
  /** Every interaction, users × items (weights > 0). */
  readonly matrix: CsrMatrix;
  /** Catalog aligned with the matrix columns; `undefined` where content is unknown. */
  readonly items: readonly (Item | undefined)[];
  /** MF compute path that trains on the warm matrix. */
  readonly mfPath: MfComputePath;
  readonly mfOptions: MfTrainOptions;
  readonly tower?: ColdStartTowerOptions;
  /** Fraction of items (among those with interactions) held out as new (default 0.1). */
  readonly newItemFraction?: number;
  /** Seed of the new-item draw (default `mfOptions.seed`). */
  readonly seed?: number;
  /** Recall cutoff K (default 20). */
  readonly cutoff?: number;
  readonly signal?: AbortSignal;
}

/** Outcome of {@link evaluateColdStart}; metrics are means over evaluated users. */
export interface ColdStartReport {
  /** Mean per-user AUC of the user's new items against the other new items. */
  readonly auc: number;
  /** Mean Recall@K (hits in the top K of the new items / user's new items). */
  readonly recall: number;
  /** Expected Recall@K of a uniformly random ranking of the new items (exact). */
  readonly randomRecall: number;
  /** `recall / randomRecall`. */
  readonly recallRatio: number;
  readonly cutoff: number;
  readonly newItems: number;
  readonly warmItems: number;
  /** Users with at least one interaction on a new item. */
  readonly users: number;
  /** Users with both positives and negatives among the new items (the AUC's denominator). */
  readonly aucUsers: number;
  readonly mfTrainMs: number;
  readonly towerFitMs: number;
}

/**
 * Cold-start inputs from a parsed interaction log and catalog: the distinct positive (user, item)
 * pairs as a binary matrix (columns in item-vocabulary order, default event weights) and the
 * catalog entries aligned to those columns by id (`undefined` where the catalog lacks an item).
 */
export function coldStartData(
  dataset: InteractionDataset,
  catalog: readonly Item[],
): { matrix: CsrMatrix; items: (Item | undefined)[] } {
  const byId = new Map(catalog.map((item) => [item.id, item] as const));
  const items = Array.from({ length: dataset.itemVocab.size }, (_, c) =>
    byId.get(dataset.itemVocab.idAt(c)),
  );
  return { matrix: toInteractionMatrix(dataset, { binary: true }), items };
}

/**
 * Item cold-start protocol: holds out a seeded fraction of items as "new" (all their interactions
 * removed), trains MF on the rest, fits the content tower on the warm items, then for every user
 * with interactions on new items ranks only the new items by `x_uᵀ ṽ_i + b̃_i` from their
 * content embeddings. Reports new-item AUC, Recall@K, and the exact random-ranking Recall@K.
 */
export async function evaluateColdStart(options: ColdStartOptions): Promise<ColdStartReport> {
  const { matrix, items, mfOptions } = options;
  const fraction = options.newItemFraction ?? 0.1;
  const cutoff = options.cutoff ?? 20;
  if (items.length !== matrix.cols) {
    throw new OptionError(
      `Cold-start got ${items.length} catalog items for a matrix with ${matrix.cols} item columns.`,
    );
  }
  if (!(fraction > 0 && fraction < 1)) {
    throw new OptionError(`newItemFraction is ${fraction}; use a number strictly between 0 and 1.`);
  }
  if (!Number.isInteger(cutoff) || cutoff < 1)
    throw new OptionError(`cutoff is ${cutoff}; use an integer ≥ 1.`);

  const { isNew, newItems, warmItems } = drawNewItems(
    matrix,
    fraction,
    options.seed ?? mfOptions.seed,
  );
  const warm = warmSubmatrix(matrix, isNew, warmItems);
  throwIfAborted(options.signal);

  const mfStart = performance.now();
  const trained = await options.mfPath.train(warm, mfOptions);
  const mfTrainMs = performance.now() - mfStart;
  const k = trained.model.factors;

  // Warm columns without interactions carry untrained factors: keep them out of the regression.
  const trainMask = new Uint8Array(warm.cols);
  for (let e = 0; e < warm.indices.length; e++) trainMask[warm.indices[e]!] = 1;
  const tower = fitContentTower({
    ...options.tower,
    items: warmItems.map((i) => items[i]),
    trainMask,
    itemFactors: trained.model.itemFactors,
    itemBias: trained.model.itemBias,
    factors: k,
    ...(options.signal !== undefined && { signal: options.signal }),
  });
  const towerFitMs = tower.fitInfo?.fitMs ?? 0;

  // New items without content get the tower's mean embedding (an empty feature row).
  const nNew = newItems.length;
  const newContent = newItems.map((i) => items[i] ?? { id: `#${i}` });
  const { vectors, bias } = tower.embedMany(newContent);

  const newPosition = new Int32Array(matrix.cols).fill(-1);
  newItems.forEach((item, j) => {
    newPosition[item] = j;
  });
  const scores = new Float32Array(nNew);
  const isTest = new Uint8Array(nNew);
  const candidate = new Uint8Array(nNew).fill(1);
  const x = trained.userFactors;
  const randomRecall = Math.min(cutoff, nNew) / nNew;
  let aucSum = 0;
  let aucUsers = 0;
  let recallSum = 0;
  let users = 0;
  for (let u = 0; u < matrix.rows; u++) {
    isTest.fill(0);
    let positives = 0;
    for (let e = matrix.indptr[u]!; e < matrix.indptr[u + 1]!; e++) {
      const j = newPosition[matrix.indices[e]!]!;
      if (j >= 0) {
        isTest[j] = 1;
        positives++;
      }
    }
    if (positives === 0) continue;
    const xo = u * k;
    for (let j = 0; j < nNew; j++) {
      let s = bias[j]!;
      const vo = j * k;
      for (let a = 0; a < k; a++) s += x[xo + a]! * vectors[vo + a]!;
      scores[j] = s;
    }
    users++;
    recallSum += recallAtK(topKIndices(scores, null, cutoff), isTest, positives, cutoff);
    if (positives < nNew) {
      aucSum += auc(scores, candidate, isTest);
      aucUsers++;
    }
  }
  if (users === 0) {
    throw new DataError(
      'NOT_ENOUGH_DATA',
      'No user interacted with a held-out item; raise newItemFraction.',
    );
  }
  const recall = recallSum / users;
  return {
    auc: aucUsers > 0 ? aucSum / aucUsers : 0.5,
    recall,
    randomRecall,
    recallRatio: recall / randomRecall,
    cutoff,
    newItems: nNew,
    warmItems: warmItems.length,
    users,
    aucUsers,
    mfTrainMs,
    towerFitMs,
  };
}

/** Seeded draw of `fraction` of the items that have interactions. */
function drawNewItems(
  matrix: CsrMatrix,
  fraction: number,
  seed: number,
): { isNew: Uint8Array; newItems: number[]; warmItems: number[] } {
  const hasInteractions = new Uint8Array(matrix.cols);
  for (let e = 0; e < matrix.indices.length; e++) hasInteractions[matrix.indices[e]!] = 1;
  const eligible: number[] = [];
  for (let i = 0; i < matrix.cols; i++) if (hasInteractions[i]) eligible.push(i);
  const count = Math.round(fraction * eligible.length);
  if (count < 2 || count === eligible.length) {
    throw new DataError(
      'NOT_ENOUGH_DATA',
      `Cold-start needs at least 2 new and 1 warm item; ${eligible.length} items have interactions (fraction ${fraction}).`,
    );
  }
  shuffleInPlace(eligible, createRng(seed));
  const isNew = new Uint8Array(matrix.cols);
  for (let j = 0; j < count; j++) isNew[eligible[j]!] = 1;
  const newItems: number[] = [];
  const warmItems: number[] = [];
  for (let i = 0; i < matrix.cols; i++) {
    if (isNew[i]) newItems.push(i);
    else warmItems.push(i);
  }
  return { isNew, newItems, warmItems };
}

/** The matrix restricted to the warm item columns, renumbered in `warmItems` order. */
function warmSubmatrix(
  matrix: CsrMatrix,
  isNew: Uint8Array,
  warmItems: readonly number[],
): CsrMatrix {
  const column = new Int32Array(matrix.cols).fill(-1);
  warmItems.forEach((item, c) => {
    column[item] = c;
  });
  let kept = 0;
  for (let e = 0; e < matrix.indices.length; e++) if (!isNew[matrix.indices[e]!]) kept++;
  const rows = new Int32Array(kept);
  const cols = new Int32Array(kept);
  const weights = new Float32Array(kept);
  let w = 0;
  for (let u = 0; u < matrix.rows; u++) {
    for (let e = matrix.indptr[u]!; e < matrix.indptr[u + 1]!; e++) {
      const c = column[matrix.indices[e]!]!;
      if (c < 0) continue;
      rows[w] = u;
      cols[w] = c;
      weights[w++] = matrix.values[e]!;
    }
  }
  return csrFromCoo(matrix.rows, warmItems.length, rows, cols, weights);
}
