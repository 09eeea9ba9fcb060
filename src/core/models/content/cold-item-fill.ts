import type { Item } from '../../data/types';
import type { MfModel } from '../mf/mf-model';
import { DEFAULT_CONTENT_TOWER_REGULARIZATION, fitContentTower } from './content-tower';
import type { ContentTower } from './content-tower-model';

/** Options of {@link fillColdItemsFromContent}. */
export interface ColdItemFillOptions {
  /** The item model; rows that are all zero carry no signal. */
  readonly mf: MfModel;
  /** The catalog indexed like the model's items; `undefined` where an item's content is unknown. */
  readonly items: readonly (Item | undefined)[];
  /** Ridge strength of the tower (default {@link DEFAULT_CONTENT_TOWER_REGULARIZATION}). */
  readonly regularization?: number;
}

/** What {@link fillColdItemsFromContent} returns. */
export interface ColdItemFill {
  /** `mf` with every item without signal embedded from its content (a copy when any was). */
  readonly mf: MfModel;
  /** The tower fitted on the items with signal; `null` when no item with content has any. */
  readonly contentTower: ContentTower | null;
}

/**
 * Gives the items a model carries no signal for (all-zero factor rows: catalog-only items, or
 * items outside a co-occurrence release's head) the embedding and bias a content tower predicts,
 * the tower being fitted on the items that have signal. The catalog is public, so this is
 * post-processing of the model.
 */
export function fillColdItemsFromContent(o: ColdItemFillOptions): ColdItemFill {
  const { mf, items } = o;
  const n = mf.numItems;
  const k = mf.factors;
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
  if (warmCount === 0) return { mf, contentTower: null };
  const contentTower = fitContentTower({
    items,
    itemFactors: mf.itemFactors,
    itemBias: mf.itemBias,
    factors: k,
    trainMask: warm,
    regularization: o.regularization ?? DEFAULT_CONTENT_TOWER_REGULARIZATION,
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
  return { mf: { ...mf, itemFactors, itemBias }, contentTower };
}
