import type { Vocabulary } from '../data/vocabulary';
import type { ItemToItemSources, ItemToItemWeights, WeightedAnchor } from './item-to-item-scores';
import { itemToItemScores, pairSimilarity } from './item-to-item-scores';
import type { HistoryEvent } from './row-types';

/**
 * How the for-you row leans on item–item similarity while a history is short. A fold-in from one
 * or two events is mostly prior (item bias), so the row blends the standardized fold-in scores
 * with the standardized item–item similarity to the recent history items, with share
 * `pivot / (pivot + n)` for n distinct positive history items: half-and-half at n = pivot,
 * fading as the history grows.
 */
export interface ShortHistoryOptions {
  /** History length at which both parts weigh the same; 0 turns the blend off. */
  readonly pivot: number;
  /** Weight of each step back in the history (1 = all recent items equal). */
  readonly recencyDecay: number;
  /** Most recent distinct items used as anchors. */
  readonly maxAnchors: number;
  /**
   * Recency weighting of the fold-in: the h-th most recent item's weight is multiplied by
   * `max(foldInDecay^h, RECENCY_FLOOR)` and the weights rescaled to the same total (1 = off).
   */
  readonly foldInDecay: number;
}

/** Smallest recency factor of an old history item in the fold-in. */
export const RECENCY_FLOOR = 0.1;

/**
 * Defaults, chosen on validation users carved from the training users of ML-100K and of the demo
 * shop (see docs/engine.md, "Short histories"), never on the reported split.
 */
export const DEFAULT_SHORT_HISTORY: ShortHistoryOptions = Object.freeze({
  pivot: 1,
  recencyDecay: 0.3,
  // With decay 0.3 a fourth anchor would weigh under 2%: not worth an O(items) content pass.
  maxAnchors: 3,
  foldInDecay: 0.3,
});

/** Item–item shares below this are not worth an O(items) pass. */
const MIN_SHARE = 0.02;

/** Share of the item–item part for `n` distinct positive history items. */
export function itemToItemShare(n: number, options: ShortHistoryOptions): number {
  if (!(options.pivot > 0) || n <= 0) return 0;
  const share = options.pivot / (options.pivot + n);
  return share < MIN_SHARE ? 0 : share;
}

/**
 * The visitor's most recent distinct positive items (latest event first), with recency-decayed
 * shares that sum to 1.
 */
export function recentAnchors(
  events: readonly HistoryEvent[],
  itemIds: Vocabulary,
  positive: ReadonlySet<number>,
  options: ShortHistoryOptions,
): WeightedAnchor[] {
  const picked: number[] = [];
  for (let e = events.length - 1; e >= 0 && picked.length < options.maxAnchors; e--) {
    const item = itemIds.get(events[e]!.itemId);
    if (item >= 0 && positive.has(item) && !picked.includes(item)) picked.push(item);
  }
  let total = 0;
  const raw = picked.map((_, age) => {
    const w = Math.pow(options.recencyDecay, age);
    total += w;
    return w;
  });
  return picked.map((item, age) => ({ item, share: raw[age]! / total }));
}

/**
 * Rescales fold-in weights towards the most recent items (see `foldInDecay`), keeping their
 * total; `weights` is parallel to `items`. No-op when the decay is 1.
 */
export function recencyWeights(
  events: readonly HistoryEvent[],
  itemIds: Vocabulary,
  items: readonly number[],
  weights: number[],
  options: ShortHistoryOptions,
): void {
  if (!(options.foldInDecay < 1) || items.length < 2) return;
  const age = new Map<number, number>();
  for (let e = events.length - 1; e >= 0; e--) {
    const item = itemIds.get(events[e]!.itemId);
    if (item >= 0 && !age.has(item)) age.set(item, age.size);
  }
  let before = 0;
  let after = 0;
  for (let h = 0; h < items.length; h++) {
    before += weights[h]!;
    weights[h]! *= Math.max(Math.pow(options.foldInDecay, age.get(items[h]!) ?? 0), RECENCY_FLOOR);
    after += weights[h]!;
  }
  if (after > 0) for (let h = 0; h < items.length; h++) weights[h]! *= before / after;
}

/** Result of {@link blendShortHistory}: the blended scores and how to attribute them. */
export interface ShortHistoryScores {
  /** Factor on fold-in contributions (1 − share over the fold-in scores' spread). */
  readonly foldInScale: number;
  /** Evidence of history item `anchor` for `item` from the item–item part. */
  itemToItemEvidence(anchor: number, item: number): number;
}

/**
 * Blends, in place, `scores` (fold-in scores of every item) with the item–item similarity of
 * every item to `anchors`: `(1 − share)·z(fold-in) + share·z(item–item)`, each standardized over
 * the items (z = value / standard deviation, minus the mean). Returns null and leaves `scores`
 * untouched when the item–item part has no evidence or no spread.
 */
export function blendShortHistory(
  scores: Float32Array,
  share: number,
  anchors: readonly WeightedAnchor[],
  sources: ItemToItemSources,
  weights: ItemToItemWeights,
  buffers: { similarity: Float32Array; tags: Uint8Array },
): ShortHistoryScores | null {
  const n = scores.length;
  if (buffers.similarity.length < n) buffers.similarity = new Float32Array(n);
  const similarity = buffers.similarity.subarray(0, n);
  if (itemToItemScores(sources, weights, anchors, similarity, buffers) === 0) return null;
  const fold = spread(scores);
  const near = spread(similarity);
  if (!(near.std > 0) || !(fold.std > 0)) return null;
  const a = (1 - share) / fold.std;
  const b = share / near.std;
  for (let i = 0; i < n; i++)
    scores[i] = a * (scores[i]! - fold.mean) + b * (similarity[i]! - near.mean);
  const shareOf = new Map(anchors.map((x) => [x.item, x.share]));
  return {
    foldInScale: a,
    itemToItemEvidence: (anchor, item) =>
      b *
      (shareOf.get(anchor) ?? 0) *
      pairSimilarity(sources, weights, anchor, item, shareOf.get(anchor) ?? 0),
  };
}

/**
 * Mean and standard deviation in one pass (NaN entries skipped). Sums are taken relative to the
 * first entry so a large common offset does not cancel.
 */
function spread(values: Float32Array): { mean: number; std: number } {
  const shift = values[0]! === values[0]! && Number.isFinite(values[0]!) ? values[0]! : 0;
  let s1 = 0;
  let s2 = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]! - shift;
    if (v === v) {
      s1 += v;
      s2 += v * v;
      count++;
    }
  }
  if (count === 0) return { mean: 0, std: 0 };
  const m = s1 / count;
  return { mean: m + shift, std: count > 1 ? Math.sqrt(Math.max(0, s2 / count - m * m)) : 0 };
}
