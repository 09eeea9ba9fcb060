import { OptionError } from '../errors';
import type { ArmComparisonStats } from './compare-arms';
import { compareArms } from './compare-arms';
import type {
  ExperimentAggregates,
  ExperimentDefinition,
  MetricDefinition,
} from './experiment-types';
import { armMoments, pooledCupedTheta, type ArmMoments, type SumNoise } from './metric-moments';
import { benjaminiHochberg } from './multiple-testing';
import { checkNoisySampleRatio, clampNoisySums, metricNoiseBounds } from './noisy-sums';
import type { SampleRatioCheck } from './sample-ratio';
import {
  experimentMetrics,
  validateAggregates,
  validateExperimentDefinition,
} from './validate-experiment';

const DAY_MS = 86_400_000;

/** z of the one-sided 97.5% bound a noised exposed count must clear the minimum sample by. */
const NOISY_COUNT_Z = 1.96;

/**
 * `not-enough-data`: the minimum sample or runtime is not reached yet; `sample-ratio-mismatch`:
 * the arm sizes contradict the weights; `ready`: verdicts can be read.
 */
export type ExperimentStatus = 'not-enough-data' | 'sample-ratio-mismatch' | 'ready';

/**
 * `better` / `worse`: the treatment differs from the control with significance after
 * Benjamini–Hochberg (in the metric's good or bad direction); `inconclusive`: no significant
 * difference yet; `withheld`: the experiment is not `ready`.
 */
export type Verdict = 'better' | 'worse' | 'inconclusive' | 'withheld';

/** One treatment arm against the control on one metric. */
export interface MetricComparison extends ArmComparisonStats {
  /** The treatment arm. */
  readonly armId: string;
  /** The metric. */
  readonly metricId: string;
  /** Whether it is the primary metric or a guardrail. */
  readonly role: 'primary' | 'guardrail';
  /** Control mean per exposed visitor (CUPED-adjusted when the metric uses CUPED). */
  readonly controlMean: number;
  /** Treatment mean per exposed visitor (CUPED-adjusted when the metric uses CUPED). */
  readonly treatmentMean: number;
  /** The p-value verdicts use (sequential or fixed, per the definition), BH-adjusted. */
  readonly adjustedPValue: number;
  /** What the comparison says. */
  readonly verdict: Verdict;
}

/** Per-arm summary. */
export interface ArmSummary {
  /** The arm. */
  readonly armId: string;
  /** Visitors assigned. */
  readonly visitors: number;
  /** Visitors exposed. */
  readonly exposedVisitors: number;
  /** Unadjusted mean per exposed visitor, per metric id. */
  readonly means: Readonly<Record<string, number>>;
  /** Standard error of each of those means (known DP noise included), per metric id. */
  readonly standardErrors: Readonly<Record<string, number>>;
}

/** Result of {@link analyzeExperiment}. */
export interface ExperimentAnalysis {
  /** Id of the experiment. */
  readonly experimentId: string;
  /** Definition version. */
  readonly version: number;
  /** Whether verdicts can be read. */
  readonly status: ExperimentStatus;
  /** Why the status is not `ready`, in words (empty when ready). */
  readonly reasons: readonly string[];
  /** Days between the start and `asOf`. */
  readonly runtimeDays: number;
  /** Sample-ratio-mismatch check of exposed visitors against the arm weights. */
  readonly sampleRatio: SampleRatioCheck;
  /** One entry per arm, control first. */
  readonly arms: readonly ArmSummary[];
  /** Every treatment arm against the control on every metric (primary first). */
  readonly comparisons: readonly MetricComparison[];
}

/** Options of {@link analyzeExperiment}. */
export interface AnalyzeExperimentOptions {
  /** The experiment as defined before launch. */
  readonly definition: ExperimentDefinition;
  /** Aggregates summed over every reporting period so far. */
  readonly aggregates: ExperimentAggregates;
  /** End of the latest reporting period included (ISO 8601). */
  readonly asOf: string;
}

/** The `noise` option of `armMoments` for arm `index` on `metric` (empty for an exact arm). */
function noiseOf(
  definition: ExperimentDefinition,
  aggregates: ExperimentAggregates,
  metric: MetricDefinition,
): (index: number) => { noise?: SumNoise } {
  const noisy = aggregates.arms.some((arm) => (arm.noiseUnits ?? 0) > 0);
  const bounds = noisy ? metricNoiseBounds(definition, metric) : null;
  return (index) => {
    const units = aggregates.arms[index]?.noiseUnits ?? 0;
    return bounds !== null && units > 0 ? { noise: { units, ...bounds } } : {};
  };
}

function metricComparisons(
  definition: ExperimentDefinition,
  aggregates: ExperimentAggregates,
  metric: MetricDefinition,
  alpha: number,
): { armId: string; controlMean: number; treatmentMean: number; stats: ArmComparisonStats }[] {
  const arms = aggregates.arms.map((arm) => {
    const sums = arm.metrics[metric.id];
    if (sums === undefined) throw new OptionError(`Metric "${metric.id}" has no sums.`);
    return { n: arm.exposedVisitors, sums };
  });
  const theta = metric.cuped === true ? pooledCupedTheta(arms) : null;
  const totalN = arms.reduce((sum, arm) => sum + arm.n, 0);
  const totalX = arms.reduce((sum, arm) => sum + (arm.sums.covariate?.sum ?? 0), 0);
  const noise = noiseOf(definition, aggregates, metric);
  const moments = arms.map((arm, i) =>
    armMoments({
      ...arm,
      theta,
      pooledCovariateMean: totalN > 0 ? totalX / totalN : 0,
      ...noise(i),
    }),
  );
  const [control, ...treatments] = moments;
  if (control === undefined) return [];
  return treatments.map((treatment, i) => ({
    armId: definition.arms[i + 1]?.id ?? '',
    controlMean: control.mean,
    treatmentMean: treatment.mean,
    stats: compareArms({
      control,
      treatment,
      alpha,
      plannedSampleSize: 2 * definition.plannedSamplePerArm,
      higherIsBetter: metric.higherIsBetter ?? true,
    }),
  }));
}

function statusOf(
  definition: ExperimentDefinition,
  aggregates: ExperimentAggregates,
  runtimeDays: number,
  sampleRatio: SampleRatioCheck,
): { status: ExperimentStatus; reasons: string[] } {
  const reasons: string[] = [];
  for (const arm of aggregates.arms) {
    // A noised count must clear the minimum by its noise too (one-sided 97.5%), so noise alone
    // cannot release a verdict early.
    const noise = NOISY_COUNT_Z * Math.sqrt(arm.noiseUnits ?? 0);
    if (arm.exposedVisitors - noise < definition.minimumSamplePerArm) {
      const about =
        noise > 0
          ? ` about ${Math.round(arm.exposedVisitors)} (± ${Math.round(noise)} from DP noise)`
          : ` ${Math.round(arm.exposedVisitors)}`;
      reasons.push(
        `arm "${arm.armId}" has${about} exposed visitors of the ${definition.minimumSamplePerArm} required`,
      );
    }
  }
  if (runtimeDays < definition.minimumRuntimeDays) {
    reasons.push(
      `ran ${runtimeDays.toFixed(1)} days of the ${definition.minimumRuntimeDays} required`,
    );
  }
  if (reasons.length > 0) return { status: 'not-enough-data', reasons };
  if (sampleRatio.alarm) {
    reasons.push(
      `exposed visitors per arm contradict the weights (SRM p = ${sampleRatio.pValue.toExponential(2)}): check assignment and exposure logging before reading results`,
    );
    return { status: 'sample-ratio-mismatch', reasons };
  }
  return { status: 'ready', reasons };
}

/**
 * Analyzes an experiment from its per-arm aggregates: per-arm means, absolute and relative lift
 * of every treatment arm against the control with fixed-horizon and anytime-valid intervals,
 * Bayesian chance to win and risk, CUPED where the metric has a covariate, a sample-ratio check,
 * Benjamini–Hochberg across arms and metrics, and no verdict before the minimum sample and
 * runtime. Throws `OptionError` / `DataError` naming the field when the definition or the
 * aggregates are malformed.
 */
export function analyzeExperiment(options: AnalyzeExperimentOptions): ExperimentAnalysis {
  const definition = validateExperimentDefinition(options.definition);
  const aggregates = validateAggregates(definition, clampNoisySums(options.aggregates));
  const asOf = Date.parse(options.asOf);
  if (Number.isNaN(asOf))
    throw new OptionError(`asOf must be an ISO 8601 date (got "${options.asOf}").`);
  const runtimeDays = Math.max(0, (asOf - Date.parse(definition.start)) / DAY_MS);
  const alpha = definition.alpha ?? 0.05;
  const sequential = definition.sequential ?? true;
  const sampleRatio = checkNoisySampleRatio({
    counts: aggregates.arms.map((arm) => arm.exposedVisitors),
    weights: definition.arms.map((arm) => arm.weight),
    noiseUnits: aggregates.arms.map((arm) => arm.noiseUnits ?? 0),
  });
  const { status, reasons } = statusOf(definition, aggregates, runtimeDays, sampleRatio);
  const metrics = experimentMetrics(definition);
  const raw = metrics.flatMap((metric, index) =>
    metricComparisons(definition, aggregates, metric, alpha).map((c) => ({
      ...c,
      metric,
      role: index === 0 ? ('primary' as const) : ('guardrail' as const),
    })),
  );
  const adjusted = benjaminiHochberg(
    raw.map((c) => (sequential ? c.stats.sequentialPValue : c.stats.pValue)),
  );
  const comparisons = raw.map((c, i): MetricComparison => {
    const adjustedPValue = adjusted[i] ?? 1;
    const effect = c.stats.relative ?? c.stats.absolute;
    const good = (c.metric.higherIsBetter ?? true) === effect.estimate > 0;
    const verdict: Verdict =
      status !== 'ready'
        ? 'withheld'
        : adjustedPValue >= alpha
          ? 'inconclusive'
          : good
            ? 'better'
            : 'worse';
    return {
      ...c.stats,
      armId: c.armId,
      metricId: c.metric.id,
      role: c.role,
      controlMean: c.controlMean,
      treatmentMean: c.treatmentMean,
      adjustedPValue,
      verdict,
    };
  });
  const arms = aggregates.arms.map((arm, index): ArmSummary => {
    const moments = metrics.map((metric) => {
      const sums = arm.metrics[metric.id] ?? { sum: 0, sumSquares: 0 };
      const noise = noiseOf(definition, aggregates, metric)(index);
      const n = arm.exposedVisitors;
      return armMoments({ n, sums, theta: null, pooledCovariateMean: 0, ...noise });
    });
    const perMetric = (value: (m: ArmMoments) => number): Record<string, number> =>
      Object.fromEntries(metrics.map((m, i) => [m.id, moments[i] ? value(moments[i]) : 0]));
    return {
      armId: arm.armId,
      visitors: arm.visitors,
      exposedVisitors: arm.exposedVisitors,
      means: perMetric((m) => m.mean),
      standardErrors: perMetric((m) => (m.n > 0 ? Math.sqrt(m.rawVariance / m.n) : 0)),
    };
  });
  return {
    experimentId: definition.id,
    version: definition.version,
    status,
    reasons,
    runtimeDays,
    sampleRatio,
    arms,
    comparisons,
  };
}
