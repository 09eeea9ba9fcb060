import type { CsrMatrix } from '../data/csr-matrix';
import { HearthError, throwIfAborted } from '../errors';
import { DEFAULT_EASE_LAMBDA_SHARE, fitEase } from '../models/ease';
import { fitItemKnn } from '../models/item-knn';
import type { SparseNeighbors } from '../models/sparse-neighbors';
import { createNeighborScorer } from '../serve/neighbor-scores';
import type { FixedSettings, NeighborSource, TuningCandidate } from './tune-types';
import { validationNdcg, type MixScore, type ScoreMix, type ScoreParts } from './validation-score';
import type { ValidationSplit } from './validation-split';

/** Neighbours per item kept by the ItemKNN and EASE families (what a bundle carries). */
export const FAMILY_NEIGHBORS = 200;

/**
 * EASE's λ as multiples of the mean Gram diagonal, tried on the validation split in this order
 * while time allows. The first is the fixed default; the served model keeps only
 * {@link FAMILY_NEIGHBORS} weights into each item and what that truncation costs depends on λ, so
 * the best λ differs between data sets. Searched at full size: on a smaller model the best λ is
 * another one.
 */
export const EASE_LAMBDA_SHARES: readonly number[] = [DEFAULT_EASE_LAMBDA_SHARE, 2, 32];

/** Scores a neighbour family alone: its evidence only, no MF. */
export const PURE_NEIGHBORS: ScoreMix = Object.freeze({
  mfWeight: 0,
  biasScale: 0,
  neighborWeight: 1,
});

/** Options of {@link fitNeighbors}. */
export interface NeighborFitOptions {
  /** EASE's λ share (default the library default). */
  readonly easeLambdaShare?: number;
  /** EASE's item cap (default the library default). */
  readonly maxItems?: number;
  readonly signal?: AbortSignal;
}

/**
 * Top-N neighbour lists of a neighbour model fitted on `matrix` (what a bundle carries): ItemKNN
 * cosine neighbours, or EASE's largest weights into each item (most popular items only).
 */
export async function fitNeighbors(
  source: NeighborSource,
  matrix: CsrMatrix,
  options: NeighborFitOptions = {},
): Promise<SparseNeighbors> {
  if (source === 'item-knn') return fitItemKnn(matrix, { neighbors: FAMILY_NEIGHBORS }).neighbors;
  const ease = await fitEase(matrix, {
    ...(options.easeLambdaShare !== undefined ? { lambdaShare: options.easeLambdaShare } : {}),
    ...(options.maxItems !== undefined ? { maxItems: options.maxItems } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return ease.toNeighbors(FAMILY_NEIGHBORS);
}

/** The best neighbour family on the validation split, with what it needs to be re-scored. */
export interface NeighborCandidate {
  readonly source: NeighborSource;
  readonly score: MixScore;
  readonly parts: ScoreParts;
  /** λ share of an EASE candidate. */
  readonly easeLambdaShare?: number;
  /** Wall time of fitting it. */
  readonly fitMs?: number;
}

/** The neighbour families' validation results: the best one, and EASE's (for its λ search). */
export interface NeighborFamilies {
  readonly best: NeighborCandidate;
  readonly ease: NeighborCandidate | null;
}

/**
 * Fits and scores the neighbour families (ItemKNN; EASE at the default λ) on the split's fitting
 * part, alone. Families `fixed.family` excludes are skipped; a family that cannot model data this
 * small is skipped unless it was asked for. Each scored family is appended to `candidates`.
 */
export async function scoreNeighborFamilies(o: {
  readonly split: ValidationSplit;
  readonly fixed: FixedSettings;
  readonly candidates: TuningCandidate[];
  readonly signal?: AbortSignal | undefined;
  readonly onScored?: (ndcg: number) => void;
}): Promise<NeighborFamilies | null> {
  const found: NeighborCandidate[] = [];
  const wanted = (source: NeighborSource): boolean =>
    o.fixed.family === undefined || o.fixed.family === source || o.fixed.family === 'blend';
  // A family that cannot model data this small (EASE without items of 2+ users) is no
  // candidate, unless the caller asked for exactly that family.
  const tolerate =
    (source: NeighborSource) =>
    (error: unknown): null => {
      if (o.fixed.family === source) throw error;
      return skipTooLittleData(error);
    };
  for (const source of ['item-knn', 'ease'] as const) {
    if (!wanted(source)) continue;
    throwIfAborted(o.signal);
    const t0 = performance.now();
    const lists = await fitNeighbors(source, o.split.fit, {
      ...(o.signal ? { signal: o.signal } : {}),
    }).catch(tolerate(source));
    if (!lists) continue;
    const c: NeighborCandidate = {
      ...scored(source, o.split, lists),
      fitMs: performance.now() - t0,
      ...(source === 'ease' ? { easeLambdaShare: EASE_LAMBDA_SHARES[0]! } : {}),
    };
    o.candidates.push({ family: source, ndcg: c.score.mean });
    o.onScored?.(c.score.mean);
    found.push(c);
  }
  if (found.length === 0) return null;
  const best = found.reduce((a, b) => (b.score.mean > a.score.mean ? b : a));
  return { best, ease: found.find((c) => c.source === 'ease') ?? null };
}

/**
 * Tries EASE's other λ shares ({@link EASE_LAMBDA_SHARES} after the default) while the next fit is
 * expected to end within `budgetMs`; returns the best-scoring EASE candidate (`ease` itself when
 * no other share scores higher or none fits in the budget).
 */
export async function refineEaseLambda(o: {
  readonly split: ValidationSplit;
  readonly ease: NeighborCandidate;
  readonly budgetMs: number;
  readonly signal?: AbortSignal | undefined;
}): Promise<NeighborCandidate> {
  const started = performance.now();
  let best = o.ease;
  let fits = 0;
  let lastFitMs = o.ease.fitMs ?? 0;
  for (const share of EASE_LAMBDA_SHARES.slice(1)) {
    const spent = performance.now() - started;
    // Another fit costs about what the last one did.
    if (spent + (fits > 0 ? spent / fits : lastFitMs) > o.budgetMs) break;
    throwIfAborted(o.signal);
    const t0 = performance.now();
    const lists = await fitNeighbors('ease', o.split.fit, {
      easeLambdaShare: share,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    lastFitMs = performance.now() - t0;
    fits++;
    const candidate = { ...scored('ease', o.split, lists), easeLambdaShare: share };
    if (candidate.score.mean > best.score.mean) best = candidate;
  }
  return best;
}

function scored(
  source: NeighborSource,
  split: ValidationSplit,
  lists: SparseNeighbors,
): NeighborCandidate {
  const parts = neighborParts(split.fit, lists);
  return { source, parts, score: validationNdcg(split, parts, [PURE_NEIGHBORS])[0]! };
}

/** Null for a `NOT_ENOUGH_DATA` error (the family is skipped); any other error is rethrown. */
function skipTooLittleData(error: unknown): null {
  if (error instanceof HearthError && error.code === 'NOT_ENOUGH_DATA') return null;
  throw error;
}

/** Validation scores of a user through neighbour lists, from the user's fitting items. */
function neighborParts(fit: CsrMatrix, lists: SparseNeighbors): ScoreParts {
  const scorer = createNeighborScorer(lists);
  return {
    neighbors: (u, out) =>
      scorer.scoreHistory(fit.indices.subarray(fit.indptr[u]!, fit.indptr[u + 1]!), out),
  };
}
