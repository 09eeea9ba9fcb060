import type { CsrMatrix } from '../data/csr-matrix';
import { DataError, OptionError, throwIfAborted } from '../errors';
import { invertSpdInPlace } from '../math/spd-inverse';
import { itemSupport } from './item-support';
import { requireInRange } from './option-checks';
import type { UserScorer } from './scorer';
import type { SparseNeighbors } from './sparse-neighbors';
import { createTopNSelector } from './top-n-selector';

/** Hyper-parameters of {@link fitEase}. */
export interface EaseOptions {
  /**
   * L2 penalty λ added to the Gram diagonal. Default: {@link DEFAULT_EASE_LAMBDA_SHARE} × the mean
   * Gram diagonal of the modelled items (their mean user count, or weight² sum when weighted), so
   * the penalty scales with the data instead of being one number for every data set.
   */
  readonly lambda?: number;
  /** λ as a share of the mean Gram diagonal, used when `lambda` is not given. */
  readonly lambdaShare?: number;
  /** Most items modelled (the most popular); the rest score 0. Cost grows with its cube. */
  readonly maxItems?: number;
  /** Items need at least this many training users to be modelled. */
  readonly minUsers?: number;
  /** Use the matrix's pair weights instead of 1 per pair. */
  readonly weighted?: boolean;
  /** Aborts the fit between matrix sweeps ({@link CancelledError}). */
  readonly signal?: AbortSignal;
}

/**
 * λ as a share of the mean Gram diagonal (the modelled items' mean user count on binary data).
 * Chosen on validation splits carved from training data only (seeded 20% of each user's training
 * pairs): on ML-100K's seed-42 training part NDCG@10 peaks at shares 8–16 (λ ≈ 350–700), on the
 * generated long-tail play counts at 8, with shares 2–32 within 0.01–0.04; Steck (2019) reports
 * λ = 500 on ML-20M. See docs/engine.md.
 */
export const DEFAULT_EASE_LAMBDA_SHARE = 8;

/**
 * Defaults of {@link EaseOptions}. The inversion costs n³/2 multiply-adds; measured on the 2-core
 * development machine (CPU time of `fitEase` on the long-tail play counts' training part): 1.1 s
 * for 1,000 items, 4.9 s for 2,000, 38 s for 4,000. The default cap keeps a fit within seconds.
 */
export const DEFAULT_EASE_OPTIONS: Readonly<{
  maxItems: number;
  minUsers: number;
  weighted: boolean;
  lambdaShare: number;
}> = Object.freeze({
  maxItems: 2000,
  minUsers: 2,
  weighted: false,
  lambdaShare: DEFAULT_EASE_LAMBDA_SHARE,
});

/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders"): the item–item weights
 * B = I − P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹ minimise ‖X − XB‖² + λ‖B‖² under diag(B) = 0.
 * A user's scores are their history row times B. Only the most popular `maxItems` items with at
 * least `minUsers` users are modelled; other items score 0 and history items outside the model
 * add nothing.
 */
export interface EaseModel extends UserScorer {
  readonly kind: 'ease';
  /** λ actually used. */
  readonly lambda: number;
  /** Modelled items (column indices of the training matrix), most popular first. */
  readonly modelled: Int32Array;
  /** B over the modelled items, row-major `modelled.length²` (row = history item), zero diagonal. */
  readonly weights: Float32Array;
  /**
   * Writes into `out` (length `numItems`) the score of every item for a visitor whose history is
   * the item indices `items` with optional per-item `values` (default 1 each).
   */
  scoreHistory(items: ArrayLike<number>, out: Float32Array, values?: ArrayLike<number>): void;
  /**
   * The `topN` largest positive weights into every item as sparse neighbour lists (row i: the
   * history items h with the largest B[h, i]), so a bundle can serve the model the way it serves
   * ItemKNN; unmodelled items get empty rows.
   */
  toNeighbors(topN: number): SparseNeighbors;
}

/**
 * Fits {@link EaseModel} on `matrix` (users × items). Builds the Gram matrix of the modelled items
 * from the sparse rows (Σ_users |history|² work), adds λ, inverts it in Float64 and scales its
 * columns. Yields to the event loop between sweeps when a signal is given, so it can be aborted.
 *
 * @throws OptionError for out-of-range options; DataError when no item has `minUsers` users.
 */
export async function fitEase(matrix: CsrMatrix, options: EaseOptions = {}): Promise<EaseModel> {
  const o = { ...DEFAULT_EASE_OPTIONS, ...options };
  requireInRange('maxItems', o.maxItems, 1, 20_000, true);
  requireInRange('minUsers', o.minUsers, 1, 2 ** 31 - 1, true);
  if (o.lambda !== undefined) requireInRange('lambda', o.lambda, 0, 1e12, false);
  requireInRange('lambdaShare', o.lambdaShare, 0, 1e6, false);
  throwIfAborted(o.signal);
  const modelled = selectModelledItems(matrix, o.maxItems, o.minUsers);
  const n = modelled.length;
  if (n === 0) {
    throw new DataError(
      'NOT_ENOUGH_DATA',
      `No item has ${o.minUsers} or more training users, so EASE has nothing to model; lower minUsers or add interactions.`,
    );
  }
  const local = new Int32Array(matrix.cols).fill(-1);
  modelled.forEach((item, j) => (local[item] = j));
  const gram = buildGram(matrix, local, n, o.weighted);
  let diagMean = 0;
  for (let j = 0; j < n; j++) diagMean += gram[j * n + j]! / n;
  const lambda = o.lambda ?? o.lambdaShare * diagMean;
  if (!(lambda > 0) && n > 1) {
    // XᵀX alone is singular whenever two items share the same users.
    throw new OptionError('lambda must be positive for EASE to have a unique solution.');
  }
  for (let j = 0; j < n; j++) gram[j * n + j]! += lambda;
  await invertSpdInPlace(gram, n, o.signal);
  const weights = new Float32Array(n * n);
  for (let j = 0; j < n; j++) {
    const pjj = gram[j * n + j]!;
    for (let i = 0; i < n; i++) {
      if (i !== j) weights[i * n + j] = -gram[i * n + j]! / pjj;
    }
  }
  return createEaseModel(matrix, lambda, modelled, local, weights, o.weighted);
}

/** The most popular items with at least `minUsers` users, at most `maxItems`, most popular first. */
function selectModelledItems(matrix: CsrMatrix, maxItems: number, minUsers: number): Int32Array {
  const support = itemSupport(matrix);
  const eligible: number[] = [];
  for (let i = 0; i < matrix.cols; i++) if (support[i]! >= minUsers) eligible.push(i);
  eligible.sort((a, b) => support[b]! - support[a]! || a - b);
  return Int32Array.from(eligible.slice(0, maxItems));
}

/** Dense XᵀX over the modelled items (row-major n × n, Float64). */
function buildGram(matrix: CsrMatrix, local: Int32Array, n: number, weighted: boolean) {
  const gram = new Float64Array(n * n);
  const rowItems = new Int32Array(matrix.cols);
  const rowValues = new Float64Array(matrix.cols);
  for (let u = 0; u < matrix.rows; u++) {
    let len = 0;
    for (let p = matrix.indptr[u]!; p < matrix.indptr[u + 1]!; p++) {
      const j = local[matrix.indices[p]!]!;
      if (j < 0) continue;
      rowItems[len] = j;
      rowValues[len++] = weighted ? matrix.values[p]! : 1;
    }
    for (let a = 0; a < len; a++) {
      const ja = rowItems[a]! * n;
      const va = rowValues[a]!;
      for (let b = 0; b < len; b++) gram[ja + rowItems[b]!]! += va * rowValues[b]!;
    }
  }
  return gram;
}

function createEaseModel(
  matrix: CsrMatrix,
  lambda: number,
  modelled: Int32Array,
  local: Int32Array,
  weights: Float32Array,
  weighted: boolean,
): EaseModel {
  const n = modelled.length;
  const numItems = matrix.cols;
  const acc = new Float64Array(n);
  const scoreHistory = (
    items: ArrayLike<number>,
    out: Float32Array,
    values?: ArrayLike<number>,
  ): void => {
    acc.fill(0);
    for (let k = 0; k < items.length; k++) {
      const h = items[k]!;
      if (!(h >= 0 && h < numItems) || !Number.isInteger(h)) {
        throw new OptionError(`History item index ${h} is outside the model's ${numItems} items.`);
      }
      const j = local[h]!;
      if (j < 0) continue;
      const v = values ? values[k]! : 1;
      const row = j * n;
      for (let t = 0; t < n; t++) acc[t]! += v * weights[row + t]!;
    }
    out.fill(0);
    for (let t = 0; t < n; t++) out[modelled[t]!] = acc[t]!;
  };
  return {
    kind: 'ease',
    numItems,
    lambda,
    modelled,
    weights,
    scoreHistory,
    scoreUser(user, out) {
      if (!(user >= 0 && user < matrix.rows) || !Number.isInteger(user)) {
        throw new OptionError(`User row ${user} is outside the ${matrix.rows} training users.`);
      }
      const start = matrix.indptr[user]!;
      const end = matrix.indptr[user + 1]!;
      const items = matrix.indices.subarray(start, end);
      scoreHistory(items, out, weighted ? matrix.values.subarray(start, end) : undefined);
    },
    toNeighbors: (topN) => easeNeighbors(modelled, weights, numItems, topN),
  };
}

/**
 * Row i of the result lists the items h with the largest positive B[h, i]: the history items that
 * raise item i most. That is the convention of ItemKNN's lists (pruned on the scored side), so
 * Σ_{h ∈ history ∩ N(i)} score(i, h) approximates the model's score of i with N neighbours.
 */
function easeNeighbors(
  modelled: Int32Array,
  weights: Float32Array,
  numItems: number,
  topN: number,
): SparseNeighbors {
  requireInRange('topN', topN, 1, 2 ** 31 - 1, true);
  const n = modelled.length;
  const keep = Math.min(topN, Math.max(0, n - 1));
  const selector = createTopNSelector(keep);
  const counts = new Int32Array(numItems);
  const rowIndices = new Int32Array(n * keep);
  const rowScores = new Float32Array(n * keep);
  for (let i = 0; i < n; i++) {
    for (let h = 0; h < n; h++) {
      const w = weights[h * n + i]!;
      if (w > 0) selector.offer(modelled[h]!, w);
    }
    counts[modelled[i]!] = selector.drain(rowIndices, rowScores, i * keep);
  }
  const indptr = new Int32Array(numItems + 1);
  for (let item = 0; item < numItems; item++) indptr[item + 1] = indptr[item]! + counts[item]!;
  const indices = new Int32Array(indptr[numItems]!);
  const scores = new Float32Array(indptr[numItems]!);
  for (let i = 0; i < n; i++) {
    const item = modelled[i]!;
    const from = i * keep;
    indices.set(rowIndices.subarray(from, from + counts[item]!), indptr[item]!);
    scores.set(rowScores.subarray(from, from + counts[item]!), indptr[item]!);
  }
  return { numItems, indptr, indices, scores };
}
