import { EVENT_TYPES, type EventType } from '../types';

/** Numeric timestamps below this are seconds since the epoch (1e11 s is the year 5138). */
const SECONDS_LIMIT = 1e11;

/** Converts a numeric timestamp to milliseconds: values below 1e11 are taken as seconds. */
export function timestampToMillis(value: number): number {
  return Math.abs(value) < SECONDS_LIMIT ? value * 1000 : value;
}

/**
 * Why a timestamp (ms since the epoch) cannot be used, or null when it can: events before 1970
 * (negative Unix times) are export errors, not history.
 */
export function timestampProblem(ms: number): string | null {
  return ms < 0 ? 'is before 1970 (a negative Unix time)' : null;
}

/** Parses a date string (ISO 8601 and what `Date.parse` accepts) to milliseconds; NaN when not a date. */
export function parseDateString(text: string): number {
  // Date.parse accepts odd strings such as "1" or "may"; a date has at least a year's digits.
  if (!/\d{4}/.test(text)) return NaN;
  return Date.parse(text);
}

/** Alternative spellings of event types, after lower-casing and removing `_`, `-` and spaces. */
const EVENT_ALIASES: Readonly<Record<string, EventType>> = {
  view: 'view',
  views: 'view',
  pageview: 'view',
  detailview: 'view',
  productview: 'view',
  impression: 'view',
  click: 'click',
  clicks: 'click',
  tap: 'click',
  select: 'click',
  cart: 'cart',
  addtocart: 'cart',
  addcart: 'cart',
  basket: 'cart',
  addtobasket: 'cart',
  purchase: 'purchase',
  purchased: 'purchase',
  buy: 'purchase',
  bought: 'purchase',
  order: 'purchase',
  transaction: 'purchase',
  checkout: 'purchase',
  rating: 'rating',
  rate: 'rating',
  rated: 'rating',
  review: 'rating',
  dismiss: 'dismiss',
  dismissed: 'dismiss',
  hide: 'dismiss',
  notinterested: 'dismiss',
  dislike: 'dismiss',
};

/** Distinct raw spellings cached per lookup; beyond this they are resolved uncached. */
const MAX_CACHED_TYPES = 1024;

/**
 * Returns a function mapping a raw event-type string (case-insensitive, aliases such as
 * `add_to_cart` or `buy`) to its code (index into `EVENT_TYPES`), or -1 when unknown.
 */
export function createEventTypeLookup(): (raw: string) => number {
  const cache = new Map<string, number>();
  return (raw) => {
    const cached = cache.get(raw);
    if (cached !== undefined) return cached;
    const type = EVENT_ALIASES[raw.toLowerCase().replace(/[\s_-]+/g, '')];
    const code = type === undefined ? -1 : EVENT_TYPES.indexOf(type);
    if (cache.size < MAX_CACHED_TYPES) cache.set(raw, code);
    return code;
  };
}

/** Parses `true/false/1/0/yes/no/y/n` (case-insensitive); null otherwise. */
export function parseBoolean(text: string): boolean | null {
  switch (text.trim().toLowerCase()) {
    case 'true':
    case '1':
    case 'yes':
    case 'y':
      return true;
    case 'false':
    case '0':
    case 'no':
    case 'n':
      return false;
    default:
      return null;
  }
}

// The value rule is shared with the browser's track() checks, which are on the widget's serve
// path: it lives in its own module so the parsers' field code stays in their lazy chunks.
export { MAX_INTERACTION_VALUE, interactionValueProblem } from './interaction-value';
