/**
 * What the shopper-driven experiment series measure beyond false positives: whether the
 * analysis' relative-lift intervals cover the true lift (computed exactly from the simulated
 * shoppers), how often the primary metric is declared better, and the lift measured at the end.
 */
import type { ExperimentAnalysis, MetricComparison } from '../../src/core/experiments/index';

/** Coverage and detection over a series; see {@link createLiftTally}. */
export interface LiftTally {
  /** Feed to `runSeries`' `onExperiment`. */
  readonly onExperiment: (analyses: readonly ExperimentAnalysis[]) => void;
  /** Tallies so far, per metric id. */
  summary(): LiftSummary;
}

/** One metric's tallies over the series. */
export interface MetricLiftSummary {
  /** True relative lift of the treatment over the control. */
  readonly trueLift: number;
  /** Share of experiments whose anytime-valid interval holds the true lift at the last look. */
  readonly coverage: number;
  /** Share whose anytime-valid interval holds it at every look with a verdict-ready sample. */
  readonly coverageAllLooks: number;
  /** Share whose fixed-horizon interval holds it at the last look. */
  readonly fixedCoverage: number;
  /** Mean relative lift estimated at the last look. */
  readonly meanMeasuredLift: number;
  /** Share of experiments declared `better` at some look. */
  readonly detectionRate: number;
  /** Share of experiments declared `worse` at some look. */
  readonly worseRate: number;
}

/** Per metric id. */
export type LiftSummary = Readonly<Record<string, MetricLiftSummary>>;

const holds = (interval: { lower: number; upper: number }, value: number): boolean =>
  interval.lower <= value && value <= interval.upper;

/**
 * Tallies, for each metric whose true relative lift is given (`trueLift[metricId]`), the
 * treatment arm `armId` against the control.
 */
export function createLiftTally(
  armId: string,
  trueLift: Readonly<Record<string, number>>,
): LiftTally {
  const ids = Object.keys(trueLift);
  const counts = Object.fromEntries(
    ids.map((id) => [
      id,
      { covered: 0, always: 0, fixed: 0, lift: 0, detected: 0, worse: 0, runs: 0 },
    ]),
  );
  return {
    onExperiment(analyses) {
      for (const id of ids) {
        const truth = trueLift[id]!;
        const count = counts[id]!;
        const of = (analysis: ExperimentAnalysis): MetricComparison | undefined =>
          analysis.comparisons.find((c) => c.armId === armId && c.metricId === id);
        const last = analyses.length > 0 ? of(analyses[analyses.length - 1]!) : undefined;
        if (last?.relative == null) continue;
        count.runs++;
        count.covered += Number(holds(last.relative.sequentialInterval, truth));
        count.fixed += Number(holds(last.relative.interval, truth));
        count.lift += last.relative.estimate;
        count.always += Number(
          analyses.every((analysis) => {
            const c = of(analysis);
            return (
              analysis.status === 'not-enough-data' ||
              c?.relative == null ||
              holds(c.relative.sequentialInterval, truth)
            );
          }),
        );
        count.detected += Number(analyses.some((analysis) => of(analysis)?.verdict === 'better'));
        count.worse += Number(analyses.some((analysis) => of(analysis)?.verdict === 'worse'));
      }
    },
    summary() {
      return Object.fromEntries(
        ids.map((id) => {
          const c = counts[id]!;
          const share = (x: number): number => (c.runs > 0 ? x / c.runs : NaN);
          return [
            id,
            {
              trueLift: trueLift[id]!,
              coverage: share(c.covered),
              coverageAllLooks: share(c.always),
              fixedCoverage: share(c.fixed),
              meanMeasuredLift: share(c.lift),
              detectionRate: share(c.detected),
              worseRate: share(c.worse),
            },
          ];
        }),
      );
    },
  };
}
