import { OptionError } from '../errors';
import type { SparseNeighbors } from '../models/sparse-neighbors';
import type { ModelBundle } from './model-bundle';

/** Options of {@link headOfBundle}. */
export interface HeadOfBundleOptions {
  readonly bundle: ModelBundle;
  /** How many of the most popular items the head serves (the rest arrive with the full model). */
  readonly items: number;
  /** Address of the full model file, relative to the head file (e.g. `model.hearth`). */
  readonly fullModel: string;
}

/**
 * The head of a bundle: a complete bundle over its `items` most popular items (by distinct users,
 * ties by index), in that order, that names the full model file. A page downloads the small head,
 * shows rows from it at once, and swaps in the full model when it has arrived: the first rows can
 * only show head items, and history items outside the head count once the full model serves.
 * Neighbour lists keep the neighbours inside the head; the content tower is left out (it embeds
 * items added later, which the full model does).
 *
 * @throws OptionError when `items` is not a positive integer or the bundle is a head itself.
 */
export function headOfBundle(o: HeadOfBundleOptions): ModelBundle {
  const { bundle } = o;
  const n = bundle.itemIds.length;
  if (!Number.isSafeInteger(o.items) || o.items < 1) {
    throw new OptionError(`The head must hold a positive whole number of items (got ${o.items}).`);
  }
  if (bundle.head)
    throw new OptionError('This bundle is a head already; take the head of the full bundle.');
  const order = Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => bundle.popularity[b]! - bundle.popularity[a]! || a - b)
    .slice(0, Math.min(o.items, n));
  const newIndex = new Int32Array(n).fill(-1);
  order.forEach((old, i) => (newIndex[old] = i));
  const k = bundle.mf.factors;
  const itemFactors = new Float32Array(order.length * k);
  order.forEach((old, i) =>
    itemFactors.set(bundle.mf.itemFactors.subarray(old * k, old * k + k), i * k),
  );
  const pick = (values: Float32Array): Float32Array =>
    Float32Array.from(order, (old) => values[old]!);
  const { contentTowerState: _tower, neighborScoring, ...rest } = bundle;
  return {
    ...rest,
    itemIds: order.map((old) => bundle.itemIds[old]!),
    mf: { ...bundle.mf, numItems: order.length, itemFactors, itemBias: pick(bundle.mf.itemBias) },
    popularity: pick(bundle.popularity),
    trending: { ...bundle.trending, scores: pick(bundle.trending.scores) },
    coOccurrence: subsetNeighbors(bundle.coOccurrence, order, newIndex),
    contentTower: null,
    ...(neighborScoring
      ? {
          neighborScoring: {
            ...neighborScoring,
            lists: subsetNeighbors(neighborScoring.lists, order, newIndex),
          },
        }
      : {}),
    head: { fullModel: o.fullModel, totalItems: n },
  };
}

/** The lists of the `order` items, renumbered by `newIndex`, without neighbours outside them. */
function subsetNeighbors(
  lists: SparseNeighbors,
  order: readonly number[],
  newIndex: Int32Array,
): SparseNeighbors {
  const indptr = new Int32Array(order.length + 1);
  const indices: number[] = [];
  const scores: number[] = [];
  order.forEach((old, i) => {
    for (let p = lists.indptr[old]!; p < lists.indptr[old + 1]!; p++) {
      const j = newIndex[lists.indices[p]!]!;
      if (j < 0) continue;
      indices.push(j);
      scores.push(lists.scores[p]!);
    }
    indptr[i + 1] = indices.length;
  });
  return {
    numItems: order.length,
    indptr,
    indices: Int32Array.from(indices),
    scores: Float32Array.from(scores),
  };
}
