import { describe, expect, it } from 'vitest';
import {
  experimentSlotBounds,
  reportNoiseMultiplier,
  type ExperimentDefinition,
} from '../../../src/core/experiments';
import { normalCdf } from '../../../src/core/experiments/distributions';

const base: ExperimentDefinition = {
  id: 'noise',
  version: 1,
  arms: [
    { id: 'control', weight: 1 },
    { id: 'treatment', weight: 1 },
  ],
  primaryMetric: { id: 'row-click', kind: 'binomial' },
  guardrailMetrics: [{ id: 'revenue', kind: 'mean', cap: 200, cuped: true }],
  start: '2026-01-01T00:00:00Z',
  minimumSamplePerArm: 10,
  minimumRuntimeDays: 1,
  plannedSamplePerArm: 100,
};

function exactDelta(mu: number, epsilon: number): number {
  return normalCdf(mu / 2 - epsilon / mu) - Math.exp(epsilon) * normalCdf(-mu / 2 - epsilon / mu);
}

describe('experimentSlotBounds', () => {
  it('bounds counts by 1, binomial sums by 1 and capped values by the cap', () => {
    const bounds = Array.from(experimentSlotBounds(base));
    expect(bounds).toEqual([1, 1, 1, 1, 0, 0, 0, 200, 40000, 200, 40000, 40000]);
  });

  it('refuses an uncapped mean metric, naming it', () => {
    const uncapped = { ...base, guardrailMetrics: [{ id: 'revenue', kind: 'mean' as const }] };
    expect(() => experimentSlotBounds(uncapped)).toThrow(/"revenue" has no cap/);
  });
});

describe('reportNoiseMultiplier', () => {
  it('is 0 without privacy', () => {
    expect(reportNoiseMultiplier(base)).toBe(0);
  });

  it('meets δ exactly at the returned multiplier and shrinks as ε grows', () => {
    const slots = 2 + 2 + 5;
    const sensitivity = Math.sqrt(2 * slots);
    let previous = Infinity;
    for (const epsilon of [0.5, 1, 4, 10]) {
      const z = reportNoiseMultiplier({ ...base, privacy: { epsilon, delta: 1e-6 } });
      const mu = sensitivity / z;
      expect(exactDelta(mu, epsilon)).toBeLessThanOrEqual(1e-6 * 1.000001);
      expect(exactDelta(mu * 1.01, epsilon)).toBeGreaterThan(1e-6);
      expect(z).toBeLessThan(previous);
      previous = z;
    }
  });

  it('refuses ε ≤ 0 and δ out of range', () => {
    expect(() => reportNoiseMultiplier({ ...base, privacy: { epsilon: 0 } })).toThrow(/epsilon/);
    expect(() => reportNoiseMultiplier({ ...base, privacy: { epsilon: 1, delta: 0.01 } })).toThrow(
      /delta/,
    );
  });
});

describe('validateExperimentDefinition with privacy', () => {
  it('names an uncapped mean metric and a bad ε', async () => {
    const { validateExperimentDefinition } = await import('../../../src/core/experiments');
    const uncapped = {
      ...base,
      privacy: { epsilon: 2 },
      guardrailMetrics: [{ id: 'revenue', kind: 'mean' as const }],
    };
    expect(() => validateExperimentDefinition(uncapped)).toThrow(/guardrailMetrics\[0\]\.cap/);
    expect(() => validateExperimentDefinition({ ...base, privacy: { epsilon: -1 } })).toThrow(
      /privacy\.epsilon/,
    );
    expect(validateExperimentDefinition({ ...base, privacy: { epsilon: 2 } }).id).toBe('noise');
  });
});
