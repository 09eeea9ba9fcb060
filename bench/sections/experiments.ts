import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import { runSeries, sampleAtPower, type SeriesTally } from '../experiments/experiment-series';
import {
  planExperiment,
  type ExperimentDefinition,
  type SimulatedArmTruth,
} from '../../src/core/experiments/index';

const START = '2026-01-05T00:00:00Z';
const DAYS = 14;
const AA_EXPERIMENTS = 1000;
const AA_VISITORS_PER_DAY = 500;
const POWER_EXPERIMENTS = 400;
const POWER_EXTRA_DAYS = 6;
/** A/A experiments also run through the device report builder, JSON and the server ledger. */
const PIPELINE_EXPERIMENTS = 100;
/** Of which with the definition's DP noise on every report (ε per report). */
const NOISED_EXPERIMENTS = 60;
const NOISE_EPSILON = 4;
const BASE_CTR = 0.5;
const LIFT = 0.05;
const CORRELATION = 0.6;
const REVENUE = { purchaseRate: 0.1, logMean: 3.5, logSd: 1, correlation: CORRELATION };

/** Verdicts may come from the first day on: every daily look counts, the hardest case for peeking. */
function definition(
  id: string,
  plannedSamplePerArm: number,
  guardrails: boolean,
): ExperimentDefinition {
  return {
    id,
    version: 1,
    arms: [
      { id: 'control', weight: 1 },
      { id: 'variant', weight: 1 },
    ],
    primaryMetric: { id: 'row-click', kind: 'binomial' },
    ...(guardrails
      ? {
          guardrailMetrics: [
            { id: 'add-to-cart', kind: 'binomial' as const },
            { id: 'revenue', kind: 'mean' as const, cap: 2000, cuped: true },
          ],
        }
      : {}),
    start: START,
    minimumSamplePerArm: 100,
    minimumRuntimeDays: 0,
    plannedSamplePerArm,
  };
}

function arm(clickRate: number): SimulatedArmTruth {
  return { clickRate, cartRate: 0.08, revenueFactor: 1 };
}

/** Share of experiments detected by the time `n` exposed visitors per arm were reached. */
function powerAt(tally: SeriesTally, n: number): number {
  const total = tally.firstDetectionDay.length;
  const byDay = tally.exposedPerArmByDay.map(
    (_, day) => tally.firstDetectionDay.filter((d) => d >= 0 && d <= day).length / total,
  );
  const day = tally.exposedPerArmByDay.findIndex((x) => x >= n);
  if (day < 0) return byDay[byDay.length - 1] ?? 0;
  const n1 = tally.exposedPerArmByDay[day] ?? n;
  const n0 = day > 0 ? (tally.exposedPerArmByDay[day - 1] ?? 0) : 0;
  const p1 = byDay[day] ?? 0;
  const p0 = day > 0 ? (byDay[day - 1] ?? 0) : 0;
  return p0 + ((p1 - p0) * (n - n0)) / Math.max(1, n1 - n0);
}

/**
 * Experiments (issue 13): A/A tests peeked at daily (false positives, SRM false alarms), a true
 * +5% CTR lift at the sample size `planExperiment` predicts (power, and where 80% is really
 * reached), and CUPED's variance reduction on heavy-tailed revenue against 1 − ρ².
 */
export const section: BenchSection = {
  title: 'Experiments (simulated A/A and A/B tests)',
  async run(ctx: BenchContext): Promise<BenchResults> {
    const aaPlanned = Math.round((AA_VISITORS_PER_DAY * DAYS * 0.87) / 2);
    const aa = runSeries({
      definition: definition('aa', aaPlanned, true),
      truth: [arm(BASE_CTR), arm(BASE_CTR)],
      revenue: REVENUE,
      experiments: AA_EXPERIMENTS,
      days: DAYS,
      visitorsPerDay: AA_VISITORS_PER_DAY,
      seedBase: 1_000_000,
    });
    const aaRate = aa.primaryDeclared / AA_EXPERIMENTS;
    const srmRate = aa.srmAlarms / aa.srmChecks;
    const cuped = aa.finalCupedRatio['revenue'] ?? null;
    ctx.log(
      `experiments: A/A ${AA_EXPERIMENTS}×${DAYS} daily looks: primary false positives ${aaRate}, any metric ${aa.anyDeclared / AA_EXPERIMENTS}, ` +
        `uncorrected peeking would give ${aa.naivePeekingDeclared / AA_EXPERIMENTS}; SRM alarms ${aa.srmAlarms}/${aa.srmChecks} checks ` +
        `(${aa.srmAnyLook} experiments at some look; anytime-valid test: ${aa.srmSequentialAnyLook}); CUPED revenue variance ratio ${cuped?.toFixed(3)} vs 1 − ρ² = ${(1 - CORRELATION ** 2).toFixed(3)}`,
    );

    // The baseline is what the analysis will see (outcomes that come later than the look are not
    // in yet), measured on the A/A runs, as a merchant would measure it before launch.
    const baseline = aa.finalControlMean['row-click'] ?? BASE_CTR;
    const plan = planExperiment({
      baselineMean: baseline,
      minimumDetectableLift: LIFT,
      binomial: true,
      looks: DAYS,
    });
    // Exposed visitors per arriving visitor by the last day, from the A/A runs (not the A/B ones).
    const exposedPerVisitor =
      (aa.exposedPerArmByDay[DAYS - 1] ?? 0) / ((AA_VISITORS_PER_DAY * DAYS) / 2);
    const visitorsPerDay = Math.round((2 * plan.samplePerArm) / (DAYS * exposedPerVisitor));
    const ab = runSeries({
      definition: definition('ab', plan.samplePerArm, false),
      truth: [arm(BASE_CTR), arm(BASE_CTR * (1 + LIFT))],
      revenue: REVENUE,
      experiments: POWER_EXPERIMENTS,
      days: DAYS + POWER_EXTRA_DAYS,
      visitorsPerDay,
      seedBase: 2_000_000,
    });
    const power = powerAt(ab, plan.samplePerArm);
    const n80 = sampleAtPower(ab, 0.8);
    const stderr = Math.sqrt((power * (1 - power)) / POWER_EXPERIMENTS);
    ctx.log(
      `experiments: +5% CTR (base ${BASE_CTR}): observed base ${baseline.toFixed(3)}: plan ${plan.samplePerArm} exposed/arm over ${DAYS} daily looks; ` +
        `empirical power there ${power.toFixed(3)} ± ${stderr.toFixed(3)} (${POWER_EXPERIMENTS} runs); 80% reached at ${n80?.toFixed(0) ?? 'never'}`,
    );
    // The same A/A experiments (same seeds) through the real device and server code: the sums
    // must match the simulator's, and the verdicts are the ledger's own analyses.
    const aaDefinition = definition('aa', aaPlanned, true);
    const piped = runSeries({
      definition: aaDefinition,
      truth: [arm(BASE_CTR), arm(BASE_CTR)],
      revenue: REVENUE,
      experiments: PIPELINE_EXPERIMENTS,
      days: DAYS,
      visitorsPerDay: AA_VISITORS_PER_DAY,
      seedBase: 1_000_000,
      pipeline: 'device-and-server',
    });
    const noised = runSeries({
      definition: { ...aaDefinition, privacy: { epsilon: NOISE_EPSILON } },
      truth: [arm(BASE_CTR), arm(BASE_CTR)],
      revenue: REVENUE,
      experiments: NOISED_EXPERIMENTS,
      days: DAYS,
      visitorsPerDay: AA_VISITORS_PER_DAY,
      seedBase: 3_000_000,
      pipeline: 'device-and-server',
    });
    const bytesPerReport = piped.pipeline.bytes / piped.pipeline.reports;
    const noisedBytesPerReport = noised.pipeline.bytes / noised.pipeline.reports;
    ctx.log(
      `experiments: ${PIPELINE_EXPERIMENTS} A/A through device reports → JSON → server ledger: ${piped.pipeline.reports} reports, ` +
        `${bytesPerReport.toFixed(0)} bytes each, largest sum difference from the simulator ${piped.pipeline.maxAbsDiff.toExponential(1)}, ` +
        `false positives ${piped.primaryDeclared}/${PIPELINE_EXPERIMENTS}; with DP noise (ε ${NOISE_EPSILON} per report): ` +
        `${noised.primaryDeclared}/${NOISED_EXPERIMENTS} false positives, SRM alarms ${noised.srmAlarms}/${noised.srmChecks}, ${noisedBytesPerReport.toFixed(0)} bytes a report`,
    );
    return {
      'experiments.aaExperiments': AA_EXPERIMENTS,
      'experiments.dailyLooks': DAYS,
      'experiments.aaFalsePositiveRate': aaRate,
      'experiments.aaFalsePositiveRateAnyMetric': aa.anyDeclared / AA_EXPERIMENTS,
      'experiments.aaUncorrectedPeekingFalsePositiveRate': aa.naivePeekingDeclared / AA_EXPERIMENTS,
      'experiments.srmFalseAlarmRate': srmRate,
      'experiments.srmChecks': aa.srmChecks,
      'experiments.srmExperimentsAlarmedAtSomeLook': aa.srmAnyLook / AA_EXPERIMENTS,
      'experiments.srmSequentialExperimentsAlarmedAtSomeLook':
        aa.srmSequentialAnyLook / AA_EXPERIMENTS,
      'experiments.powerExperiments': POWER_EXPERIMENTS,
      'experiments.power5pctTrueCtr': BASE_CTR,
      'experiments.power5pctPlannedBaselineCtr': baseline,
      'experiments.power5pctPlannedSamplePerArm': plan.samplePerArm,
      'experiments.power5pct': power,
      'experiments.power5pctStandardError': stderr,
      'experiments.power5pctEmpirical80SamplePerArm': n80,
      'experiments.power5pctPlannedOverEmpirical80': n80 === null ? null : plan.samplePerArm / n80,
      'experiments.cupedVarianceRatio': cuped,
      'experiments.cupedImpliedRatio': 1 - CORRELATION ** 2,
      'experiments.pipeline.experiments': PIPELINE_EXPERIMENTS,
      'experiments.pipeline.reports': piped.pipeline.reports,
      'experiments.pipeline.maxSumDifference': piped.pipeline.maxAbsDiff,
      'experiments.pipeline.aaFalsePositiveRate': piped.primaryDeclared / PIPELINE_EXPERIMENTS,
      'experiments.pipeline.srmFalseAlarmRate': piped.srmAlarms / piped.srmChecks,
      // One report per device, experiment and period in which its visitor's sums changed: the
      // JSON body (3 metrics, one with CUPED); HTTP headers come on top.
      'experiments.uploadBytesPerDevicePeriod': Math.round(bytesPerReport),
      'experiments.noised.epsilonPerReport': NOISE_EPSILON,
      'experiments.noised.experiments': NOISED_EXPERIMENTS,
      'experiments.noised.aaFalsePositiveRate': noised.primaryDeclared / NOISED_EXPERIMENTS,
      'experiments.noised.srmFalseAlarmRate': noised.srmAlarms / noised.srmChecks,
      'experiments.noised.uploadBytesPerDevicePeriod': Math.round(noisedBytesPerReport),
    };
  },
};
