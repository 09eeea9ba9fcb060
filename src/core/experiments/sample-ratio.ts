import { chiSquareTail } from './distributions';

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
  return { statistic, degreesOfFreedom, pValue, alarm: pValue < SRM_ALARM_P_VALUE };
}
