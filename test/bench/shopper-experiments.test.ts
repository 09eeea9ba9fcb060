import { describe, expect, it } from 'vitest';
import { runSeries } from '../../bench/experiments/experiment-series';
import { expectedOutcomes, shopperVisitorSource } from '../../bench/experiments/shopper-outcomes';
import { buildShopperPopulation } from '../../bench/experiments/shopper-population';
import { createLiftTally } from '../../bench/experiments/shopper-series-tally';
import { OptionError } from '../../src/core/errors';
import {
  simulateExperiment,
  type ArmDefinition,
  type ExperimentDefinition,
} from '../../src/core/experiments';
import { createRng } from '../../src/core/random';
import { deviceExperiment } from '../federated/experiment-fixtures';

const MODEL: ArmDefinition = { id: 'model', weight: 1 };
const POPULAR: ArmDefinition = { id: 'popular', weight: 1, settings: { source: 'popular' } };
const HOLDOUT: ArmDefinition = { id: 'holdout', weight: 1, holdout: true };

/** The device fixture's metrics (row clicks; carts and capped revenue with CUPED) over `arms`. */
function definition(arms: readonly ArmDefinition[]): ExperimentDefinition {
  return deviceExperiment({
    id: 'shoppers',
    arms,
    start: '2026-10-18T00:00:00Z',
    minimumSamplePerArm: 50,
    minimumRuntimeDays: 0,
    plannedSamplePerArm: 600,
  });
}

describe('experiments on simulated demo shoppers', async () => {
  // A small shop and an untuned model keep this fast; the bench runs the demo-sized, tuned one.
  const population = await buildShopperPopulation({
    definition: definition([MODEL, POPULAR, HOLDOUT]),
    shopShoppers: 600,
    visitors: 900,
    visitorSeed: 3,
    tune: false,
  });
  const [model, popular, holdout] = expectedOutcomes(population, 500);
  const [modelRows, popularRows, holdoutRows] = population.rows;

  it('serves every visitor a row per arm, empty for the holdout', () => {
    const visitors = population.organic.length;
    expect(visitors).toBeGreaterThan(300);
    expect(modelRows).toHaveLength(visitors);
    expect(modelRows!.every((row) => row.click.length === 8)).toBe(true);
    expect(popularRows!.every((row) => row.click.length === 8)).toBe(true);
    expect(holdoutRows!.every((row) => row.click.length === 0)).toBe(true);
  });

  it('knows the true rates: rows add clicks, carts and revenue; the model beats popularity', () => {
    expect(holdout!.rowClick).toBe(0);
    expect(popular!.rowClick).toBeGreaterThan(0);
    expect(model!.rowClick).toBeGreaterThan(popular!.rowClick);
    expect(model!.addToCart).toBeGreaterThan(holdout!.addToCart);
    expect(model!.revenue).toBeGreaterThan(holdout!.revenue);
    expect(holdout!.addToCart).toBeGreaterThan(0);
  });

  it('draws visitors whose outcomes average to the exact expectation', () => {
    const draw = shopperVisitorSource(population);
    const rng = createRng(9);
    const outcome = new Float64Array(3);
    const pre = new Float64Array(3);
    const n = 40_000;
    let clicked = 0;
    let revenue = 0;
    for (let v = 0; v < n; v++) {
      draw(0, rng, outcome, pre);
      if (outcome[0]! > 0) clicked++;
      revenue += Math.min(500, outcome[2]!);
    }
    const p = model!.rowClick;
    expect(Math.abs(clicked / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    expect(revenue / n).toBeGreaterThan(model!.revenue * 0.9);
    expect(revenue / n).toBeLessThan(model!.revenue * 1.1);
  });

  it('runs an A/A test without false verdicts and a model-vs-popular test that finds the lift', () => {
    const aaDefinition = definition([MODEL, { ...MODEL, id: 'again' }]);
    const aa = runSeries({
      definition: aaDefinition,
      visitors: shopperVisitorSource({ ...population, rows: [modelRows!, modelRows!] }),
      experiments: 12,
      days: 7,
      visitorsPerDay: 200,
      seedBase: 10,
    });
    expect(aa.primaryDeclared).toBeLessThanOrEqual(1);
    expect(aa.srmAlarms).toBe(0);
    const truth = { 'row-click': model!.rowClick / popular!.rowClick - 1 };
    const lift = createLiftTally('model', truth);
    runSeries({
      definition: definition([POPULAR, MODEL]),
      visitors: shopperVisitorSource({ ...population, rows: [popularRows!, modelRows!] }),
      experiments: 12,
      days: 7,
      visitorsPerDay: 200,
      seedBase: 20,
      onExperiment: lift.onExperiment,
    });
    const summary = lift.summary()['row-click']!;
    expect(summary.detectionRate).toBe(1);
    expect(summary.coverage).toBeGreaterThanOrEqual(10 / 12);
    expect(Math.abs(summary.meanMeasuredLift / truth['row-click'] - 1)).toBeLessThan(0.25);
  });

  it('asks for either a visitor source or truth and revenue', () => {
    expect(() =>
      simulateExperiment({
        definition: definition([MODEL, POPULAR]),
        seed: 1,
        days: 1,
        visitorsPerDay: 1,
      }),
    ).toThrow(OptionError);
  });
});
