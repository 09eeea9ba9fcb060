import { describe, expect, it } from 'vitest';
import {
  RDP_ORDERS,
  calibrateNoiseMultiplier,
  combinedNoiseMultiplier,
  createPrivacyAccountant,
  epsilonOf,
  gaussianDpEpsilon,
  rdpToEpsilon,
  sampledGaussianRdp,
} from '../../src/federated/privacy-accountant';

describe('sampledGaussianRdp', () => {
  it('is α/(2z²) without sampling', () => {
    expect(sampledGaussianRdp(2, 1, 3)).toBeCloseTo(3 / 8, 12);
    expect(sampledGaussianRdp(2, 1, 1.5)).toBeCloseTo(1.5 / 8, 12);
  });

  it('matches the closed form log(1 + q²(e^{1/z²} − 1)) at order 2', () => {
    const q = 0.05;
    const z = 1.3;
    expect(sampledGaussianRdp(z, q, 2)).toBeCloseTo(
      Math.log(1 + q * q * (Math.exp(1 / (z * z)) - 1)),
      12,
    );
  });

  it('approaches the unsampled value as q → 1 and shrinks with q', () => {
    expect(sampledGaussianRdp(1.5, 1 - 1e-12, 8)).toBeCloseTo(8 / (2 * 1.5 ** 2), 6);
    expect(sampledGaussianRdp(1.5, 0.1, 8)).toBeLessThan(sampledGaussianRdp(1.5, 0.5, 8));
  });

  it('no noise means unbounded loss', () => {
    expect(sampledGaussianRdp(0, 1, 2)).toBe(Infinity);
    expect(epsilonOf({ noiseMultiplier: 0 }, 1e-5)).toBe(Infinity);
  });
});

describe('(ε, δ) conversion', () => {
  it('is below the zCDP bound ρ + 2√(ρ log 1/δ) and not far from it', () => {
    const z = 3;
    const rounds = 20;
    const rho = rounds / (2 * z * z);
    const delta = 1e-5;
    const eps = epsilonOf({ noiseMultiplier: z, rounds }, delta);
    const zcdp = rho + 2 * Math.sqrt(rho * Math.log(1 / delta));
    expect(eps).toBeLessThan(zcdp);
    expect(eps).toBeGreaterThan(0.8 * zcdp);
  });

  it('grows with rounds and shrinks with noise', () => {
    const e = (z: number, t: number): number => epsilonOf({ noiseMultiplier: z, rounds: t }, 1e-5);
    expect(e(1, 10)).toBeGreaterThan(e(1, 5));
    expect(e(2, 10)).toBeLessThan(e(1, 10));
  });

  it('amplification by sampling lowers ε', () => {
    const full = epsilonOf({ noiseMultiplier: 1, rounds: 50 }, 1e-5);
    const sampled = epsilonOf({ noiseMultiplier: 1, rounds: 50, samplingRate: 0.05 }, 1e-5);
    expect(sampled).toBeLessThan(full / 5);
  });

  it('rejects δ outside (0, 1)', () => {
    expect(() =>
      rdpToEpsilon(
        RDP_ORDERS.map(() => 0),
        0,
      ),
    ).toThrow(/δ/);
  });
});

describe('calibrateNoiseMultiplier', () => {
  it('finds the noise that spends exactly the target ε', () => {
    for (const [target, rounds, q] of [
      [8, 10, 1],
      [1, 100, 0.01],
    ] as const) {
      const z = calibrateNoiseMultiplier({
        targetEpsilon: target,
        delta: 1e-5,
        rounds,
        samplingRate: q,
      });
      const eps = epsilonOf({ noiseMultiplier: z, rounds, samplingRate: q }, 1e-5);
      expect(eps).toBeLessThanOrEqual(target);
      expect(eps).toBeGreaterThan(target * 0.99);
    }
  });
});

describe('accountant', () => {
  it('composes rounds, reports ε and survives a save/restore', () => {
    const a = createPrivacyAccountant({ delta: 1e-5 });
    expect(a.epsilon()).toBe(0);
    a.addRounds({ noiseMultiplier: 2, rounds: 3 });
    a.addRounds({ noiseMultiplier: 1 });
    const viaRdp = rdpToEpsilon(
      RDP_ORDERS.map((o) => 3 * sampledGaussianRdp(2, 1, o) + sampledGaussianRdp(1, 1, o)),
      1e-5,
    );
    // Unsampled Gaussian rounds compose exactly: μ² = 3/2² + 1/1².
    const viaGdp = gaussianDpEpsilon(Math.sqrt(3 / 4 + 1), 1e-5);
    expect(viaGdp).toBeLessThan(viaRdp);
    expect(a.epsilon()).toBeCloseTo(viaGdp, 10);
    expect(a.rounds).toBe(4);
    const b = createPrivacyAccountant({
      delta: 1e-5,
      state: JSON.parse(JSON.stringify(a.toJSON())),
    });
    expect(b.epsilon()).toBeCloseTo(a.epsilon(), 12);
    expect(() => createPrivacyAccountant({ delta: 1e-6, state: a.toJSON() })).toThrow(/ledger/);
  });

  it('falls back to the RDP bound once a sampled round is recorded, also after a restore', () => {
    const a = createPrivacyAccountant({ delta: 1e-5 });
    a.addRounds({ noiseMultiplier: 2 });
    a.addRounds({ noiseMultiplier: 2, samplingRate: 0.5 });
    const viaRdp = rdpToEpsilon(
      RDP_ORDERS.map((o) => sampledGaussianRdp(2, 1, o) + sampledGaussianRdp(2, 0.5, o)),
      1e-5,
    );
    expect(a.epsilon()).toBeCloseTo(viaRdp, 10);
    const { gdpMu2: _dropped, ...legacy } = a.toJSON();
    const b = createPrivacyAccountant({ delta: 1e-5, state: legacy });
    expect(b.epsilon()).toBeCloseTo(viaRdp, 10);
  });

  it('a round without noise makes ε infinite and persists as null', () => {
    const a = createPrivacyAccountant({ delta: 1e-5 });
    a.addRounds({ noiseMultiplier: 0 });
    expect(a.epsilon()).toBe(Infinity);
    expect(a.toJSON().rdp.every((r) => r === null)).toBe(true);
  });
});

describe('gaussianDpEpsilon', () => {
  it('matches the analytic Gaussian mechanism (Balle & Wang 2018)', () => {
    // σ = 0.600229 is the smallest noise for (8, 1e-5)-DP at sensitivity 1 (scipy, analytic form).
    expect(gaussianDpEpsilon(1 / 0.6002290721989748, 1e-5)).toBeCloseTo(8, 3);
    // σ = 3.7306 for (1, 1e-5).
    expect(gaussianDpEpsilon(1 / 3.7306316348159347, 1e-5)).toBeCloseTo(1, 3);
    expect(gaussianDpEpsilon(0, 1e-5)).toBe(0);
  });

  it('is never above the RDP conversion of the same mechanism', () => {
    for (const z of [0.5, 1, 3]) {
      const viaRdp = rdpToEpsilon(
        RDP_ORDERS.map((o) => sampledGaussianRdp(z, 1, o)),
        1e-5,
      );
      expect(gaussianDpEpsilon(1 / z, 1e-5)).toBeLessThanOrEqual(viaRdp);
    }
  });
});

describe('combinedNoiseMultiplier', () => {
  it('combines independently clipped parts as one Gaussian mechanism', () => {
    // Two parts with z = 1 each behave like one part with z = 1/√2.
    expect(
      combinedNoiseMultiplier([
        { sensitivity: 2, noiseStd: 2 },
        { sensitivity: 5, noiseStd: 5 },
      ]),
    ).toBeCloseTo(1 / Math.SQRT2, 12);
    expect(combinedNoiseMultiplier([{ sensitivity: 1, noiseStd: 0 }])).toBe(0);
  });
});
