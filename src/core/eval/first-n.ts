import { OptionError } from '../errors';
import { hitRateAtK, ndcgAtK } from './metrics';
import type { TimelineEvent, UserTimeline } from './held-out-users';

/** History lengths the `first-n` protocol reveals by default. */
export const DEFAULT_FIRST_N_REVEALS: readonly number[] = Object.freeze([1, 2, 3, 5]);

/** Distinct items after the history that are the targets. */
export const DEFAULT_FIRST_N_TARGETS = 5;

/** What a ranker sees of a new visitor: their first events, over their first `n` items. */
export interface VisitorHistory {
  /** Events up to (not including) the first event on the (n+1)-th distinct item, in time order. */
  readonly events: readonly TimelineEvent[];
  /** The n distinct items, in order of first event (the last one is the most recent new item). */
  readonly items: Int32Array;
}

/** Ranks items for a history: the top `k` item indices, best first, history items excluded. */
export type HistoryRanker = (history: VisitorHistory, k: number) => ArrayLike<number>;

/** HR@k and NDCG@k of one ranker at one history length. */
export interface FirstNScore {
  readonly n: number;
  /** Visitors evaluated (those with at least n + 1 distinct items). */
  readonly users: number;
  readonly hr: number;
  readonly ndcg: number;
}

/** Options of {@link evaluateFirstN}. */
export interface FirstNOptions {
  readonly heldOut: readonly UserTimeline[];
  readonly rankers: Readonly<Record<string, HistoryRanker>>;
  /** History lengths (default {@link DEFAULT_FIRST_N_REVEALS}). */
  readonly reveals?: readonly number[];
  /** Targets per visitor (default {@link DEFAULT_FIRST_N_TARGETS}). */
  readonly targets?: number;
  /** Cut-off (default 10). */
  readonly k?: number;
}

/** The history a visitor had after `n` distinct items (null when they have fewer than n + 1). */
export function visitorHistory(timeline: UserTimeline, n: number): VisitorHistory | null {
  if (timeline.items.length <= n) return null;
  return {
    events: timeline.events.slice(0, timeline.firstEvent[n]!),
    items: timeline.items.subarray(0, n),
  };
}

/**
 * The `first-n` protocol for new visitors: for each held-out user and each n, reveal the events on
 * their first n distinct items (by first event time) and score the next `targets` distinct items,
 * HR@k and NDCG@k (binary gains) averaged over users. Scoring only the next few items, not "all
 * the rest", keeps popularity from winning by predicting the whole future catalogue walk.
 */
export function evaluateFirstN(options: FirstNOptions): Record<string, FirstNScore[]> {
  const reveals = options.reveals ?? DEFAULT_FIRST_N_REVEALS;
  const targets = options.targets ?? DEFAULT_FIRST_N_TARGETS;
  const k = options.k ?? 10;
  for (const n of reveals) {
    if (!Number.isInteger(n) || n < 1) {
      throw new OptionError(`History lengths must be integers ≥ 1 (got ${n}).`);
    }
  }
  if (!Number.isInteger(targets) || targets < 1) {
    throw new OptionError(`targets must be an integer ≥ 1 (got ${targets}).`);
  }
  const out: Record<string, FirstNScore[]> = {};
  for (const [name, rank] of Object.entries(options.rankers)) {
    out[name] = reveals.map((n) => {
      let users = 0;
      let hr = 0;
      let ndcg = 0;
      const isTarget = new Map<number, number>();
      for (const timeline of options.heldOut) {
        const history = visitorHistory(timeline, n);
        if (history === null) continue;
        const wanted = timeline.items.subarray(n, n + targets);
        const ranked = rank(history, k);
        const marks = markTargets(ranked, wanted, isTarget);
        users++;
        hr += hitRateAtK(marks.ranked, marks.isTest, k);
        ndcg += ndcgAtK(marks.ranked, marks.isTest, wanted.length, k);
      }
      return { n, users, hr: users > 0 ? hr / users : 0, ndcg: users > 0 ? ndcg / users : 0 };
    });
  }
  return out;
}

/** Re-indexes a ranking to positions so the metric helpers can use a small marker array. */
function markTargets(
  ranked: ArrayLike<number>,
  wanted: Int32Array,
  scratch: Map<number, number>,
): { ranked: Int32Array; isTest: Uint8Array } {
  scratch.clear();
  for (const item of wanted) scratch.set(item, 1);
  const positions = new Int32Array(ranked.length);
  const isTest = new Uint8Array(ranked.length);
  for (let r = 0; r < ranked.length; r++) {
    positions[r] = r;
    isTest[r] = scratch.has(ranked[r]!) ? 1 : 0;
  }
  return { ranked: positions, isTest };
}
