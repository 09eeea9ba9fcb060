import { describe, expect, it } from 'vitest';
import { DataError, OptionError } from '../../../src/core/errors';
import {
  analyzeExperiment,
  assignArm,
  createAggregateAccumulator,
  normalQuantile,
  planExperiment,
  visitorContribution,
  type ExperimentDefinition,
} from '../../../src/core/experiments/index';

const definition: ExperimentDefinition = {
  id: 'rows-v2',
  version: 3,
  arms: [
    { id: 'control', weight: 2 },
    { id: 'variant', weight: 1 },
    { id: 'holdout', weight: 1, holdout: true },
  ],
  primaryMetric: { id: 'row-click', kind: 'binomial' },
  guardrailMetrics: [{ id: 'revenue', kind: 'mean', cap: 100, cuped: true }],
  start: '2026-03-02T00:00:00Z',
  minimumSamplePerArm: 10,
  minimumRuntimeDays: 0,
  plannedSamplePerArm: 1000,
};

describe('planExperiment', () => {
  it('matches the closed-form fixed-horizon sample size for one look', () => {
    const p = 0.1;
    const lift = 0.05;
    const q = p * (1 + lift);
    const unitVariance = (q * (1 - q)) / (p * p) + (q * q * p * (1 - p)) / p ** 4;
    const z = normalQuantile(0.975) + normalQuantile(0.8);
    const closedForm = (z * z * unitVariance) / (lift * lift);
    const plan = planExperiment({
      baselineMean: p,
      minimumDetectableLift: lift,
      binomial: true,
      sequential: false,
    });
    expect(plan.samplePerArm / closedForm).toBeGreaterThan(0.995);
    expect(plan.samplePerArm / closedForm).toBeLessThan(1.005);
  });

  it('asks more of a sequential analysis, less with more looks, and gives a duration', () => {
    const base = { baselineMean: 0.3, minimumDetectableLift: 0.05, binomial: true };
    const fixed = planExperiment({ ...base, sequential: false }).samplePerArm;
    const once = planExperiment({ ...base, looks: 1 }).samplePerArm;
    const daily = planExperiment({ ...base, looks: 14, dailyExposedPerArm: 2000 });
    expect(once).toBeGreaterThan(1.5 * fixed);
    expect(daily.samplePerArm).toBeLessThan(once);
    expect(daily.power).toBeGreaterThanOrEqual(0.8);
    expect(daily.days).toBe(Math.ceil(daily.samplePerArm / 2000));
  });

  it('rejects impossible plans with a message naming the option', () => {
    expect(() =>
      planExperiment({ baselineMean: 0.99, minimumDetectableLift: 0.05, binomial: true }),
    ).toThrow(/baselineMean × \(1 \+ minimumDetectableLift\)/);
    expect(() =>
      planExperiment({ baselineMean: 20, minimumDetectableLift: 0.05, binomial: false }),
    ).toThrow(OptionError);
  });
});

describe('device contributions', () => {
  it('telescope over periods to the visitor total, capped, counted once', () => {
    const accumulator = createAggregateAccumulator({ definition });
    const day1 = {
      exposed: true,
      values: { 'row-click': 0, revenue: 40 },
      preValues: { revenue: 30 },
    };
    const day2 = {
      exposed: true,
      values: { 'row-click': 2, revenue: 140 },
      preValues: { revenue: 30 },
    };
    accumulator.add(
      visitorContribution({ definition, armId: 'variant', previous: null, current: day1 }),
    );
    accumulator.add(
      visitorContribution({ definition, armId: 'variant', previous: day1, current: day2 }),
    );
    const variant = accumulator.snapshot().arms[1];
    expect(variant?.visitors).toBe(1);
    expect(variant?.exposedVisitors).toBe(1);
    expect(variant?.metrics['row-click']).toEqual({ sum: 1, sumSquares: 1 });
    expect(variant?.metrics['revenue']).toEqual({
      sum: 100,
      sumSquares: 10_000,
      covariate: { sum: 30, sumSquares: 900, sumProducts: 3000 },
    });
  });

  it('counts an unexposed visitor but none of its outcomes', () => {
    const contribution = visitorContribution({
      definition,
      armId: 'holdout',
      previous: null,
      current: { exposed: false, values: { 'row-click': 1, revenue: 10 } },
    });
    expect(contribution.visitors).toBe(1);
    expect(contribution.exposedVisitors).toBe(0);
    expect(contribution.metrics['revenue']?.sum).toBe(0);
  });

  it('assigns sticky arms in proportion to the weights', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) {
      const arm = assignArm({ definition, unitId: `device-${i}` });
      expect(assignArm({ definition, unitId: `device-${i}` })).toBe(arm);
      if (arm === null) throw new Error('full coverage enrolls every device');
      counts[arm] = (counts[arm] ?? 0) + 1;
    }
    expect((counts[0] ?? 0) / 40_000).toBeCloseTo(0.5, 1);
    expect((counts[2] ?? 0) / 40_000).toBeCloseTo(0.25, 1);
  });

  it('enrolls the coverage share, and raising coverage keeps enrolled devices in their arm', () => {
    let enrolled = 0;
    for (let i = 0; i < 20_000; i++) {
      const unitId = `device-${i}`;
      const partial = assignArm({ definition: { ...definition, coverage: 0.2 }, unitId });
      if (partial === null) continue;
      enrolled++;
      expect(assignArm({ definition: { ...definition, coverage: 0.6 }, unitId })).toBe(partial);
    }
    expect(enrolled / 20_000).toBeCloseTo(0.2, 1);
  });
});

describe('validation', () => {
  it('names the bad field of a definition', () => {
    const badWeight = { ...definition, arms: [definition.arms[0]!, { id: 'variant', weight: 0 }] };
    const aggregates = createAggregateAccumulator({ definition }).snapshot();
    expect(() =>
      analyzeExperiment({ definition: badWeight, aggregates, asOf: definition.start }),
    ).toThrow(/arms\[1\]\.weight must be a positive number/);
    const badKind = { ...definition, primaryMetric: { id: 'x', kind: 'ratio' as 'mean' } };
    expect(() =>
      analyzeExperiment({ definition: badKind, aggregates, asOf: definition.start }),
    ).toThrow(/primaryMetric\.kind/);
  });

  it('names the bad field of reported aggregates', () => {
    const aggregates = createAggregateAccumulator({ definition }).snapshot();
    const arms = aggregates.arms.map((arm, i) =>
      i === 1 ? { ...arm, metrics: { ...arm.metrics, revenue: { sum: 1, sumSquares: -4 } } } : arm,
    );
    let error: unknown;
    try {
      analyzeExperiment({
        definition,
        aggregates: { ...aggregates, arms },
        asOf: definition.start,
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).code).toBe('INVALID_ROW');
    expect((error as DataError).message).toMatch(
      /arms\[1\]\.metrics\.revenue\.sumSquares is negative/,
    );
    expect(() =>
      analyzeExperiment({
        definition,
        aggregates: { ...aggregates, version: 2 },
        asOf: definition.start,
      }),
    ).toThrow(/version is 2, expected 3/);
  });
});
