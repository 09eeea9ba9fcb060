import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeBundle } from '../../core/bundle/bundle-file';
import { FACTOR_ENCODINGS, type FactorEncoding } from '../../core/bundle/factor-encoding';
import { headOfBundle } from '../../core/bundle/head-bundle';
import type { ModelBundle } from '../../core/bundle/model-bundle';
import {
  DEFAULT_ITEMS_PER_SHARD,
  splitCatalogIntoShards,
} from '../../core/catalog/catalog-shard-writer';
import { OptionError } from '../../core/errors';
import type { FlagSpec, ParsedFlags } from '../cli-args';

/** Catalog file of a model directory (every layout writes it; `recommend` reads it). */
export const CATALOG_FILE_NAME = 'catalog.json';
/** Index of the sharded catalog (what `catalog-src` names for a large catalog). */
export const CATALOG_INDEX_FILE_NAME = 'catalog-index.json';
/** Folder of the shard files, next to the index. */
export const CATALOG_SHARD_DIR = 'catalog-shards';

/** Above this many items, `--catalog-layout auto` shards the catalog. */
export const SHARD_THRESHOLD_ITEMS = 10_000;

/** Head file of a model directory: the most popular items, naming `model.hearth` as its full model. */
export const MODEL_HEAD_FILE_NAME = 'model-head.hearth';

/** Above this many items `hearth-recs train` also writes a head of {@link DEFAULT_HEAD_ITEMS} items. */
export const HEAD_THRESHOLD_ITEMS = 20_000;
/** Items in the head written by default. */
export const DEFAULT_HEAD_ITEMS = 10_000;

const LAYOUTS = ['auto', 'single', 'sharded'] as const;
type CatalogLayout = (typeof LAYOUTS)[number];

/** Flags of `hearth-recs train` that shape what the storefront downloads. */
export const DELIVERY_FLAGS: readonly FlagSpec[] = [
  {
    name: 'item-factors',
    type: 'string',
    defaultValue: 'int8',
    description: `How model.hearth stores item factors: ${FACTOR_ENCODINGS.join('|')} (int8: 1 byte per value + a scale per item)`,
  },
  {
    name: 'catalog-layout',
    type: 'string',
    defaultValue: 'auto',
    description: `single (catalog.json) | sharded (also ${CATALOG_INDEX_FILE_NAME} + ${CATALOG_SHARD_DIR}/, fetched by id) | auto (sharded above ${SHARD_THRESHOLD_ITEMS.toLocaleString('en-US')} items)`,
  },
  {
    name: 'head-items',
    type: 'number',
    description: `Also write ${MODEL_HEAD_FILE_NAME}: the N most popular items, served until model.hearth arrives (default ${DEFAULT_HEAD_ITEMS.toLocaleString('en-US')} above ${HEAD_THRESHOLD_ITEMS.toLocaleString('en-US')} items; 0 = none)`,
  },
  {
    name: 'items-per-shard',
    type: 'number',
    description: `Average items per catalog shard (default ${DEFAULT_ITEMS_PER_SHARD})`,
  },
];

/** The delivery settings of the flags. */
export interface DeliverySettings {
  readonly itemFactors: FactorEncoding;
  readonly layout: CatalogLayout;
  readonly itemsPerShard: number;
  /** Items of the head file; undefined: {@link DEFAULT_HEAD_ITEMS} above {@link HEAD_THRESHOLD_ITEMS} items. */
  readonly headItems: number | undefined;
}

/** Items of the head to write for a model of `items` items (0: none). */
export function headItemsFor(settings: DeliverySettings, items: number): number {
  const head = settings.headItems ?? (items > HEAD_THRESHOLD_ITEMS ? DEFAULT_HEAD_ITEMS : 0);
  return head < items ? head : 0;
}

/**
 * Reads and checks the {@link DELIVERY_FLAGS} (before any data is read).
 *
 * @throws OptionError naming the flag and its allowed values.
 */
export function deliveryFlags(flags: ParsedFlags): DeliverySettings {
  const itemFactors = String(flags['item-factors'] ?? 'int8');
  if (!(FACTOR_ENCODINGS as readonly string[]).includes(itemFactors)) {
    throw new OptionError(
      `--item-factors must be one of ${FACTOR_ENCODINGS.join(', ')} (got "${itemFactors}").`,
    );
  }
  const layout = String(flags['catalog-layout'] ?? 'auto');
  if (!(LAYOUTS as readonly string[]).includes(layout)) {
    throw new OptionError(
      `--catalog-layout must be one of ${LAYOUTS.join(', ')} (got "${layout}").`,
    );
  }
  const perShard = flags['items-per-shard'] ?? DEFAULT_ITEMS_PER_SHARD;
  if (typeof perShard !== 'number' || !Number.isSafeInteger(perShard) || perShard < 1) {
    throw new OptionError(
      `--items-per-shard must be a positive integer (got ${String(perShard)}).`,
    );
  }
  const headItems = flags['head-items'];
  if (
    headItems !== undefined &&
    (typeof headItems !== 'number' || !Number.isSafeInteger(headItems) || headItems < 0)
  ) {
    throw new OptionError(`--head-items must be a whole number ≥ 0 (got ${String(headItems)}).`);
  }
  return {
    headItems,
    itemFactors: itemFactors as FactorEncoding,
    layout: layout as CatalogLayout,
    itemsPerShard: perShard,
  };
}

/** What {@link writeCatalogFiles} wrote. */
export interface WrittenCatalog {
  /** The file `catalog-src` should name: the index when sharded, else `catalog.json`. */
  readonly catalogSrc: string;
  readonly shards: number;
  /** Bytes of the single file, and gzip bytes of the index (what a sharded page loads first). */
  readonly catalogBytes: number;
  readonly indexGzipBytes?: number;
}

/**
 * Writes `catalog.json` and, when the layout asks for it, the sharded catalog: shard files named
 * by content hash under `catalog-shards/` (emptied first, so no stale shard is left behind) and
 * `catalog-index.json`. A single layout removes shards and index from an earlier run.
 */
export function writeCatalogFiles(
  dir: string,
  items: readonly { readonly id: string }[],
  settings: DeliverySettings,
): WrittenCatalog {
  const single = `${JSON.stringify(items)}\n`;
  writeFileSync(join(dir, CATALOG_FILE_NAME), single);
  const shardDir = join(dir, CATALOG_SHARD_DIR);
  rmSync(shardDir, { recursive: true, force: true });
  rmSync(join(dir, CATALOG_INDEX_FILE_NAME), { force: true });
  const sharded =
    settings.layout === 'sharded' ||
    (settings.layout === 'auto' && items.length > SHARD_THRESHOLD_ITEMS);
  if (!sharded) {
    return { catalogSrc: CATALOG_FILE_NAME, shards: 0, catalogBytes: Buffer.byteLength(single) };
  }
  const { index, files } = splitCatalogIntoShards({
    items,
    itemsPerShard: settings.itemsPerShard,
    nameShard: (text, shard) =>
      `${CATALOG_SHARD_DIR}/${shard}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.json`,
  });
  mkdirSync(shardDir, { recursive: true });
  for (const file of files) writeFileSync(join(dir, file.name), file.text);
  const indexText = `${JSON.stringify(index)}\n`;
  writeFileSync(join(dir, CATALOG_INDEX_FILE_NAME), indexText);
  return {
    catalogSrc: CATALOG_INDEX_FILE_NAME,
    shards: readdirSync(shardDir).length,
    catalogBytes: Buffer.byteLength(single),
    indexGzipBytes: gzipSync(indexText).length,
  };
}

/** Gzip size of `bytes` (what a server sending `Content-Encoding: gzip` transfers). */
export function gzipBytes(bytes: Uint8Array): number {
  return gzipSync(bytes).length;
}

/** What {@link writeModelHead} wrote: the file `model-src` should name and the head's size. */
export interface WrittenHead {
  readonly modelSrc: string;
  readonly headItems: number;
  readonly headBytes: number;
  readonly headGzipBytes: number;
}

/**
 * Writes the head of `bundle` ({@link headItemsFor} items) as {@link MODEL_HEAD_FILE_NAME},
 * naming `fullModel` as its full model, or removes the head of an earlier run when none is due.
 */
export function writeModelHead(
  dir: string,
  bundle: ModelBundle,
  settings: DeliverySettings,
  fullModel: string,
): WrittenHead {
  const path = join(dir, MODEL_HEAD_FILE_NAME);
  const items = headItemsFor(settings, bundle.itemIds.length);
  if (items === 0) {
    rmSync(path, { force: true });
    return { modelSrc: fullModel, headItems: 0, headBytes: 0, headGzipBytes: 0 };
  }
  const head = headOfBundle({ bundle, items, fullModel });
  const bytes = encodeBundle(head, { itemFactors: settings.itemFactors });
  writeFileSync(path, bytes);
  return {
    modelSrc: MODEL_HEAD_FILE_NAME,
    headItems: items,
    headBytes: bytes.length,
    headGzipBytes: gzipBytes(bytes),
  };
}
