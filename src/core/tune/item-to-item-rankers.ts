import type { AnchorRanker } from '../eval/item-to-item';
import type { ItemToItemSources, ItemToItemWeights } from '../serve/item-to-item-scores';
import { addScaledBias, itemToItemScores } from '../serve/item-to-item-scores';
import { topKIndices } from '../eval/top-k-indices';
import type { SparseNeighbors } from '../models/sparse-neighbors';
import type { Catalog } from '../serve/filters';
import { coOccurrenceScores, sameCategoryScores } from '../serve/row-sources';

/** Each source alone at weight 1, in the order of {@link ItemToItemWeights}. */
const UNIT_SOURCES: readonly ItemToItemWeights[] = [
  { embedding: 1, coOccurrence: 0, content: 0 },
  { embedding: 0, coOccurrence: 1, content: 0 },
  { embedding: 0, coOccurrence: 0, content: 1 },
];

/**
 * The similar row of every blend of `grid` as an {@link AnchorRanker} (keyed by grid position),
 * ranked as the served row ranks it (by score, ties to the lower index, the anchor excluded). The blend is linear in its sources, so each source's
 * similarity to an anchor is computed once (by the served `itemToItemScores`) and every blend
 * re-weights the three: trying many blends costs one pass over the items per blend, not one over
 * the factors. Where the served row would not use the blend (the anchor has no embedding, or the
 * blend's sources have no data for it) the row comes from `fallback`: the served fallbacks.
 * Rankers are cheapest when consecutive calls share the anchor.
 */
export function blendRankers(
  sources: ItemToItemSources,
  grid: readonly ItemToItemWeights[],
  numItems: number,
  fallback: AnchorRanker,
): Record<string, AnchorRanker> {
  const parts = UNIT_SOURCES.map(() => new Float32Array(numItems));
  const evidence = new Int32Array(UNIT_SOURCES.length);
  const scores = new Float32Array(numItems);
  const candidate = new Uint8Array(numItems).fill(1);
  const marker = { tags: new Uint8Array(0) };
  const { table, norms } = sources;
  let loaded = -1;
  const load = (anchor: number): void => {
    if (anchor === loaded) return;
    UNIT_SOURCES.forEach((unit, s) => {
      evidence[s] = itemToItemScores(
        sources,
        unit,
        [{ item: anchor, share: 1 }],
        parts[s]!,
        marker,
      );
    });
    loaded = anchor;
  };
  const [e, c, t] = parts as [Float32Array, Float32Array, Float32Array];
  // The bias term does not depend on the anchor: scaled once.
  const b = new Float32Array(numItems);
  if (table?.itemBias !== undefined) addScaledBias(table.itemBias, table.numItems, 1, b);
  const blend = (we: number, wc: number, wt: number, wb: number): void => {
    for (let i = 0; i < numItems; i++)
      scores[i] = we * e[i]! + wc * c[i]! + wt * t[i]! + wb * b[i]!;
  };
  const rankers: Record<string, AnchorRanker> = {};
  grid.forEach((w, j) => {
    rankers[String(j)] = (anchor, k) => {
      const embedded = table !== undefined && anchor < table.numItems && norms![anchor]! > 0;
      if (!embedded) return fallback(anchor, k);
      load(anchor);
      const used =
        (w.embedding > 0 ? evidence[0]! : 0) +
        (w.coOccurrence > 0 ? evidence[1]! : 0) +
        (w.content > 0 ? evidence[2]! : 0);
      if (used === 0) return fallback(anchor, k);
      blend(w.embedding, w.coOccurrence, w.content, w.itemBias ?? 0);
      return topExcept(scores, candidate, anchor, k);
    };
  });
  return rankers;
}

/** What the served similar row falls back on (see {@link servedFallbacks}). */
export interface FallbackSources {
  readonly numItems: number;
  readonly coOccurrence: SparseNeighbors;
  readonly trending: Float32Array;
  readonly catalog?: Catalog;
}

/**
 * The served similar row when its blend has nothing for the anchor, from the same building blocks
 * (`row-sources`): the anchor's co-occurring items, else its category's items by trending, else
 * trending.
 */
export function servedFallbacks(o: FallbackSources): AnchorRanker {
  const scores = new Float32Array(o.numItems);
  const candidate = new Uint8Array(o.numItems).fill(1);
  return (anchor, k) => {
    const found =
      coOccurrenceScores(o.coOccurrence, [anchor], scores) > 0 ||
      (o.catalog !== undefined && sameCategoryScores(o.catalog, anchor, o.trending, scores) > 0);
    if (!found) scores.set(o.trending.subarray(0, o.numItems));
    return topExcept(scores, candidate, anchor, k);
  };
}

/** The k best of `scores` among `candidate` (all 1s), the anchor left out; `candidate` is restored. */
function topExcept(scores: Float32Array, candidate: Uint8Array, anchor: number, k: number) {
  candidate[anchor] = 0;
  const top = topKIndices(scores, candidate, k);
  candidate[anchor] = 1;
  return top;
}
