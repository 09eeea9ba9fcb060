import { describe, expect, it } from 'vitest';
import { DEFAULT_EVENT_WEIGHTS } from '../../../src/core/data/types';
import { Vocabulary } from '../../../src/core/data/vocabulary';
import { OptionError } from '../../../src/core/errors';
import { createFoldInContext, foldInUser } from '../../../src/core/models/mf/fold-in';
import type { SparseNeighbors } from '../../../src/core/models/sparse-neighbors';
import type { Catalog } from '../../../src/core/serve/filters';
import type { RowRecommenderOptions } from '../../../src/core/serve/row-recommender';
import { createRowRecommender } from '../../../src/core/serve/row-recommender';
import type { RowRequest } from '../../../src/core/serve/row-types';
import { scoreItems } from '../../../src/core/serve/score-items';
import { fullSortOrder, handBuiltModel } from './serve-fixtures';

const ids = Vocabulary.from([
  'tent',
  'sleeping-bag',
  'stove',
  'kettle',
  'mug',
  'novel',
  'cold-lamp', // cold item: content-tower embedding, no interactions
  'no-embedding', // cold item without an embedding
  'new-arrival', // added to the vocabulary after the model was trained
]);
const camping = ['Outdoor', 'Camping'];
const catalog: Catalog = [
  { id: 'tent', category: camping, price: 200 },
  { id: 'sleeping-bag', category: camping, price: 80 },
  { id: 'stove', category: ['Outdoor', 'Cooking'], price: 60 },
  { id: 'kettle', category: ['Home', 'Kitchen'], price: 30 },
  { id: 'mug', category: ['Home', 'Kitchen'], price: 8 },
  { id: 'novel', category: ['Books'], price: 12 },
  { id: 'cold-lamp', category: camping, price: 25 },
  { id: 'no-embedding', category: camping },
  { id: 'new-arrival', category: camping, price: 40 },
];
/** Item factors of the catalogue above (the last two rows: cold lamp's and no embedding). */
const factors = [
  [1, 0, 0],
  [0.9, 0.2, 0],
  [0.5, 0.5, 0],
  [0.1, 1, 0],
  [0, 0.9, 0.3],
  [0, 0, 1],
  [0.95, 0.05, 0.1],
  [0, 0, 0],
];
const mf = handBuiltModel(factors);
/** tent→{stove, sleeping-bag}, stove→{kettle, tent}, kettle→{mug, stove}, no-embedding→{tent}. */
const coOccurrence: SparseNeighbors = {
  numItems: 9,
  indptr: Int32Array.from([0, 2, 2, 4, 6, 6, 6, 6, 7, 7]),
  indices: Int32Array.from([2, 1, 3, 0, 4, 2, 0]),
  scores: Float32Array.from([0.6, 0.5, 0.7, 0.6, 0.8, 0.7, 0.4]),
};
const trending = Float32Array.from([0.1, 0.2, 0.3, 0.9, 0.5, 0.8, 0, 0.05, 0.4]);
const popularity = Float32Array.from([50, 40, 30, 20, 10, 5, 0, 0, 1]);
const full: RowRecommenderOptions = {
  itemIds: ids,
  catalog,
  mf,
  coOccurrence,
  trending,
  popularity,
};

function idsOf(result: { items: readonly { id: string }[] }): string[] {
  return result.items.map((r) => r.id);
}

describe('for-you row', () => {
  const history = [
    { itemId: 'tent', type: 'purchase' as const },
    { itemId: 'sleeping-bag', type: 'view' as const },
    { itemId: 'ghost', type: 'view' as const },
  ];

  const foldInOnly: RowRecommenderOptions = {
    ...full,
    shortHistory: { pivot: 0, recencyDecay: 1, maxAnchors: 1, foldInDecay: 1 },
  };

  it('ranks by the folded-in user, excludes history, explains, and lists unknown ids', () => {
    const row = createRowRecommender(foldInOnly).recommend({ type: 'for-you', history, k: 3 });
    expect(row.source).toBe('personal');
    expect(row.unknownItems).toEqual(['ghost']);
    const fold = foldInUser(createFoldInContext(mf), [
      { item: 0, weight: DEFAULT_EVENT_WEIGHTS.purchase },
      { item: 1, weight: DEFAULT_EVENT_WEIGHTS.view },
    ]);
    const expected = fullSortOrder(scoreItems(fold.vector, mf))
      .filter((i) => i > 1)
      .slice(0, 3);
    expect(row.items.map((r) => r.index)).toEqual(expected);
    expect(row.items[0]!.id).toBe('cold-lamp');
    expect(row.items[0]!.reasons[0]!.itemId).toBe('tent');
  });

  it('leans on item-to-item similarity for a short history, and explains with real shares', () => {
    // A popular item (big bias) wins the pure fold-in of one view of the stove.
    const biased = handBuiltModel(factors, [0, 0, 0, 0, 0, 5, 0, 0]);
    const request: RowRequest = { type: 'for-you', history: [{ itemId: 'stove' }], k: 2 };
    const plain = createRowRecommender({ ...foldInOnly, mf: biased }).recommend(request);
    expect(idsOf(plain)[0]).toBe('novel');
    const leaning = { pivot: 3, recencyDecay: 0.3, maxAnchors: 8, foldInDecay: 1 };
    const row = createRowRecommender({ ...full, mf: biased, shortHistory: leaning }).recommend(
      request,
    );
    // Co-occurrence lists kettle and tent next to the stove.
    expect(idsOf(row)).toEqual(['kettle', 'tent']);
    expect(row.items[0]!.reasons).toEqual([{ itemIndex: 2, itemId: 'stove', weight: 1 }]);
    const two = createRowRecommender({ ...full, mf: biased }).recommend({
      type: 'for-you',
      history: [{ itemId: 'stove' }, { itemId: 'novel' }],
      k: 4,
    });
    for (const item of two.items) {
      const total = item.reasons.reduce((s, r) => s + r.weight, 0);
      expect(item.reasons.every((r) => r.weight >= 0.05)).toBe(true);
      if (item.reasons.length > 0) expect(total).toBeCloseTo(1, 6);
    }
  });

  it('falls back to trending, then popularity, then nothing when there is no history', () => {
    const empty: RowRequest = { type: 'for-you', history: [], k: 2 };
    const trendingRow = createRowRecommender(full).recommend(empty);
    expect(trendingRow.source).toBe('fallback-trending');
    expect(idsOf(trendingRow)).toEqual(['kettle', 'novel']);
    const { trending: _t, ...withoutTrending } = full;
    const popularRow = createRowRecommender(withoutTrending).recommend(empty);
    expect(popularRow.source).toBe('fallback-popularity');
    expect(idsOf(popularRow)).toEqual(['tent', 'sleeping-bag']);
    const bare = createRowRecommender({ itemIds: ids, mf }).recommend(empty);
    expect(bare).toEqual({ type: 'for-you', source: 'none', items: [], unknownItems: [] });
  });

  it('falls back when every history id is unknown or there is no MF model', () => {
    const unknownOnly = createRowRecommender(full).recommend({
      type: 'for-you',
      history: [{ itemId: 'ghost' }, { itemId: 'phantom' }, { itemId: 'ghost' }],
      k: 1,
    });
    expect(unknownOnly.source).toBe('fallback-trending');
    expect(unknownOnly.unknownItems).toEqual(['ghost', 'phantom']);
    const { mf: _m, ...withoutMf } = full;
    const noModel = createRowRecommender(withoutMf).recommend({ type: 'for-you', history, k: 3 });
    expect(noModel.source).toBe('fallback-trending');
    expect(idsOf(noModel)).not.toContain('tent');
  });

  it('keeps history items when excludeHistory is false, but never dismissed ones', () => {
    const row = createRowRecommender(full).recommend({
      type: 'for-you',
      history: [
        { itemId: 'tent', type: 'purchase' },
        { itemId: 'mug', type: 'view' },
        { itemId: 'mug', type: 'dismiss' },
      ],
      excludeHistory: false,
      k: 9,
    });
    expect(idsOf(row)).toContain('tent');
    expect(idsOf(row)).not.toContain('mug');
  });

  it('skips explanations when maxReasons is 0', () => {
    const row = createRowRecommender(full).recommend({
      type: 'for-you',
      history,
      k: 2,
      maxReasons: 0,
    });
    expect(row.items.every((r) => r.reasons.length === 0)).toBe(true);
  });
});

describe('for-you row of a neighbour family', () => {
  // Pure neighbour scoring (what tuning ships when EASE or ItemKNN wins): MF weight 0.
  // Row i lists the history items that speak for i: kettle ← stove, mug ← kettle (0.3) + tent (0.9).
  const lists: SparseNeighbors = {
    numItems: 9,
    indptr: Int32Array.from([0, 0, 0, 0, 1, 3, 3, 3, 3, 3]),
    indices: Int32Array.from([2, 3, 0]),
    scores: Float32Array.from([1, 0.3, 0.9]),
  };
  const neighbours: RowRecommenderOptions = {
    ...full,
    neighborScoring: { lists, mfWeight: 0, neighborWeight: 1 },
    shortHistory: { pivot: 0, recencyDecay: 1, maxAnchors: 1, foldInDecay: 1 },
  };

  it('explains its rows by the neighbour evidence of each history item', () => {
    const history = [
      { itemId: 'tent', type: 'view' as const },
      { itemId: 'kettle', type: 'view' as const },
    ];
    const row = createRowRecommender(neighbours).recommend({ type: 'for-you', history, k: 1 });
    expect(row.source).toBe('personal');
    expect(idsOf(row)).toEqual(['mug']);
    const reasons = row.items[0]!.reasons;
    expect(reasons.map((r) => r.itemId)).toEqual(['tent', 'kettle']);
    expect(reasons[0]!.weight).toBeCloseTo(0.9 / 1.2, 5);
    expect(reasons[1]!.weight).toBeCloseTo(0.3 / 1.2, 5);
  });
});

describe('similar row', () => {
  const cosineOnly: RowRecommenderOptions = {
    ...full,
    itemToItem: { embedding: 1, coOccurrence: 0, content: 0 },
  };

  it('returns the nearest items by embedding cosine, with the anchor as the reason', () => {
    const row = createRowRecommender(cosineOnly).recommend({
      type: 'similar',
      itemId: 'tent',
      k: 3,
    });
    expect(row.source).toBe('similar');
    expect(idsOf(row)).toEqual(['cold-lamp', 'sleeping-bag', 'stove']);
    expect(row.items[0]!.score).toBeCloseTo(0.95 / Math.hypot(0.95, 0.05, 0.1), 5);
    expect(row.items[0]!.reasons).toEqual([{ itemIndex: 0, itemId: 'tent', weight: 1 }]);
  });

  it('works for a cold item that only has a content-tower embedding', () => {
    const row = createRowRecommender(full).recommend({
      type: 'similar',
      itemId: 'cold-lamp',
      k: 1,
    });
    expect(row.source).toBe('similar');
    expect(idsOf(row)).toEqual(['tent']);
  });

  it('falls back to co-occurrence, then the same category, for an item without embedding', () => {
    const recommender = createRowRecommender(full);
    const row = recommender.recommend({ type: 'similar', itemId: 'no-embedding', k: 3 });
    expect(row.source).toBe('fallback-co-occurrence');
    expect(idsOf(row)).toEqual(['tent']);
    const fuller = recommender.recommend({
      type: 'similar',
      itemId: 'no-embedding',
      k: 3,
      minItems: 3,
    });
    expect(fuller.source).toBe('fallback-category');
    // Same category, by trending: new-arrival 0.4, sleeping-bag 0.2, tent 0.1.
    expect(idsOf(fuller)).toEqual(['new-arrival', 'sleeping-bag', 'tent']);
    expect(fuller.items[0]!.reasons[0]!.itemId).toBe('no-embedding');
  });

  it('uses the category for an item newer than the model', () => {
    const row = createRowRecommender(full).recommend({
      type: 'similar',
      itemId: 'new-arrival',
      k: 2,
    });
    expect(row.source).toBe('fallback-category');
    expect(idsOf(row)).toEqual(['sleeping-bag', 'tent']);
  });

  it('falls back to trending for an unknown item and lists it', () => {
    const row = createRowRecommender(full).recommend({ type: 'similar', itemId: 'ghost', k: 1 });
    expect(row.source).toBe('fallback-trending');
    expect(row.unknownItems).toEqual(['ghost']);
    expect(idsOf(row)).toEqual(['kettle']);
  });

  it('blends cosine with co-occurrence and the catalog', () => {
    const weights = { embedding: 1, coOccurrence: 1, content: 0.5 };
    const row = createRowRecommender({ ...full, itemToItem: weights }).recommend({
      type: 'similar',
      itemId: 'tent',
      k: 3,
    });
    expect(row.source).toBe('similar');
    // Cosine + co-occurrence + 0.5 × category overlap: sleeping-bag 0.976 + 0.5 + 0.5, stove
    // 0.707 + 0.6 + 0.25 (shares 'Outdoor' only), cold-lamp 0.993 + 0 + 0.5 (never co-occurred).
    expect(idsOf(row)).toEqual(['sleeping-bag', 'stove', 'cold-lamp']);
    const cosine = 0.9 / Math.hypot(0.9, 0.2);
    expect(row.items[0]!.score).toBeCloseTo(cosine + 0.5 + 0.5, 5);
    expect(row.items[0]!.reasons).toEqual([{ itemIndex: 0, itemId: 'tent', weight: 1 }]);
  });

  it('with diversity λ = 1 equals the plain row, and λ < 1 still returns k items', () => {
    const recommender = createRowRecommender(cosineOnly);
    const plain = recommender.recommend({ type: 'similar', itemId: 'tent', k: 3 });
    const same = recommender.recommend({
      type: 'similar',
      itemId: 'tent',
      k: 3,
      diversity: { lambda: 1 },
    });
    expect(same).toEqual(plain);
    const diverse = recommender.recommend({
      type: 'similar',
      itemId: 'tent',
      k: 3,
      diversity: { lambda: 0.3 },
    });
    expect(diverse.items).toHaveLength(3);
    expect(diverse.items[0]!.id).toBe('cold-lamp');
    expect(idsOf(diverse)).not.toEqual(idsOf(plain));
  });
});

describe('bought-together row', () => {
  it('ranks co-occurrence neighbours of the basket first, excluding the basket, then fills the row with related items', () => {
    const row = createRowRecommender(full).recommend({
      type: 'bought-together',
      itemIds: ['tent', 'stove'],
      k: 5,
    });
    expect(row.source).toBe('co-occurrence');
    expect(idsOf(row).slice(0, 2)).toEqual(['kettle', 'sleeping-bag']);
    expect(row.items[0]!.reasons).toEqual([{ itemIndex: 2, itemId: 'stove', weight: 1 }]);
    // Filled, never above a bought-together item, never the basket itself.
    expect(row.items.length).toBeGreaterThan(2);
    const weakest = Math.min(row.items[0]!.score, row.items[1]!.score);
    for (const item of row.items.slice(2)) {
      expect(item.score).toBeLessThan(weakest);
      expect(['tent', 'stove']).not.toContain(item.id);
    }
    const plain = createRowRecommender({
      ...full,
      itemToItem: { embedding: 0, coOccurrence: 1, content: 0 },
    });
    expect(
      idsOf(plain.recommend({ type: 'bought-together', itemIds: ['tent', 'stove'], k: 5 })),
    ).toEqual(['kettle', 'sleeping-bag']);
  });

  it('sums evidence over several basket items and shares the reasons', () => {
    const row = createRowRecommender(full).recommend({
      type: 'bought-together',
      itemIds: ['tent', 'kettle'],
      k: 1,
    });
    expect(idsOf(row)).toEqual(['stove']);
    expect(row.items[0]!.score).toBeCloseTo(1.3, 5);
    const [first, second] = row.items[0]!.reasons;
    expect(first).toMatchObject({ itemId: 'kettle' });
    expect(first!.weight).toBeCloseTo(0.7 / 1.3, 5);
    expect(second).toMatchObject({ itemId: 'tent' });
  });

  it('falls back to similar items, then trending', () => {
    const recommender = createRowRecommender(full);
    const similar = recommender.recommend({ type: 'bought-together', itemIds: ['novel'], k: 2 });
    expect(similar.source).toBe('fallback-similar');
    expect(idsOf(similar)).toEqual(['mug', 'cold-lamp']);
    const unknown = recommender.recommend({ type: 'bought-together', itemIds: ['ghost'], k: 1 });
    expect(unknown.source).toBe('fallback-trending');
    expect(unknown.unknownItems).toEqual(['ghost']);
  });
});

describe('trending and popular rows', () => {
  it('rank by trending, honour exclusions and filters, fall back to popularity', () => {
    const recommender = createRowRecommender(full);
    expect(idsOf(recommender.recommend({ type: 'trending', k: 2 }))).toEqual(['kettle', 'novel']);
    expect(
      idsOf(recommender.recommend({ type: 'trending', k: 2, exclude: ['kettle', 'unknown-id'] })),
    ).toEqual(['novel', 'mug']);
    const kitchen = recommender.recommend({
      type: 'trending',
      k: 5,
      filters: { categoryPrefix: ['Home', 'Kitchen'] },
    });
    expect(idsOf(kitchen)).toEqual(['kettle', 'mug']);
    const { trending: _t, ...withoutTrending } = full;
    const fallback = createRowRecommender(withoutTrending).recommend({ type: 'trending', k: 1 });
    expect(fallback.source).toBe('fallback-popularity');
    const popular = recommender.recommend({ type: 'popular', k: 1 });
    expect(popular.source).toBe('popularity');
    expect(idsOf(popular)).toEqual(['tent']);
  });
});

describe('recommender errors', () => {
  const recommender = createRowRecommender(full);

  it('rejects k ≤ 0, λ outside [0, 1], bad weights and unknown row types', () => {
    expect(() => recommender.recommend({ type: 'trending', k: 0 })).toThrow(OptionError);
    expect(() =>
      recommender.recommend({ type: 'trending', k: 2, diversity: { lambda: 1.5 } }),
    ).toThrow(OptionError);
    expect(() =>
      recommender.recommend({ type: 'for-you', k: 2, history: [{ itemId: 'tent', weight: NaN }] }),
    ).toThrow(/history\[0\]\.weight/);
    expect(() => recommender.recommend({ type: 'trending', k: 2, minItems: 3 })).toThrow(
      /minItems/,
    );
    expect(() => recommender.recommend({ type: 'shelf', k: 2 } as unknown as RowRequest)).toThrow(
      OptionError,
    );
  });

  it('rejects field filters without a catalog even when no source has data', () => {
    const bare = createRowRecommender({ itemIds: ids });
    expect(() => bare.recommend({ type: 'trending', k: 2, filters: { minPrice: 10 } })).toThrow(
      OptionError,
    );
  });

  it('rejects models built for a larger vocabulary', () => {
    expect(() => createRowRecommender({ itemIds: Vocabulary.from(['tent']), mf })).toThrow(
      /mf.numItems/,
    );
  });
});
