import type { InteractionColumns } from '../data/interaction-log';
import type { EventType } from '../data/types';
import { DEFAULT_EVENT_WEIGHTS, EVENT_TYPES } from '../data/types';
import { OptionError } from '../errors';
import { resolveNumItems } from './interaction-checks';
import type { UserScorer } from './scorer';

/** Options of {@link fitTrending}. */
export interface TrendingOptions {
  /** Age at which an event counts half. Default 7 days. */
  readonly halfLifeMs?: number;
  /** Reference time in ms since epoch. Default: the latest timestamp in the data. */
  readonly now?: number;
  /** Per event type weight, overriding `DEFAULT_EVENT_WEIGHTS` for the types named. */
  readonly weights?: Readonly<Record<string, number>>;
  /** Catalog size; default the largest item index in `columns` + 1. */
  readonly numItems?: number;
}

/** Default half-life of {@link fitTrending}: one week. */
export const DEFAULT_TRENDING_HALF_LIFE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Time-decayed, weighted event counts: score(i) = Σ_events of i weight(type) · 2^(−age / halfLife),
 * age = now − timestamp. The same scores for every user (`scoreUser` copies them).
 *
 * - Events of a type with weight ≤ 0, and dismissals whatever their weight, add nothing: trending
 *   measures attention, and a dismissal is not attention to amplify.
 * - Events without a timestamp (NaN) count with age 0, so data without times degrades to
 *   weighted popularity instead of to nothing.
 * - Events after `now` also count with age 0: the future cannot weigh more than the present.
 */
export interface TrendingModel extends UserScorer {
  readonly kind: 'trending';
  /** Decayed score per item (length `numItems`). */
  readonly scores: Float32Array;
  /** Reference time the ages were measured from (NaN when no event had a timestamp). */
  readonly now: number;
  readonly halfLifeMs: number;
}

function typeWeights(overrides: Readonly<Record<string, number>> | undefined): Float64Array {
  const weights = new Float64Array(EVENT_TYPES.length);
  EVENT_TYPES.forEach((type, code) => (weights[code] = DEFAULT_EVENT_WEIGHTS[type]));
  for (const [name, weight] of Object.entries(overrides ?? {})) {
    const code = EVENT_TYPES.indexOf(name as EventType);
    if (code < 0) {
      throw new OptionError(
        `weights.${name} is not an event type; use one of ${EVENT_TYPES.join(', ')}.`,
      );
    }
    if (!Number.isFinite(weight)) {
      throw new OptionError(`weights.${name} must be a finite number (got ${weight}).`);
    }
    weights[code] = weight;
  }
  weights[EVENT_TYPES.indexOf('dismiss')] = 0;
  return weights;
}

/** Fits trending scores from interaction rows; see {@link TrendingModel} for the rules. */
export function fitTrending(
  columns: InteractionColumns,
  options: TrendingOptions = {},
): TrendingModel {
  const halfLifeMs = options.halfLifeMs ?? DEFAULT_TRENDING_HALF_LIFE_MS;
  if (!(halfLifeMs > 0) || !Number.isFinite(halfLifeMs)) {
    throw new OptionError(
      `halfLifeMs must be a positive number of milliseconds (got ${halfLifeMs}).`,
    );
  }
  if (options.now !== undefined && !Number.isFinite(options.now)) {
    throw new OptionError(`now must be a finite time in ms since the epoch (got ${options.now}).`);
  }
  const weights = typeWeights(options.weights);
  const numItems = resolveNumItems(columns, options.numItems);
  const { items, types, timestamps } = columns;

  let now = options.now ?? -Infinity;
  if (options.now === undefined) {
    for (let e = 0; e < columns.length; e++) if (timestamps[e]! > now) now = timestamps[e]!;
    if (now === -Infinity) now = NaN;
  }
  const decayPerMs = Math.LN2 / halfLifeMs;
  const sums = new Float64Array(numItems);
  for (let e = 0; e < columns.length; e++) {
    const w = weights[types[e]!]!;
    if (!(w > 0)) continue;
    const age = now - timestamps[e]!;
    // NaN age (untimed row) and negative age (after `now`) both mean "now".
    sums[items[e]!]! += age > 0 ? w * Math.exp(-age * decayPerMs) : w;
  }
  const scores = Float32Array.from(sums);
  return {
    kind: 'trending',
    numItems,
    scores,
    now,
    halfLifeMs,
    scoreUser(_user, out) {
      out.set(scores);
    },
  };
}
