import { DataError } from '../errors';

/** `kind` of a sharded catalog's index file. */
export const CATALOG_INDEX_KIND = 'hearth-catalog-index';

/** Format version of the index file this build writes and reads. */
export const CATALOG_INDEX_VERSION = 1;

/** The bucket function an index names: FNV-1a (32-bit) over the id's UTF-16 code units. */
export const CATALOG_SHARD_HASH = 'fnv1a32-utf16';

/**
 * The index of a catalog split into shards: shard `b` holds exactly the items whose
 * {@link catalogShardOf} is `b`, as a JSON array of items like `catalog.json`. A reader fetches the
 * index once and then only the shards holding the ids it shows.
 */
export interface CatalogShardIndex {
  readonly kind: typeof CATALOG_INDEX_KIND;
  readonly version: number;
  /** Items in the whole catalog. */
  readonly items: number;
  readonly hash: typeof CATALOG_SHARD_HASH;
  /**
   * Shard file names, relative to the index file, in bucket order. Writers name them by content
   * hash, so they can be cached as immutable.
   */
  readonly shards: readonly string[];
}

/** The shard of `id` among `shardCount` shards (FNV-1a over UTF-16 code units, mod the count). */
export function catalogShardOf(id: string, shardCount: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shardCount;
}

/** Whether a parsed JSON value announces itself as a catalog index (checked in full by {@link parseCatalogShardIndex}). */
export function looksLikeCatalogIndex(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)['kind'] === CATALOG_INDEX_KIND
  );
}

/**
 * Checks a parsed catalog index.
 *
 * @throws DataError `UNREADABLE_INPUT` naming `url` and the field that is wrong (version, hash,
 *   item count, shard list).
 */
export function parseCatalogShardIndex(value: unknown, url: string): CatalogShardIndex {
  const o = (looksLikeCatalogIndex(value) ? value : {}) as Record<string, unknown>;
  const { version, hash, items, shards } = o;
  const problem = !looksLikeCatalogIndex(value)
    ? `"kind" is not "${CATALOG_INDEX_KIND}"`
    : version !== CATALOG_INDEX_VERSION
      ? `"version" is ${JSON.stringify(version)}; this Hearth reads ${CATALOG_INDEX_VERSION}`
      : hash !== CATALOG_SHARD_HASH
        ? `"hash" is ${JSON.stringify(hash)}, expected "${CATALOG_SHARD_HASH}"`
        : !(Number.isSafeInteger(items) && (items as number) >= 0)
          ? '"items" is not a count'
          : !(Array.isArray(shards) && shards.length > 0)
            ? '"shards" is not a non-empty list'
            : shards.findIndex((name: unknown) => typeof name !== 'string' || name === '');
  if (problem === -1) return value as CatalogShardIndex;
  throw new DataError(
    'UNREADABLE_INPUT',
    `The catalog index at ${url} is not usable (${typeof problem === 'number' ? `"shards[${problem}]" is not a file name` : problem}); write it again with "hearth-recs train" (or upgrade Hearth if it is newer).`,
  );
}
