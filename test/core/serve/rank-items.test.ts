import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../../../src/core/data/vocabulary';
import { OptionError } from '../../../src/core/errors';
import { createAnchorExplainer } from '../../../src/core/serve/explain';
import type { Catalog } from '../../../src/core/serve/filters';
import { rankItems } from '../../../src/core/serve/rank-items';
import { fullSortOrder, handBuiltModel, randomModel } from './serve-fixtures';

const ids = Vocabulary.from(['a', 'b', 'c', 'd', 'e', 'f']);
const scores = Float32Array.from([0.1, 0.9, 0.5, 0.7, 0.3, 0.8]);
const catalog: Catalog = [
  { id: 'a', category: ['Books'], price: 10 },
  { id: 'b', category: ['Games'], price: 60, inStock: false },
  { id: 'c', category: ['Books'], price: 15 },
  { id: 'd', category: ['Games'], price: 40 },
  undefined,
  { id: 'f', category: ['Books', 'Comics'], price: 8 },
];

describe('rankItems', () => {
  it('returns the top k by score with ids and scores', () => {
    const ranked = rankItems({ scores, k: 3, itemIds: ids });
    expect(ranked.map((r) => r.id)).toEqual(['b', 'f', 'd']);
    expect(ranked[0]).toMatchObject({ index: 1, score: scores[1], reasons: [] });
  });

  it('applies exclusions and filters together', () => {
    const ranked = rankItems({
      scores,
      k: 3,
      itemIds: ids,
      exclude: new Set([5]),
      catalog,
      filters: { categoryPrefix: ['Books'] },
    });
    expect(ranked.map((r) => r.id)).toEqual(['c', 'a']);
    const cheapInStock = rankItems({
      scores,
      k: 10,
      itemIds: ids,
      catalog,
      filters: { maxPrice: 50, inStockOnly: true },
    });
    expect(cheapInStock.map((r) => r.id)).toEqual(['f', 'd', 'c', 'a']);
  });

  it('with diversity λ = 1 equals plain ranking', () => {
    const model = randomModel(300, 8, 9);
    const many = new Float32Array(300);
    for (let i = 0; i < 300; i++) many[i] = Math.cos(i * 0.37);
    const manyIds = Vocabulary.from(Array.from({ length: 300 }, (_, i) => `item-${i}`));
    const plain = rankItems({ scores: many, k: 10, itemIds: manyIds });
    const mmr = rankItems({
      scores: many,
      k: 10,
      itemIds: manyIds,
      diversity: { lambda: 1, table: model },
    });
    expect(mmr).toEqual(plain);
    expect(plain.map((r) => r.index)).toEqual(fullSortOrder(many).slice(0, 10));
  });

  it('with diversity λ < 1 replaces a near-duplicate by a different item', () => {
    const model = handBuiltModel([
      [1, 0],
      [0.99, 0.1],
      [0, 1],
    ]);
    const three = Vocabulary.from(['x', 'x-again', 'y']);
    const s = Float32Array.from([1, 0.95, 0.9]);
    const ranked = rankItems({
      scores: s,
      k: 2,
      itemIds: three,
      diversity: { lambda: 0.5, table: model },
    });
    expect(ranked.map((r) => r.id)).toEqual(['x', 'y']);
    expect(ranked[1]!.score).toBeCloseTo(0.9, 6);
  });

  it('attaches the explainer reasons to each item', () => {
    const ranked = rankItems({
      scores,
      k: 1,
      itemIds: ids,
      explainer: createAnchorExplainer({ anchors: [0], itemIds: ids }),
    });
    expect(ranked[0]!.reasons).toEqual([{ itemIndex: 0, itemId: 'a', weight: 1 }]);
  });

  it('rejects bad k, λ, pool size, and more scores than ids', () => {
    const model = randomModel(6, 2, 1);
    expect(() => rankItems({ scores, k: 0, itemIds: ids })).toThrow(OptionError);
    expect(() =>
      rankItems({ scores, k: 2, itemIds: ids, diversity: { lambda: 2, table: model } }),
    ).toThrow(/lambda/);
    expect(() =>
      rankItems({
        scores,
        k: 2,
        itemIds: ids,
        diversity: { lambda: 0.5, table: model, poolSize: 0 },
      }),
    ).toThrow(OptionError);
    expect(() => rankItems({ scores, k: 2, itemIds: Vocabulary.from(['a']) })).toThrow(OptionError);
  });
});
