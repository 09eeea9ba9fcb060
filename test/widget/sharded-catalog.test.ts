import { describe, expect, it, vi } from 'vitest';
import { splitCatalogIntoShards } from '../../src/core/catalog/catalog-shard-writer';
import type { RowRequest, RowResult } from '../../src/core/serve/row-types';
import type { Recommender } from '../../src/worker/recommender-types';
import { displayCatalogOf, readCatalogSource } from '../../src/widget/display-catalog';
import { fetchRow } from '../../src/widget/row-query';
import { createWidgetRuntime } from '../../src/widget/shared-runtime';

const BASE = 'https://shop.example/model/';
const items = Array.from({ length: 200 }, (_, i) => ({
  id: `p${i}`,
  title: `Product ${i}`,
  price: i,
  imageUrl: `img/${i}.jpg`,
}));
const { index, files } = splitCatalogIntoShards({
  items,
  itemsPerShard: 20,
  nameShard: (_text, shard) => `shards/${shard}.json`,
});

/** A fetch serving the index and shards, counting requests per URL; `failing` URLs give 503. */
function shardServer(failing = new Set<string>()) {
  const bodies = new Map<string, string>([[`${BASE}catalog-index.json`, JSON.stringify(index)]]);
  for (const f of files) bodies.set(`${BASE}${f.name}`, f.text);
  const requests: string[] = [];
  const fetch = vi.fn(async (url: string) => {
    requests.push(url);
    const body = bodies.get(url);
    if (failing.has(url) || body === undefined) return new Response('', { status: 503 });
    return new Response(body);
  });
  return { fetch, requests };
}

/** A recommender whose rows are `ids` (reasons point at `reason`); records catalog imports. */
function rowsOf(ids: string[], reason: string) {
  const imported: string[] = [];
  const r = {
    ready: async () => undefined,
    recommend: async (request: RowRequest): Promise<RowResult> => ({
      type: request.type,
      source: 'personal',
      unknownItems: [],
      items: ids.map((id, i) => ({
        index: i,
        id,
        score: 1,
        reasons: [{ itemIndex: 0, itemId: reason, weight: 1 }],
      })),
    }),
    storage: async () => ({ catalogItems: 0, models: 1 }),
    importCatalog: async (text: string) => {
      imported.push(text);
      return {};
    },
    on: () => () => undefined,
    dispose: () => undefined,
  } as unknown as Recommender;
  return { r, imported };
}

const query = { type: 'for-you', itemIds: [], limit: 3, explain: true } as const;
const shardUrlOf = (id: string): string =>
  `${BASE}${files.find((f) => f.text.includes(`"id":"${id}"`))!.name}`;

describe('a sharded catalog-src', () => {
  it('is recognised by its index, and anything else stays a single file', () => {
    expect(readCatalogSource(JSON.stringify(index), `${BASE}catalog-index.json`)).toEqual({
      index,
    });
    expect(readCatalogSource('{"id":"a","kind":"hearth-catalog-index-ish"}', BASE)).toEqual({
      records: [{ id: 'a', kind: 'hearth-catalog-index-ish' }],
    });
    const newer = { ...index, version: 9 };
    const source = readCatalogSource(JSON.stringify(newer), `${BASE}catalog-index.json`);
    expect(() => displayCatalogOf(source, `${BASE}catalog-index.json`)).toThrow(
      /catalog index at https:\/\/shop\.example\/model\/catalog-index\.json .*"version" is 9/,
    );
  });

  it('loads only the shards holding the ids a row shows, once, and imports nothing whole', async () => {
    const server = shardServer();
    const rows = rowsOf(['p3', 'p150', 'p77'], 'p42');
    const runtime = createWidgetRuntime({
      catalogSrc: `${BASE}catalog-index.json`,
      createRecommender: () => rows.r,
      fetch: server.fetch,
    });
    const view = await fetchRow(runtime, query);
    expect(view.items.map((i) => i.title)).toEqual(['Product 3', 'Product 150', 'Product 77']);
    expect(view.items[0]!.imageUrl).toBe(`${BASE}img/3.jpg`);
    expect(view.items[0]!.reasons[0]!.title).toBe('Product 42');
    const wanted = new Set(['p3', 'p150', 'p77', 'p42'].map(shardUrlOf));
    expect(new Set(server.requests.slice(1))).toEqual(wanted);
    expect(server.requests.length).toBe(1 + wanted.size);
    expect(wanted.size).toBeLessThan(files.length);
    await fetchRow(runtime, query);
    expect(server.requests.length).toBe(1 + wanted.size); // cached in memory
    expect((await runtime.catalog()).size).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(rows.imported).toEqual([]);
    runtime.dispose();
  });

  it('a shard that cannot be downloaded fails the row naming it, and is fetched again next time', async () => {
    const failing = new Set([shardUrlOf('p3')]);
    const server = shardServer(failing);
    const runtime = createWidgetRuntime({
      catalogSrc: `${BASE}catalog-index.json`,
      createRecommender: () => rowsOf(['p3'], 'p3').r,
      fetch: server.fetch,
    });
    await expect(fetchRow(runtime, query)).rejects.toThrow(
      new RegExp(`${shardUrlOf('p3').replace(/[.]/g, '\\.')} \\(HTTP 503\\)`),
    );
    failing.clear();
    const view = await fetchRow(runtime, query);
    expect(view.items[0]!.title).toBe('Product 3');
    runtime.dispose();
  });
});
