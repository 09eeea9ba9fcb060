import type { EventType } from '../data/types';
import type { ItemFilters } from './filters';
import type { RankedItem } from './rank-items';

/** The kinds of recommendation row. */
export type RowType = 'for-you' | 'similar' | 'bought-together' | 'trending' | 'popular';

/**
 * What produced a row. Plain names are each row's primary source; `fallback-…` means the primary
 * source had too little data and the named one filled in; `none` means nothing could.
 */
export type RowSource =
  | 'personal'
  | 'similar'
  | 'co-occurrence'
  | 'trending'
  | 'popularity'
  | 'fallback-similar'
  | 'fallback-co-occurrence'
  | 'fallback-category'
  | 'fallback-trending'
  | 'fallback-popularity'
  | 'none';

/** Diversity settings of a row (MMR over item-factor cosine; needs an MF model, else ignored). */
export interface RowDiversity {
  /** λ in [0, 1]: 1 = pure relevance, lower = more diverse. */
  readonly lambda: number;
  /** Candidates re-ranked; default 5 × k. */
  readonly poolSize?: number;
}

/** Options every row takes. */
export interface RowOptions {
  /** Items to return (integer ≥ 1). */
  readonly k: number;
  /** Item ids never to return (already bought, on the page); unknown ids are ignored. */
  readonly exclude?: readonly string[];
  readonly filters?: ItemFilters;
  readonly diversity?: RowDiversity;
  /**
   * A source returning fewer items than this (after exclusions and filters) hands over to the next
   * fallback. Integer in [0, k]; default 1: only an empty result falls back. Use `k` to insist on
   * full rows. When no source reaches it, the first non-empty result is returned.
   */
  readonly minItems?: number;
  /** Reasons per item (default 3); 0 skips explanations. */
  readonly maxReasons?: number;
}

/** One event of the visitor's history. */
export interface HistoryEvent {
  readonly itemId: string;
  /** Event type; its weight comes from the recommender's event weights. */
  readonly type?: EventType;
  /** Explicit weight; overrides `type`. Without both the event weighs 1. */
  readonly weight?: number;
}

/** Personal recommendations from the visitor's history (fold-in). */
export interface ForYouRowRequest extends RowOptions {
  readonly type: 'for-you';
  readonly history: readonly HistoryEvent[];
  /**
   * Exclude every history item (default true). When false only items whose summed weight is ≤ 0
   * (dismissed) are excluded, for shops where people re-buy.
   */
  readonly excludeHistory?: boolean;
}

/** Items like one anchor item. */
export interface SimilarRowRequest extends RowOptions {
  readonly type: 'similar';
  readonly itemId: string;
}

/** Items bought with one or several basket items. */
export interface BoughtTogetherRowRequest extends RowOptions {
  readonly type: 'bought-together';
  readonly itemIds: readonly string[];
}

/** What is hot now. */
export interface TrendingRowRequest extends RowOptions {
  readonly type: 'trending';
}

/** All-time most popular. */
export interface PopularRowRequest extends RowOptions {
  readonly type: 'popular';
}

/** A request for one row; `type` picks the row. */
export type RowRequest =
  | ForYouRowRequest
  | SimilarRowRequest
  | BoughtTogetherRowRequest
  | TrendingRowRequest
  | PopularRowRequest;

/** One row of recommendations. */
export interface RowResult {
  readonly type: RowType;
  readonly source: RowSource;
  readonly items: readonly RankedItem[];
  /** Ids in the history / anchors / basket that the item vocabulary does not know (skipped). */
  readonly unknownItems: readonly string[];
}
