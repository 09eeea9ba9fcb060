import { Vocabulary } from '../data/vocabulary';
import { alignCatalog } from './align-catalog';
import type { EventWeights, Item } from '../data/types';
import {
  createRowRecommender,
  type RowRecommender,
  type RowRecommenderOptions,
} from '../serve/row-recommender';
import type { ModelBundle } from './model-bundle';
import { DEFAULT_SHORT_HISTORY } from '../serve/short-history-blend';

export { alignCatalog } from './align-catalog';

/** Options of {@link createBundleRecommender}. */
export interface BundleRecommenderOptions {
  readonly bundle: ModelBundle;
  /** Catalog items (any order; matched by id) for filters, fallbacks and display. */
  readonly catalog?: readonly Item[];
  /** Used only when the bundle does not record the event weights it was trained with. */
  readonly eventWeights?: EventWeights;
  /**
   * Serve-time blend settings (see `RowRecommenderOptions`); when omitted, the item-to-item blend
   * and short-history pivot the bundle's tuning chose (`tuning.itemToItem`), else the defaults.
   */
  readonly serve?: Pick<RowRecommenderOptions, 'itemToItem' | 'shortHistory'>;
}

/**
 * A recommender serving every row type from a trained bundle; no TF.js involved. For-you rows use
 * the bundle's event weights, confidence transform and (for a neighbour family or blend) its
 * neighbour lists; item-to-item rows and the short-history part of for-you the blend and pivot its
 * tuning chose (`tuning.itemToItem`).
 */
export function createBundleRecommender(o: BundleRecommenderOptions): RowRecommender {
  const itemIds = Vocabulary.from(o.bundle.itemIds);
  const catalog = o.catalog ? alignCatalog(itemIds, o.catalog) : undefined;
  // Visitors fold in with the weights the model was trained with.
  const eventWeights = o.bundle.eventWeights ?? o.eventWeights;
  const chosen = o.bundle.tuning?.itemToItem;
  const pivot = chosen?.shortHistoryPivot;
  return createRowRecommender({
    itemIds,
    mf: o.bundle.mf,
    popularity: o.bundle.popularity,
    trending: o.bundle.trending.scores,
    coOccurrence: o.bundle.coOccurrence,
    ...(catalog ? { catalog } : {}),
    ...(eventWeights ? { eventWeights } : {}),
    ...(o.bundle.confidence ? { confidence: o.bundle.confidence } : {}),
    ...(o.bundle.neighborScoring ? { neighborScoring: o.bundle.neighborScoring } : {}),
    ...(chosen ? { itemToItem: chosen.weights } : {}),
    ...(pivot !== undefined ? { shortHistory: { ...DEFAULT_SHORT_HISTORY, pivot } } : {}),
    ...o.serve,
  });
}
