import { CATALOG_COLUMN_ALIASES } from '../data/parse/parse-catalog';
import { normalizeColumnName } from '../data/parse/column-mapping';
import { EVENT_TYPES, type Item } from '../data/types';
import type { DemoEvents } from './shopper-simulator';

/** Header of the events file. */
export const EVENTS_CSV_HEADER = 'user_id,item_id,event,timestamp';

const RESERVED_KEYS = new Set<string>([
  'attributes',
  ...Object.values<readonly string[]>(CATALOG_COLUMN_ALIASES).flat(),
]);

/**
 * Catalog as JSON Lines, one item per line. Attributes become top-level keys (`"brand": …`) so
 * that `parseCatalog` reads them back into `attributes`; an attribute whose name the parser would
 * take for a catalog field (e.g. `name`) is written as `attr_<name>`.
 */
export function catalogToJsonl(items: readonly Item[]): string {
  const lines: string[] = [];
  for (const item of items) {
    const { attributes, ...fields } = item;
    const row: Record<string, unknown> = { ...fields };
    for (const [key, value] of Object.entries(attributes ?? {})) {
      row[RESERVED_KEYS.has(normalizeColumnName(key)) || key in row ? `attr_${key}` : key] = value;
    }
    lines.push(JSON.stringify(row));
  }
  return lines.join('\n') + '\n';
}

/** ISO 8601 in UTC, without milliseconds when they are zero. */
export function isoTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? `${iso.slice(0, 19)}Z` : iso;
}

/** Events as CSV: `user_id,item_id,event,timestamp` with ISO 8601 UTC timestamps, in time order. */
export function eventsToCsv(events: DemoEvents): string {
  const { users, items, types, timestamps, length } = events.columns;
  const lines: string[] = new Array<string>(length + 1);
  lines[0] = EVENTS_CSV_HEADER;
  for (let e = 0; e < length; e++) {
    lines[e + 1] =
      `${events.userIds[users[e]!]!},${events.itemIds[items[e]!]!},` +
      `${EVENT_TYPES[types[e]!]!},${isoTimestamp(timestamps[e]!)}`;
  }
  return lines.join('\n') + '\n';
}
