import { describe, expect, it } from 'vitest';
import {
  analyzeExperiment,
  experimentSlotBounds,
  reportNoiseMultiplier,
  type ArmAggregate,
  type ExperimentAggregates,
  type ExperimentDefinition,
} from '../../../src/core/experiments';
import { armMoments } from '../../../src/core/experiments/metric-moments';
import { checkNoisySampleRatio } from '../../../src/core/experiments/noisy-sums';
import { checkSampleRatio } from '../../../src/core/experiments/sample-ratio';
import { createRng, type Rng } from '../../../src/core/random';

const definition: ExperimentDefinition = {
  id: 'aa-noise',
  version: 1,
  arms: [
    { id: 'control', weight: 1 },
    { id: 'treatment', weight: 1 },
  ],
  primaryMetric: { id: 'row-click', kind: 'binomial' },
  start: '2026-01-01T00:00:00Z',
  minimumSamplePerArm: 100,
  minimumRuntimeDays: 0,
  plannedSamplePerArm: 40_000,
  privacy: { epsilon: 8 },
};

const VISITORS_PER_ARM = 50_000;
/** Reports per visitor: some devices report more than one period. */
const REPORTS_PER_VISITOR = 1.3;
const EXPERIMENTS = 500;

/** A count drawn from Binomial(n, p) by its normal approximation (n·p is in the thousands here). */
const binomial = (rng: Rng, n: number, p: number): number =>
  Math.round(n * p + Math.sqrt(n * p * (1 - p)) * rng.normal());

/**
 * One A/A experiment as the server would hold it: every device's report noised on every slot of
 * every arm block (N(0, (multiplier·bound)²) per slot), so each arm carries the noise of all
 * reports: Σ multiplier² = reports · multiplier².
 */
function noisyAaExperiment(rng: Rng, multiplier: number): ExperimentAggregates {
  const reports = 2 * VISITORS_PER_ARM * REPORTS_PER_VISITOR;
  const noiseUnits = reports * multiplier * multiplier;
  const sd = Math.sqrt(noiseUnits);
  const arms = definition.arms.map((arm): ArmAggregate => {
    const exposed = binomial(rng, VISITORS_PER_ARM, 0.85);
    const clicks = binomial(rng, exposed, 0.2);
    return {
      armId: arm.id,
      visitors: VISITORS_PER_ARM + sd * rng.normal(),
      exposedVisitors: exposed + sd * rng.normal(),
      metrics: {
        'row-click': { sum: clicks + sd * rng.normal(), sumSquares: clicks + sd * rng.normal() },
      },
      noiseUnits,
    };
  });
  return { experimentId: definition.id, version: 1, arms };
}

const withoutNoiseUnits = (aggregates: ExperimentAggregates): ExperimentAggregates => ({
  ...aggregates,
  arms: aggregates.arms.map(({ noiseUnits: _, ...arm }) => arm),
});

describe('analysis under DP noise', () => {
  it(`keeps the A/A false-positive and SRM rates at their level over ${EXPERIMENTS} noised experiments`, () => {
    const multiplier = reportNoiseMultiplier(definition);
    expect(multiplier).toBeGreaterThan(1.5);
    const rng = createRng(2026);
    let positives = 0;
    let sequentialPositives = 0;
    let srmAlarms = 0;
    let naivePositives = 0;
    let naiveSrmAlarms = 0;
    for (let e = 0; e < EXPERIMENTS; e++) {
      const aggregates = noisyAaExperiment(rng, multiplier);
      const asOf = '2026-01-15T00:00:00Z';
      const analysis = analyzeExperiment({ definition, aggregates, asOf });
      const comparison = analysis.comparisons[0]!;
      if (comparison.pValue < 0.05) positives++;
      if (comparison.sequentialPValue < 0.05) sequentialPositives++;
      if (analysis.sampleRatio.alarm) srmAlarms++;
      // The same sums read as if they held no noise: what the correction is for.
      const naive = analyzeExperiment({
        definition,
        aggregates: withoutNoiseUnits(aggregates),
        asOf,
      });
      if (naive.comparisons[0]!.pValue < 0.05) naivePositives++;
      if (naive.sampleRatio.alarm) naiveSrmAlarms++;
    }
    const rate = positives / EXPERIMENTS;
    const standardError = Math.sqrt((0.05 * 0.95) / EXPERIMENTS);
    expect(rate).toBeLessThanOrEqual(0.05 + 2 * standardError);
    // Not so wide that it never fires: the noise is accounted for, not overestimated.
    expect(rate).toBeGreaterThan(0.02);
    expect(sequentialPositives / EXPERIMENTS).toBeLessThanOrEqual(0.05 + 2 * standardError);
    expect(srmAlarms / EXPERIMENTS).toBeLessThanOrEqual(0.001 + 3 * Math.sqrt(0.001 / EXPERIMENTS));
    // Ignoring the noise would declare most A/A tests significant and alarm on most splits.
    expect(naivePositives / EXPERIMENTS).toBeGreaterThan(0.3);
    expect(naiveSrmAlarms / EXPERIMENTS).toBeGreaterThan(0.2);
  });

  it('widens the per-visitor variance by units·(b² + mean²)/n, CUPED included', () => {
    const sums = {
      sum: 300,
      sumSquares: 9000,
      covariate: { sum: 200, sumSquares: 6000, sumProducts: 2500 },
    };
    const plain = armMoments({ n: 1000, sums, theta: 0.4, pooledCovariateMean: 0.2 });
    const noisy = armMoments({
      n: 1000,
      sums,
      theta: 0.4,
      pooledCovariateMean: 0.2,
      noise: { units: 50, sumBound: 10, covariateBound: 10 },
    });
    expect(noisy.mean).toBe(plain.mean);
    expect(noisy.rawVariance - plain.rawVariance).toBeCloseTo((50 * (100 + 0.3 * 0.3)) / 1000, 12);
    const ratio = (300 - 0.4 * 200) / 1000;
    expect(noisy.variance - plain.variance).toBeCloseTo(
      (50 * (100 + 0.16 * 100 + ratio * ratio)) / 1000,
      12,
    );
  });

  it('leaves the analysis without noise unchanged, and clamps noised negative counts', () => {
    expect(
      checkNoisySampleRatio({ counts: [480, 520], weights: [1, 1], noiseUnits: [0, 0] }),
    ).toEqual(checkSampleRatio({ counts: [480, 520], weights: [1, 1] }));
    // With noise this small the Mahalanobis statistic is Pearson's.
    const tiny = checkNoisySampleRatio({
      counts: [300, 500, 200],
      weights: [3, 5, 2],
      noiseUnits: [1e-12, 1e-12, 1e-12],
    });
    const exact = checkSampleRatio({ counts: [310, 480, 210], weights: [3, 5, 2] });
    const tinyOff = checkNoisySampleRatio({
      counts: [310, 480, 210],
      weights: [3, 5, 2],
      noiseUnits: [1e-12, 1e-12, 1e-12],
    });
    expect(tiny.statistic).toBeCloseTo(0, 9);
    expect(tinyOff.statistic).toBeCloseTo(exact.statistic, 6);
    const bounds = experimentSlotBounds(definition);
    expect(bounds[2]).toBe(1);
    const early: ExperimentAggregates = {
      experimentId: definition.id,
      version: 1,
      arms: [
        {
          armId: 'control',
          visitors: 3.2,
          exposedVisitors: -1.5,
          metrics: { 'row-click': { sum: -0.7, sumSquares: -2 } },
          noiseUnits: 20,
        },
        {
          armId: 'treatment',
          visitors: 4,
          exposedVisitors: 2,
          metrics: { 'row-click': { sum: 1, sumSquares: 1 } },
          noiseUnits: 20,
        },
      ],
    };
    const analysis = analyzeExperiment({ definition, aggregates: early, asOf: '2026-01-02' });
    expect(analysis.arms[0]!.exposedVisitors).toBe(0);
    expect(analysis.status).toBe('not-enough-data');
    // A noised count clears the minimum only by its noise too.
    const noisyButLarge = {
      ...early,
      arms: early.arms.map((arm) => ({
        ...arm,
        visitors: 130,
        exposedVisitors: 105,
        metrics: { 'row-click': { sum: 10, sumSquares: 10 } },
      })),
    };
    const held = analyzeExperiment({ definition, aggregates: noisyButLarge, asOf: '2026-01-02' });
    expect(held.reasons[0]).toBe(
      'arm "control" has about 105 (± 9 from DP noise) exposed visitors of the 100 required',
    );
    const exactLarge = {
      ...noisyButLarge,
      arms: noisyButLarge.arms.map(({ noiseUnits: _, ...arm }) => arm),
    };
    expect(
      analyzeExperiment({ definition, aggregates: exactLarge, asOf: '2026-01-02' }).status,
    ).toBe('ready');
    const exactArms = { ...early, arms: early.arms.map(({ noiseUnits: _, ...arm }) => arm) };
    expect(() =>
      analyzeExperiment({ definition, aggregates: exactArms, asOf: '2026-01-02' }),
    ).toThrow(/exposedVisitors is negative/);
  });
});
