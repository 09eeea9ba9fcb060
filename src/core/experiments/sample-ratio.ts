import { chiSquareTail, logGamma } from './distributions';

/** P-value below which a sample-ratio mismatch is flagged (as GrowthBook and Statsig do). */
export const SRM_ALARM_P_VALUE = 0.001;

/** Result of the sample-ratio-mismatch check. */
export interface SampleRatioCheck {
  /** Pearson chi-square statistic of the observed counts against the arm weights. */
  readonly statistic: number;
  /** Degrees of freedom (arms − 1). */
  readonly degreesOfFreedom: number;
  /** Chi-square tail probability of the statistic. */
  readonly pValue: number;
  /** True when pValue < {@link SRM_ALARM_P_VALUE}: assignment or exposure logging is broken. */
  readonly alarm: boolean;
  /**
   * Anytime-valid p-value of the same hypothesis (Dirichlet–multinomial Bayes factor, Lindon &
   * Malek 2022): below 0.001 at any look, ever, with probability at most 0.001 when the split is
   * right — unlike `pValue`, whose 0.001 holds per look.
   */
  readonly sequentialPValue: number;
}

/**
 * Prior concentration of the Dirichlet mixture: deviations from the planned shares of about
 * 1/√concentration (1% here) are what the sequential test is most sensitive to.
 */
const SEQUENTIAL_CONCENTRATION = 10_000;

/** 1 / Bayes factor of Dirichlet-multinomial counts against the planned shares, capped at 1. */
function sequentialSampleRatioPValue(counts: readonly number[], shares: readonly number[]): number {
  let logBayesFactor = 0;
  let total = 0;
  counts.forEach((count, i) => {
    const share = shares[i] ?? 0;
    if (!(share > 0)) return;
    const n = Math.max(0, count);
    const prior = SEQUENTIAL_CONCENTRATION * share;
    logBayesFactor += logGamma(prior + n) - logGamma(prior) - n * Math.log(share);
    total += n;
  });
  logBayesFactor += logGamma(SEQUENTIAL_CONCENTRATION) - logGamma(SEQUENTIAL_CONCENTRATION + total);
  return Math.min(1, Math.exp(-logBayesFactor));
}

/** Options of {@link checkSampleRatio}. */
export interface SampleRatioOptions {
  /** Observed units per arm. */
  readonly counts: readonly number[];
  /** Planned relative weight per arm, same order. */
  readonly weights: readonly number[];
}

/**
 * Chi-square goodness-of-fit test of observed arm sizes against the planned weights. A mismatch
 * means the arms are no longer comparable (a bug in assignment, exposure logging or reporting),
 * so verdicts are withheld while it lasts.
 */
export function checkSampleRatio(options: SampleRatioOptions): SampleRatioCheck {
  const total = options.counts.reduce((sum, c) => sum + c, 0);
  const weightSum = options.weights.reduce((sum, w) => sum + w, 0);
  let statistic = 0;
  options.counts.forEach((count, i) => {
    const expected = (total * (options.weights[i] ?? 0)) / weightSum;
    if (expected > 0) statistic += ((count - expected) * (count - expected)) / expected;
  });
  const degreesOfFreedom = options.counts.length - 1;
  const pValue = total > 0 ? chiSquareTail(statistic, degreesOfFreedom) : 1;
  const shares = options.weights.map((w) => w / weightSum);
  return {
    statistic,
    degreesOfFreedom,
    pValue,
    alarm: pValue < SRM_ALARM_P_VALUE,
    sequentialPValue: sequentialSampleRatioPValue(options.counts, shares),
  };
}
