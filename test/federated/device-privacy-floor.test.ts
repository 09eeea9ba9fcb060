import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/core/errors';
import {
  DEFAULT_DEVICE_PRIVACY,
  RoundRefusedError,
  checkRoundPrivacy,
  resolveDevicePrivacy,
  type RoundRefusal,
} from '../../src/federated/device-privacy-floor';
import type { RoundSpec } from '../../src/federated/federated-protocol';
import { epsilonOf } from '../../src/federated/privacy-accountant';
import { testRoundSpec } from './round-spec-fixture';

const spec = testRoundSpec;

const reasonOf = (f: () => unknown): RoundRefusal | 'accepted' => {
  try {
    f();
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(RoundRefusedError);
    return (error as RoundRefusedError).reason;
  }
};

const withParts = (s: RoundSpec, change: (p: RoundSpec['parts'][number]) => object): RoundSpec => ({
  ...s,
  parts: s.parts.map((p) => ({ ...p, ...change(p) })),
});

describe('the device privacy floor', () => {
  it('#6 refuses a round without DP noise, or with less than its minimum, by default', () => {
    expect(
      reasonOf(() => checkRoundPrivacy(spec({ noiseMultiplier: 0 }), DEFAULT_DEVICE_PRIVACY)),
    ).toBe('noise-below-floor');
    expect(
      reasonOf(() => checkRoundPrivacy(spec({ noiseMultiplier: 0.3 }), DEFAULT_DEVICE_PRIVACY)),
    ).toBe('noise-below-floor');
    const cost = checkRoundPrivacy(spec({ noiseMultiplier: 1 }), DEFAULT_DEVICE_PRIVACY);
    expect(cost.noiseMultiplier).toBeCloseTo(1, 6);
    expect(cost.epsilon).toBeCloseTo(epsilonOf({ noiseMultiplier: 1 }, 1e-5), 9);
  });

  it('#6 computes the noise from the parts, not from what the server announces', () => {
    const honest = spec({ noiseMultiplier: 1 });
    // The server claims z = 5 but hands out noise shares a tenth of the size.
    const lying: RoundSpec = {
      ...withParts(honest, (p) => ({ noiseStd: p.noiseStd / 10 })),
      privacy: { ...honest.privacy, noiseMultiplier: 5 },
    };
    expect(reasonOf(() => checkRoundPrivacy(lying, DEFAULT_DEVICE_PRIVACY))).toBe(
      'noise-below-floor',
    );
    // A clip bound raised without more noise lowers the multiplier just the same.
    const widened = withParts(honest, (p) => ({ clipNorm: p.clipNorm * 10, scale: p.scale * 10 }));
    expect(reasonOf(() => checkRoundPrivacy(widened, DEFAULT_DEVICE_PRIVACY))).toBe(
      'noise-below-floor',
    );
    // A small minCohort means each share carries more of the noise, so the same shares count less.
    expect(
      reasonOf(() => checkRoundPrivacy({ ...honest, minCohort: 1 }, DEFAULT_DEVICE_PRIVACY)),
    ).toBe('noise-below-floor');
  });

  it('#6 refuses a clamp that would cut the noise it adds', () => {
    const s = spec({ noiseMultiplier: 1 });
    const clamped = withParts(s, (p) => ({ clamp: Math.max(1, Math.floor(p.clamp / 4)) }));
    expect(reasonOf(() => checkRoundPrivacy(clamped, DEFAULT_DEVICE_PRIVACY))).toBe(
      'noise-clamped',
    );
  });

  it('#6 refuses a secure round whose clamp × maxCohort can wrap the 32-bit sum', () => {
    const s = spec({ noiseMultiplier: 1, aggregation: 'secure', maxCohort: 100 });
    expect(reasonOf(() => checkRoundPrivacy(s, DEFAULT_DEVICE_PRIVACY))).toBe('accepted');
    // Same clamp, ten times the cohort: 10 × clamp × 100 > 2³¹ − 1.
    expect(
      reasonOf(() => checkRoundPrivacy({ ...s, maxCohort: 1000 }, DEFAULT_DEVICE_PRIVACY)),
    ).toBe('secure-sum-overflow');
  });

  it('applies the site’s stricter per-round cap and secure-aggregation requirement', () => {
    const strict = resolveDevicePrivacy({ maxEpsilonPerRound: 2, requireSecureAggregation: true });
    expect(reasonOf(() => checkRoundPrivacy(spec({ noiseMultiplier: 3 }), strict))).toBe(
      'insecure-round',
    );
    const secure = (z: number) => spec({ noiseMultiplier: z, aggregation: 'secure' });
    expect(reasonOf(() => checkRoundPrivacy(secure(1), strict))).toBe('epsilon-per-round');
    expect(reasonOf(() => checkRoundPrivacy(secure(3), strict))).toBe('accepted');
  });

  it('lets the site only tighten the defaults, naming the field otherwise', () => {
    expect(resolveDevicePrivacy()).toEqual(DEFAULT_DEVICE_PRIVACY);
    expect(resolveDevicePrivacy({ minNoiseMultiplier: 2, maxEpsilonTotal: 4 })).toMatchObject({
      minNoiseMultiplier: 2,
      maxEpsilonTotal: 4,
    });
    expect(() => resolveDevicePrivacy({ minNoiseMultiplier: 0 })).toThrow(OptionError);
    expect(() => resolveDevicePrivacy({ minNoiseMultiplier: 0.1 })).toThrow(/minNoiseMultiplier/);
    expect(() => resolveDevicePrivacy({ maxEpsilonTotal: 100 })).toThrow(/maxEpsilonTotal/);
    expect(() => resolveDevicePrivacy({ maxEpsilonPerRound: Infinity })).toThrow(
      /maxEpsilonPerRound/,
    );
    expect(() => resolveDevicePrivacy({ delta: 1e-3 })).toThrow(/delta/);
    expect(() => resolveDevicePrivacy({ maxEpsilonPerRound: 5, maxEpsilonTotal: 3 })).toThrow(
      /cannot exceed/,
    );
  });
});
