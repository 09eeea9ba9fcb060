import {
  catalogShardOf,
  parseCatalogShardIndex,
  type CatalogShardIndex,
} from '../core/catalog/catalog-shard-index';
import type { DisplayCatalog } from './display-catalog';
import type { DisplayItem } from './widget-types';

/** Options of {@link createShardedDisplayCatalog}. */
export interface ShardedDisplayCatalogOptions {
  readonly index: CatalogShardIndex;
  /** Absolute address of the index file: shard names and relative image URLs resolve against it. */
  readonly indexUrl: string;
  /** Downloads and parses one shard file into its display items. */
  readonly loadShard: (url: string) => Promise<readonly DisplayItem[]>;
}

/**
 * A display catalog backed by a sharded catalog: `get` answers from the shards loaded so far, and
 * `load(ids)` fetches only the shards holding those ids, each at most once per page (in flight
 * or done; a failed one is fetched again on the next `load`). Shard files are named by content,
 * so the browser's HTTP cache (or a service worker) keeps them across visits.
 */
export function createShardedDisplayCatalog(o: ShardedDisplayCatalogOptions): DisplayCatalog {
  const items = new Map<string, DisplayItem>();
  const shards = new Map<number, Promise<void>>();
  const count = o.index.shards.length;
  const loadShard = (shard: number): Promise<void> => {
    const known = shards.get(shard);
    if (known) return known;
    const url = new URL(o.index.shards[shard]!, o.indexUrl).href;
    const loading = o.loadShard(url).then((records) => {
      for (const item of records) if (!items.has(item.id)) items.set(item.id, item);
    });
    shards.set(shard, loading);
    loading.catch(() => {
      if (shards.get(shard) === loading) shards.delete(shard);
    });
    return loading;
  };
  return {
    get: (id) => items.get(id),
    size: o.index.items,
    baseUrl: o.indexUrl,
    async load(ids) {
      const wanted = new Set(ids.map((id) => catalogShardOf(id, count)));
      await Promise.all([...wanted].map(loadShard));
    },
  };
}

/**
 * {@link createShardedDisplayCatalog} for a parsed index file, checked first (this module loads
 * only on pages whose `catalog-src` is a sharded catalog's index).
 *
 * @throws DataError `UNREADABLE_INPUT` naming the index URL and the field that is wrong.
 */
export function shardedDisplayCatalogFrom(
  index: unknown,
  indexUrl: string,
  loadShard: ShardedDisplayCatalogOptions['loadShard'],
): DisplayCatalog {
  return createShardedDisplayCatalog({
    index: parseCatalogShardIndex(index, indexUrl),
    indexUrl,
    loadShard,
  });
}
