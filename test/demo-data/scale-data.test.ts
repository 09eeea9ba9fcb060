import { describe, expect, it } from 'vitest';
import { parseCatalog, parseInteractions } from '../../src/core/data/parse';
import { OptionError } from '../../src/core/errors';
import {
  generateCatalog,
  generateScaleData,
  streamCatalog,
  type ScaleDataOptions,
} from '../../src/core/demo-data';

/** The files of one generated shop, as text. */
function generate(options: ScaleDataOptions): {
  catalog: string;
  events: string;
  chunks: number;
  manifest: ReturnType<typeof generateScaleData>;
} {
  let catalog = '';
  let events = '';
  let chunks = 0;
  const manifest = generateScaleData(options, {
    catalog: (chunk) => (catalog += chunk),
    events: (chunk) => {
      events += chunk;
      chunks++;
    },
  });
  return { catalog, events, chunks, manifest };
}

describe('generateScaleData', () => {
  const options = { products: 3000, events: 40_000, seed: 5 };
  const shop = generate(options);
  const eventLines = shop.events.trimEnd().split('\n');

  it('writes exactly the requested events, in chunks, the same for any chunk size', () => {
    expect(eventLines[0]).toBe('user_id,item_id,event,timestamp');
    expect(eventLines).toHaveLength(options.events + 1);
    expect(shop.manifest.events).toBe(options.events);
    const chunked = generate({ ...options, chunkLines: 1000 });
    expect(chunked.chunks).toBeGreaterThan(40);
    expect(chunked.events).toBe(shop.events);
    expect(chunked.catalog).toBe(shop.catalog);
    expect(generate({ ...options, seed: 6 }).events).not.toBe(shop.events);
  });

  it('streams the demo catalog product for product (without image paths)', () => {
    const lines = shop.catalog.trimEnd().split('\n');
    expect(lines).toHaveLength(options.products);
    const demo = generateCatalog({ products: options.products, seed: options.seed });
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    const { imageUrl, attributes, ...fields } = demo.items[0]!;
    expect(imageUrl).toBeDefined();
    expect(first).toEqual({ ...fields, ...attributes });
    expect(first['imageUrl']).toBeUndefined();
    const stream = streamCatalog({ products: options.products, seed: options.seed });
    expect([...stream.products()].at(-1)).toEqual(demo.items.at(-1));
    expect(Array.from(stream.traits.appeal)).toEqual(Array.from(demo.traits.appeal));
  });

  it('reads back through the parsers without a rejected row', async () => {
    const { dataset, report } = await parseInteractions(shop.events);
    expect(report.rejectedRows).toBe(0);
    expect(report.acceptedRows).toBe(options.events);
    expect(dataset.userVocab.size).toBe(shop.manifest.shoppers);
    const catalog = await parseCatalog(shop.catalog);
    expect(catalog.items).toHaveLength(options.products);
    const ids = new Set(catalog.items.map((item) => item.id));
    for (const id of dataset.itemVocab.toArray()) expect(ids.has(id)).toBe(true);
    expect(shop.manifest.eventsByType.purchase).toBeGreaterThan(0);
  });

  it('gives popularity a long tail: a small head and most of the catalog seen', () => {
    const counts = new Map<string, number>();
    for (const line of eventLines.slice(1)) {
      const item = line.split(',')[1]!;
      counts.set(item, (counts.get(item) ?? 0) + 1);
    }
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const head = sorted.slice(0, options.products / 100).reduce((a, b) => a + b, 0);
    expect(head / options.events).toBeGreaterThan(0.05);
    expect(counts.size).toBeGreaterThan(options.products * 0.6);
  });

  it('refuses out-of-range sizes with an OptionError naming the option', () => {
    expect(() => generate({ products: 3000, events: 0 })).toThrow(/events/);
    expect(() => generate({ products: 10, events: 10 })).toThrow(OptionError);
  });
});
