import { chiSquareTail } from './distributions';
import type {
  ArmAggregate,
  ExperimentAggregates,
  ExperimentDefinition,
  MetricDefinition,
  MetricSums,
} from './experiment-types';
import { experimentSlotBounds } from './report-noise';
import type { SampleRatioCheck } from './sample-ratio';
import { checkSampleRatio, SRM_ALARM_P_VALUE } from './sample-ratio';
import { experimentMetrics } from './validate-experiment';

/**
 * Bounds of a metric's Σy and Σx slots (the scale of the noise each report adds to them); throws
 * `OptionError` for an uncapped `mean` metric, whose noise scale is unknown.
 */
export function metricNoiseBounds(
  definition: ExperimentDefinition,
  metric: MetricDefinition,
): { readonly sumBound: number; readonly covariateBound: number } {
  const index = experimentMetrics(definition).indexOf(metric);
  const bounds = experimentSlotBounds(definition);
  const base = 2 + 5 * index;
  return { sumBound: bounds[base] ?? 0, covariateBound: bounds[base + 2] ?? 0 };
}

const atLeastZero = (value: number): number => (value > 0 ? value : 0);

function clampMetric(sums: MetricSums): MetricSums {
  const covariate = sums.covariate;
  return {
    ...sums,
    sumSquares: atLeastZero(sums.sumSquares),
    ...(covariate === undefined
      ? {}
      : { covariate: { ...covariate, sumSquares: atLeastZero(covariate.sumSquares) } }),
  };
}

function clampArm(arm: ArmAggregate): ArmAggregate {
  if (!((arm.noiseUnits ?? 0) > 0)) return arm;
  const metrics: Record<string, MetricSums> = {};
  for (const [id, sums] of Object.entries(arm.metrics)) {
    // Malformed entries are left for validateAggregates to name.
    metrics[id] = typeof sums === 'object' && sums !== null ? clampMetric(sums) : sums;
  }
  return {
    ...arm,
    visitors: typeof arm.visitors === 'number' ? atLeastZero(arm.visitors) : arm.visitors,
    exposedVisitors:
      typeof arm.exposedVisitors === 'number'
        ? atLeastZero(arm.exposedVisitors)
        : arm.exposedVisitors,
    metrics,
  };
}

/**
 * Aggregates with the counts and sums of squares of noised arms clamped at zero: zero-mean noise
 * can push them below it while an arm is small, and none of them can be negative in truth.
 * Arms without noise are returned unchanged (a negative count there is an error to report).
 */
export function clampNoisySums(aggregates: ExperimentAggregates): ExperimentAggregates {
  if (!Array.isArray(aggregates.arms)) return aggregates;
  return { ...aggregates, arms: aggregates.arms.map(clampArm) };
}

/** Solves `matrix · x = vector` by Gaussian elimination with partial pivoting (small systems). */
function solve(matrix: number[][], vector: number[]): number[] | null {
  const size = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i] ?? 0]);
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let r = col + 1; r < size; r++) {
      if (Math.abs(a[r]?.[col] ?? 0) > Math.abs(a[pivot]?.[col] ?? 0)) pivot = r;
    }
    const top = a[pivot];
    if (top === undefined || !(Math.abs(top[col] ?? 0) > 0)) return null;
    [a[col], a[pivot]] = [top, a[col] ?? top];
    for (let r = 0; r < size; r++) {
      const row = a[r];
      if (r === col || row === undefined) continue;
      const factor = (row[col] ?? 0) / (top[col] ?? 1);
      for (let c = col; c <= size; c++) row[c] = (row[c] ?? 0) - factor * (top[c] ?? 0);
    }
  }
  return a.map((row, i) => (row[size] ?? 0) / (row[i] ?? 1));
}

/** Options of {@link checkNoisySampleRatio}. */
export interface NoisySampleRatioOptions {
  /** Observed (noised) units per arm. */
  readonly counts: readonly number[];
  /** Planned relative weight per arm, same order. */
  readonly weights: readonly number[];
  /** Noise variance of each arm's count (its `noiseUnits`; 0 = exact), same order. */
  readonly noiseUnits: readonly number[];
}

/**
 * The sample-ratio check of `checkSampleRatio` with known Gaussian noise on the counts. The
 * chi-square statistic becomes the Mahalanobis distance of the deviations Oᵢ − pᵢT from the
 * planned shares under their covariance A·diag(T·pᵢ + Uᵢ)·Aᵀ (A = I − p1ᵀ), over the first
 * K − 1 arms — which is exactly Pearson's statistic when every Uᵢ is 0. The anytime-valid
 * p-value is computed on the counts shrunk by the largest variance inflation, minᵢ T·pᵢ / (T·pᵢ +
 * Uᵢ), which makes it conservative rather than exact.
 */
export function checkNoisySampleRatio(options: NoisySampleRatioOptions): SampleRatioCheck {
  const { counts, weights, noiseUnits } = options;
  if (!noiseUnits.some((u) => u > 0)) return checkSampleRatio({ counts, weights });
  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  const shares = weights.map((w) => w / weightSum);
  const total = counts.reduce((sum, c) => sum + c, 0);
  const variances = shares.map((p, i) => total * p + (noiseUnits[i] ?? 0));
  const varianceSum = variances.reduce((sum, v) => sum + v, 0);
  const k = counts.length - 1;
  const deviations = counts.slice(0, k).map((c, i) => c - (shares[i] ?? 0) * total);
  const covariance = deviations.map((_, i) =>
    deviations.map((__, j) => {
      const pi = shares[i] ?? 0;
      const pj = shares[j] ?? 0;
      const di = variances[i] ?? 0;
      const dj = variances[j] ?? 0;
      return (i === j ? di : 0) - di * pj - pi * dj + pi * pj * varianceSum;
    }),
  );
  const solved = solve(covariance, deviations);
  const statistic =
    solved === null ? 0 : deviations.reduce((sum, d, i) => sum + d * (solved[i] ?? 0), 0);
  const pValue = total > 0 && statistic > 0 ? chiSquareTail(statistic, k) : 1;
  const shrink = Math.min(
    1,
    ...shares.map((p, i) => {
      const exact = total * p;
      return exact > 0 ? exact / (exact + (noiseUnits[i] ?? 0)) : 1;
    }),
  );
  const sequential = checkSampleRatio({ counts: counts.map((c) => c * shrink), weights });
  return {
    statistic,
    degreesOfFreedom: k,
    pValue,
    alarm: pValue < SRM_ALARM_P_VALUE,
    sequentialPValue: sequential.sequentialPValue,
  };
}
