import type { CsrMatrix } from '../data/csr-matrix';
import { HearthError, throwIfAborted } from '../errors';
import { DEFAULT_EASE_LAMBDA_SHARE, fitEase, type EaseModel } from '../models/ease';
import { fitItemKnn } from '../models/item-knn';
import type { SparseNeighbors } from '../models/sparse-neighbors';
import { createNeighborScorer } from '../serve/neighbor-scores';
import type { FixedSettings, NeighborSource, TuningCandidate } from './tune-types';
import {
  MIN_GAIN,
  validationNdcg,
  type MixScore,
  type ScoreMix,
  type ScoreParts,
} from './validation-score';
import type { ValidationSplit } from './validation-split';

/** Neighbours per item kept by the ItemKNN family and EASE's shortest lists (what a bundle carries). */
export const FAMILY_NEIGHBORS = 200;

/**
 * Lengths of EASE's served lists (largest positive weights into each item), tried on validation
 * shortest first; a longer one is taken when {@link longerListWins}. Positive-only lists drop the
 * negative weights that offset the small positive ones, so keeping more of the small positive ones
 * does not converge to the dense model: the best length depends on the data (on validation splits
 * of the generated sets: 400 where users are few and B's weight is spread thin, 200 on the
 * long-tail play counts, where 400 scores no higher; keeping the largest |weights|, negative ones
 * included, scored lower than either). The longest bounds what a bundle carries: at most 2,000
 * modelled items × 400 entries × 8 bytes (Int32 index + Float32 weight) = 6.4 MB raw, against
 * 3.2 MB at 200.
 */
export const EASE_LIST_LENGTHS: readonly number[] = [FAMILY_NEIGHBORS, 2 * FAMILY_NEIGHBORS];

/**
 * EASE's λ as multiples of the mean Gram diagonal, tried on the validation split in this order
 * while time allows. The first is the fixed default; the served model keeps only
 * {@link EASE_LIST_LENGTHS} weights into each item and what that truncation costs depends on λ, so
 * the best λ differs between data sets. Searched at full size: on a smaller model the best λ is
 * another one.
 */
export const EASE_LAMBDA_SHARES: readonly number[] = [DEFAULT_EASE_LAMBDA_SHARE, 2, 32];

/** Least relative gain in validation NDCG@10 that pays for twice the list bytes. */
export const LONGER_LIST_GAIN = 0.02;

/**
 * Whether lists scoring `longer` (mean validation NDCG@10) should replace shorter ones scoring
 * `shorter`: by mean, as λ is chosen (a paired test over a few hundred users would keep the short
 * lists even where they lose 0.007), with a gain of at least {@link LONGER_LIST_GAIN} of `shorter`
 * and more than `MIN_GAIN`, since the longer lists cost bundle bytes.
 */
export function longerListWins(shorter: number, longer: number): boolean {
  return longer > shorter + MIN_GAIN && longer >= shorter * (1 + LONGER_LIST_GAIN);
}

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
  /** EASE's list length (default {@link FAMILY_NEIGHBORS}; ItemKNN always keeps that many). */
  readonly neighbors?: number;
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
  const ease = await fitEaseModel(matrix, options);
  return ease.toNeighbors(options.neighbors ?? FAMILY_NEIGHBORS);
}

function fitEaseModel(matrix: CsrMatrix, options: NeighborFitOptions): Promise<EaseModel> {
  return fitEase(matrix, {
    ...(options.easeLambdaShare !== undefined ? { lambdaShare: options.easeLambdaShare } : {}),
    ...(options.maxItems !== undefined ? { maxItems: options.maxItems } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** The best neighbour family on the validation split, with what it needs to be re-scored. */
export interface NeighborCandidate {
  readonly source: NeighborSource;
  readonly score: MixScore;
  readonly parts: ScoreParts;
  /** λ share of an EASE candidate. */
  readonly easeLambdaShare?: number;
  /** Length of its served lists (neighbours kept per item). */
  readonly neighbors: number;
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
    const signal = o.signal ? { signal: o.signal } : {};
    const fitted =
      source === 'ease'
        ? fitEaseModel(o.split.fit, signal).then((ease) =>
            easeCandidate(o.split, ease, EASE_LAMBDA_SHARES[0]!),
          )
        : fitNeighbors(source, o.split.fit, signal).then((lists) => scored(source, o.split, lists));
    const scoredFamily = await fitted.catch(tolerate(source));
    if (!scoredFamily) continue;
    const c: NeighborCandidate = { ...scoredFamily, fitMs: performance.now() - t0 };
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
    const ease = await fitEaseModel(o.split.fit, {
      easeLambdaShare: share,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    lastFitMs = performance.now() - t0;
    fits++;
    const candidate = easeCandidate(o.split, ease, share);
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
  const score = validationNdcg(split, parts, [PURE_NEIGHBORS])[0]!;
  return { source, parts, score, neighbors: FAMILY_NEIGHBORS };
}

/**
 * An EASE model fitted (on `split.fit`) at λ share `share` as a candidate: its lists of each of
 * {@link EASE_LIST_LENGTHS}, scored as served; a longer list replaces a shorter one when
 * {@link longerListWins}. The candidate's `neighbors` is the length a bundle then carries.
 */
export function easeCandidate(
  split: ValidationSplit,
  ease: Pick<EaseModel, 'toNeighbors'>,
  share: number,
): NeighborCandidate {
  let best: NeighborCandidate | null = null;
  for (const length of EASE_LIST_LENGTHS) {
    const parts = neighborParts(split.fit, ease.toNeighbors(length));
    const score = validationNdcg(split, parts, [PURE_NEIGHBORS])[0]!;
    if (best === null || longerListWins(best.score.mean, score.mean)) {
      best = { source: 'ease', parts, score, neighbors: length, easeLambdaShare: share };
    }
  }
  return best!;
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
