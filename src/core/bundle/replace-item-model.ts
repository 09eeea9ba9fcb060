/**
 * Swapping a bundle's item model (e.g. for a newer federated global model) while keeping the rest
 * of the bundle consistent with it: the content tower maps item content into the factor space, so
 * it is refit on the new factors, and items the new model carries no signal for (all-zero factor
 * rows: catalog-only items, or items outside a co-occurrence release's head) get their embedding
 * from it. The catalog is public, so this is post-processing of the new model.
 */
import { OptionError } from '../errors';
import type { Item } from '../data/types';
import { fillColdItemsFromContent } from '../models/content/cold-item-fill';
import type { MfModel } from '../models/mf/mf-model';
import { withContentTower } from './decode-full-bundle';
import type { ModelBundle } from './model-bundle';
import { BINARY_CONFIDENCE } from '../tune/confidence';

/** Options of {@link replaceItemModel}. */
export interface ReplaceItemModelOptions {
  readonly bundle: ModelBundle;
  /** The new item model, indexed like `bundle.itemIds`. */
  readonly mf: MfModel;
  /** The catalog (any order); items are matched to the bundle by id. */
  readonly catalog: readonly Item[];
}

/**
 * A new bundle serving `mf`, with its content tower refit when the bundle has one. A model that
 * fixes how histories fold in (`historyConfidence`) sets the bundle's confidence transform to it,
 * so the runtime folds visitors in the way the model was built.
 */
export function replaceItemModel(o: ReplaceItemModelOptions): ModelBundle {
  const { mf } = o;
  // A serving decode leaves the tower as stored state; refitting needs the built tower.
  const { contentTowerState: _stored, ...withTower } = withContentTower(o.bundle);
  const bundle =
    mf.historyConfidence === 'binary' ? { ...withTower, confidence: BINARY_CONFIDENCE } : withTower;
  const n = bundle.itemIds.length;
  if (mf.numItems !== n) {
    throw new OptionError(
      `The new item model has ${mf.numItems} items; this bundle serves ${n}. Use a model trained for the same catalog.`,
    );
  }
  if (!bundle.contentTower || o.catalog.length === 0) return { ...bundle, mf };
  const byId = new Map(o.catalog.map((item) => [item.id, item] as const));
  const filled = fillColdItemsFromContent({
    mf,
    items: bundle.itemIds.map((id) => byId.get(id)),
    regularization: bundle.contentTower.toJSON().regularization,
  });
  return { ...bundle, mf: filled.mf, contentTower: filled.contentTower };
}
