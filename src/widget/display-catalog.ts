import { DataError } from '../core/errors';
import type { DisplayItem } from './widget-types';

/** The catalog fields the widget shows, by item id. */
export interface DisplayCatalog {
  get(id: string): DisplayItem | undefined;
  readonly size: number;
  /** Address the catalog was read from: relative image URLs resolve against it. */
  readonly baseUrl: string;
}

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
