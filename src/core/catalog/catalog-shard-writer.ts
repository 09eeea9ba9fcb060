import { OptionError } from '../errors';
import {
  CATALOG_INDEX_KIND,
  CATALOG_INDEX_VERSION,
  CATALOG_SHARD_HASH,
  catalogShardOf,
  type CatalogShardIndex,
} from './catalog-shard-index';

/**
 * Default items per shard. A first row pays the index (~20 bytes gzip per shard) plus up to one
 * shard per card; at 100k demo products (~90 bytes gzip per item) 64 items per shard keeps both
 * small (index ~30 KB, a shard ~6 KB gzip), and later rows reuse both.
 */
export const DEFAULT_ITEMS_PER_SHARD = 64;

/** Options of {@link splitCatalogIntoShards}. */
export interface SplitCatalogOptions {
  /** Catalog records, each an object with a string `id` (as `catalog.json` holds them). */
  readonly items: readonly { readonly id: string }[];
  /** Average items per shard (default {@link DEFAULT_ITEMS_PER_SHARD}); the shard count is `⌈items / this⌉`. */
  readonly itemsPerShard?: number;
  /**
   * The file name of a shard from its text, e.g. a content hash. Names must be unique (the writer
   * checks); content-hashed names let the files be cached as immutable.
   */
  readonly nameShard: (text: string, shard: number) => string;
}

/** A sharded catalog: the index and the text of every shard file under the name the index gives. */
export interface CatalogShards {
  readonly index: CatalogShardIndex;
  readonly files: readonly { readonly name: string; readonly text: string }[];
}

/**
 * Splits a catalog into hashed buckets ({@link catalogShardOf}) written as JSON arrays, keeping
 * catalog order inside each shard, and builds their index.
 *
 * @throws OptionError when `itemsPerShard` is not a positive integer or two shards get one name.
 */
export function splitCatalogIntoShards(o: SplitCatalogOptions): CatalogShards {
  const perShard = o.itemsPerShard ?? DEFAULT_ITEMS_PER_SHARD;
  if (!Number.isSafeInteger(perShard) || perShard < 1) {
    throw new OptionError(`itemsPerShard must be a positive integer (got ${perShard}).`);
  }
  const count = Math.max(1, Math.ceil(o.items.length / perShard));
  const buckets: (typeof o.items)[number][][] = Array.from({ length: count }, () => []);
  for (const item of o.items) buckets[catalogShardOf(item.id, count)]!.push(item);
  const files = buckets.map((bucket, shard) => {
    const text = `${JSON.stringify(bucket)}\n`;
    return { name: o.nameShard(text, shard), text };
  });
  const names = new Set(files.map((f) => f.name));
  if (names.size !== files.length) {
    throw new OptionError(
      'nameShard gave two shards the same file name; name them by content hash and shard number.',
    );
  }
  return {
    index: {
      kind: CATALOG_INDEX_KIND,
      version: CATALOG_INDEX_VERSION,
      items: o.items.length,
      hash: CATALOG_SHARD_HASH,
      shards: files.map((f) => f.name),
    },
    files,
  };
}
