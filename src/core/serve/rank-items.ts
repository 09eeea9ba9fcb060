import type { Vocabulary } from '../data/vocabulary';
import { OptionError } from '../errors';
import { requireInRange } from '../models/option-checks';
import type { Explainer, Reason } from './explain';
import type { Catalog, ItemFilters } from './filters';
import { compileItemFilter } from './filters';
import { mmrSelect } from './mmr';
import type { ItemFactorTable } from './score-items';
import type { ExclusionSet } from './top-k';
import { topK } from './top-k';

/** One recommended item. */
export interface RankedItem {
  /** Dense item index. */
  readonly index: number;
  readonly id: string;
  /** The source's relevance score (not the MMR objective). */
  readonly score: number;
  /** Items that explain the recommendation, strongest first; empty for popularity-style rows. */
  readonly reasons: readonly Reason[];
}

/** Candidate pool of MMR as a multiple of `k` unless `poolSize` is given. */
export const DEFAULT_MMR_POOL_FACTOR = 5;

/** Diversity re-ranking with Maximal Marginal Relevance over item-factor cosine similarity. */
export interface DiversityOptions {
  /** λ in [0, 1]: 1 = pure relevance (no re-ranking), lower = more diverse. */
  readonly lambda: number;
  /** Item factors that define similarity. */
  readonly table: ItemFactorTable;
  /** Candidates re-ranked (the best by score after exclusions/filters); default 5 × k. */
  readonly poolSize?: number;
}

/** Everything {@link rankItems} needs; only `scores`, `k` and `itemIds` are required. */
export interface RankRequest {
  /** One score per item index; NaN marks items that are not candidates. */
  readonly scores: Float32Array;
  /** How many items to return (integer ≥ 1; fewer come back when fewer are eligible). */
  readonly k: number;
  /** Item ids by index (the vocabulary the scores are aligned with). */
  readonly itemIds: Vocabulary;
  /** Items never returned (already seen, bought, the anchor itself). */
  readonly exclude?: ExclusionSet;
  /** Business rules; field rules need `catalog` (see {@link ItemFilters} for missing data). */
  readonly filters?: ItemFilters;
  /** Item data aligned with indices, read by `filters`. */
  readonly catalog?: Catalog;
  readonly diversity?: DiversityOptions;
  /** Produces each item's `reasons`; items get none without it. */
  readonly explainer?: Explainer;
}

/**
 * Ranks items for display: top-K by score after exclusions and filters, optionally re-ranked for
 * diversity with MMR on a small candidate pool, then explained. Filters run only on items that
 * could make the cut, so cost stays O(n) comparisons plus O(pool · k · factors) for MMR.
 * Throws `OptionError` for `k` < 1, λ outside [0, 1], a bad pool size, an inconsistent filter,
 * or more scores than item ids.
 */
export function rankItems(request: RankRequest): RankedItem[] {
  const { scores, k, itemIds, diversity, explainer } = request;
  requireInRange('k', k, 1, 2 ** 31 - 1, true);
  if (scores.length > itemIds.size) {
    throw new OptionError(
      `scores has ${scores.length} entries but itemIds only ${itemIds.size}; use the item vocabulary the scores were computed with.`,
    );
  }
  let pool = k;
  if (diversity !== undefined) {
    requireInRange('diversity.lambda', diversity.lambda, 0, 1, false);
    if (diversity.poolSize !== undefined) {
      requireInRange('diversity.poolSize', diversity.poolSize, 1, 2 ** 31 - 1, true);
    }
    if (diversity.lambda < 1) pool = Math.max(k, diversity.poolSize ?? DEFAULT_MMR_POOL_FACTOR * k);
  }
  const accept = compileItemFilter(request.filters, request.catalog, itemIds);
  const top = topK(scores, pool, {
    ...(request.exclude !== undefined && { exclude: request.exclude }),
    ...(accept !== null && { accept }),
  });
  let order: ArrayLike<number> | null = null;
  if (diversity !== undefined && diversity.lambda < 1 && top.indices.length > 1) {
    order = mmrSelect({
      candidates: top.indices,
      relevance: top.scores,
      k,
      lambda: diversity.lambda,
      table: diversity.table,
    });
  }
  const count = order === null ? Math.min(k, top.indices.length) : order.length;
  const ranked: RankedItem[] = [];
  for (let r = 0; r < count; r++) {
    const p = order === null ? r : order[r]!;
    const index = top.indices[p]!;
    ranked.push({
      index,
      id: itemIds.idAt(index),
      score: top.scores[p]!,
      reasons: explainer === undefined ? [] : explainer.reasonsFor(index),
    });
  }
  return ranked;
}
