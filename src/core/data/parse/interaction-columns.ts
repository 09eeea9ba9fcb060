import { EVENT_TYPES } from '../types';
import { INTERACTION_CLI_FLAGS, type ColumnAliases } from './column-mapping';
import { parseNumber } from './field-spans';
import { parseDateString } from './field-values';
import { quoteValue } from './import-report';

/** Interaction columns, in the order column mapping claims them. */
export const ROLES = ['item', 'user', 'value', 'type', 'timestamp'] as const;
/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** Normalized header names (and JSON keys) recognised for each interaction column. */
export const INTERACTION_COLUMN_ALIASES: ColumnAliases<Role> = {
  user: [
    'user',
    'userid',
    'visitorid',
    'visitor',
    'sessionid',
    'session',
    'customerid',
    'clientid',
    'uid',
  ],
  item: [
    'item',
    'itemid',
    'movieid',
    'productid',
    'product',
    'sku',
    'movie',
    'articleid',
    'contentid',
  ],
  value: ['rating', 'value', 'weight', 'score', 'quantity', 'qty', 'count'],
  type: ['type', 'eventtype', 'event', 'eventname', 'action', 'interaction'],
  timestamp: ['timestamp', 'time', 'ts', 'datetime', 'date', 'eventtime', 'createdat'],
};

/** Column positions of a headerless file: user, item, value, timestamp. */
const HEADERLESS_DEFAULTS: Partial<Record<Role, number>> = {
  user: 0,
  item: 1,
  value: 2,
  timestamp: 3,
};
const HEADERLESS_WITH_TIME: Partial<Record<Role, number>> = { user: 0, item: 1, timestamp: 2 };

/** Numbers from here up in a headerless third column are Unix times (1e8 s is March 1973). */
const UNIX_TIME_FLOOR = 1e8;

/**
 * Default column positions of a headerless file: user, item, value, timestamp — except that a
 * three-column file whose first row holds a Unix time or a date in its third column is
 * `user item timestamp` (a common log shape; no weight comes near 1e8).
 */
export function headerlessDefaults(
  first: readonly string[],
  explicit: Partial<Record<Role, unknown>>,
): Partial<Record<Role, number>> {
  if (first.length === 1 && explicit.item === undefined) return { item: 0 };
  if (first.length !== 3 || explicit.value !== undefined || explicit.timestamp !== undefined) {
    return HEADERLESS_DEFAULTS;
  }
  const third = first[2] ?? '';
  const number = parseNumber(third);
  const isTime =
    number === number
      ? number >= UNIX_TIME_FLOOR
      : parseDateString(third) === parseDateString(third);
  return isTime ? HEADERLESS_WITH_TIME : HEADERLESS_DEFAULTS;
}
/** How to fix a mapping when no row was usable, naming the CLI's real flags. */
export const MAPPING_HINT = `Check the format and the column mapping (${Object.values(INTERACTION_CLI_FLAGS).join('/')} or options.columns).`;
/** The event types, listed for messages. */
export const EVENT_TYPE_LIST = EVENT_TYPES.join(', ');

/** Row error for an event type that is not one of {@link EVENT_TYPES}. */
export function unknownTypeReason(label: string, raw: string): string {
  return `${label} ${quoteValue(raw)} is not an event type (use one of ${EVENT_TYPE_LIST})`;
}

/** Row error for a timestamp that is neither a Unix time nor a date. */
export function badTimestampReason(label: string, raw: string): string {
  return `${label} is not a Unix time or ISO 8601 date: ${quoteValue(raw)}`;
}

/** Row error for a `rating` event without a value (`valueLabel`: its column, null when none). */
export function ratingWithoutValueReason(valueLabel: string | null): string {
  return valueLabel === null
    ? 'a rating event needs a value, and there is no value column (map one with columns.value, or use another event type)'
    : `a rating event needs a value: ${valueLabel} is empty`;
}

/** A JSON value as its source text (strings without their quotes, which `quoteValue` adds). */
export function jsonRaw(value: unknown): string {
  return typeof value === 'string' ? value : String(JSON.stringify(value));
}

/** `role (key "name")`: a JSON Lines field in a row error. */
export function keyLabel(role: number, keys: readonly (string | undefined)[]): string {
  return `${ROLES[role]!} (key "${keys[role] ?? ''}")`;
}

/** Row error for a JSON Lines row without an item id. */
export function missingItemReason(key: string | undefined): string {
  return key === undefined
    ? 'missing item id (no item, itemId, item_id, movieId, productId or sku key; map it with columns.item)'
    : `empty item id (key "${key}")`;
}
