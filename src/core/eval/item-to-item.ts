import type { Catalog } from '../serve/filters';
import type { UserTimeline } from './held-out-users';

/** Ranks the items to show next to `anchor`: top `k` item indices, best first, anchor excluded. */
export type AnchorRanker = (anchor: number, k: number) => ArrayLike<number>;

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

/** Options of {@link evaluateItemToItem}. */
export interface ItemToItemOptions {
  readonly heldOut: readonly UserTimeline[];
  readonly rankers: Readonly<Record<string, AnchorRanker>>;
  /** Item data aligned with indices, for content agreement. */
  readonly catalog?: Catalog;
  /** Cut-off (default 10). */
  readonly k?: number;
  /** Consecutive pairs per user, from their first item on (default 50: heavy users do not dominate). */
  readonly maxPairsPerUser?: number;
}

/**
 * Next-item protocol for item-to-item rows, on users held out from training: for each user's
 * consecutive distinct items (a, b) by first event time, is b among the top k items shown next to
 * a? Content agreement is the share of shown neighbours whose category path equals the anchor's,
 * over anchors that have one.
 */
export function evaluateItemToItem(options: ItemToItemOptions): Record<string, ItemToItemScore> {
  const k = options.k ?? 10;
  const maxPairs = options.maxPairsPerUser ?? 50;
  const out: Record<string, ItemToItemScore> = {};
  for (const [name, rank] of Object.entries(options.rankers)) {
    let pairs = 0;
    let hits = 0;
    let shown = 0;
    let agreeing = 0;
    for (const { items } of options.heldOut) {
      const last = Math.min(items.length - 1, maxPairs);
      for (let t = 0; t < last; t++) {
        const anchor = items[t]!;
        const ranked = rank(anchor, k);
        pairs++;
        const next = items[t + 1]!;
        for (let r = 0; r < Math.min(k, ranked.length); r++) {
          const item = ranked[r]!;
          if (item === next) hits++;
          const agree = sameCategory(options.catalog, anchor, item);
          if (agree === null) continue;
          shown++;
          if (agree) agreeing++;
        }
      }
    }
    out[name] = {
      pairs,
      hr: pairs > 0 ? hits / pairs : 0,
      contentAgreement: shown > 0 ? agreeing / shown : null,
    };
  }
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
