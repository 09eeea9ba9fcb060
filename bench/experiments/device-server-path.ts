/**
 * Runs a simulated experiment through the real pipeline: every device report the simulator makes
 * is built by the device's `buildExperimentReport` (with DP noise when the definition asks),
 * serialized to JSON as it would go on the wire, and ingested by the server's experiment ledger;
 * the analysis of each day is the ledger's own. Without noise the ledger's sums must equal the
 * simulator's (which sums `writeContribution` vectors directly): `maxAbsDiff` says how far apart.
 */
import {
  experimentMetrics,
  simulateExperiment,
  type ExperimentAggregates,
  type ExperimentAnalysis,
  type MetricDefinition,
  type SimulateExperimentOptions,
  type VisitorState,
  type VisitorVector,
} from '../../src/core/experiments/index';
import { createRng } from '../../src/core/random';
import { buildExperimentReport, reportPeriodOf } from '../../src/federated/experiment-report';
import { createExperimentLedger } from '../../src/server/experiments/experiment-ledger';

const DAY_MS = 86_400_000;

/** What one experiment run through the device and server code produced. */
export interface PipelineRun {
  /** The ledger's analysis after each day. */
  readonly analyses: readonly ExperimentAnalysis[];
  /** Reports posted (one per device and period in which its visitor's sums changed). */
  readonly reports: number;
  /** Total bytes of the JSON report bodies. */
  readonly reportBytes: number;
  /** Largest |ledger sum − simulator sum| over days, arms and slots (0 = identical; NaN with noise). */
  readonly maxAbsDiff: number;
}

interface PendingReport {
  readonly armIndex: number;
  readonly previous: VisitorState | null;
  readonly current: VisitorState;
}

function toState(metrics: readonly MetricDefinition[], vector: VisitorVector): VisitorState {
  const values: Record<string, number> = {};
  const preValues: Record<string, number> = {};
  metrics.forEach((metric, m) => {
    values[metric.id] = vector.values[m] ?? 0;
    preValues[metric.id] = vector.preValues[m] ?? 0;
  });
  return { exposed: vector.exposed, values, preValues };
}

function flatten(aggregates: ExperimentAggregates): number[] {
  return aggregates.arms.flatMap((arm) => [
    arm.visitors,
    arm.exposedVisitors,
    ...Object.keys(arm.metrics)
      .sort()
      .flatMap((id) => {
        const s = arm.metrics[id];
        const c = s?.covariate;
        return [
          s?.sum ?? 0,
          s?.sumSquares ?? 0,
          c?.sum ?? 0,
          c?.sumSquares ?? 0,
          c?.sumProducts ?? 0,
        ];
      }),
  ]);
}

/** Simulates one experiment and runs all its reports through device and server code. */
export function runThroughDeviceAndServer(options: SimulateExperimentOptions): PipelineRun {
  const { definition } = options;
  const metrics = experimentMetrics(definition);
  const byDay: PendingReport[][] = Array.from({ length: options.days }, () => []);
  const sim = simulateExperiment({
    ...options,
    onReport: ({ day, armIndex, previous, current }) => {
      byDay[day]?.push({
        armIndex,
        previous: previous === null ? null : toState(metrics, previous),
        current: toState(metrics, current),
      });
    },
  });
  const start = Date.parse(definition.start);
  let clock = start;
  const ledger = createExperimentLedger({
    definitions: [definition],
    now: () => clock,
    retentionDays: options.days + 2,
  });
  const noiseRng = createRng(options.seed ^ 0x6e6f6973);
  const noised = definition.privacy !== undefined;
  const analyses: ExperimentAnalysis[] = [];
  let reports = 0;
  let reportBytes = 0;
  let maxAbsDiff = noised ? NaN : 0;
  byDay.forEach((pending, day) => {
    const period = reportPeriodOf(start + day * DAY_MS);
    // Devices report a period once it has closed.
    clock = start + (day + 1) * DAY_MS;
    for (const p of pending) {
      const report = buildExperimentReport({
        definition,
        armId: definition.arms[p.armIndex]?.id ?? '',
        previous: p.previous,
        current: p.current,
        period,
        ...(noised ? { rng: noiseRng } : {}),
      });
      const body = JSON.stringify(report);
      reports++;
      reportBytes += Buffer.byteLength(body);
      const receipt = ledger.ingest(JSON.parse(body));
      if (receipt.status !== 'accepted') throw new Error(`Report ${report.reportId} not accepted.`);
    }
    analyses.push(ledger.analysis(definition.id, clock));
    if (!noised) {
      const fromLedger = flatten(ledger.aggregates(definition.id));
      const fromSimulator = flatten(sim.periods[day] ?? ledger.aggregates(definition.id));
      fromLedger.forEach((v, i) => {
        maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - (fromSimulator[i] ?? NaN)));
      });
    }
  });
  return { analyses, reports, reportBytes, maxAbsDiff };
}
