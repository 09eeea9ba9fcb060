import { normalCdf, normalPdf, normalQuantile } from './distributions';
import type { ArmMoments, Effect } from './metric-moments';
import { absoluteEffect, relativeEffect } from './metric-moments';
import { sequentialFactor, sequentialPValue } from './sequential-interval';

/** A two-sided interval. */
export interface Interval {
  /** Lower end. */
  readonly lower: number;
  /** Upper end. */
  readonly upper: number;
}

/** An effect with its fixed-horizon and anytime-valid intervals at 1 − α. */
export interface EffectSummary extends Effect {
  /** Fixed-horizon interval: valid for one look at a sample size fixed in advance. */
  readonly interval: Interval;
  /** Anytime-valid interval: valid however often, and whenever, the results are read. */
  readonly sequentialInterval: Interval;
}

/** Bayesian reading of one comparison (flat prior, normal approximation of the lift). */
export interface BayesianSummary {
  /** Probability that the treatment is better than the control. */
  readonly chanceToWin: number;
  /** Expected loss (in the lift's units) of shipping the treatment if it is in fact worse. */
  readonly riskTreatment: number;
  /** Expected loss of keeping the control if the treatment is in fact better. */
  readonly riskControl: number;
}

/** Statistics of one treatment arm against the control on one metric. */
export interface ArmComparisonStats {
  /** Absolute difference of means. */
  readonly absolute: EffectSummary;
  /** Relative lift μT/μC − 1 (delta method); null when the control mean is not positive. */
  readonly relative: EffectSummary | null;
  /** Two-sided fixed-horizon p-value of the lift (relative when defined, else absolute). */
  readonly pValue: number;
  /** Anytime-valid p-value of the same lift. */
  readonly sequentialPValue: number;
  /** Bayesian chance to win and risks, on the same lift. */
  readonly bayesian: BayesianSummary;
  /** Variance of the effect with CUPED over without it (1 when CUPED is off). */
  readonly cupedVarianceRatio: number;
}

/** Options of {@link compareArms}. */
export interface CompareArmsOptions {
  /** Control arm's moments. */
  readonly control: ArmMoments;
  /** Treatment arm's moments. */
  readonly treatment: ArmMoments;
  /** False-positive rate of the intervals. */
  readonly alpha: number;
  /** Planned exposed visitors of both arms together (tunes the sequential intervals). */
  readonly plannedSampleSize: number;
  /** Whether larger values are better (flips chance to win and risks). */
  readonly higherIsBetter: boolean;
}

function summarize(effect: Effect, z: number, sequential: number): EffectSummary {
  const fixed = z * effect.standardError;
  const wide = sequential * effect.standardError;
  return {
    ...effect,
    interval: { lower: effect.estimate - fixed, upper: effect.estimate + fixed },
    sequentialInterval: { lower: effect.estimate - wide, upper: effect.estimate + wide },
  };
}

function bayesian(effect: Effect, sign: number): BayesianSummary {
  const mean = sign * effect.estimate;
  const sd = effect.standardError;
  if (!(sd > 0)) {
    return {
      chanceToWin: mean > 0 ? 1 : mean < 0 ? 0 : 0.5,
      riskTreatment: Math.max(0, -mean),
      riskControl: Math.max(0, mean),
    };
  }
  const t = mean / sd;
  // E[max(0, −X)] and E[max(0, X)] for X ~ N(mean, sd²).
  return {
    chanceToWin: normalCdf(t),
    riskTreatment: sd * normalPdf(t) - mean * normalCdf(-t),
    riskControl: sd * normalPdf(t) + mean * normalCdf(t),
  };
}

/** Compares one treatment arm with the control on one metric. */
export function compareArms(options: CompareArmsOptions): ArmComparisonStats {
  const { control, treatment, alpha } = options;
  const sampleSize = control.n + treatment.n;
  const factor = sequentialFactor({
    alpha,
    sampleSize,
    plannedSampleSize: options.plannedSampleSize,
  });
  const z = normalQuantile(1 - alpha / 2);
  const absolute = absoluteEffect(control, treatment);
  const relative = relativeEffect(control, treatment);
  const decision = relative ?? absolute;
  const zScore = decision.standardError > 0 ? decision.estimate / decision.standardError : 0;
  const raw = control.rawVariance / control.n + treatment.rawVariance / treatment.n;
  const adjusted = control.variance / control.n + treatment.variance / treatment.n;
  return {
    absolute: summarize(absolute, z, factor),
    relative: relative === null ? null : summarize(relative, z, factor),
    pValue: 2 * normalCdf(-Math.abs(zScore)),
    sequentialPValue: sequentialPValue(zScore, {
      alpha,
      sampleSize,
      plannedSampleSize: options.plannedSampleSize,
    }),
    bayesian: bayesian(decision, options.higherIsBetter ? 1 : -1),
    cupedVarianceRatio: raw > 0 ? adjusted / raw : 1,
  };
}
