import { describe, expect, it } from 'vitest';
import {
  analyzeExperiment,
  createAggregateAccumulator,
  simulateExperiment,
  visitorContribution,
  type ExperimentAggregates,
  type ExperimentDefinition,
  type VisitorState,
} from '../../../src/core/experiments/index';

const definition: ExperimentDefinition = {
  id: 'rows-v2',
  version: 1,
  arms: [
    { id: 'control', weight: 1 },
    { id: 'variant', weight: 1 },
  ],
  primaryMetric: { id: 'row-click', kind: 'binomial' },
  guardrailMetrics: [{ id: 'revenue', kind: 'mean', cuped: true }],
  start: '2026-03-02T00:00:00Z',
  minimumSamplePerArm: 50,
  minimumRuntimeDays: 7,
  plannedSamplePerArm: 1000,
};

/** Aggregates of visitors given as [arm, clicked, revenue, pre-period revenue]. */
function aggregatesOf(visitors: readonly [number, number, number, number][]): ExperimentAggregates {
  const accumulator = createAggregateAccumulator({ definition });
  for (const [arm, click, revenue, pre] of visitors) {
    const current: VisitorState = {
      exposed: true,
      values: { 'row-click': click, revenue },
      preValues: { revenue: pre },
    };
    const armId = definition.arms[arm]?.id ?? '';
    accumulator.add(visitorContribution({ definition, armId, previous: null, current }));
  }
  return accumulator.snapshot();
}

function visitors(n: number, revenueOf: (i: number, arm: number) => [number, number]) {
  return Array.from({ length: 2 * n }, (_, i): [number, number, number, number] => {
    const arm = i % 2;
    const [revenue, pre] = revenueOf(i, arm);
    return [arm, i % 5 === 0 ? 1 : 0, revenue, pre];
  });
}

describe('analyzeExperiment', () => {
  it('withholds verdicts before the minimum runtime and sample, saying why', () => {
    const aggregates = aggregatesOf(visitors(40, (i) => [i % 7, i % 3]));
    const analysis = analyzeExperiment({ definition, aggregates, asOf: '2026-03-05T00:00:00Z' });
    expect(analysis.status).toBe('not-enough-data');
    expect(analysis.reasons.join(' ')).toMatch(/40 exposed visitors of the 50 required/);
    expect(analysis.reasons.join(' ')).toMatch(/ran 3\.0 days of the 7 required/);
    expect(analysis.comparisons.every((c) => c.verdict === 'withheld')).toBe(true);
  });

  it('removes all revenue variance when the covariate explains it exactly (CUPED)', () => {
    // revenue = 2 × pre + 3 exactly; the variant adds a constant 1.
    const aggregates = aggregatesOf(visitors(200, (i, arm) => [2 * (i % 17) + 3 + arm, i % 17]));
    const analysis = analyzeExperiment({ definition, aggregates, asOf: '2026-03-20T00:00:00Z' });
    const revenue = analysis.comparisons.find((c) => c.metricId === 'revenue');
    expect(revenue?.cupedVarianceRatio).toBeLessThan(1e-6);
    expect(revenue?.absolute.estimate).toBeCloseTo(1, 4);
    expect(revenue?.verdict).toBe('better');
  });

  it('leaves variance alone when the covariate is unrelated', () => {
    const aggregates = aggregatesOf(visitors(300, (i) => [(i * 7919) % 13, (i * 104729) % 11]));
    const analysis = analyzeExperiment({ definition, aggregates, asOf: '2026-03-20T00:00:00Z' });
    const revenue = analysis.comparisons.find((c) => c.metricId === 'revenue');
    expect(revenue?.cupedVarianceRatio).toBeGreaterThan(0.9);
  });

  it('flags a sample-ratio mismatch and withholds verdicts', () => {
    const skewed = visitors(500, (i) => [i % 5, 0]).filter((v, i) => v[0] === 0 || i % 10 !== 1);
    const analysis = analyzeExperiment({
      definition,
      aggregates: aggregatesOf(skewed),
      asOf: '2026-03-20T00:00:00Z',
    });
    expect(analysis.sampleRatio.alarm).toBe(true);
    expect(analysis.status).toBe('sample-ratio-mismatch');
    expect(analysis.comparisons.every((c) => c.verdict === 'withheld')).toBe(true);
  });

  it('makes sequential intervals wider than fixed ones and consistent with their p-value', () => {
    const aggregates = aggregatesOf(visitors(400, (i, arm) => [(i % 9) + arm, i % 4]));
    const analysis = analyzeExperiment({ definition, aggregates, asOf: '2026-03-20T00:00:00Z' });
    for (const c of analysis.comparisons) {
      const effect = c.relative ?? c.absolute;
      expect(effect.sequentialInterval.upper - effect.sequentialInterval.lower).toBeGreaterThan(
        effect.interval.upper - effect.interval.lower,
      );
      const excludesZero =
        effect.sequentialInterval.lower > 0 || effect.sequentialInterval.upper < 0;
      expect(excludesZero).toBe(c.sequentialPValue < 0.05);
      expect(c.bayesian.chanceToWin).toBeGreaterThanOrEqual(0);
      expect(c.bayesian.chanceToWin).toBeLessThanOrEqual(1);
    }
  });

  it('covers the true relative lift in a seeded simulation', () => {
    const simulated: ExperimentDefinition = {
      ...definition,
      guardrailMetrics: [],
      minimumRuntimeDays: 0,
      plannedSamplePerArm: 1500,
    };
    let fixedCovers = 0;
    let sequentialCovers = 0;
    const runs = 40;
    for (let seed = 1; seed <= runs; seed++) {
      const { periods, asOf } = simulateExperiment({
        definition: simulated,
        truth: [
          { clickRate: 0.2, cartRate: 0, revenueFactor: 1 },
          { clickRate: 0.24, cartRate: 0, revenueFactor: 1 },
        ],
        revenue: { purchaseRate: 0, logMean: 0, logSd: 1, correlation: 0 },
        seed,
        days: 1,
        visitorsPerDay: 3500,
        returnRate: 0,
        exposureRate: 1,
      });
      const analysis = analyzeExperiment({
        definition: simulated,
        aggregates: periods[0] ?? { experimentId: '', version: 0, arms: [] },
        asOf: asOf[0] ?? '',
      });
      const lift = analysis.comparisons[0]?.relative;
      if (lift === null || lift === undefined) throw new Error('no relative lift');
      fixedCovers += Number(lift.interval.lower <= 0.2 && 0.2 <= lift.interval.upper);
      sequentialCovers += Number(
        lift.sequentialInterval.lower <= 0.2 && 0.2 <= lift.sequentialInterval.upper,
      );
    }
    // 95% intervals: 40 runs cover at least 34 times unless something is wrong (P < 1% by chance).
    expect(fixedCovers).toBeGreaterThanOrEqual(34);
    expect(sequentialCovers).toBeGreaterThanOrEqual(fixedCovers);
  });
});
