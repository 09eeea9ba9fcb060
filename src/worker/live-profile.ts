import type { Interaction } from '../core/data/types';
import type { HistoryEvent } from '../core/serve/row-types';

/**
 * The visitor's recent events as for-you rows fold them in: the part already read from the store
 * plus the events tracked on this instance since (some of them possibly not committed yet).
 */
export interface LiveProfile {
  /** Events, oldest first, at most `limit` (a cached array; do not mutate). */
  history(): readonly HistoryEvent[];
  /** Number of events in {@link LiveProfile.history}. */
  readonly size: number;
  /** Adds an event tracked on this instance; visible to the next row at once. */
  add(event: Interaction): void;
  /** Removes an event given to {@link LiveProfile.add} (its durable write failed). */
  discard(event: Interaction): void;
  /**
   * Replaces the stored part with a fresh read of the store (newest last). Local events found in
   * it are now stored and leave the local part; the others (not committed yet when the store was
   * read) stay, so nothing is lost or counted twice.
   */
  replaceStored(rows: readonly Interaction[]): void;
  /** Forgets every event (after erasing). */
  clear(): void;
}

/** Options of {@link createLiveProfile}. */
export interface LiveProfileOptions {
  /** Most recent events kept (integer ≥ 1). */
  readonly limit: number;
}

const keyOf = (e: Interaction): string =>
  `${e.itemId}\u0000${e.type}\u0000${e.timestamp}\u0000${e.value ?? ''}`;

const toHistory = (e: Interaction): HistoryEvent => ({ itemId: e.itemId, type: e.type });

/** Creates an empty {@link LiveProfile}. */
export function createLiveProfile(options: LiveProfileOptions): LiveProfile {
  const limit = options.limit;
  let stored: Interaction[] = [];
  let local: Interaction[] = [];
  let cached: HistoryEvent[] | null = null;

  const trim = (): void => {
    const over = stored.length + local.length - limit;
    if (over <= 0) return;
    const fromStored = Math.min(over, stored.length);
    stored = stored.slice(fromStored);
    if (over > fromStored) local = local.slice(over - fromStored);
  };

  return {
    history() {
      cached ??= [...stored, ...local].map(toHistory);
      return cached;
    },
    get size() {
      return stored.length + local.length;
    },
    add(event) {
      local.push(event);
      trim();
      cached = null;
    },
    discard(event) {
      const at = local.lastIndexOf(event);
      if (at < 0) return;
      local.splice(at, 1);
      cached = null;
    },
    replaceStored(rows) {
      const counts = new Map<string, number>();
      for (const row of rows) {
        const key = keyOf(row);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      local = local.filter((event) => {
        const key = keyOf(event);
        const n = counts.get(key) ?? 0;
        if (n === 0) return true;
        counts.set(key, n - 1);
        return false;
      });
      stored = rows.slice();
      trim();
      cached = null;
    },
    clear() {
      stored = [];
      local = [];
      cached = null;
    },
  };
}
