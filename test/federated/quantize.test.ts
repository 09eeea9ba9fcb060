import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random';
import {
  clampForCohort,
  clampInPlace,
  dequantize,
  fromRing,
  packRing,
  quantizeStochastic,
  ringAddInPlace,
  toRing,
  unpackRing,
} from '../../src/federated/quantize';

describe('quantizeStochastic', () => {
  it('is unbiased: the mean of many roundings equals the value', () => {
    const rng = createRng(5);
    const v = new Float64Array(100_000).fill(0.3);
    const q = quantizeStochastic(v, 0.1, rng);
    let s = 0;
    let outside = 0;
    for (const x of q) {
      if (x !== 2 && x !== 3) outside++;
      s += x;
    }
    expect(outside).toBe(0);
    expect(s / q.length).toBeCloseTo(3, 1);
  });

  it('keeps exact multiples exact and negative values unbiased', () => {
    const rng = createRng(1);
    expect(Array.from(quantizeStochastic(Float64Array.of(0, 0.5, -1.5), 0.5, rng))).toEqual([
      0, 1, -3,
    ]);
    const q = quantizeStochastic(new Float64Array(50_000).fill(-0.25), 1, rng);
    expect(q.reduce((a, b) => a + b, 0) / q.length).toBeCloseTo(-0.25, 1);
  });

  it('dequantize inverts exact values', () => {
    expect(Array.from(dequantize(Int32Array.of(-2, 0, 7), 0.5))).toEqual([-1, 0, 3.5]);
  });
});

describe('ring encoding', () => {
  it.each([16, 32] as const)('packs and unpacks signed integers modulo 2^%i', (bits) => {
    const max = bits === 16 ? 32767 : 2147483647;
    const q = Int32Array.of(0, 1, -1, max, -max - 1, 12345, -12345);
    const bytes = packRing(toRing(q, bits), bits);
    expect(bytes.length).toBe((q.length * bits) / 8);
    expect(Array.from(fromRing(unpackRing(bytes, bits), bits))).toEqual(Array.from(q));
  });

  it('sums wrap modulo 2^16 and decode exactly while the true sum fits', () => {
    const clients = 100;
    const clamp = clampForCohort(16, clients);
    expect(clamp).toBe(327);
    const rng = createRng(3);
    const acc = new Uint32Array(64);
    const truth = new Int32Array(64);
    for (let c = 0; c < clients; c++) {
      const q = Int32Array.from({ length: 64 }, () => Math.round((rng.next() * 2 - 1) * clamp));
      clampInPlace(q, clamp);
      for (let j = 0; j < 64; j++) truth[j]! += q[j]!;
      ringAddInPlace(acc, toRing(q, 16), 16);
    }
    expect(Array.from(fromRing(acc, 16))).toEqual(Array.from(truth));
  });

  it('clampInPlace counts what it clamped', () => {
    const q = Int32Array.of(5, -9, 2);
    expect(clampInPlace(q, 4)).toBe(2);
    expect(Array.from(q)).toEqual([4, -4, 2]);
  });

  it('rejects odd byte lengths and unknown widths', () => {
    expect(() => unpackRing(new Uint8Array(3), 16)).toThrow(/multiple/);
    expect(() => toRing(new Int32Array(1), 8 as 16)).toThrow(/16 or 32/);
  });
});
