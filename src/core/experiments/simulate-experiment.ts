import { OptionError } from '../errors';
import { createRng, type Rng } from '../random';
import { assignArm } from './assign-arm';
import type { ExperimentAggregates, ExperimentDefinition } from './experiment-types';
import { experimentMetrics } from './validate-experiment';
import {
  contributionLength,
  createAggregateAccumulator,
  writeContribution,
  type VisitorVector,
} from './visitor-contribution';

/** Outcomes the simulator knows; a definition's metric ids must be among them. */
export const SIMULATED_METRICS = ['row-click', 'add-to-cart', 'revenue'] as const;

/** The true behaviour of visitors in one arm. */
export interface SimulatedArmTruth {
  /** Probability that an exposed visitor clicks a recommendation row (metric `row-click`). */
  readonly clickRate: number;
  /** Probability that an exposed visitor adds to cart (metric `add-to-cart`). */
  readonly cartRate: number;
  /** Multiplier of revenue in this arm (1 = no effect; metric `revenue`). */
  readonly revenueFactor: number;
}

/** Heavy-tailed revenue with a pre-period covariate of known correlation. */
export interface SimulatedRevenue {
  /** Probability of any purchase in a period. */
  readonly purchaseRate: number;
  /** Log-normal location of a purchase amount. */
  readonly logMean: number;
  /** Log-normal scale of a purchase amount (1 or more gives a heavy tail). */
  readonly logSd: number;
  /** Pearson correlation between a visitor's pre-period and experiment-period revenue, in [0, 1). */
  readonly correlation: number;
}

/** Options of {@link simulateExperiment}. */
export interface SimulateExperimentOptions {
  /** The experiment; metric ids must be among {@link SIMULATED_METRICS}. */
  readonly definition: ExperimentDefinition;
  /** True behaviour per arm, in the definition's arm order (required without `visitors`). */
  readonly truth?: readonly SimulatedArmTruth[];
  /** Revenue model (required without `visitors`). */
  readonly revenue?: SimulatedRevenue;
  /**
   * Draws each visitor's outcomes instead of `truth` and `revenue` (e.g. a simulated shopper shown
   * the arm's row): see {@link SimulatedVisitorSource}.
   */
  readonly visitors?: SimulatedVisitorSource;
  /** Seed: the same seed gives the same experiment. */
  readonly seed: number;
  /** Reporting periods (days) to simulate. */
  readonly days: number;
  /** New visitors per day, all arms together. */
  readonly visitorsPerDay: number;
  /** Probability a visit renders a row (default 0.85). */
  readonly exposureRate?: number;
  /** Probability a visitor comes back 1–6 days later (default 0.3). */
  readonly returnRate?: number;
  /** Standard deviation of Gaussian noise added to each arm's counts per period (default none). */
  readonly countNoiseSd?: number;
  /**
   * Called with every device report as it is made, in order (for running the reports through the
   * real device report builder and server ledger). The vectors are reused between calls: copy
   * what you keep.
   */
  readonly onReport?: (report: SimulatedReport) => void;
}

/**
 * Draws one visitor of arm `armIndex`: writes the visitor's experiment-period values into
 * `outcome` and pre-period values into `pre`, both indexed like {@link SIMULATED_METRICS}
 * (row clicks, add-to-carts, revenue), drawing any randomness from `rng`.
 */
export type SimulatedVisitorSource = (
  armIndex: number,
  rng: Rng,
  outcome: Float64Array,
  pre: Float64Array,
) => void;

/** One device report of a simulation (see {@link SimulateExperimentOptions.onReport}). */
export interface SimulatedReport {
  /** Day (reporting period) the report closes, from 0. */
  readonly day: number;
  /** Index of the visitor's arm in the definition. */
  readonly armIndex: number;
  /** The visitor's state at its previous report, or null for its first. */
  readonly previous: VisitorVector | null;
  /** The visitor's state now (metric values in `experimentMetrics` order). */
  readonly current: VisitorVector;
}

/** Per-arm aggregates after each simulated day. */
export interface SimulatedExperiment {
  /** `periods[d]`: aggregates summed over days 0…d. */
  readonly periods: readonly ExperimentAggregates[];
  /** `asOf[d]`: the end of day d as ISO 8601, for `analyzeExperiment`. */
  readonly asOf: readonly string[];
}

/** A visitor's revenue pair: Wᵢ = Bernoulli(q)·LogNormal, y = ρW₁ + √(1 − ρ²)W₂, x = W₁. */
function revenuePair(rng: Rng, model: SimulatedRevenue): { x: number; y: number } {
  const draw = (): number =>
    rng.next() < model.purchaseRate ? Math.exp(model.logMean + model.logSd * rng.normal()) : 0;
  const x = draw();
  const rho = model.correlation;
  return { x, y: rho * x + Math.sqrt(1 - rho * rho) * draw() };
}

interface VisitorPlan {
  readonly arrival: number;
  readonly returnDay: number | null;
  readonly exposureDay: number | null;
}

interface MutableVisitorState {
  exposed: boolean;
  readonly values: Float64Array;
  readonly preValues: Float64Array;
}

function fillState(
  state: MutableVisitorState,
  plan: VisitorPlan,
  late: boolean,
  day: number,
  sources: readonly number[],
  outcome: Float64Array,
  pre: Float64Array,
): void {
  state.exposed = plan.exposureDay !== null && plan.exposureDay <= day;
  const clicked = state.exposed && (!late || (plan.returnDay !== null && day >= plan.returnDay));
  sources.forEach((source, m) => {
    const happened = source === 2 ? state.exposed : clicked;
    state.values[m] = happened ? (outcome[source] ?? 0) : 0;
    state.preValues[m] = pre[source] ?? 0;
  });
}

function planVisitor(
  rng: Rng,
  arrival: number,
  exposureRate: number,
  returnRate: number,
): VisitorPlan {
  const returnDay = rng.next() < returnRate ? arrival + 1 + rng.int(6) : null;
  const exposedFirst = rng.next() < exposureRate;
  const exposedLater = returnDay !== null && rng.next() < exposureRate;
  return {
    arrival,
    returnDay,
    exposureDay: exposedFirst ? arrival : exposedLater ? returnDay : null,
  };
}

/**
 * Simulates one experiment end to end as devices and server will run it: visitors with known true
 * effects arrive every day, get a sticky arm from their own random id, are exposed when a row
 * renders, click, add to cart and buy (heavy-tailed revenue correlated with a pre-period
 * covariate), report per day through {@link writeContribution} (the device's own function), and
 * the reports are summed per arm — with optional noise on the counts.
 */
export function simulateExperiment(options: SimulateExperimentOptions): SimulatedExperiment {
  const { definition, days } = options;
  const metrics = experimentMetrics(definition);
  const sources = metrics.map((metric) => {
    const index = (SIMULATED_METRICS as readonly string[]).indexOf(metric.id);
    if (index < 0)
      throw new OptionError(
        `simulateExperiment: unknown metric "${metric.id}" (use ${SIMULATED_METRICS.join(', ')}).`,
      );
    return index;
  });
  const { truth, revenue, visitors } = options;
  if (visitors === undefined && (truth === undefined || revenue === undefined)) {
    throw new OptionError('simulateExperiment: give visitors, or truth and revenue.');
  }
  if (visitors === undefined && truth?.length !== definition.arms.length) {
    throw new OptionError('simulateExperiment: truth needs one entry per arm.');
  }
  const rng = createRng(options.seed);
  const length = contributionLength(metrics.length);
  const perDay = Array.from({ length: days }, () =>
    definition.arms.map(() => new Float64Array(length)),
  );
  const out = new Float64Array(length);
  const exposureRate = options.exposureRate ?? 0.85;
  const returnRate = options.returnRate ?? 0.3;
  const outcome = new Float64Array(3);
  const pre = new Float64Array(3);
  const usesCart = sources.includes(1);
  const usesRevenue = sources.includes(2);
  const firstState = {
    exposed: false,
    values: new Float64Array(metrics.length),
    preValues: new Float64Array(metrics.length),
  };
  const laterState = {
    exposed: false,
    values: new Float64Array(metrics.length),
    preValues: new Float64Array(metrics.length),
  };
  const report = (
    day: number,
    arm: number,
    previous: VisitorVector | null,
    current: VisitorVector,
  ): void => {
    options.onReport?.({ day, armIndex: arm, previous, current });
    writeContribution(metrics, previous, current, out);
    const bucket = perDay[day]?.[arm];
    if (bucket === undefined) return;
    for (let i = 0; i < length; i++) bucket[i] = (bucket[i] ?? 0) + (out[i] ?? 0);
  };
  for (let day = 0; day < days; day++) {
    for (let v = 0; v < options.visitorsPerDay; v++) {
      const arm = assignArm({ definition, unitId: `${options.seed}-${day}-${v}` });
      if (arm === null) continue;
      const plan = planVisitor(rng, day, exposureRate, returnRate);
      if (visitors !== undefined) {
        visitors(arm, rng, outcome, pre);
      } else {
        const armTruth = truth?.[arm];
        if (armTruth === undefined || revenue === undefined) continue;
        outcome[0] = rng.next() < armTruth.clickRate ? 1 : 0;
        outcome[1] = usesCart && rng.next() < armTruth.cartRate ? 1 : 0;
        if (usesRevenue) {
          const { x, y } = revenuePair(rng, revenue);
          outcome[2] = y * armTruth.revenueFactor;
          pre[2] = x;
        }
      }
      // Clicks and carts happen at exposure, or for half the returning visitors at the return
      // visit after it; purchases are made at the exposure visit.
      const late =
        plan.returnDay !== null && plan.returnDay !== plan.exposureDay && rng.next() < 0.5;
      fillState(firstState, plan, late, day, sources, outcome, pre);
      report(day, arm, null, firstState);
      if (plan.returnDay !== null && plan.returnDay < days) {
        fillState(laterState, plan, late, plan.returnDay, sources, outcome, pre);
        report(plan.returnDay, arm, firstState, laterState);
      }
    }
  }
  return accumulatePeriods(options, perDay, metrics.length);
}

function accumulatePeriods(
  options: SimulateExperimentOptions,
  perDay: readonly (readonly Float64Array[])[],
  metricCount: number,
): SimulatedExperiment {
  const { definition } = options;
  const noiseSd = options.countNoiseSd ?? 0;
  const noiseRng = createRng(options.seed ^ 0x5eed);
  const metrics = experimentMetrics(definition);
  const accumulator = createAggregateAccumulator({ definition });
  const periods: ExperimentAggregates[] = [];
  const asOf: string[] = [];
  const start = Date.parse(definition.start);
  perDay.forEach((arms, day) => {
    arms.forEach((vector, arm) => {
      if (noiseSd > 0) {
        // Counts only: visitors, exposed visitors and the Σy (= Σy²) of binomial metrics.
        vector[0] = (vector[0] ?? 0) + noiseSd * noiseRng.normal();
        vector[1] = (vector[1] ?? 0) + noiseSd * noiseRng.normal();
        for (let m = 0; m < metricCount; m++) {
          if (metrics[m]?.kind !== 'binomial') continue;
          const noisy = (vector[2 + 5 * m] ?? 0) + noiseSd * noiseRng.normal();
          vector[2 + 5 * m] = noisy;
          vector[3 + 5 * m] = noisy;
        }
      }
      accumulator.addVector(arm, vector);
    });
    periods.push(accumulator.snapshot());
    asOf.push(new Date(start + (day + 1) * 86_400_000).toISOString());
  });
  return { periods, asOf };
}
