import { createBundleRecommender, alignCatalog } from '../bundle/bundle-recommender';
import type { ModelBundle } from '../bundle/model-bundle';
import { trainModelBundle, type TrainBundleOptions } from '../bundle/train-bundle';
import type { InteractionDataset } from '../data/interaction-log';
import { toInteractionMatrix } from '../data/interaction-matrix';
import { DEFAULT_EVENT_WEIGHTS, type EventWeights, type Item } from '../data/types';
import { Vocabulary } from '../data/vocabulary';
import { fitEase } from '../models/ease';
import { fitItemKnn } from '../models/item-knn';
import type { RowRecommender } from '../serve/row-recommender';
import { DEFAULT_ITEM_TO_ITEM_WEIGHTS, type ItemToItemWeights } from '../serve/item-to-item-scores';
import type { ShortHistoryOptions } from '../serve/short-history-blend';
import type { FirstNScore, HistoryRanker, VisitorHistory } from './first-n';
import { evaluateFirstN } from './first-n';
import type { HeldOutUserOptions, UserTimeline } from './held-out-users';
import { splitHeldOutUsers } from './held-out-users';
import type { AnchorRanker, ItemToItemScore } from './item-to-item';
import { evaluateItemToItem, rowAnchorRanker } from './item-to-item';
import { topKIndices } from './top-k-indices';

/** Options of {@link trainForVisitors}. */
export interface VisitorTrainingOptions extends HeldOutUserOptions {
  readonly dataset: InteractionDataset;
  readonly catalog?: readonly Item[];
  readonly eventWeights?: EventWeights;
  /** Passed to `trainModelBundle` (compute path, MF overrides, progress, signal). */
  readonly train?: Omit<TrainBundleOptions, 'dataset' | 'catalog' | 'eventWeights'>;
}

/** A bundle trained without the held-out users, and everything needed to replay them. */
export interface VisitorModels {
  readonly bundle: ModelBundle;
  readonly heldOut: readonly UserTimeline[];
  readonly train: InteractionDataset;
  readonly catalog: readonly Item[] | undefined;
  readonly eventWeights: EventWeights;
  /** Served recommender with the given blend settings (the bundle's when omitted). */
  recommender(settings?: ServeSettings): RowRecommender;
}

/** Serve-time settings an experiment may vary. */
export interface ServeSettings {
  readonly itemToItem?: ItemToItemWeights;
  readonly shortHistory?: ShortHistoryOptions;
}

/** Holds out users (see `splitHeldOutUsers`) and trains the shipped bundle on the rest. */
export async function trainForVisitors(o: VisitorTrainingOptions): Promise<VisitorModels> {
  const { train, heldOut } = splitHeldOutUsers(o.dataset, o);
  const eventWeights = o.eventWeights ?? DEFAULT_EVENT_WEIGHTS;
  const bundle = await trainModelBundle({
    ...o.train,
    dataset: train,
    eventWeights,
    ...(o.catalog !== undefined && { catalog: o.catalog }),
  });
  return {
    bundle,
    heldOut,
    train,
    catalog: o.catalog,
    eventWeights,
    recommender: (settings = {}) =>
      createBundleRecommender({
        bundle,
        eventWeights,
        ...(o.catalog !== undefined && { catalog: o.catalog }),
        serve: settings,
      }),
  };
}

/** The for-you row as served, for a replayed history. */
export function forYouRanker(recommender: RowRecommender, ids: readonly string[]): HistoryRanker {
  return (history, k) =>
    recommender
      .recommend({
        type: 'for-you',
        history: history.events.map((e) => ({ itemId: ids[e.item]!, type: e.type })),
        k,
        maxReasons: 0,
      })
      .items.map((item) => item.index);
}

/** The served similar row of the last history item, history excluded. */
export function similarToLastRanker(
  recommender: RowRecommender,
  ids: readonly string[],
): HistoryRanker {
  return (history, k) =>
    recommender
      .recommend({
        type: 'similar',
        itemId: ids[history.items[history.items.length - 1]!]!,
        exclude: historyIds(history, ids),
        k,
        maxReasons: 0,
      })
      .items.map((item) => item.index);
}

/** Ranks by fixed per-item scores, or by scores computed from the history, history excluded. */
export function scoreRanker(
  numItems: number,
  score: (history: VisitorHistory, out: Float32Array) => void,
): HistoryRanker {
  const scores = new Float32Array(numItems);
  const candidate = new Uint8Array(numItems);
  return (history, k) => {
    score(history, scores);
    candidate.fill(1);
    for (const item of history.items) candidate[item] = 0;
    return topKIndices(scores, candidate, k);
  };
}

/** A model scoring a history of item indices (ItemKNN, EASE) as a {@link HistoryRanker}. */
function historyScorer(
  numItems: number,
  model: {
    readonly numItems: number;
    scoreHistory(items: ArrayLike<number>, out: Float32Array): void;
  },
): HistoryRanker {
  return scoreRanker(numItems, (h, out) => {
    out.fill(0);
    const known = h.items.filter((i) => i < model.numItems);
    model.scoreHistory(known, out.subarray(0, model.numItems));
  });
}

function historyIds(history: VisitorHistory, ids: readonly string[]): string[] {
  return Array.from(history.items, (i) => ids[i]!);
}

/** The `first-n` report: per ranker, one score per history length. */
export type FirstNReport = Record<string, FirstNScore[]>;

/**
 * Runs the `first-n` protocol on trained {@link VisitorModels}: the for-you row as served,
 * the served similar row of the last item, popularity, ItemKNN and EASE (default options: its
 * most popular 2,000 items), both fit on the same training rows.
 */
export async function runFirstN(
  models: VisitorModels,
  settings: ServeSettings = {},
): Promise<FirstNReport> {
  const { bundle, heldOut } = models;
  const ids = bundle.itemIds;
  const served = models.recommender(settings);
  const popularity = bundle.popularity;
  const matrix = toInteractionMatrix(models.train, { weights: models.eventWeights });
  const knn = fitItemKnn(matrix);
  const ease = await fitEase(matrix);
  const n = ids.length;
  return evaluateFirstN({
    heldOut,
    rankers: {
      'for-you': forYouRanker(served, ids),
      'similar-to-last': similarToLastRanker(served, ids),
      popularity: scoreRanker(n, (_, out) => out.set(popularity)),
      itemknn: historyScorer(n, knn),
      ease: historyScorer(n, ease),
    },
  });
}

/**
 * Blends the `item-to-item` report compares: the bundle's (chosen at training, `blended`), the
 * fixed default, and each source alone.
 */
export const ITEM_TO_ITEM_VARIANTS: Readonly<Record<string, ItemToItemWeights | undefined>> = {
  blended: undefined,
  'default-blend': DEFAULT_ITEM_TO_ITEM_WEIGHTS,
  'mf-only': { embedding: 1, coOccurrence: 0, content: 0 },
  'co-occurrence-only': { embedding: 0, coOccurrence: 1, content: 0 },
  'content-only': { embedding: 0, coOccurrence: 0, content: 1 },
};

/**
 * Runs the next-item protocol on trained {@link VisitorModels}: the similar row with the bundle's
 * blend, the default blend and each source alone, and the bought-together row.
 */
export function runItemToItem(
  models: VisitorModels,
  variants: Readonly<Record<string, ItemToItemWeights | undefined>> = ITEM_TO_ITEM_VARIANTS,
): Record<string, ItemToItemScore> {
  const ids = models.bundle.itemIds;
  const rankers: Record<string, AnchorRanker> = {};
  for (const [name, weights] of Object.entries(variants)) {
    const recommender = models.recommender(weights === undefined ? {} : { itemToItem: weights });
    rankers[name] = rowAnchorRanker(recommender, ids, 'similar');
  }
  rankers['bought-together'] = rowAnchorRanker(models.recommender(), ids, 'bought-together');
  const catalog =
    models.catalog === undefined ? undefined : alignCatalog(Vocabulary.from(ids), models.catalog);
  return evaluateItemToItem({
    heldOut: models.heldOut,
    rankers,
    ...(catalog !== undefined && { catalog }),
  });
}
