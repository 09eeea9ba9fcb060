import type { InteractionColumns, InteractionDataset } from '../data/interaction-log';
import { EVENT_TYPES, type EventType } from '../data/types';
import { DataError, OptionError } from '../errors';
import { createRng, shuffleInPlace } from '../random';

/** Options of {@link splitHeldOutUsers}. */
export interface HeldOutUserOptions {
  readonly seed: number;
  /** Share of the qualifying users held out entirely from training. Default 0.2. */
  readonly fraction?: number;
  /** Fewest distinct items a user needs to qualify. Default 10. */
  readonly minItems?: number;
}

/** One event of a held-out user, in time order. */
export interface TimelineEvent {
  readonly item: number;
  readonly type: EventType;
}

/** A held-out user's events in time order and their distinct items by first event. */
export interface UserTimeline {
  readonly user: number;
  /** Every event, sorted by timestamp (ties: row order). */
  readonly events: readonly TimelineEvent[];
  /** Distinct items in order of their first event. */
  readonly items: Int32Array;
  /** Index into `events` of the first event of each entry of `items`. */
  readonly firstEvent: Int32Array;
}

/** Training data without the held-out users, and those users' timelines. */
export interface HeldOutUserSplit {
  /** Every row of the other users; vocabularies are the full dataset's. */
  readonly train: InteractionDataset;
  readonly heldOut: readonly UserTimeline[];
}

/** Defaults of {@link splitHeldOutUsers}. */
export const DEFAULT_HELD_OUT_USERS = Object.freeze({ fraction: 0.2, minItems: 10 });

/**
 * Holds out a seeded share of the users with at least `minItems` distinct items: none of their
 * rows train, and their timelines (events by time, distinct items by first event) are returned
 * for protocols that replay a visitor's first steps. Throws `DataError` `NOT_ENOUGH_DATA` when no
 * user qualifies or nothing is left to train on.
 */
export function splitHeldOutUsers(
  dataset: InteractionDataset,
  options: HeldOutUserOptions,
): HeldOutUserSplit {
  const fraction = options.fraction ?? DEFAULT_HELD_OUT_USERS.fraction;
  const minItems = options.minItems ?? DEFAULT_HELD_OUT_USERS.minItems;
  if (!(fraction > 0 && fraction < 1)) {
    throw new OptionError(`fraction must be between 0 and 1 (got ${fraction}).`);
  }
  const c = dataset.columns;
  const byUser = rowsByUser(c, dataset.userVocab.size);
  const qualifying: number[] = [];
  for (let u = 0; u < byUser.length; u++) {
    if (new Set(byUser[u]!.map((e) => c.items[e]!)).size >= minItems) qualifying.push(u);
  }
  const take = Math.round(fraction * qualifying.length);
  if (take === 0) {
    throw new DataError(
      'NOT_ENOUGH_DATA',
      `No user to hold out: ${qualifying.length} users have ${minItems} or more distinct items; use more data.`,
    );
  }
  const order = Int32Array.from(qualifying);
  shuffleInPlace(order, createRng(options.seed));
  const held = Array.from(order.subarray(0, take)).sort((a, b) => a - b);
  const isHeld = new Uint8Array(byUser.length);
  for (const u of held) isHeld[u] = 1;
  const keep: number[] = [];
  for (let e = 0; e < c.length; e++) if (!isHeld[c.users[e]!]) keep.push(e);
  if (keep.length === 0) {
    throw new DataError('NOT_ENOUGH_DATA', 'Holding out users left no rows to train on.');
  }
  return {
    train: { ...dataset, columns: selectRows(c, keep) },
    heldOut: held.map((u) => timelineOf(u, byUser[u]!, c)),
  };
}

function rowsByUser(c: InteractionColumns, users: number): number[][] {
  const rows: number[][] = Array.from({ length: users }, () => []);
  for (let e = 0; e < c.length; e++) rows[c.users[e]!]!.push(e);
  const t = c.timestamps;
  // Untimed rows sort last; ties keep row order.
  const key = (e: number): number => (Number.isNaN(t[e]!) ? Infinity : t[e]!);
  for (const r of rows) r.sort((a, b) => key(a) - key(b) || a - b);
  return rows;
}

function timelineOf(user: number, rows: readonly number[], c: InteractionColumns): UserTimeline {
  const items: number[] = [];
  const firstEvent: number[] = [];
  const seen = new Set<number>();
  const events = rows.map((e, index) => {
    const item = c.items[e]!;
    if (!seen.has(item)) {
      seen.add(item);
      items.push(item);
      firstEvent.push(index);
    }
    return { item, type: EVENT_TYPES[c.types[e]!]! };
  });
  return { user, events, items: Int32Array.from(items), firstEvent: Int32Array.from(firstEvent) };
}

function selectRows(c: InteractionColumns, rows: readonly number[]): InteractionColumns {
  const pick = <T extends Int32Array | Uint8Array | Float32Array | Float64Array>(a: T): T => {
    const out = new (a.constructor as new (n: number) => T)(rows.length);
    for (let r = 0; r < rows.length; r++) out[r] = a[rows[r]!]!;
    return out;
  };
  return {
    length: rows.length,
    users: pick(c.users),
    items: pick(c.items),
    types: pick(c.types),
    values: pick(c.values),
    timestamps: pick(c.timestamps),
  };
}
