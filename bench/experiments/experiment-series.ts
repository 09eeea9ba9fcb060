/**
 * Runs many simulated experiments through the device aggregation and the analysis, peeking at
 * every simulated day, and tallies what a merchant reading the results would have concluded.
 */
import {
  analyzeExperiment,
  simulateExperiment,
  SRM_ALARM_P_VALUE,
  type ExperimentAnalysis,
  type ExperimentDefinition,
  type SimulatedArmTruth,
  type SimulatedRevenue,
  type SimulatedVisitorSource,
} from '../../src/core/experiments/index';
import { runThroughDeviceAndServer } from './device-server-path';

/** One series of simulated experiments. */
export interface SeriesOptions {
  readonly definition: ExperimentDefinition;
  readonly truth?: readonly SimulatedArmTruth[];
  readonly revenue?: SimulatedRevenue;
  /** Visitors drawn by the caller instead of `truth` and `revenue` (see `simulateExperiment`). */
  readonly visitors?: SimulatedVisitorSource;
  readonly experiments: number;
  readonly days: number;
  readonly visitorsPerDay: number;
  /** Seeds are `seedBase + experiment index`. */
  readonly seedBase: number;
  /**
   * `device-and-server`: every report goes through the device's report builder, JSON and the
   * server's ledger, and each day's analysis is the ledger's (see `device-server-path.ts`);
   * `vectors` (default): the simulator's own sums, analysed directly.
   */
  readonly pipeline?: 'vectors' | 'device-and-server';
  /** Called with each experiment's daily analyses, in order (for tallies of the caller's own). */
  readonly onExperiment?: (analyses: readonly ExperimentAnalysis[]) => void;
}

/** What a series found. */
export interface SeriesTally {
  /** Experiments whose primary metric got a better/worse verdict at some daily look. */
  readonly primaryDeclared: number;
  /** Experiments with a better/worse verdict on any metric at some look. */
  readonly anyDeclared: number;
  /** Experiments a fixed-horizon p < α read at every look would have declared (no correction). */
  readonly naivePeekingDeclared: number;
  /** `firstDetectionDay[e]`: day the primary metric was declared better, or -1. */
  readonly firstDetectionDay: readonly number[];
  /** SRM alarms over all (experiment, day) checks. */
  readonly srmAlarms: number;
  /** Experiments with an SRM alarm at some look. */
  readonly srmAnyLook: number;
  /** Experiments whose anytime-valid SRM p-value fell below 0.001 at some look. */
  readonly srmSequentialAnyLook: number;
  /** SRM checks made. */
  readonly srmChecks: number;
  /** Mean exposed visitors per arm after each day (averaged over arms and experiments). */
  readonly exposedPerArmByDay: readonly number[];
  /** Mean CUPED variance ratio of each guardrail/primary metric at the last day, by metric id. */
  readonly finalCupedRatio: Readonly<Record<string, number>>;
  /** Mean control mean per exposed visitor at the last day, by metric id. */
  readonly finalControlMean: Readonly<Record<string, number>>;
  /** `device-and-server` only: reports posted, their JSON bytes, and the largest sum mismatch. */
  readonly pipeline: {
    readonly reports: number;
    readonly bytes: number;
    readonly maxAbsDiff: number;
  };
}

function dailyAnalyses(
  options: SeriesOptions,
  seed: number,
): {
  readonly analyses: readonly ExperimentAnalysis[];
  readonly reports: number;
  readonly bytes: number;
  readonly maxAbsDiff: number;
} {
  const { definition, days } = options;
  const simulation = {
    definition,
    ...(options.truth !== undefined && { truth: options.truth }),
    ...(options.revenue !== undefined && { revenue: options.revenue }),
    ...(options.visitors !== undefined && { visitors: options.visitors }),
    seed,
    days,
    visitorsPerDay: options.visitorsPerDay,
  };
  if (options.pipeline === 'device-and-server') {
    const run = runThroughDeviceAndServer(simulation);
    return { ...run, bytes: run.reportBytes };
  }
  const sim = simulateExperiment(simulation);
  const analyses = sim.periods.map((aggregates, day) =>
    analyzeExperiment({ definition, aggregates, asOf: sim.asOf[day] ?? '' }),
  );
  return { analyses, reports: 0, bytes: 0, maxAbsDiff: 0 };
}

/** Runs the series and counts verdicts, SRM alarms, exposure and CUPED ratios. */
export function runSeries(options: SeriesOptions): SeriesTally {
  const { definition, days } = options;
  const alpha = definition.alpha ?? 0.05;
  let primaryDeclared = 0;
  let anyDeclared = 0;
  let naivePeekingDeclared = 0;
  let srmAlarms = 0;
  let srmAnyLook = 0;
  let srmChecks = 0;
  let srmSequentialAnyLook = 0;
  let reports = 0;
  let bytes = 0;
  let maxAbsDiff = 0;
  const firstDetectionDay: number[] = [];
  const exposed = new Array<number>(days).fill(0);
  const cuped: Record<string, number> = {};
  const controlMean: Record<string, number> = {};
  for (let e = 0; e < options.experiments; e++) {
    const run = dailyAnalyses(options, options.seedBase + e);
    options.onExperiment?.(run.analyses);
    reports += run.reports;
    bytes += run.bytes;
    maxAbsDiff = Math.max(maxAbsDiff, run.maxAbsDiff);
    let primary = false;
    let any = false;
    let naive = false;
    let srm = false;
    let srmSequential = false;
    let detection = -1;
    run.analyses.forEach((analysis, day) => {
      const arms = analysis.arms;
      exposed[day] =
        (exposed[day] ?? 0) + arms.reduce((s, a) => s + a.exposedVisitors, 0) / arms.length;
      if (analysis.status !== 'not-enough-data') {
        srmChecks++;
        srmSequential ||= analysis.sampleRatio.sequentialPValue < SRM_ALARM_P_VALUE;
        if (analysis.sampleRatio.alarm) {
          srmAlarms++;
          srm = true;
        }
      }
      for (const c of analysis.comparisons) {
        const declared = c.verdict === 'better' || c.verdict === 'worse';
        any ||= declared;
        if (c.role !== 'primary') continue;
        primary ||= declared;
        if (c.verdict === 'better' && detection < 0) detection = day;
        naive ||= analysis.status !== 'not-enough-data' && c.pValue < alpha;
      }
      if (day === days - 1) {
        for (const c of analysis.comparisons) {
          cuped[c.metricId] = (cuped[c.metricId] ?? 0) + c.cupedVarianceRatio / options.experiments;
          controlMean[c.metricId] =
            (controlMean[c.metricId] ?? 0) +
            (arms[0]?.means[c.metricId] ?? 0) / options.experiments;
        }
      }
    });
    primaryDeclared += Number(primary);
    anyDeclared += Number(any);
    naivePeekingDeclared += Number(naive);
    srmAnyLook += Number(srm);
    srmSequentialAnyLook += Number(srmSequential);
    firstDetectionDay.push(detection);
  }
  return {
    primaryDeclared,
    anyDeclared,
    naivePeekingDeclared,
    firstDetectionDay,
    srmAlarms,
    srmAnyLook,
    srmSequentialAnyLook,
    srmChecks,
    exposedPerArmByDay: exposed.map((x) => x / options.experiments),
    finalCupedRatio: cuped,
    finalControlMean: controlMean,
    pipeline: { reports, bytes, maxAbsDiff },
  };
}

/**
 * Exposed visitors per arm at which the share of experiments detected by then first reaches
 * `target`, interpolated linearly between days; null if it never does.
 */
export function sampleAtPower(tally: SeriesTally, target: number): number | null {
  const total = tally.firstDetectionDay.length;
  let previousPower = 0;
  let previousN = 0;
  for (let day = 0; day < tally.exposedPerArmByDay.length; day++) {
    const power = tally.firstDetectionDay.filter((d) => d >= 0 && d <= day).length / total;
    const n = tally.exposedPerArmByDay[day] ?? 0;
    if (power >= target) {
      const share = power > previousPower ? (target - previousPower) / (power - previousPower) : 1;
      return previousN + share * (n - previousN);
    }
    previousPower = power;
    previousN = n;
  }
  return null;
}
