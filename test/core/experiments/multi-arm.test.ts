import { describe, expect, it } from 'vitest';
import {
  analyzeExperiment,
  simulateExperiment,
  type ExperimentDefinition,
  type SimulatedArmTruth,
} from '../../../src/core/experiments/index';

const definition: ExperimentDefinition = {
  id: 'three-arms',
  version: 1,
  arms: [
    { id: 'control', weight: 1 },
    { id: 'same', weight: 1 },
    { id: 'much-better', weight: 1 },
  ],
  primaryMetric: { id: 'row-click', kind: 'binomial' },
  guardrailMetrics: [{ id: 'add-to-cart', kind: 'binomial' }],
  start: '2026-03-02T00:00:00Z',
  minimumSamplePerArm: 100,
  minimumRuntimeDays: 0,
  plannedSamplePerArm: 3000,
};

const truth = (clickRate: number): SimulatedArmTruth => ({
  clickRate,
  cartRate: 0.1,
  revenueFactor: 1,
});
const revenue = { purchaseRate: 0, logMean: 0, logSd: 1, correlation: 0 };

function lastAnalysis(options: { definition: ExperimentDefinition; countNoiseSd?: number }) {
  const { periods, asOf } = simulateExperiment({
    definition: options.definition,
    truth: [truth(0.2), truth(0.2), truth(0.3)],
    revenue,
    seed: 7,
    days: 3,
    visitorsPerDay: 3000,
    ...(options.countNoiseSd === undefined ? {} : { countNoiseSd: options.countNoiseSd }),
  });
  const last = periods.length - 1;
  return analyzeExperiment({
    definition: options.definition,
    aggregates: periods[last] ?? { experimentId: '', version: 0, arms: [] },
    asOf: asOf[last] ?? '',
  });
}

describe('several arms and metrics', () => {
  it('finds the arm that is much better, not the one that is the same, after BH', () => {
    const analysis = lastAnalysis({ definition });
    expect(analysis.status).toBe('ready');
    const click = analysis.comparisons.filter((c) => c.metricId === 'row-click');
    expect(click.map((c) => c.armId)).toEqual(['same', 'much-better']);
    expect(click[1]?.verdict).toBe('better');
    expect(click[1]?.bayesian.chanceToWin).toBeGreaterThan(0.99);
    expect(click[0]?.verdict).toBe('inconclusive');
    for (const c of analysis.comparisons) {
      expect(c.adjustedPValue).toBeGreaterThanOrEqual(c.sequentialPValue);
    }
  });

  it('uses fixed-horizon p-values when the definition turns sequential off', () => {
    const analysis = lastAnalysis({ definition: { ...definition, sequential: false } });
    for (const c of analysis.comparisons) expect(c.adjustedPValue).toBeGreaterThanOrEqual(c.pValue);
    const sequential = lastAnalysis({ definition });
    const same = (a: typeof analysis) => a.comparisons.find((c) => c.armId === 'same');
    expect(same(analysis)?.adjustedPValue).toBeLessThan(same(sequential)?.adjustedPValue ?? 0);
  });

  it('still reaches the verdict with DP noise on the counts', () => {
    const noisy = lastAnalysis({ definition, countNoiseSd: 5 });
    const exact = lastAnalysis({ definition });
    expect(noisy.arms[0]?.exposedVisitors).not.toBe(exact.arms[0]?.exposedVisitors);
    expect(noisy.comparisons.find((c) => c.armId === 'much-better')?.verdict).toBe('better');
  });
});

describe('a holdout arm on a metric only rows create', () => {
  it('reads a 0% row-click rate as worse, with an interval, not as a certain −100% with p = 1', () => {
    const holdout: ExperimentDefinition = {
      ...definition,
      arms: [
        { id: 'control', weight: 1 },
        { id: 'same', weight: 1 },
        { id: 'holdout', weight: 1, holdout: true },
      ],
    };
    const { periods, asOf } = simulateExperiment({
      definition: holdout,
      truth: [truth(0.2), truth(0.2), truth(0)],
      revenue,
      seed: 11,
      days: 3,
      visitorsPerDay: 3000,
    });
    const analysis = analyzeExperiment({
      definition: holdout,
      aggregates: periods[2] ?? { experimentId: '', version: 0, arms: [] },
      asOf: asOf[2] ?? '',
    });
    const click = analysis.comparisons.find(
      (c) => c.metricId === 'row-click' && c.armId === 'holdout',
    );
    expect(click?.relative?.estimate).toBe(-1);
    expect(click?.relative?.standardError).toBeGreaterThan(0);
    expect(click?.pValue).toBeLessThan(1e-6);
    expect(click?.verdict).toBe('worse');
  });
});
