import {
  reportNoiseMultiplier,
  visitorContribution,
  type ArmAggregate,
  type ExperimentDefinition,
} from '../../../src/core/experiments';
import type { ExperimentReport } from '../../../src/federated/experiment-protocol';
import { createRng, type Rng } from '../../../src/core/random';

/** 2026-03-10T12:00:00Z: "today" of the tests. */
export const NOW = Date.parse('2026-03-10T12:00:00Z');

/** An experiment without noise: a binomial primary and a capped CUPED revenue guardrail. */
export const plainDefinition: ExperimentDefinition = {
  id: 'rows-v2',
  version: 3,
  arms: [
    { id: 'control', weight: 1 },
    { id: 'model-v2', weight: 1, settings: { diversity: 0.3 } },
    { id: 'holdout', weight: 0.5, holdout: true },
  ],
  primaryMetric: { id: 'row-click', kind: 'binomial' },
  guardrailMetrics: [{ id: 'revenue', kind: 'mean', cap: 100, cuped: true }],
  start: '2026-03-01T00:00:00Z',
  stop: '2026-03-20T00:00:00Z',
  minimumSamplePerArm: 5,
  minimumRuntimeDays: 1,
  plannedSamplePerArm: 1000,
};

/** The same experiment with local DP on every report. */
export const noisyDefinition: ExperimentDefinition = {
  ...plainDefinition,
  id: 'rows-dp',
  version: 1,
  privacy: { epsilon: 4 },
};

/** 32 hex digits from `rng`. */
export function reportId(rng: Rng): string {
  let out = '';
  for (let i = 0; i < 32; i++) out += rng.int(16).toString(16);
  return out;
}

/** A valid exact report of one first-time visitor in `armId`. */
export function plainReport(
  rng: Rng,
  armId: string,
  overrides: Partial<Record<keyof ExperimentReport, unknown>> = {},
): ExperimentReport {
  const exposed = rng.next() < 0.8;
  const arm = visitorContribution({
    definition: plainDefinition,
    armId,
    previous: null,
    current: {
      exposed,
      values: { 'row-click': rng.int(3), revenue: rng.int(4) * 40 },
      preValues: { revenue: rng.int(3) * 30 },
    },
  });
  return {
    protocol: 1,
    experimentId: plainDefinition.id,
    version: plainDefinition.version,
    period: '2026-03-09',
    reportId: reportId(rng),
    arms: [arm],
    ...overrides,
  } as ExperimentReport;
}

/** A valid noised report: every arm block, each slot + N(0, (multiplier·bound)²). */
export function noisyReport(rng: Rng, armId: string): ExperimentReport {
  const multiplier = reportNoiseMultiplier(noisyDefinition);
  const own = visitorContribution({
    definition: noisyDefinition,
    armId,
    previous: null,
    current: { exposed: true, values: { 'row-click': 1, revenue: 50 }, preValues: { revenue: 20 } },
  });
  const noise = (bound: number): number => multiplier * bound * rng.normal();
  const arms = noisyDefinition.arms.map((arm): ArmAggregate => {
    const mine = arm.id === armId;
    const v = (value: number, bound: number): number => (mine ? value : 0) + noise(bound);
    const click = own.metrics['row-click']!;
    const revenue = own.metrics['revenue']!;
    return {
      armId: arm.id,
      visitors: v(own.visitors, 1),
      exposedVisitors: v(own.exposedVisitors, 1),
      metrics: {
        'row-click': { sum: v(click.sum, 1), sumSquares: v(click.sumSquares, 1) },
        revenue: {
          sum: v(revenue.sum, 100),
          sumSquares: v(revenue.sumSquares, 10_000),
          covariate: {
            sum: v(revenue.covariate!.sum, 100),
            sumSquares: v(revenue.covariate!.sumSquares, 10_000),
            sumProducts: v(revenue.covariate!.sumProducts, 10_000),
          },
        },
      },
    };
  });
  return {
    protocol: 1,
    experimentId: noisyDefinition.id,
    version: noisyDefinition.version,
    period: '2026-03-09',
    reportId: reportId(rng),
    arms,
    noiseMultiplier: multiplier,
  };
}

/** `count` exact reports spread over the arms, seeded. */
export function plainReports(seed: number, count: number): ExperimentReport[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, i) => plainReport(rng, plainDefinition.arms[i % 3]!.id));
}
