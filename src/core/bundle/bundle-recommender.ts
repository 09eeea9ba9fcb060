import { Vocabulary } from '../data/vocabulary';
import type { EventWeights, Item } from '../data/types';
import {
  createRowRecommender,
  type RowRecommender,
  type RowRecommenderOptions,
} from '../serve/row-recommender';
import type { ModelBundle } from './model-bundle';

/** Options of {@link createBundleRecommender}. */
export interface BundleRecommenderOptions {
  readonly bundle: ModelBundle;
  /** Catalog items (any order; matched by id) for filters, fallbacks and display. */
  readonly catalog?: readonly Item[];
  /** Used only when the bundle does not record the event weights it was trained with. */
  readonly eventWeights?: EventWeights;
  /** Serve-time blend settings (see `RowRecommenderOptions`); the defaults when omitted. */
  readonly serve?: Pick<RowRecommenderOptions, 'itemToItem' | 'shortHistory'>;
}

/**
 * A recommender serving every row type from a trained bundle; no TF.js involved. For-you rows use
 * the bundle's event weights, confidence transform and (for a neighbour family or blend) its
 * neighbour lists.
 */
export function createBundleRecommender(o: BundleRecommenderOptions): RowRecommender {
  const itemIds = Vocabulary.from(o.bundle.itemIds);
  const catalog = o.catalog ? alignCatalog(itemIds, o.catalog) : undefined;
  // Visitors fold in with the weights the model was trained with.
  const eventWeights = o.bundle.eventWeights ?? o.eventWeights;
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
    ...o.serve,
  });
}

/** Catalog items placed at their item index (undefined where the catalog has no entry). */
export function alignCatalog(itemIds: Vocabulary, items: readonly Item[]): (Item | undefined)[] {
  const aligned: (Item | undefined)[] = new Array(itemIds.size).fill(undefined);
  for (const item of items) {
    const i = itemIds.get(item.id);
    if (i >= 0) aligned[i] = item;
  }
  return aligned;
}
