import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle } from '../../../src/core/bundle/bundle-file';
import { alignCatalog, createBundleRecommender } from '../../../src/core/bundle/bundle-recommender';
import type { ModelBundle } from '../../../src/core/bundle/model-bundle';
import { trainModelBundle } from '../../../src/core/bundle/train-bundle';
import { Vocabulary } from '../../../src/core/data/vocabulary';
import type { RowRecommender } from '../../../src/core/serve/row-recommender';
import { SMALL_BUNDLE, clusterOf, smallBundleData } from '../../fixtures/synthetic';

const { items, clusters, extra } = SMALL_BUNDLE;
const { dataset, catalog } = smallBundleData();
let bundle: ModelBundle;
let recommender: RowRecommender;

beforeAll(async () => {
  const trained = await trainModelBundle({ dataset, catalog, mf: { factors: 8, epochs: 6 } });
  // Serve from a decoded copy: what a storefront loads.
  bundle = decodeBundle(encodeBundle(trained));
  recommender = createBundleRecommender({ bundle, catalog: [...catalog].reverse() });
});

const cluster = (id: string): number => clusterOf(Number(id.slice(1)), clusters);
/** Share of `ids` in cluster `c`. */
const share = (ids: readonly string[], c: number): number =>
  ids.filter((id) => cluster(id) === c).length / ids.length;

describe('createBundleRecommender', () => {
  it('serves personal for-you rows from a history, explained by history items', () => {
    const history = ['i0', 'i4', 'i8', 'i12'];
    const row = recommender.recommend({
      type: 'for-you',
      history: history.map((itemId) => ({ itemId, type: 'purchase' as const })),
      k: 5,
    });
    expect(row.source).toBe('personal');
    expect(row.items).toHaveLength(5);
    const ids = row.items.map((r) => r.id);
    for (const h of history) expect(ids).not.toContain(h);
    expect(share(ids, 0)).toBeGreaterThanOrEqual(0.8);
    for (let r = 1; r < row.items.length; r++) {
      expect(row.items[r]!.score).toBeLessThanOrEqual(row.items[r - 1]!.score);
    }
    const reasons = row.items.flatMap((r) => r.reasons.map((x) => x.itemId));
    expect(reasons.length).toBeGreaterThan(0);
    for (const id of reasons) expect(history).toContain(id);
  });

  it('serves similar rows for warm and catalog-only (cold) items', () => {
    const warm = recommender.recommend({ type: 'similar', itemId: 'i1', k: 5 });
    expect(warm.source).toBe('similar');
    expect(warm.items.map((r) => r.id)).not.toContain('i1');
    expect(
      share(
        warm.items.map((r) => r.id),
        1,
      ),
    ).toBeGreaterThanOrEqual(0.8);
    const coldId = `i${items + 2}`;
    const cold = recommender.recommend({ type: 'similar', itemId: coldId, k: 5 });
    expect(cold.source).toBe('similar');
    expect(
      share(
        cold.items.map((r) => r.id),
        cluster(coldId),
      ),
    ).toBeGreaterThanOrEqual(0.6);
  });

  it('can recommend catalog-only items', () => {
    // For-you rows of the clusters reach items that only the content tower placed.
    const ids = new Set<string>();
    for (let c = 0; c < clusters; c++) {
      const history = [c, c + clusters, c + 2 * clusters].map((i) => ({ itemId: `i${i}` }));
      for (const r of recommender.recommend({ type: 'for-you', history, k: 15 }).items)
        ids.add(r.id);
    }
    const coldIds = Array.from({ length: extra }, (_, j) => `i${items + j}`);
    expect(coldIds.some((id) => ids.has(id))).toBe(true);
  });

  it('serves bought-together, trending and popular rows', () => {
    const together = recommender.recommend({ type: 'bought-together', itemIds: ['i2'], k: 4 });
    expect(['co-occurrence', 'fallback-similar']).toContain(together.source);
    expect(together.items.length).toBeGreaterThan(0);
    expect(together.items.map((r) => r.id)).not.toContain('i2');

    const trending = recommender.recommend({ type: 'trending', k: 3 });
    expect(trending.source).toBe('trending');
    expect(trending.items).toHaveLength(3);

    const popular = recommender.recommend({ type: 'popular', k: 5 });
    expect(popular.source).toBe('popularity');
    const byPopularity = Array.from(bundle.popularity, (p, i) => ({ p, i }))
      .sort((a, b) => b.p - a.p || a.i - b.i)
      .slice(0, 5)
      .map((x) => bundle.itemIds[x.i]);
    expect(popular.items.map((r) => r.id)).toEqual(byPopularity);
  });

  it('reports unknown ids and falls back without history', () => {
    const row = recommender.recommend({
      type: 'for-you',
      history: [{ itemId: 'nope' }],
      k: 3,
    });
    expect(row.unknownItems).toEqual(['nope']);
    expect(row.source).toBe('fallback-trending');
    expect(row.items).toHaveLength(3);
  });

  it('applies catalog filters through the aligned catalog', () => {
    const row = recommender.recommend({
      type: 'popular',
      k: 5,
      filters: { categoryPrefix: ['Shop', 'cosmic-dept'] },
    });
    expect(row.items.length).toBeGreaterThan(0);
    for (const r of row.items) expect(cluster(r.id)).toBe(2);
  });

  it('works without a catalog', () => {
    const bare = createBundleRecommender({ bundle });
    const row = bare.recommend({ type: 'similar', itemId: 'i3', k: 3 });
    expect(row.items).toHaveLength(3);
    bare.dispose();
    expect(() => bare.recommend({ type: 'popular', k: 1 })).toThrow();
  });
});

describe('alignCatalog', () => {
  it('places items at their vocabulary index and ignores unknown ids', () => {
    const vocab = Vocabulary.from(['a', 'b', 'c']);
    const aligned = alignCatalog(vocab, [{ id: 'c' }, { id: 'zzz' }, { id: 'a', title: 'A' }]);
    expect(aligned).toEqual([{ id: 'a', title: 'A' }, undefined, { id: 'c' }]);
  });
});
