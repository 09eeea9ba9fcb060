/**
 * Swapping a bundle's item model (e.g. for a newer federated global model) while keeping the rest
 * of the bundle consistent with it: the content tower maps item content into the factor space, so
 * it is refit on the new factors, and items the new model carries no signal for (all-zero factor
 * rows: catalog-only items, or items outside a co-occurrence release's head) get their embedding
 * from it. The catalog is public, so this is post-processing of the new model.
 */
import { OptionError } from '../errors';
import type { Item } from '../data/types';
import { fitContentTower } from '../models/content';
import type { MfModel } from '../models/mf/mf-model';
import { withContentTower } from './decode-full-bundle';
import type { ModelBundle } from './model-bundle';

/** Options of {@link replaceItemModel}. */
export interface ReplaceItemModelOptions {
  readonly bundle: ModelBundle;
  /** The new item model, indexed like `bundle.itemIds`. */
  readonly mf: MfModel;
  /** The catalog (any order); items are matched to the bundle by id. */
  readonly catalog: readonly Item[];
}

/** A new bundle serving `mf`, with its content tower refit when the bundle has one. */
export function replaceItemModel(o: ReplaceItemModelOptions): ModelBundle {
  const { mf } = o;
  // A serving decode leaves the tower as stored state; refitting needs the built tower.
  const { contentTowerState: _stored, ...bundle } = withContentTower(o.bundle);
  const n = bundle.itemIds.length;
  if (mf.numItems !== n) {
    throw new OptionError(
      `The new item model has ${mf.numItems} items; this bundle serves ${n}. Use a model trained for the same catalog.`,
    );
  }
  if (!bundle.contentTower || o.catalog.length === 0) return { ...bundle, mf };
  const k = mf.factors;
  const byId = new Map(o.catalog.map((item) => [item.id, item] as const));
  const items = bundle.itemIds.map((id) => byId.get(id));
  const warm = new Uint8Array(n);
  let warmCount = 0;
  for (let i = 0; i < n; i++) {
    if (items[i] === undefined) continue;
    for (let d = 0; d < k; d++) {
      if (mf.itemFactors[i * k + d] !== 0) {
        warm[i] = 1;
        warmCount++;
        break;
      }
    }
  }
  if (warmCount === 0) return { ...bundle, mf, contentTower: null };
  const contentTower = fitContentTower({
    items,
    itemFactors: mf.itemFactors,
    itemBias: mf.itemBias,
    factors: k,
    trainMask: warm,
    regularization: bundle.contentTower.toJSON().regularization,
  });
  const itemFactors = Float32Array.from(mf.itemFactors);
  const itemBias = Float32Array.from(mf.itemBias);
  for (let i = 0; i < n; i++) {
    const item = items[i];
    if (warm[i] || item === undefined) continue;
    const e = contentTower.embed(item);
    itemFactors.set(e.vector, i * k);
    itemBias[i] = e.bias;
  }
  return { ...bundle, mf: { ...mf, itemFactors, itemBias }, contentTower };
}
