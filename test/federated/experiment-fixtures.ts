import type { ExperimentDefinition } from '../../src/core/experiments';

/** A running two-arm-plus-holdout experiment every device can run (row clicks, carts, revenue). */
export function deviceExperiment(
  overrides: Partial<ExperimentDefinition> = {},
): ExperimentDefinition {
  return {
    id: 'rows-v2',
    version: 1,
    arms: [
      { id: 'control', weight: 45 },
      { id: 'diverse', weight: 45, settings: { diversity: 0.3 } },
      { id: 'holdout', weight: 10, holdout: true },
    ],
    primaryMetric: { id: 'row-click', kind: 'binomial' },
    guardrailMetrics: [
      { id: 'add-to-cart', kind: 'binomial' },
      { id: 'revenue', kind: 'mean', cap: 500, cuped: true },
    ],
    start: '2026-03-02T00:00:00Z',
    minimumSamplePerArm: 100,
    minimumRuntimeDays: 7,
    plannedSamplePerArm: 1000,
    ...overrides,
  };
}

/** Ms of a UTC day and hour (`2026-03-05`, 14). */
export function at(day: string, hour = 12): number {
  return Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);
}
