import { alignCatalog } from '../bundle/align-catalog';
import type { CsrMatrix } from '../data/csr-matrix';
import type { InteractionDataset } from '../data/interaction-log';
import type { EventWeights, Item } from '../data/types';
import { DataError, throwIfAborted } from '../errors';
import { splitHeldOutUsers } from '../eval/held-out-users';
import type { UserTimeline } from '../eval/held-out-users';
import { evaluateItemToItem } from '../eval/item-to-item';
import { fitCoOccurrence } from '../models/co-occurrence';
import { fitTrending } from '../models/trending';
import type { MfModel } from '../models/mf/mf-model';
import { createRng, shuffleInPlace } from '../random';
import { buildContentIndex } from '../serve/content-similarity';
import { DEFAULT_ITEM_TO_ITEM_WEIGHTS } from '../serve/item-to-item-scores';
import type { ItemToItemSources, ItemToItemWeights } from '../serve/item-to-item-scores';
import { itemNorms } from '../serve/similarity';
import { weightedMatrixOf } from './confidence-fit';
import { blendRankers, servedFallbacks } from './item-to-item-rankers';
import type { ItemToItemChoice } from './tune-types';
import { MIN_GAIN, significantlyBetter, type MixScore } from './validation-score';

/** Co-occurrence weights of the grid (with embedding 1). */
const CO_OCCURRENCE_STEPS = [0, 2, 50];
/** Content weights of the grid (with embedding 1); tried only when there is a catalog. */
const CONTENT_STEPS = [0, 0.25, 0.5];
/** Item-bias weights of the grid (with embedding 1). */
const ITEM_BIAS_STEPS = [0, 0.25, 0.5, 1];
/**
 * Short-history pivot served with a chosen blend. The chosen blends make "similar to the last
 * item" much stronger than the fixed default did, so for-you leans on them longer: re-chosen on
 * validation users carved from the training parts of ML-100K and the demo shop (pivots 1–21, the
 * first-n protocol), as the smallest pivot within 0.002 of the best worst-case margin of for-you
 * over similar-to-last (see docs/engine.md).
 */
export const CHOSEN_BLEND_SHORT_HISTORY_PIVOT = 8;
/** Bounds on the scored (previous, next) pairs: each costs a pass over the items per blend. */
const MIN_PAIRS = 1000;
const MAX_PAIRS = 2000;
/**
 * Consecutive pairs scored per validation user: fewer than the protocol's 50, so the pair budget
 * spreads over more users (the noise of the comparison is mostly between users).
 */
const PAIRS_PER_USER = 20;
/** Pairs × items scored at most (above {@link MIN_PAIRS}), so large catalogs stay cheap. */
const SCORED_CELLS = 6e6;

/**
 * The blends tried, the current default first (ties stay with it): each source alone, then
 * embedding 1 with every co-occurrence × content × item-bias step. Only ratios matter (the similar
 * row ranks, the short-history part is standardized), so the embedding weight stays 1.
 */
export function itemToItemGrid(withContent: boolean): ItemToItemWeights[] {
  const grid: ItemToItemWeights[] = [DEFAULT_ITEM_TO_ITEM_WEIGHTS];
  const add = (w: ItemToItemWeights): void => {
    if (!grid.some((g) => sameItemToItemWeights(g, w))) grid.push(w);
  };
  add({ embedding: 1, coOccurrence: 0, content: 0 });
  add({ embedding: 0, coOccurrence: 1, content: 0 });
  if (withContent) add({ embedding: 0, coOccurrence: 0, content: 1 });
  for (const itemBias of ITEM_BIAS_STEPS) {
    for (const content of withContent ? CONTENT_STEPS : [0]) {
      for (const coOccurrence of CO_OCCURRENCE_STEPS) {
        add({ embedding: 1, coOccurrence, content, ...(itemBias > 0 && { itemBias }) });
      }
    }
  }
  return grid;
}

/** Whether two blends have the same weights. */
export function sameItemToItemWeights(a: ItemToItemWeights, b: ItemToItemWeights): boolean {
  return (
    a.embedding === b.embedding &&
    a.coOccurrence === b.coOccurrence &&
    a.content === b.content &&
    (a.itemBias ?? 0) === (b.itemBias ?? 0)
  );
}

/** Options of {@link chooseItemToItemWeights}. */
export interface ItemToItemChoiceOptions {
  /** The training interactions (never test data). */
  readonly dataset: InteractionDataset;
  readonly catalog?: readonly Item[];
  readonly eventWeights: EventWeights;
  /**
   * Fits the MF that ships (the tuned settings and confidence transform) on a users × items matrix
   * of summed pair weights: here, the training data without the validation users.
   */
  readonly fitMf: (train: CsrMatrix) => Promise<MfModel>;
  readonly seed: number;
  readonly signal?: AbortSignal;
}

/**
 * Chooses the item-to-item blend (embedding / co-occurrence / content weights) on the data at
 * hand, with the `next-item` protocol on validation users carved from the training data: a seeded
 * 20% of the users with 10+ distinct items are held out, MF (as tuned) and co-occurrence are
 * fitted on the rest, and every blend of {@link itemToItemGrid} is scored by next-item HR@10 on
 * the held-out users' timelines. The best blend replaces the default only when its gain, paired
 * over users, exceeds `MIN_GAIN` and twice its standard error. Returns null when no user has
 * enough items to validate on (the default blend then stays).
 */
export async function chooseItemToItemWeights(
  o: ItemToItemChoiceOptions,
): Promise<ItemToItemChoice | null> {
  const started = performance.now();
  let split;
  try {
    split = splitHeldOutUsers(o.dataset, { seed: o.seed });
  } catch (error) {
    if (error instanceof DataError) return null;
    throw error;
  }
  const matrix = weightedMatrixOf(split.train, o.eventWeights);
  if (matrix.indices.length === 0) return null;
  const mf = await o.fitMf(matrix);
  throwIfAborted(o.signal);
  const n = o.dataset.itemVocab.size;
  const catalog =
    o.catalog !== undefined && o.catalog.length > 0
      ? alignCatalog(o.dataset.itemVocab, o.catalog)
      : undefined;
  const coOccurrence = fitCoOccurrence(split.train.columns, { numItems: n }).neighbors;
  const sources: ItemToItemSources = {
    table: mf,
    norms: itemNorms(mf),
    coOccurrence,
    ...(catalog !== undefined && { content: buildContentIndex(catalog, n) }),
  };
  const fallback = servedFallbacks({
    numItems: n,
    coOccurrence,
    trending: fitTrending(split.train.columns, { numItems: n }).scores,
    ...(catalog !== undefined && { catalog }),
  });
  const grid = itemToItemGrid(catalog !== undefined);
  const users = scoredUsers(split.heldOut, n, o.seed);
  const hits = grid.map(() => new Float64Array(users.length));
  const index = new Map(grid.map((_, j) => [String(j), j]));
  const report = evaluateItemToItem({
    heldOut: users,
    maxPairsPerUser: PAIRS_PER_USER,
    rankers: blendRankers(sources, grid, n, fallback),
    onPair: (ranker, user, hit) => {
      if (hit) hits[index.get(ranker)!]![user]! += 1;
    },
  });
  const pairs = report['0']?.pairs ?? 0;
  // Per-user values whose mean is the pair-weighted HR, so the paired test compares the HR shown.
  const scores: MixScore[] = grid.map((_, j) => ({
    mean: report[String(j)]!.hr,
    perUser: hits[j]!.map((h) => (pairs > 0 ? (h * users.length) / pairs : 0)),
  }));
  let best = 0;
  for (let j = 1; j < grid.length; j++) if (scores[j]!.mean > scores[best]!.mean) best = j;
  const chosen = best > 0 && significantlyBetter(scores[best]!, scores[0]!, MIN_GAIN) ? best : 0;
  return {
    weights: grid[chosen]!,
    shortHistoryPivot: CHOSEN_BLEND_SHORT_HISTORY_PIVOT,
    candidates: grid.map((weights, j) => ({ weights, hr: scores[j]!.mean })),
    validationUsers: users.length,
    pairs,
    ms: performance.now() - started,
  };
}

/**
 * A seeded sample of the held-out users whose pairs fit the scoring bound (each pair costs one
 * pass over the items per blend, so large catalogs score fewer pairs).
 */
function scoredUsers(
  heldOut: readonly UserTimeline[],
  items: number,
  seed: number,
): UserTimeline[] {
  const cap = Math.max(MIN_PAIRS, Math.min(MAX_PAIRS, Math.floor(SCORED_CELLS / items)));
  const order = Int32Array.from(heldOut.keys());
  shuffleInPlace(order, createRng(seed));
  const out: UserTimeline[] = [];
  let pairs = 0;
  for (const u of order) {
    if (pairs >= cap) break;
    const t = heldOut[u]!;
    out.push(t);
    pairs += Math.min(t.items.length - 1, PAIRS_PER_USER);
  }
  return out;
}
