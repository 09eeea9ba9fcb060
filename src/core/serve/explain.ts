import type { Vocabulary } from '../data/vocabulary';
import { dot } from '../math/linalg';
import type { ItemFactorTable } from './score-items';

/** One reason an item was recommended: a history or anchor item and its share of the evidence. */
export interface Reason {
  readonly itemIndex: number;
  readonly itemId: string;
  /** Share in (0, 1] of the positive evidence this item accounts for. */
  readonly weight: number;
}

/** Produces the reasons for recommending one item. */
export interface Explainer {
  reasonsFor(itemIndex: number): Reason[];
}

/** Reasons shown per recommended item unless told otherwise. */
export const DEFAULT_MAX_REASONS = 3;

/**
 * Sources with less than this share of the positive evidence are not reasons: "Because you viewed
 * X (0%)" explains nothing.
 */
export const MIN_REASON_SHARE = 0.05;

/**
 * Keeps the `max` sources with the largest positive evidence among those holding at least
 * {@link MIN_REASON_SHARE} of it, largest first (ties: earlier source first). Weights are shares
 * of the kept evidence, so the reasons of an item sum to 1 unless `max` cut some off.
 */
function topReasons(
  sources: ArrayLike<number>,
  evidence: Float64Array,
  itemIds: Vocabulary,
  max: number,
): Reason[] {
  let all = 0;
  for (let s = 0; s < evidence.length; s++) if (evidence[s]! > 0) all += evidence[s]!;
  if (!(all > 0)) return [];
  const order: number[] = [];
  let total = 0;
  for (let s = 0; s < evidence.length; s++) {
    if (evidence[s]! >= MIN_REASON_SHARE * all) {
      order.push(s);
      total += evidence[s]!;
    }
  }
  order.sort((a, b) => evidence[b]! - evidence[a]! || a - b);
  return order.slice(0, max).map((s) => {
    const itemIndex = sources[s]!;
    return { itemIndex, itemId: itemIds.idAt(itemIndex), weight: evidence[s]! / total };
  });
}

/** Options of {@link createHistoryExplainer}. */
export interface HistoryExplainerOptions {
  /** Distinct history item indices the user was folded in from. */
  readonly historyItems: ArrayLike<number>;
  /** `foldInUser(..., { explain: true }).contributions`, parallel to `historyItems`. */
  readonly contributions: readonly Float32Array[];
  /** The model the user was folded into. */
  readonly table: ItemFactorTable;
  readonly itemIds: Vocabulary;
  /** Reasons per item (default {@link DEFAULT_MAX_REASONS}). */
  readonly maxReasons?: number;
  /** Factor on the fold-in contributions when the scores were rescaled (default 1). */
  readonly contributionScale?: number;
  /** Further evidence of history item `historyItem` for `item` (e.g. a short-history blend). */
  readonly extraEvidence?: (historyItem: number, item: number) => number;
}

/**
 * Explains for-you scores by the exact fold-in decomposition: history item h adds
 * `contributions[h] · v_i` to item i's score (plus `extraEvidence`, when scores were blended).
 * Items pushed up by history get the history items with the largest positive contributions;
 * items ranked only by bias/popularity get no reasons.
 */
export function createHistoryExplainer(options: HistoryExplainerOptions): Explainer {
  const { historyItems, contributions, table, itemIds, extraEvidence } = options;
  const max = options.maxReasons ?? DEFAULT_MAX_REASONS;
  const scale = options.contributionScale ?? 1;
  const k = table.factors;
  const evidence = new Float64Array(historyItems.length);
  return {
    reasonsFor(itemIndex) {
      for (let h = 0; h < historyItems.length; h++) {
        evidence[h] = scale * dot(contributions[h]!, 0, table.itemFactors, itemIndex * k, k);
        if (extraEvidence !== undefined) evidence[h]! += extraEvidence(historyItems[h]!, itemIndex);
      }
      return topReasons(historyItems, evidence, itemIds, max);
    },
  };
}

/** Options of {@link createAnchorExplainer}. */
export interface AnchorExplainerOptions {
  /** The item(s) the row was built from (viewed item, basket). */
  readonly anchors: readonly number[];
  readonly itemIds: Vocabulary;
  /** Evidence anchor `anchor` gives for `item` (e.g. co-occurrence score); equal when omitted. */
  readonly anchorWeight?: (anchor: number, item: number) => number;
  /** Reasons per item (default {@link DEFAULT_MAX_REASONS}). */
  readonly maxReasons?: number;
}

/** Explains item-to-item rows: the anchor item(s) are the reason, weighted by their evidence. */
export function createAnchorExplainer(options: AnchorExplainerOptions): Explainer {
  const { anchors, itemIds, anchorWeight } = options;
  const max = options.maxReasons ?? DEFAULT_MAX_REASONS;
  const evidence = new Float64Array(anchors.length);
  return {
    reasonsFor(itemIndex) {
      for (let a = 0; a < anchors.length; a++) {
        evidence[a] = anchorWeight === undefined ? 1 : anchorWeight(anchors[a]!, itemIndex);
      }
      return topReasons(anchors, evidence, itemIds, max);
    },
  };
}
