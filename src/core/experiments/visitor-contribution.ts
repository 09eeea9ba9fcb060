import { OptionError } from '../errors';
import type {
  ArmAggregate,
  ExperimentAggregates,
  ExperimentDefinition,
  MetricDefinition,
} from './experiment-types';
import { experimentMetrics } from './validate-experiment';

/**
 * What one device knows about its visitor in an experiment, cumulated since it was assigned:
 * whether a treated row was seen, and the metric values (uncapped) so far.
 */
export interface VisitorState {
  /** Whether the visitor has been exposed (a row rendered, or would have for a holdout). */
  readonly exposed: boolean;
  /** Cumulated value per metric id since exposure (clicks, carts, revenue…); absent = 0. */
  readonly values: Readonly<Record<string, number>>;
  /** Pre-period value per CUPED metric id (the days before assignment); absent = 0. */
  readonly preValues?: Readonly<Record<string, number>>;
}

/** Numeric slots per metric in a contribution vector: Σy, Σy², Σx, Σx², Σxy. */
const METRIC_SLOTS = 5;

/** A visitor state with values in the definition's metric order (the fast path of simulations). */
export interface VisitorVector {
  /** Whether the visitor has been exposed. */
  readonly exposed: boolean;
  /** Cumulated value per metric, in `experimentMetrics(definition)` order. */
  readonly values: ArrayLike<number>;
  /** Pre-period value per metric, same order (ignored for metrics without CUPED). */
  readonly preValues: ArrayLike<number>;
}

/** Length of a contribution vector for `metricCount` metrics. */
export function contributionLength(metricCount: number): number {
  return 2 + METRIC_SLOTS * metricCount;
}

function reported(metric: MetricDefinition, value: number): number {
  const v = metric.kind === 'binomial' ? (value > 0 ? 1 : 0) : value;
  return metric.cap !== undefined && v > metric.cap ? metric.cap : v;
}

/**
 * Writes into `out` what a device adds to its arm's aggregates for one reporting period: the
 * difference between its visitor's aggregate contribution now and at its previous report
 * (`previous` null when it never reported). Summed over periods the differences telescope to the
 * visitor's total contribution (visitors and exposed visitors counted once, Σy² of the cumulated
 * value), so the server sees per-visitor sums without any id linking a device's periods.
 */
export function writeContribution(
  metrics: readonly MetricDefinition[],
  previous: VisitorVector | null,
  current: VisitorVector,
  out: Float64Array,
): void {
  out.fill(0);
  out[0] = previous === null ? 1 : 0;
  if (!current.exposed) return;
  const wasCounted = previous !== null && previous.exposed;
  out[1] = wasCounted ? 0 : 1;
  metrics.forEach((metric, m) => {
    const base = 2 + METRIC_SLOTS * m;
    const y = reported(metric, current.values[m] ?? 0);
    const before = wasCounted ? reported(metric, previous.values[m] ?? 0) : 0;
    out[base] = y - before;
    out[base + 1] = y * y - before * before;
    if (metric.cuped !== true) return;
    const x = reported(metric, current.preValues[m] ?? 0);
    if (!wasCounted) {
      out[base + 2] = x;
      out[base + 3] = x * x;
    }
    out[base + 4] = x * (y - before);
  });
}

function toVector(metrics: readonly MetricDefinition[], state: VisitorState): VisitorVector {
  return {
    exposed: state.exposed,
    values: metrics.map((m) => state.values[m.id] ?? 0),
    preValues: metrics.map((m) => state.preValues?.[m.id] ?? 0),
  };
}

function toArmAggregate(
  metrics: readonly MetricDefinition[],
  armId: string,
  vector: ArrayLike<number>,
): ArmAggregate {
  const entries = metrics.map((metric, m) => {
    const base = 2 + METRIC_SLOTS * m;
    const at = (slot: number): number => vector[base + slot] ?? 0;
    const sums = { sum: at(0), sumSquares: at(1) };
    const covariate = { sum: at(2), sumSquares: at(3), sumProducts: at(4) };
    return [metric.id, metric.cuped === true ? { ...sums, covariate } : sums] as const;
  });
  return {
    armId,
    visitors: vector[0] ?? 0,
    exposedVisitors: vector[1] ?? 0,
    metrics: Object.fromEntries(entries),
  };
}

/** Options of {@link visitorContribution}. */
export interface VisitorContributionOptions {
  /** The experiment. */
  readonly definition: ExperimentDefinition;
  /** The visitor's arm. */
  readonly armId: string;
  /** The state sent at the device's previous report, or null for its first report. */
  readonly previous: VisitorState | null;
  /** The state now. */
  readonly current: VisitorState;
}

/**
 * What one device reports for a reporting period: its visitor's contribution to its arm's
 * aggregates since the previous report, capped as the definition says (see
 * {@link writeContribution}). Never more than these sums leave the device.
 */
export function visitorContribution(options: VisitorContributionOptions): ArmAggregate {
  const metrics = experimentMetrics(options.definition);
  const out = new Float64Array(contributionLength(metrics.length));
  const previous = options.previous === null ? null : toVector(metrics, options.previous);
  writeContribution(metrics, previous, toVector(metrics, options.current), out);
  return toArmAggregate(metrics, options.armId, out);
}

/** Sums contributions per arm; see {@link createAggregateAccumulator}. */
export interface AggregateAccumulator {
  /** Adds one reported contribution (or any partial sum) to its arm. */
  add(contribution: ArmAggregate): void;
  /** Adds a contribution vector (from {@link writeContribution}) to the arm at `armIndex`. */
  addVector(armIndex: number, vector: ArrayLike<number>): void;
  /** The sums so far, one entry per arm in definition order. */
  snapshot(): ExperimentAggregates;
}

/**
 * Creates an accumulator that sums device contributions into per-arm aggregates — the only thing
 * the server keeps of an experiment.
 */
export function createAggregateAccumulator(options: {
  readonly definition: ExperimentDefinition;
}): AggregateAccumulator {
  const { definition } = options;
  const metrics = experimentMetrics(definition);
  const length = contributionLength(metrics.length);
  const sums = definition.arms.map(() => new Float64Array(length));
  const addVector = (armIndex: number, vector: ArrayLike<number>): void => {
    const target = sums[armIndex];
    if (target === undefined) throw new OptionError(`No arm at index ${armIndex}.`);
    for (let i = 0; i < length; i++) target[i] = (target[i] ?? 0) + (vector[i] ?? 0);
  };
  return {
    addVector,
    add(contribution) {
      const armIndex = definition.arms.findIndex((arm) => arm.id === contribution.armId);
      if (armIndex < 0) throw new OptionError(`Unknown arm "${contribution.armId}".`);
      const vector = new Float64Array(length);
      vector[0] = contribution.visitors;
      vector[1] = contribution.exposedVisitors;
      metrics.forEach((metric, m) => {
        const s = contribution.metrics[metric.id];
        const base = 2 + METRIC_SLOTS * m;
        vector[base] = s?.sum ?? 0;
        vector[base + 1] = s?.sumSquares ?? 0;
        vector[base + 2] = s?.covariate?.sum ?? 0;
        vector[base + 3] = s?.covariate?.sumSquares ?? 0;
        vector[base + 4] = s?.covariate?.sumProducts ?? 0;
      });
      addVector(armIndex, vector);
    },
    snapshot() {
      return {
        experimentId: definition.id,
        version: definition.version,
        arms: definition.arms.map((arm, i) => toArmAggregate(metrics, arm.id, sums[i] ?? [])),
      };
    },
  };
}
