import { looksLikeCatalogIndex } from '../core/catalog/catalog-shard-index';
import { DataError } from '../core/errors';
import { shardedDisplayCatalogFrom } from './sharded-display-catalog';
import type { DisplayItem } from './widget-types';

/** The catalog fields the widget shows, by item id. */
export interface DisplayCatalog {
  /** The item's display fields, once loaded (a sharded catalog: after {@link DisplayCatalog.load}). */
  get(id: string): DisplayItem | undefined;
  /** Items in the whole catalog. */
  readonly size: number;
  /** Address the catalog was read from: relative image URLs resolve against it. */
  readonly baseUrl: string;
  /**
   * Makes `get` answer for `ids`: a sharded catalog fetches the shards holding them; a
   * single-file catalog has them all already (absent).
   *
   * @throws DataError `UNREADABLE_INPUT` naming the shard that could not be downloaded or read.
   */
  load?(ids: readonly string[]): Promise<void>;
}

/**
 * What a `catalog-src` file holds: catalog records (a single-file catalog) or the index of a
 * sharded one (`catalog-index.json`, written by `hearth-recs train` for large catalogs; checked
 * when {@link displayCatalogOf} builds its catalog).
 */
export type CatalogSource = { readonly records: unknown[] } | { readonly index: unknown };

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

/** The display fields of one catalog record, or null when it has no usable id. */
function displayItemOf(record: unknown): DisplayItem | null {
  if (typeof record !== 'object' || record === null) return null;
  const r = record as Record<string, unknown>;
  const id = typeof r.id === 'number' ? String(r.id) : text(r.id);
  if (id === undefined) return null;
  const price = typeof r.price === 'string' ? Number(r.price) : r.price;
  const imageUrl = text(r.imageUrl) ?? text(r.image);
  const url = text(r.url) ?? text(r.link);
  return {
    id,
    title: text(r.title) ?? text(r.name) ?? id,
    ...(typeof price === 'number' && Number.isFinite(price) && { price }),
    ...(imageUrl !== undefined && { imageUrl }),
    ...(url !== undefined && { url }),
  };
}

/**
 * The records of a catalog in the formats `hearth-recs train` reads and writes: a JSON array of items
 * (its `catalog.json`), or JSON Lines. Unparsable lines are skipped.
 *
 * @throws DataError `UNKNOWN_FORMAT` when the text is neither a JSON array nor JSON Lines.
 */
export function readCatalogRecords(source: string, url: string): unknown[] {
  const trimmed = source.trimStart();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (Array.isArray(parsed)) return parsed;
  } else if (trimmed.startsWith('{')) {
    const records: unknown[] = [];
    for (const line of trimmed.split('\n')) {
      try {
        if (line.trim() !== '') records.push(JSON.parse(line));
      } catch {
        // A bad line costs one card its title, not the whole row.
      }
    }
    return records;
  }
  throw new DataError(
    'UNKNOWN_FORMAT',
    `The catalog at ${url} is not a JSON array or JSON Lines; point catalog-src at the catalog.json written by "hearth-recs train" or a .jsonl catalog.`,
  );
}

/**
 * What the text of a `catalog-src` file holds: a sharded catalog's index (a JSON object of kind
 * `hearth-catalog-index`, checked in full by {@link displayCatalogOf}) or catalog records
 * ({@link readCatalogRecords}).
 *
 * @throws DataError `UNKNOWN_FORMAT` as {@link readCatalogRecords}.
 */
export function readCatalogSource(source: string, url: string): CatalogSource {
  const trimmed = source.trim();
  if (trimmed.startsWith('{') && trimmed.includes('"hearth-catalog-index"')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = undefined;
    }
    if (looksLikeCatalogIndex(parsed)) return { index: parsed };
  }
  return { records: readCatalogRecords(source, url) };
}

/**
 * The display catalog of a `catalog-src` file: all records at once, or a sharded catalog that
 * downloads the shards holding the ids a row shows.
 *
 * @throws DataError `UNREADABLE_INPUT` for an index that is not usable, naming the field.
 */
export function displayCatalogOf(
  source: CatalogSource,
  baseUrl: string,
  fetchFn: (url: string) => Promise<Response> = (u) => fetch(u),
): DisplayCatalog {
  if ('records' in source) return displayCatalogFrom(source.records, baseUrl);
  // Static, not import(): a lazy chunk would bring the bundler's preload helper, larger than it.
  return shardedDisplayCatalogFrom(source.index, baseUrl, async (url) => {
    const records = readCatalogRecords(await downloadCatalog(url, fetchFn), url);
    return records.flatMap((record) => displayItemOf(record) ?? []);
  });
}

/**
 * The display fields (id, title/name, price, imageUrl/image, url/link) of catalog records; records
 * without an id are skipped, the first record of an id wins.
 */
export function displayCatalogFrom(records: readonly unknown[], baseUrl: string): DisplayCatalog {
  const items = new Map<string, DisplayItem>();
  for (const record of records) {
    const item = displayItemOf(record);
    if (item && !items.has(item.id)) items.set(item.id, item);
  }
  return { get: (id) => items.get(id), size: items.size, baseUrl };
}

/**
 * Downloads a catalog file as text.
 *
 * @throws DataError `UNREADABLE_INPUT` when the download fails.
 */
export async function downloadCatalog(
  url: string,
  fetchFn: (url: string) => Promise<Response> = (u) => fetch(u),
): Promise<string> {
  let response: Response;
  try {
    response = await fetchFn(url);
  } catch (error) {
    throw new DataError(
      'UNREADABLE_INPUT',
      `Could not download the catalog from ${url} (${error instanceof Error ? error.message : String(error)}); check catalog-src.`,
    );
  }
  if (!response.ok) {
    throw new DataError(
      'UNREADABLE_INPUT',
      `Could not download the catalog from ${url} (HTTP ${response.status}); check catalog-src.`,
    );
  }
  return response.text();
}

const SAFE_URL = /^(https?:|data:image\/|blob:)/i;

/**
 * Resolves an item's image or page URL against `base`; returns undefined for addresses that are
 * not http(s), `data:image/…` or `blob:` (a catalog must not be able to inject `javascript:`).
 */
export function resolveItemUrl(raw: string | undefined, base: string): string | undefined {
  if (raw === undefined) return undefined;
  try {
    const href = new URL(raw, base).href;
    return SAFE_URL.test(href) ? href : undefined;
  } catch {
    return undefined;
  }
}
