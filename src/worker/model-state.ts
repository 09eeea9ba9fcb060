import { createBundleRecommender } from '../core/bundle/bundle-recommender';
import type { ModelBundle } from '../core/bundle/model-bundle';
import type { EventWeights, Item } from '../core/data/types';
import { Vocabulary } from '../core/data/vocabulary';
import { alignCatalog } from '../core/bundle/bundle-recommender';
import { createRowRecommender, type RowRecommender } from '../core/serve/row-recommender';

/** What rows are served from right now: a model (or none yet) and the catalog. */
export interface ModelState {
  /** Version of the stored model (0 = no model). */
  readonly version: number;
  readonly bundle: ModelBundle | null;
  readonly rows: RowRecommender;
}

/** Options of {@link createModelState}. */
export interface ModelStateOptions {
  readonly bundle: ModelBundle | null;
  readonly version: number;
  readonly catalog: readonly Item[];
  readonly eventWeights?: EventWeights;
}

/**
 * Builds the serving state and precomputes what the first rows need (fold-in Gram matrix, item
 * norms), so a hot swap costs the first row nothing. Without a model, rows come from the catalog
 * alone (same-category fallbacks, else empty rows with source `none`).
 */
export function createModelState(o: ModelStateOptions): ModelState {
  const rows = o.bundle
    ? createBundleRecommender({
        bundle: o.bundle,
        catalog: o.catalog,
        ...(o.eventWeights && { eventWeights: o.eventWeights }),
      })
    : catalogOnlyRecommender(o.catalog, o.eventWeights);
  rows.prepare();
  return { version: o.bundle ? o.version : 0, bundle: o.bundle, rows };
}

function catalogOnlyRecommender(
  catalog: readonly Item[],
  eventWeights: EventWeights | undefined,
): RowRecommender {
  const itemIds = Vocabulary.from(catalog.map((item) => item.id));
  return createRowRecommender({
    itemIds,
    catalog: alignCatalog(itemIds, catalog),
    ...(eventWeights && { eventWeights }),
  });
}
