import { DataError } from '../../errors';
import { jsonErrorDetail } from '../display-text';
import { normalizeColumnName, type ColumnAliases, type ColumnRef } from './column-mapping';
import { parseNumber } from './field-spans';

/** A parsed JSON Lines row. */
export type JsonRow = Record<string, unknown>;

/** Parses one JSON Lines row; returns the rejection reason instead when it is not a JSON object. */
export function parseJsonLine(line: string): JsonRow | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `invalid JSON (${jsonErrorDetail(error)})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `not a JSON object (got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value})`;
  }
  return value as JsonRow;
}

/** Finds, in each JSON row, the key that holds each role. */
export interface KeyMatcher {
  /**
   * Writes the value and key of each role (by role position) into `values`/`keys`; roles absent
   * from the row get `undefined`. The arrays are reused across rows.
   */
  match(row: JsonRow, values: unknown[], keys: (string | undefined)[]): void;
  /** Whether a role (by position) was mapped to a key explicitly. */
  isExplicit(role: number): boolean;
}

/** Distinct keys remembered per file; rows with endless distinct keys are matched uncached. */
const MAX_CACHED_KEYS = 4096;

/**
 * Creates a matcher: an explicitly mapped role matches only its key (exactly or after
 * normalization); other roles match their aliases, the earliest alias winning.
 *
 * @throws DataError `UNKNOWN_COLUMN` when a role is mapped by index (JSON rows have no positions).
 */
export function createKeyMatcher<R extends string>(
  roles: readonly R[],
  aliases: ColumnAliases<R>,
  explicit: Partial<Record<R, ColumnRef>>,
): KeyMatcher {
  const wanted = roles.map((role) => {
    const ref = explicit[role];
    if (typeof ref === 'number') {
      throw new DataError(
        'UNKNOWN_COLUMN',
        `columns.${role} is the index ${ref}, but JSON Lines rows are objects without column positions. Map ${role} by key name instead.`,
      );
    }
    return ref === undefined ? null : ref.trim();
  });
  // Per key: role position * 1024 + rank (lower rank wins), or -1 when the key has no role.
  const cache = new Map<string, number>();
  const classify = (key: string): number => {
    const normalized = normalizeColumnName(key);
    let best = -1;
    for (let r = 0; r < roles.length; r++) {
      const name = wanted[r];
      let rank: number;
      if (name !== null && name !== undefined) {
        rank = key === name ? 0 : normalizeColumnName(name) === normalized ? 1 : -1;
      } else {
        const index = aliases[roles[r]!].indexOf(normalized);
        rank = index < 0 ? -1 : index + 2;
      }
      if (rank >= 0 && (best < 0 || rank < best % 1024)) best = r * 1024 + rank;
    }
    return best;
  };
  const ranks = new Int32Array(roles.length);

  return {
    match(row, values, keys) {
      ranks.fill(0x7fffffff);
      values.length = roles.length;
      keys.length = roles.length;
      for (let r = 0; r < roles.length; r++) {
        values[r] = undefined;
        keys[r] = undefined;
      }
      for (const key in row) {
        let code = cache.get(key);
        if (code === undefined) {
          code = classify(key);
          if (cache.size < MAX_CACHED_KEYS) cache.set(key, code);
        }
        if (code < 0) continue;
        const r = code >> 10;
        const rank = code & 1023;
        if (rank < ranks[r]!) {
          ranks[r] = rank;
          values[r] = row[key];
          keys[r] = key;
        }
      }
    },
    isExplicit(role) {
      return wanted[role] !== null;
    },
  };
}

/**
 * A JSON value as text: strings trimmed, finite numbers in decimal. `undefined` for absent, null
 * or empty values; null for other types (booleans, objects), which are errors for ids.
 */
export function jsonText(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    return text === '' ? undefined : text;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** A JSON value as a finite number (numbers or numeric strings); NaN otherwise. */
export function jsonNumber(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
  if (typeof value === 'string') return parseNumber(value);
  return NaN;
}

/** Whether a JSON value counts as absent (missing, null or a blank string). */
export function isJsonAbsent(value: unknown): boolean {
  return (
    value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
  );
}
