import { describe, expect, it } from 'vitest';
import {
  catalogShardOf,
  parseCatalogShardIndex,
} from '../../../src/core/catalog/catalog-shard-index';
import { splitCatalogIntoShards } from '../../../src/core/catalog/catalog-shard-writer';
import { OptionError } from '../../../src/core/errors';

const items = Array.from({ length: 1000 }, (_, i) => ({ id: `p${i}`, title: `Item ${i}` }));
const byContent = (text: string, shard: number): string => `${shard}-${text.length}.json`;

describe('catalogShardOf', () => {
  it('is FNV-1a over UTF-16 code units (fixed values: writers and readers must agree forever)', () => {
    // FNV-1a 32 of "" is the offset basis 0x811c9dc5; of "a" it is 0xe40c292c.
    expect(catalogShardOf('', 0x100000000 - 1)).toBe(0x811c9dc5);
    expect(catalogShardOf('a', 0x100000000 - 1)).toBe(0xe40c292c);
    expect(catalogShardOf('a', 7)).toBe(0xe40c292c % 7);
  });

  it('spreads ids evenly enough that no shard is twice the average', () => {
    const counts = new Array<number>(40).fill(0);
    for (const item of items) counts[catalogShardOf(item.id, 40)]!++;
    expect(Math.max(...counts)).toBeLessThan(2 * (items.length / 40));
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });
});

describe('splitCatalogIntoShards', () => {
  it('puts every item in the shard its id hashes to, once, in catalog order', () => {
    const { index, files } = splitCatalogIntoShards({
      items,
      itemsPerShard: 64,
      nameShard: byContent,
    });
    expect(index).toMatchObject({ kind: 'hearth-catalog-index', version: 1, items: 1000 });
    expect(files).toHaveLength(16);
    expect(index.shards).toEqual(files.map((f) => f.name));
    const all: string[] = [];
    files.forEach((file, shard) => {
      const records = JSON.parse(file.text) as { id: string }[];
      for (const r of records) expect(catalogShardOf(r.id, 16)).toBe(shard);
      const order = records.map((r) => Number(r.id.slice(1)));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      all.push(...records.map((r) => r.id));
    });
    expect(all.sort()).toEqual(items.map((i) => i.id).sort());
  });

  it('writes one shard for an empty or small catalog, and checks its options', () => {
    expect(splitCatalogIntoShards({ items: [], nameShard: byContent }).files).toHaveLength(1);
    expect(() => splitCatalogIntoShards({ items, itemsPerShard: 0, nameShard: byContent })).toThrow(
      OptionError,
    );
    expect(() =>
      splitCatalogIntoShards({ items, itemsPerShard: 10, nameShard: () => 'same.json' }),
    ).toThrow(/same file name/);
  });
});

describe('parseCatalogShardIndex', () => {
  const good = {
    kind: 'hearth-catalog-index',
    version: 1,
    items: 3,
    hash: 'fnv1a32-utf16',
    shards: ['a.json'],
  };
  const url = 'https://shop.example/model/catalog-index.json';

  it('accepts what the writer writes', () => {
    const { index } = splitCatalogIntoShards({ items, nameShard: byContent });
    expect(parseCatalogShardIndex(JSON.parse(JSON.stringify(index)), url)).toEqual(index);
  });

  it('names the URL and the field of an unusable index', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...good, version: 2 }, /"version" is 2; this Hearth reads 1/],
      [{ ...good, hash: 'md5' }, /"hash" is "md5"/],
      [{ ...good, items: -1 }, /"items" is not a count/],
      [{ ...good, shards: [] }, /"shards" is not a non-empty list/],
      [{ ...good, shards: ['a.json', 3] }, /"shards\[1\]" is not a file name/],
      [{ ...good, kind: 'other' }, /"kind" is not "hearth-catalog-index"/],
    ];
    for (const [value, message] of cases) {
      expect(() => parseCatalogShardIndex(value, url)).toThrow(
        expect.objectContaining({
          name: 'DataError',
          code: 'UNREADABLE_INPUT',
          message: expect.stringMatching(message),
        }),
      );
      expect(() => parseCatalogShardIndex(value, url)).toThrow(url);
    }
  });
});
