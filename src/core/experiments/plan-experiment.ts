import { OptionError } from '../errors';
import { normalCdf, normalPdf, normalQuantile } from './distributions';
import { sequentialFactor } from './sequential-interval';

/** Options of {@link planExperiment}. */
export interface PlanExperimentOptions {
  /** Control mean of the primary metric (a rate for binomial metrics). */
  readonly baselineMean: number;
  /**
   * Per-visitor variance of the metric in the control; omitted for a rate, where it is
   * p(1 − p). Multiply by the expected 1 − ρ² when CUPED will be used.
   */
  readonly baselineVariance?: number;
  /** Smallest relative lift worth detecting (0.05 = +5%). */
  readonly minimumDetectableLift: number;
  /** Whether the metric is a rate (variance of the treatment follows from its mean). */
  readonly binomial: boolean;
  /** False-positive rate (default 0.05). */
  readonly alpha?: number;
  /** Probability of detecting the lift (default 0.8). */
  readonly power?: number;
  /**
   * Evenly spaced looks at the data over the planned sample (e.g. one per reporting day). With
   * sequential intervals every look may stop the experiment; default 1.
   */
  readonly looks?: number;
  /** Whether the analysis uses anytime-valid intervals (default true). */
  readonly sequential?: boolean;
  /** Exposed visitors per arm per day, to turn the sample into a duration. */
  readonly dailyExposedPerArm?: number;
}

/** Result of {@link planExperiment}. */
export interface ExperimentPlan {
  /** Exposed visitors per arm needed for the requested power. */
  readonly samplePerArm: number;
  /** Power at that sample (at least the requested one). */
  readonly power: number;
  /** Days needed at `dailyExposedPerArm`, rounded up to whole days; null without it. */
  readonly days: number | null;
}

const GRID_POINTS = 121;

interface PowerInputs {
  readonly lift: number;
  /** Per-visitor variance of the relative lift estimate times the per-arm sample. */
  readonly unitVariance: number;
  readonly alpha: number;
  readonly looks: number;
  readonly sequential: boolean;
}

/**
 * Probability that the lift is declared (upper boundary crossed) at one of `looks` evenly spaced
 * analyses, treating the score process as Brownian motion with drift in information time and
 * integrating its density over the continuation region look by look (as in group-sequential
 * designs, Armitage, McPherson & Rowe 1969). A single fixed-horizon look is the special case.
 */
function powerAtSample(inputs: PowerInputs, samplePerArm: number): number {
  const { lift, alpha, looks } = inputs;
  const information = samplePerArm / inputs.unitVariance;
  const step = information / looks;
  const bound = (k: number): number =>
    inputs.sequential
      ? sequentialFactor({
          alpha,
          sampleSize: (2 * samplePerArm * k) / looks,
          plannedSampleSize: 2 * samplePerArm,
        })
      : normalQuantile(1 - alpha / 2);
  // Look 1: S ~ N(lift·I₁, I₁).
  const sd = Math.sqrt(step);
  let upper = bound(1) * sd;
  let crossed = 1 - normalCdf((upper - lift * step) / sd);
  let grid = Array.from(
    { length: GRID_POINTS },
    (_, j) => -upper + (2 * upper * j) / (GRID_POINTS - 1),
  );
  let density = grid.map((s) => normalPdf((s - lift * step) / sd) / sd);
  for (let k = 2; k <= looks; k++) {
    const h = (grid[1] ?? 0) - (grid[0] ?? 0);
    const weights = density.map((f, j) => f * h * (j === 0 || j === GRID_POINTS - 1 ? 0.5 : 1));
    upper = bound(k) * Math.sqrt(step * k);
    const next = Array.from(
      { length: GRID_POINTS },
      (_, j) => -upper + (2 * upper * j) / (GRID_POINTS - 1),
    );
    const nextDensity = new Array<number>(GRID_POINTS).fill(0);
    for (let j = 0; j < GRID_POINTS; j++) {
      const w = weights[j] ?? 0;
      if (w < 1e-14) continue;
      const centre = (grid[j] ?? 0) + lift * step;
      crossed += w * (1 - normalCdf((upper - centre) / sd));
      for (let i = 0; i < GRID_POINTS; i++) {
        nextDensity[i] =
          (nextDensity[i] ?? 0) + (w * normalPdf(((next[i] ?? 0) - centre) / sd)) / sd;
      }
    }
    grid = next;
    density = nextDensity;
  }
  return Math.min(1, crossed);
}

/**
 * Sample size per arm (and duration) for a two-arm experiment to detect a relative lift with the
 * requested power, computed for the analysis that will actually run: with sequential intervals
 * tuned at that very sample size and a look per reporting period, so the prediction matches what
 * `analyzeExperiment` detects. Use it before launch and put the result in `plannedSamplePerArm`.
 */
export function planExperiment(options: PlanExperimentOptions): ExperimentPlan {
  const p = options.baselineMean;
  const lift = options.minimumDetectableLift;
  if (!(p > 0)) throw new OptionError('planExperiment: baselineMean must be positive.');
  if (options.binomial && !(p < 1))
    throw new OptionError('planExperiment: a rate baselineMean must be below 1.');
  if (!(lift > 0))
    throw new OptionError('planExperiment: minimumDetectableLift must be positive (0.05 = +5%).');
  const treatmentMean = p * (1 + lift);
  if (options.binomial && !(treatmentMean < 1)) {
    throw new OptionError(
      'planExperiment: baselineMean × (1 + minimumDetectableLift) must stay below 1.',
    );
  }
  const controlVariance = options.binomial ? p * (1 - p) : options.baselineVariance;
  if (controlVariance === undefined || !(controlVariance > 0)) {
    throw new OptionError(
      'planExperiment: baselineVariance must be positive for a non-rate metric.',
    );
  }
  const treatmentVariance = options.binomial
    ? treatmentMean * (1 - treatmentMean)
    : controlVariance;
  const alpha = options.alpha ?? 0.05;
  const target = options.power ?? 0.8;
  const looks = options.looks ?? 1;
  if (!(target > 0.5 && target < 1))
    throw new OptionError('planExperiment: power must be in (0.5, 1).');
  if (!(Number.isInteger(looks) && looks >= 1))
    throw new OptionError('planExperiment: looks must be an integer ≥ 1.');
  const inputs: PowerInputs = {
    lift,
    // Delta-method variance of μT/μC − 1 times n per arm.
    unitVariance:
      treatmentVariance / (p * p) + (treatmentMean * treatmentMean * controlVariance) / p ** 4,
    alpha,
    looks,
    sequential: options.sequential ?? true,
  };
  let low = 2;
  let high = 4;
  while (powerAtSample(inputs, high) < target) {
    low = high;
    high *= 2;
    if (high > 1e12)
      throw new OptionError('planExperiment: the lift is too small to detect with any sample.');
  }
  while (high - low > Math.max(1, low * 0.001)) {
    const mid = Math.floor((low + high) / 2);
    if (powerAtSample(inputs, mid) >= target) high = mid;
    else low = mid;
  }
  const daily = options.dailyExposedPerArm;
  return {
    samplePerArm: high,
    power: powerAtSample(inputs, high),
    days: daily !== undefined && daily > 0 ? Math.ceil(high / daily) : null,
  };
}
