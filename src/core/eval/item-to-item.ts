import type { Catalog } from '../serve/filters';
import type { RowRecommender } from '../serve/row-recommender';
import type { UserTimeline } from './held-out-users';

/** Ranks the items to show next to `anchor`: top `k` item indices, best first, anchor excluded. */
export type AnchorRanker = (anchor: number, k: number) => ArrayLike<number>;

/** An item-to-item row of a served recommender as an {@link AnchorRanker}. */
export function rowAnchorRanker(
  recommender: RowRecommender,
  ids: readonly string[],
  type: 'similar' | 'bought-together',
): AnchorRanker {
  return (anchor, k) => {
    const request =
      type === 'similar'
        ? ({ type, itemId: ids[anchor]! } as const)
        : ({ type, itemIds: [ids[anchor]!] } as const);
    return recommender.recommend({ ...request, k, maxReasons: 0 }).items.map((i) => i.index);
  };
}

/** Next-item and content-agreement scores of one item-to-item ranker. */
export interface ItemToItemScore {
  /** (previous item, next item) pairs evaluated. */
  readonly pairs: number;
  /** Share of pairs whose next item is in the anchor's top k. */
  readonly hr: number;
  /**
   * Share of recommended neighbours that share the anchor's category path (null when the catalog
   * has no categories for the anchors).
   */
  readonly contentAgreement: number | null;
}

/** Consecutive pairs scored per user by default (heavy users do not dominate). */
export const DEFAULT_MAX_PAIRS_PER_USER = 50;

/** Options of {@link evaluateItemToItem}. */
export interface ItemToItemOptions {
  readonly heldOut: readonly UserTimeline[];
  readonly rankers: Readonly<Record<string, AnchorRanker>>;
  /** Item data aligned with indices, for content agreement. */
  readonly catalog?: Catalog;
  /** Cut-off (default 10). */
  readonly k?: number;
  /** Consecutive pairs per user, from their first item on (default {@link DEFAULT_MAX_PAIRS_PER_USER}). */
  readonly maxPairsPerUser?: number;
  /**
   * Called for every ranker and pair with the user's position in `heldOut` and whether the next
   * item was shown (for paired comparisons of rankers over the same users).
   */
  readonly onPair?: (ranker: string, user: number, hit: boolean) => void;
}

/**
 * Next-item protocol for item-to-item rows, on users held out from training: for each user's
 * consecutive distinct items (a, b) by first event time, is b among the top k items shown next to
 * a? Content agreement is the share of shown neighbours whose category path equals the anchor's,
 * over anchors that have one.
 */
export function evaluateItemToItem(options: ItemToItemOptions): Record<string, ItemToItemScore> {
  const k = options.k ?? 10;
  const maxPairs = options.maxPairsPerUser ?? DEFAULT_MAX_PAIRS_PER_USER;
  const names = Object.keys(options.rankers);
  const tally = names.map(() => ({ hits: 0, shown: 0, agreeing: 0 }));
  let pairs = 0;
  // Pairs outer, rankers inner: rankers that share per-anchor work (one anchor, many blends) see
  // each anchor once in a row.
  options.heldOut.forEach(({ items }, user) => {
    const last = Math.min(items.length - 1, maxPairs);
    for (let t = 0; t < last; t++) {
      const anchor = items[t]!;
      const next = items[t + 1]!;
      pairs++;
      names.forEach((name, r) => {
        const ranked = options.rankers[name]!(anchor, k);
        const counts = tally[r]!;
        let hit = false;
        for (let j = 0; j < Math.min(k, ranked.length); j++) {
          const item = ranked[j]!;
          if (item === next) hit = true;
          const agree = sameCategory(options.catalog, anchor, item);
          if (agree === null) continue;
          counts.shown++;
          if (agree) counts.agreeing++;
        }
        if (hit) counts.hits++;
        options.onPair?.(name, user, hit);
      });
    }
  });
  const out: Record<string, ItemToItemScore> = {};
  names.forEach((name, r) => {
    const { hits, shown, agreeing } = tally[r]!;
    out[name] = {
      pairs,
      hr: pairs > 0 ? hits / pairs : 0,
      contentAgreement: shown > 0 ? agreeing / shown : null,
    };
  });
  return out;
}

/** Whether `item` has exactly the anchor's category path; null when the anchor has none. */
function sameCategory(catalog: Catalog | undefined, anchor: number, item: number): boolean | null {
  const a = catalog?.[anchor]?.category;
  if (a === undefined || a.length === 0) return null;
  const b = catalog?.[item]?.category;
  if (b === undefined || b.length !== a.length) return false;
  for (let d = 0; d < a.length; d++) if (a[d] !== b[d]) return false;
  return true;
}
