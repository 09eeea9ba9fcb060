import type { MetricSums } from './experiment-types';

/** Mean and per-visitor variance of a metric in one arm, after CUPED when it applies. */
export interface ArmMoments {
  /** Exposed visitors. */
  readonly n: number;
  /** Mean per exposed visitor (CUPED-adjusted when `cupedTheta` is not null). */
  readonly mean: number;
  /** Per-visitor variance of the (adjusted) value, known DP noise included. */
  readonly variance: number;
  /** Per-visitor variance before CUPED, known DP noise included. */
  readonly rawVariance: number;
}

function sampleVariance(n: number, sum: number, sumSquares: number): number {
  if (n < 2) return 0;
  // DP noise on the sums can push this a hair below zero; a variance never is.
  return Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1));
}

function sampleCovariance(n: number, sumX: number, sumY: number, sumXY: number): number {
  return n < 2 ? 0 : (sumXY - (sumX * sumY) / n) / (n - 1);
}

/**
 * Known Gaussian noise in an arm's sums: each report added N(0, (multiplier · bound)²) to every
 * slot, so a slot with bound b carries noise of variance `units · b²` (`units` = Σ multiplier²).
 */
export interface SumNoise {
  /** Σ multiplier² over the reports summed in the arm (its `noiseUnits`). */
  readonly units: number;
  /** Bound of the metric's Σy slot (see `experimentSlotBounds`). */
  readonly sumBound: number;
  /** Bound of the metric's Σx slot (0 without CUPED). */
  readonly covariateBound: number;
}

/**
 * Extra per-visitor variance from noise for a mean `ratio` = numerator / n whose numerator has
 * noise of variance units·bound² and whose count n has noise of variance units (bound 1). By the
 * delta method Var(ratio) ≈ (n·σ² + units·bound² + ratio²·units) / n², so the per-visitor
 * variance (what is divided by n later) grows by units·(bound² + ratio²)/n.
 */
function noiseVariance(n: number, units: number, bound: number, ratio: number): number {
  if (!(units > 0) || !(n > 0)) return 0;
  return (units * (bound * bound + ratio * ratio)) / n;
}

/**
 * CUPED coefficient θ = cov(x, y) / var(x), pooled over every arm (Deng, Xu, Kohavi, Walker
 * 2013). Pooling keeps one θ for all arms, so the adjustment cannot favour one of them; null when
 * a metric has no covariate or the covariate does not vary.
 */
export function pooledCupedTheta(
  arms: readonly { readonly n: number; readonly sums: MetricSums }[],
): number | null {
  let n = 0;
  let sumX = 0;
  let sumY = 0;
  let sumXX = 0;
  let sumXY = 0;
  for (const arm of arms) {
    const covariate = arm.sums.covariate;
    if (covariate === undefined) return null;
    n += arm.n;
    sumY += arm.sums.sum;
    sumX += covariate.sum;
    sumXX += covariate.sumSquares;
    sumXY += covariate.sumProducts;
  }
  const varianceX = sampleVariance(n, sumX, sumXX);
  if (!(varianceX > 0)) return null;
  return sampleCovariance(n, sumX, sumY, sumXY) / varianceX;
}

/**
 * Mean and variance of one arm's metric from its sums. With `theta`, the mean is adjusted by the
 * arm's covariate imbalance against `pooledCovariateMean` and the variance becomes
 * var(y) + θ²var(x) − 2θ·cov(x, y), which is var(y)·(1 − ρ²) at the optimal θ. With `noise`,
 * both variances also carry the known noise of the sums and of the count (see `noiseVariance`),
 * so every interval, p-value and chance to win built on them accounts for it.
 */
export function armMoments(options: {
  /** Exposed visitors of the arm. */
  readonly n: number;
  /** The metric's sums in the arm. */
  readonly sums: MetricSums;
  /** Pooled CUPED θ, or null for no adjustment. */
  readonly theta: number | null;
  /** Covariate mean over every arm. */
  readonly pooledCovariateMean: number;
  /** DP noise known to be in the arm's sums (absent or `units` 0: none). */
  readonly noise?: SumNoise;
}): ArmMoments {
  const { sums, theta } = options;
  // Noise can push a small arm's count to or below zero: such an arm has no usable mean yet.
  const n = options.n > 0 ? options.n : 0;
  const mean = n > 0 ? sums.sum / n : 0;
  const units = options.noise?.units ?? 0;
  const rawVariance = sampleVariance(n, sums.sum, sums.sumSquares);
  const covariate = sums.covariate;
  if (theta === null || covariate === undefined || n === 0) {
    const variance = rawVariance + noiseVariance(n, units, options.noise?.sumBound ?? 0, mean);
    return { n, mean, variance, rawVariance: variance };
  }
  const varianceX = sampleVariance(n, covariate.sum, covariate.sumSquares);
  const covarianceXY = sampleCovariance(n, covariate.sum, sums.sum, covariate.sumProducts);
  const adjusted = rawVariance + theta * theta * varianceX - 2 * theta * covarianceXY;
  const sumBound = options.noise?.sumBound ?? 0;
  const covariateBound = options.noise?.covariateBound ?? 0;
  // The adjusted mean is (Σy − θΣx)/n + θx̄: its noisy numerator has bound² b_y² + θ²b_x².
  const adjustedBound = Math.sqrt(
    sumBound * sumBound + theta * theta * covariateBound * covariateBound,
  );
  const ratio = (sums.sum - theta * covariate.sum) / n;
  return {
    n,
    mean: mean - theta * (covariate.sum / n - options.pooledCovariateMean),
    variance: Math.max(0, adjusted) + noiseVariance(n, units, adjustedBound, ratio),
    rawVariance: rawVariance + noiseVariance(n, units, sumBound, mean),
  };
}

/** An estimated effect and its standard error. */
export interface Effect {
  /** Point estimate. */
  readonly estimate: number;
  /** Standard error. */
  readonly standardError: number;
}

/** Absolute effect μT − μC and its standard error. */
export function absoluteEffect(control: ArmMoments, treatment: ArmMoments): Effect {
  return {
    estimate: treatment.mean - control.mean,
    standardError: Math.sqrt(treatment.variance / treatment.n + control.variance / control.n),
  };
}

/**
 * Relative effect μT/μC − 1 with its delta-method standard error
 * √(σT²/(nT·μC²) + μT²·σC²/(nC·μC⁴)); null when the control mean is not positive.
 */
export function relativeEffect(control: ArmMoments, treatment: ArmMoments): Effect | null {
  if (!(control.mean > 0) || control.n === 0 || treatment.n === 0) return null;
  const mc2 = control.mean * control.mean;
  let variance =
    treatment.variance / (treatment.n * mc2) +
    (treatment.mean * treatment.mean * control.variance) / (control.n * mc2 * mc2);
  if (!(variance > 0)) {
    // The delta method loses the control's spread when the treatment is constant at 0 (a holdout
    // on a metric only rows create): the lift would look certain. Use the difference's spread
    // over the control mean instead.
    variance = (treatment.variance / treatment.n + control.variance / control.n) / mc2;
  }
  return { estimate: treatment.mean / control.mean - 1, standardError: Math.sqrt(variance) };
}
