/**
 * Server-side averaging of the slowly changing statistics across rounds. Browser-safe.
 *
 * Each item's confidence mass per user (C_i / N / userWeightNorm) and the confidence normalisation
 * sums do not depend on the model at all, and the Gram matrix per user changes slowly, so averaging
 * them over rounds removes most of their DP noise for free (post-processing of released values).
 */
import { OptionError } from '../core/errors';

/** Persistable state of a {@link StatisticsSmoother}. */
export interface SmootherState {
  /** Σ over rounds of C_i / (N · userWeightNorm) per item. */
  readonly countSum: readonly number[];
  /** Rounds in which each item was updated. */
  readonly countRounds: readonly number[];
  /** Σ over rounds of the stats sums. */
  readonly statsSum: readonly [number, number];
  /** Exponential moving average of G / N (upper triangle), or null before the first round. */
  readonly gram: readonly number[] | null;
}

/** Smoothed inputs for one item step. */
export interface SmoothedStatistics {
  /** Per round row, in cohort-sum units. */
  readonly counts: Float64Array;
  /** Upper triangle, in cohort-sum units. */
  readonly gram: Float64Array;
  /** Estimate from all rounds so far, or null when not available. */
  readonly userWeightNorm: number | null;
}

/** Averages counts, normalisation stats and the Gram matrix across rounds. */
export interface StatisticsSmoother {
  /** Folds in a round's sums (computed with `userWeightNorm`) and returns the smoothed inputs. */
  update(o: {
    readonly rows: ArrayLike<number>;
    readonly counts: Float64Array;
    readonly gram: Float64Array;
    readonly stats: Float64Array;
    readonly cohort: number;
    readonly userWeightNorm: number;
  }): SmoothedStatistics;
  toJSON(): SmootherState;
}

/** Options of {@link createStatisticsSmoother}. */
export interface SmootherOptions {
  readonly numItems: number;
  /** Weight of the newest round in the Gram average (1 = no smoothing). Default 0.5. */
  readonly gramWeight?: number;
  readonly state?: SmootherState;
}

/** Creates a smoother (optionally resuming a saved state). */
export function createStatisticsSmoother(o: SmootherOptions): StatisticsSmoother {
  const n = o.numItems;
  const gramWeight = o.gramWeight ?? 0.5;
  if (!(gramWeight > 0 && gramWeight <= 1))
    throw new OptionError(`gramWeight must be in (0, 1] (got ${gramWeight}).`);
  const countSum = new Float64Array(n);
  const countRounds = new Float64Array(n);
  const statsSum = [0, 0];
  let gram: Float64Array | null = null;
  if (o.state) {
    if (o.state.countSum.length !== n || o.state.countRounds.length !== n) {
      throw new OptionError(
        `The saved statistics are for ${o.state.countSum.length} items, not ${n}.`,
      );
    }
    countSum.set(o.state.countSum);
    countRounds.set(o.state.countRounds);
    statsSum[0] = o.state.statsSum[0];
    statsSum[1] = o.state.statsSum[1];
    gram = o.state.gram ? Float64Array.from(o.state.gram) : null;
  }
  return {
    update(u) {
      const { cohort } = u;
      if (!(cohort > 0)) throw new OptionError(`The cohort must be positive (got ${cohort}).`);
      const counts = new Float64Array(u.rows.length);
      for (let p = 0; p < u.rows.length; p++) {
        const i = u.rows[p]!;
        countSum[i]! += u.counts[p]! / (cohort * u.userWeightNorm);
        countRounds[i]! += 1;
        counts[p] = Math.max(0, (countSum[i]! / countRounds[i]!) * cohort * u.userWeightNorm);
      }
      statsSum[0]! += u.stats[0]!;
      statsSum[1]! += u.stats[1]!;
      const perUser = Float64Array.from(u.gram, (g) => g / cohort);
      if (gram === null || gram.length !== perUser.length) gram = perUser;
      else
        for (let j = 0; j < gram.length; j++)
          gram[j] = (1 - gramWeight) * gram[j]! + gramWeight * perUser[j]!;
      const ratio = statsSum[0]! > 0 && statsSum[1]! > 0 ? statsSum[0]! / statsSum[1]! : null;
      return {
        counts,
        gram: Float64Array.from(gram, (g) => g * cohort),
        userWeightNorm: ratio === null ? null : Math.min(1e6, Math.max(1, ratio)),
      };
    },
    toJSON: () => ({
      countSum: Array.from(countSum),
      countRounds: Array.from(countRounds),
      statsSum: [statsSum[0]!, statsSum[1]!],
      gram: gram ? Array.from(gram) : null,
    }),
  };
}
