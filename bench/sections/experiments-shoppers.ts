import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import { runSeries, type SeriesTally } from '../experiments/experiment-series';
import {
  expectedOutcomes,
  shopperVisitorSource,
  type ArmExpectation,
  type VisitorOutcomes,
} from '../experiments/shopper-outcomes';
import { buildShopperPopulation } from '../experiments/shopper-population';
import { createLiftTally, type LiftSummary } from '../experiments/shopper-series-tally';
import type { ExperimentDefinition, ArmDefinition } from '../../src/core/experiments/index';

const START = '2026-10-18T00:00:00Z';
const DAYS = 14;
const VISITORS_PER_DAY = 500;
/** Simulated visitor shoppers; those who visit in the 14 days (about 60%) form the population. */
const POPULATION_SHOPPERS = 8000;
const VISITOR_SEED = 101;
const MAX_TRIALS = 6;
const AA_EXPERIMENTS = 1000;
const POPULAR_EXPERIMENTS = 400;
const DEFAULTS_EXPERIMENTS = 400;
const HOLDOUT_EXPERIMENTS = 300;
/** A/A experiments also run through the device report builder, JSON and the server ledger. */
const PIPELINE_EXPERIMENTS = 40;
const REVENUE_CAP = 500;
const DEFAULTS_URL = 'model-defaults/model.hearth';
const METRICS = {
  'row-click': 'rowClick',
  'add-to-cart': 'addToCart',
  revenue: 'revenue',
} as const;

const ARMS = {
  model: { id: 'model', weight: 1 },
  popular: { id: 'popular', weight: 1, settings: { source: 'popular' } },
  /** MF with the library's defaults (`--no-tune`), the demo experiment's variant arm. */
  defaults: { id: 'defaults', weight: 1, settings: { modelUrl: DEFAULTS_URL } },
  holdout: { id: 'holdout', weight: 1, holdout: true },
} satisfies Record<string, ArmDefinition>;

/** The demo experiment's metrics; verdicts may come from the first day (every daily look counts). */
function definition(id: string, arms: readonly ArmDefinition[]): ExperimentDefinition {
  return {
    id,
    version: 1,
    arms,
    primaryMetric: { id: 'row-click', kind: 'binomial' },
    guardrailMetrics: [
      { id: 'add-to-cart', kind: 'binomial' },
      { id: 'revenue', kind: 'mean', cap: REVENUE_CAP, cuped: true },
    ],
    start: START,
    minimumSamplePerArm: 100,
    minimumRuntimeDays: 0,
    plannedSamplePerArm: Math.round((VISITORS_PER_DAY * DAYS * 0.87) / arms.length),
  };
}

/** True relative lift of `treatment` over `control` per metric id (absent where control is 0). */
function trueLifts(control: ArmExpectation, treatment: ArmExpectation): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, key] of Object.entries(METRICS)) {
    if (control[key] > 0) out[id] = treatment[key] / control[key] - 1;
  }
  return out;
}

type ArmKey = keyof typeof ARMS;
/** Arms of the population's definition, in order (each visitor's rows are computed once per arm). */
const ARM_ORDER: readonly ArmKey[] = ['model', 'popular', 'holdout', 'defaults'];
/** Experiment id of the tuned model against each control (the id salts the assignment). */
const SERIES_IDS: Record<ArmKey, string> = {
  model: 'shoppers-aa',
  popular: 'shoppers-model-vs-popular',
  defaults: 'shoppers-tuned-vs-defaults',
  holdout: 'shoppers-model-vs-holdout',
};

interface Shoppers {
  readonly population: VisitorOutcomes;
  readonly expected: Readonly<Record<ArmKey, ArmExpectation>>;
}

/** A series of the tuned model against `control` (against itself: an A/A test). */
function againstModel(
  shoppers: Shoppers,
  control: ArmKey,
  experiments: number,
  seedBase: number,
  pipeline: 'vectors' | 'device-and-server' = 'vectors',
): { tally: SeriesTally; lifts: LiftSummary } {
  const arms =
    control === 'model'
      ? [ARMS.model, { ...ARMS.model, id: 'model-again' }]
      : [ARMS[control], ARMS.model];
  const rowsOf = (key: ArmKey): VisitorOutcomes['rows'][number] =>
    shoppers.population.rows[ARM_ORDER.indexOf(key)] ?? [];
  const lift = createLiftTally(
    arms[1]!.id,
    trueLifts(shoppers.expected[control], shoppers.expected.model),
  );
  const tally = runSeries({
    definition: definition(SERIES_IDS[control], arms),
    visitors: shopperVisitorSource({
      organic: shoppers.population.organic,
      rows: [rowsOf(control), rowsOf('model')],
    }),
    experiments,
    days: DAYS,
    visitorsPerDay: VISITORS_PER_DAY,
    seedBase,
    pipeline,
    onExperiment: lift.onExperiment,
  });
  return { tally, lifts: lift.summary() };
}

const fixed = (x: number | undefined, digits = 3): string => (x ?? NaN).toFixed(digits);

/**
 * Experiments on simulated demo shoppers (issue 13): visitors are demo shoppers with their own
 * pre-period history, the arms serve real rows (the tuned bundle trained on the demo shop, the
 * popularity row, a holdout) through the runtime's arm logic, and each shopper clicks, carts and
 * buys by the demo's preference model. True effects are exact expectations over the population.
 */
export const section: BenchSection = {
  title: 'Experiments on simulated demo shoppers (real rows in the arms)',
  async run(ctx: BenchContext): Promise<BenchResults> {
    const population = await buildShopperPopulation({
      definition: definition(
        'rows',
        ARM_ORDER.map((key) => ARMS[key]),
      ),
      visitors: POPULATION_SHOPPERS,
      visitorSeed: VISITOR_SEED,
      maxTrials: MAX_TRIALS,
      variantModels: { [DEFAULTS_URL]: { tune: false } },
    });
    const [model, popular, holdout, defaults] = expectedOutcomes(population, REVENUE_CAP);
    if (!model || !popular || !holdout || !defaults) throw new Error('one expectation per arm');
    const shoppers: Shoppers = { population, expected: { model, popular, holdout, defaults } };
    ctx.log(
      `experiments-shoppers: ${population.organic.length} visitors (${population.newVisitors} new), bundle ${population.bundle.tuning?.family ?? 'mf'} ` +
        `(train ${fixed(population.trainMs / 1000, 1)} s, visitors and rows ${fixed(population.rowsMs / 1000, 1)} s); ` +
        `true row-click model ${fixed(model.rowClick)} popular ${fixed(popular.rowClick)} defaults ${fixed(defaults.rowClick)}; add-to-cart ${fixed(model.addToCart)} / ${fixed(popular.addToCart)} / holdout ${fixed(holdout.addToCart)}; ` +
        `revenue ${fixed(model.revenue, 2)} / ${fixed(popular.revenue, 2)} / ${fixed(holdout.revenue, 2)}`,
    );
    const aa = againstModel(shoppers, 'model', AA_EXPERIMENTS, 4_000_000);
    const vsPopular = againstModel(shoppers, 'popular', POPULAR_EXPERIMENTS, 5_000_000);
    const vsDefaults = againstModel(shoppers, 'defaults', DEFAULTS_EXPERIMENTS, 7_000_000);
    const vsHoldout = againstModel(shoppers, 'holdout', HOLDOUT_EXPERIMENTS, 6_000_000);
    // The first A/A experiments again (same ids and seeds), through device and server code.
    const piped = againstModel(
      shoppers,
      'model',
      PIPELINE_EXPERIMENTS,
      4_000_000,
      'device-and-server',
    );
    const aaRate = aa.tally.primaryDeclared / AA_EXPERIMENTS;
    const srmRate = aa.tally.srmAlarms / aa.tally.srmChecks;
    const primary = vsPopular.lifts['row-click'];
    ctx.log(
      `experiments-shoppers: A/A ${AA_EXPERIMENTS}×${DAYS} daily looks: false positives ${aaRate} (any metric ${aa.tally.anyDeclared / AA_EXPERIMENTS}), SRM ${aa.tally.srmAlarms}/${aa.tally.srmChecks}; ` +
        `model vs popular (${POPULAR_EXPERIMENTS}): true row-click lift ${fixed(primary?.trueLift)}, measured ${fixed(primary?.meanMeasuredLift)}, ` +
        `anytime coverage ${fixed(primary?.coverage)} (every look ${fixed(primary?.coverageAllLooks)}), detected ${fixed(primary?.detectionRate)}; ` +
        `tuned vs defaults (${DEFAULTS_EXPERIMENTS}): true row-click lift ${fixed(vsDefaults.lifts['row-click']?.trueLift)}, measured ${fixed(vsDefaults.lifts['row-click']?.meanMeasuredLift)}, ` +
        `coverage ${fixed(vsDefaults.lifts['row-click']?.coverage)}, better ${fixed(vsDefaults.lifts['row-click']?.detectionRate)} worse ${fixed(vsDefaults.lifts['row-click']?.worseRate)}; ` +
        `model vs holdout (${HOLDOUT_EXPERIMENTS}): add-to-cart lift ${fixed(vsHoldout.lifts['add-to-cart']?.trueLift)} measured ${fixed(vsHoldout.lifts['add-to-cart']?.meanMeasuredLift)}, ` +
        `revenue ${fixed(vsHoldout.lifts['revenue']?.trueLift)} measured ${fixed(vsHoldout.lifts['revenue']?.meanMeasuredLift)}; ` +
        `pipeline ${PIPELINE_EXPERIMENTS} A/A: ${piped.tally.pipeline.reports} reports, max sum difference ${piped.tally.pipeline.maxAbsDiff}, false positives ${piped.tally.primaryDeclared}`,
    );
    const results: BenchResults = {
      'experiments.shoppers.experiments':
        AA_EXPERIMENTS + POPULAR_EXPERIMENTS + DEFAULTS_EXPERIMENTS + HOLDOUT_EXPERIMENTS,
      'experiments.shoppers.visitorsPerExperiment': VISITORS_PER_DAY * DAYS,
      'experiments.shoppers.dailyLooks': DAYS,
      'experiments.shoppers.populationVisitors': population.organic.length,
      'experiments.shoppers.newVisitors': population.newVisitors,
      'experiments.shoppers.modelFamily': population.bundle.tuning?.family ?? 'mf',
      'experiments.shoppers.aaExperiments': AA_EXPERIMENTS,
      'experiments.shoppers.aaFalsePositiveRate': aaRate,
      'experiments.shoppers.aaFalsePositiveRateAnyMetric': aa.tally.anyDeclared / AA_EXPERIMENTS,
      'experiments.shoppers.srmFalseAlarmRate': srmRate,
      'experiments.shoppers.srmChecks': aa.tally.srmChecks,
      // Revenue against its own pre-period: the shoppers' own correlation, not a set ρ.
      'experiments.shoppers.cupedVarianceRatio': aa.tally.finalCupedRatio['revenue'] ?? null,
      'experiments.shoppers.aaCoverage': aa.lifts['row-click']?.coverage ?? null,
      'experiments.shoppers.popularExperiments': POPULAR_EXPERIMENTS,
      'experiments.shoppers.holdoutExperiments': HOLDOUT_EXPERIMENTS,
      'experiments.shoppers.defaultsExperiments': DEFAULTS_EXPERIMENTS,
      'experiments.shoppers.coverage': primary?.coverage ?? null,
      'experiments.shoppers.coverageAllLooks': primary?.coverageAllLooks ?? null,
      'experiments.shoppers.fixedHorizonCoverage': primary?.fixedCoverage ?? null,
      'experiments.shoppers.detectionRate': primary?.detectionRate ?? null,
      'experiments.shoppers.pipeline.experiments': PIPELINE_EXPERIMENTS,
      'experiments.shoppers.pipeline.reports': piped.tally.pipeline.reports,
      'experiments.shoppers.pipeline.maxSumDifference': piped.tally.pipeline.maxAbsDiff,
      'experiments.shoppers.pipeline.aaFalsePositiveRate':
        piped.tally.primaryDeclared / PIPELINE_EXPERIMENTS,
    };
    for (const [id, key] of Object.entries(METRICS)) {
      results[`experiments.shoppers.trueRate.model.${key}`] = model[key];
      results[`experiments.shoppers.trueRate.popular.${key}`] = popular[key];
      results[`experiments.shoppers.trueRate.holdout.${key}`] = holdout[key];
      results[`experiments.shoppers.trueRate.defaults.${key}`] = defaults[key];
      const vsD = vsDefaults.lifts[id];
      results[`experiments.shoppers.defaults.trueLift.${key}`] = vsD?.trueLift ?? null;
      results[`experiments.shoppers.defaults.measuredLift.${key}`] = vsD?.meanMeasuredLift ?? null;
      results[`experiments.shoppers.defaults.coverage.${key}`] = vsD?.coverage ?? null;
      results[`experiments.shoppers.defaults.detectionRate.${key}`] = vsD?.detectionRate ?? null;
      results[`experiments.shoppers.defaults.worseRate.${key}`] = vsD?.worseRate ?? null;
      const vsP = vsPopular.lifts[id];
      results[`experiments.shoppers.trueLift.${key}`] = vsP?.trueLift ?? null;
      results[`experiments.shoppers.measuredLift.${key}`] = vsP?.meanMeasuredLift ?? null;
      results[`experiments.shoppers.coverageByMetric.${key}`] = vsP?.coverage ?? null;
      const vsH = vsHoldout.lifts[id];
      results[`experiments.shoppers.holdout.trueLift.${key}`] = vsH?.trueLift ?? null;
      results[`experiments.shoppers.holdout.measuredLift.${key}`] = vsH?.meanMeasuredLift ?? null;
      results[`experiments.shoppers.holdout.coverage.${key}`] = vsH?.coverage ?? null;
      results[`experiments.shoppers.holdout.detectionRate.${key}`] = vsH?.detectionRate ?? null;
    }
    return results;
  },
};
