import { describe, expect, it } from 'vitest';
import { payloadBytes, validateRoundSpec } from '../../src/federated/federated-protocol';
import {
  DEFAULT_UPLOAD_BUDGET,
  buildReleaseRoundSpec,
  buildRoundSpec,
  partSensitivity,
  planRoundRows,
  roundNoiseMultiplier,
  rowsForBudget,
  secureSumProblem,
  uploadBytesFor,
} from '../../src/federated/round-plan';
import { roundSpecOptions } from './round-spec-fixture';

describe('upload budget', () => {
  it('fits a 10k-item × 64-factor model into 100 kB per client per round', () => {
    const plain = rowsForBudget({
      numItems: 10_000,
      factors: 64,
      ringBits: 16,
      budgetBytes: DEFAULT_UPLOAD_BUDGET,
    });
    const secure = rowsForBudget({
      numItems: 10_000,
      factors: 64,
      ringBits: 32,
      budgetBytes: DEFAULT_UPLOAD_BUDGET,
    });
    expect(plain).toBe(722);
    expect(secure).toBe(345);
    expect(uploadBytesFor({ factors: 64, rows: plain, ringBits: 16 })).toBeLessThanOrEqual(100_000);
    expect(uploadBytesFor({ factors: 64, rows: plain + 1, ringBits: 16 })).toBeGreaterThan(100_000);
    expect(uploadBytesFor({ factors: 64, rows: secure, ringBits: 32 })).toBeLessThanOrEqual(
      100_000,
    );
  });

  it('sends the whole catalog when it fits, and refuses a budget below one row', () => {
    expect(rowsForBudget({ numItems: 50, factors: 8, ringBits: 16, budgetBytes: 100_000 })).toBe(
      50,
    );
    expect(() =>
      rowsForBudget({ numItems: 50, factors: 64, ringBits: 32, budgetBytes: 1000 }),
    ).toThrow(/budget/);
  });
});

describe('planRoundRows', () => {
  it('returns sorted unique rows and visits every item once per cycle', () => {
    const n = 103;
    const count = 20;
    const seen = new Set<number>();
    for (let r = 0; r < Math.ceil(n / count) - 1; r++) {
      const rows = planRoundRows({ numItems: n, count, round: r, seed: 7 });
      expect(rows).toHaveLength(count);
      expect([...rows].sort((a, b) => a - b)).toEqual(rows);
      for (const i of rows) {
        expect(seen.has(i)).toBe(false);
        seen.add(i);
      }
    }
    const last = planRoundRows({ numItems: n, count, round: 5, seed: 7 });
    expect(new Set(last).size).toBe(count);
    for (const i of last) seen.add(i);
    expect(seen.size).toBe(n);
  });

  it('is deterministic for a seed and independent across seeds', () => {
    const a = planRoundRows({ numItems: 500, count: 50, round: 3, seed: 1 });
    expect(planRoundRows({ numItems: 500, count: 50, round: 3, seed: 1 })).toEqual(a);
    expect(planRoundRows({ numItems: 500, count: 50, round: 3, seed: 2 })).not.toEqual(a);
  });
});

describe('buildRoundSpec', () => {
  const base = {
    model: { factors: 8, numItems: 300, userWeightNorm: 5 },
    roundId: 'r1',
    modelVersion: 0,
    rows: Array.from({ length: 60 }, (_, i) => i * 5),
    minCohort: 50,
    maxCohort: 200,
    deadline: new Date(0).toISOString(),
    delta: 1e-5,
    epsilonSpent: null,
  };

  it('part lengths match the protocol and the payload matches the budget formula', () => {
    const spec = buildRoundSpec({ ...base, aggregation: 'plain', noiseMultiplier: 0 });
    expect(spec.parts.map((p) => [p.name, p.length])).toEqual([
      ['rows', 60 * 9],
      ['counts', 60],
      ['gram', 45],
      ['stats', 2],
    ]);
    expect(payloadBytes(spec)).toBe(uploadBytesFor({ factors: 8, rows: 60, ringBits: 16 }) - 320);
    expect(spec.parts.every((p) => p.noiseStd === 0 && p.clamp === 32767)).toBe(true);
  });

  it('calibrates client noise shares so the cohort release has the requested multiplier', () => {
    const spec = buildRoundSpec({ ...base, aggregation: 'secure', noiseMultiplier: 1.7 });
    expect(spec.ringBits).toBe(32);
    expect(roundNoiseMultiplier(spec.parts, 50)).toBeCloseTo(1.7, 6);
    expect(spec.privacy.noiseMultiplier).toBeCloseTo(1.7, 6);
    // More clients than the minimum only add noise.
    expect(roundNoiseMultiplier(spec.parts, 200)).toBeGreaterThan(1.7);
    // The clamp leaves room for 200 clients in the 32-bit ring, and the whole clipped range plus
    // 6σ of noise is representable.
    for (const p of spec.parts) {
      expect(p.clamp * 200).toBeLessThan(2 ** 31);
      expect(p.clamp * p.scale).toBeGreaterThanOrEqual(p.clipNorm + 6 * p.noiseStd - 1e-9);
      expect(partSensitivity(p)).toBeLessThan(p.clipNorm * 1.01);
    }
  });
});

describe('buildReleaseRoundSpec', () => {
  const base = {
    roundId: 'r1',
    modelVersion: 0,
    aggregation: 'plain' as const,
    minCohort: 4,
    maxCohort: 10,
    deadline: new Date(0).toISOString(),
    delta: 1e-5,
    epsilonSpent: null,
  };

  it('puts the release vector in the rows part, leaves the others empty, and validates', () => {
    const spec = buildReleaseRoundSpec({
      ...base,
      release: 'pairs',
      rows: [1, 4, 7],
      noiseMultiplier: 1,
    });
    expect(spec.parts.map((p) => p.length)).toEqual([6, 0, 0, 0]);
    expect(spec.parts[0]!.clipNorm).toBe(1);
    expect(spec.parts[0]!.noiseStd).toBeGreaterThan(0);
    // Empty parts carry no noise and do not dilute the round's noise multiplier.
    expect(spec.privacy.noiseMultiplier).toBeCloseTo(1, 6);
    expect(
      validateRoundSpec(JSON.parse(JSON.stringify(spec)), { factors: 4, numItems: 10 }),
    ).toEqual(spec);
  });

  it('a popularity round must list every item; an unknown release is refused', () => {
    const spec = buildReleaseRoundSpec({
      ...base,
      release: 'popularity',
      rows: [0, 1, 2],
      noiseMultiplier: 0,
    });
    expect(() => validateRoundSpec(spec, { factors: 4, numItems: 3 })).not.toThrow();
    expect(() => validateRoundSpec(spec, { factors: 4, numItems: 4 })).toThrow(/every item/);
    expect(() =>
      validateRoundSpec({ ...spec, release: 'bogus' }, { factors: 4, numItems: 3 }),
    ).toThrow(/round.release/);
  });
});

describe('secure sums', () => {
  it('#6 a secure round whose clamp × maxCohort would wrap the 32-bit ring is not opened', () => {
    const o = roundSpecOptions({ aggregation: 'secure', minCohort: 2 });
    const fits = buildRoundSpec({ ...o, maxCohort: 100_000 });
    expect(secureSumProblem(fits)).toBeNull();
    expect(() => buildRoundSpec({ ...o, maxCohort: 2 ** 32 })).toThrow(/could wrap/);
    expect(secureSumProblem({ ...fits, maxCohort: 1_000_000 })).toMatch(/could wrap/);
    expect(secureSumProblem({ ...fits, aggregation: 'plain', maxCohort: 1_000_000 })).toBeNull();
  });
});
