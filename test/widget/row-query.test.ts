import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/core/errors';
import type { RowRequest, RowResult } from '../../src/core/serve/row-types';
import { displayCatalogFrom } from '../../src/widget/display-catalog';
import {
  fetchRow,
  isFallbackSource,
  rowRequest,
  toRecommendedItems,
  type RowQuery,
  type RowRuntime,
} from '../../src/widget/row-query';

const BASE = 'https://shop.example/model/catalog.json';
const catalog = displayCatalogFrom(
  [
    { id: 'a', title: 'Lamp', price: 10, imageUrl: 'images/a.svg', url: '/p/a' },
    { id: 'b', title: 'Chair', imageUrl: 'javascript:alert(1)' },
    { id: 'h', title: 'Viewed thing' },
  ],
  BASE,
);

const query = (q: Partial<RowQuery>): RowQuery => ({
  type: 'for-you',
  itemIds: [],
  limit: 4,
  explain: false,
  ...q,
});

const result = (
  source: RowResult['source'],
  ids: string[],
  type: RowResult['type'] = 'for-you',
): RowResult => ({
  type,
  source,
  unknownItems: [],
  items: ids.map((id, index) => ({
    index,
    id,
    score: 1 - index / 10,
    reasons: [{ itemIndex: 9, itemId: 'h', weight: 1 }],
  })),
});

describe('rowRequest', () => {
  it('maps each row type, hides out-of-stock items and asks for reasons only with explain', () => {
    expect(rowRequest(query({ explain: true }))).toEqual({
      type: 'for-you',
      history: [],
      k: 4,
      maxReasons: 1,
      filters: { inStockOnly: true },
    });
    expect(rowRequest(query({ type: 'similar', itemIds: ['x', 'y'] }))).toMatchObject({
      type: 'similar',
      itemId: 'x',
      maxReasons: 0,
    });
    expect(rowRequest(query({ type: 'bought-together', itemIds: ['x', '', 'y'] }))).toMatchObject({
      type: 'bought-together',
      itemIds: ['x', 'y'],
    });
    expect(rowRequest(query({ type: 'trending', limit: 2 }))).toMatchObject({
      type: 'trending',
      k: 2,
    });
  });

  it('refuses anchored rows without anchors and bad limits', () => {
    expect(() => rowRequest(query({ type: 'similar' }))).toThrow(OptionError);
    expect(() => rowRequest(query({ type: 'bought-together', itemIds: [''] }))).toThrow(
      /comma-separated/,
    );
    expect(() => rowRequest(query({ limit: 0 }))).toThrow(/limit must be an integer/);
    expect(() => rowRequest(query({ limit: 51 }))).toThrow(OptionError);
  });
});

describe('toRecommendedItems', () => {
  it('adds titles, prices, safe absolute URLs, ranks and reason titles', () => {
    const items = toRecommendedItems(result('personal', ['a', 'b', 'zz']), catalog, {});
    expect(items[0]).toEqual({
      id: 'a',
      title: 'Lamp',
      price: 10,
      imageUrl: 'https://shop.example/model/images/a.svg',
      url: 'https://shop.example/p/a',
      rank: 1,
      score: 1,
      source: 'personal',
      reasons: [{ itemId: 'h', title: 'Viewed thing', weight: 1 }],
    });
    expect(items[1]).toMatchObject({ id: 'b', title: 'Chair', rank: 2 });
    expect(items[1]!.imageUrl).toBeUndefined();
    expect(items[2]).toMatchObject({ id: 'zz', title: 'zz', rank: 3 });
  });

  it('drops items under the threshold (re-ranking the rest) and resolves image-base', () => {
    const items = toRecommendedItems(result('personal', ['a', 'b', 'h']), catalog, {
      threshold: 0.85,
      imageBase: '/demo/',
    });
    expect(items.map((i) => [i.id, i.rank])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(items[0]!.imageUrl).toBe('https://shop.example/demo/images/a.svg');
  });
});

describe('fetchRow', () => {
  const runtime = (
    answers: Partial<Record<RowRequest['type'], RowResult>>,
  ): RowRuntime & { asked: RowRequest[] } => {
    const asked: RowRequest[] = [];
    return {
      asked,
      recommend: async (request) => {
        asked.push(request);
        return answers[request.type] ?? result('none', [], request.type);
      },
      catalog: async () => catalog,
    };
  };

  it('keeps the engine fallback by default and hides it with fallback: false', async () => {
    const rt = runtime({ 'for-you': result('fallback-trending', ['a', 'b']) });
    expect((await fetchRow(rt, query({}))).source).toBe('fallback-trending');
    const strict = await fetchRow(rt, query({ fallback: false }));
    expect(strict).toEqual({ type: 'for-you', source: 'none', items: [] });
    const personal = runtime({ 'for-you': result('personal', ['a']) });
    expect((await fetchRow(personal, query({ fallback: false }))).items).toHaveLength(1);
  });

  it('asks the named row when the row is empty', async () => {
    const rt = runtime({ popular: result('popularity', ['b', 'a'], 'popular') });
    const view = await fetchRow(
      rt,
      query({ type: 'similar', itemIds: ['q'], fallback: 'popular' }),
    );
    expect(rt.asked.map((r) => r.type)).toEqual(['similar', 'popular']);
    expect(view).toMatchObject({ type: 'similar', source: 'fallback-popularity' });
    expect(view.items.map((i) => i.id)).toEqual(['b', 'a']);
  });

  it('names fallback sources', () => {
    expect(isFallbackSource('fallback-category')).toBe(true);
    expect(isFallbackSource('none')).toBe(true);
    expect(isFallbackSource('trending')).toBe(false);
    expect(isFallbackSource('personal')).toBe(false);
  });
});
