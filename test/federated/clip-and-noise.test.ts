import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random';
import {
  addGaussianNoise,
  addRoundedGaussianNoise,
  clipInPlace,
  createCryptoRng,
  l2Norm,
} from '../../src/federated/clip-and-noise';

function moments(v: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j]!;
  const mean = s / v.length;
  let q = 0;
  for (let j = 0; j < v.length; j++) q += (v[j]! - mean) ** 2;
  return { mean, variance: q / (v.length - 1) };
}

describe('clipInPlace', () => {
  it('scales a vector above the bound onto it and keeps its direction', () => {
    const v = Float64Array.of(3, 4, 0);
    const { norm, factor } = clipInPlace(v, 2);
    expect(norm).toBe(5);
    expect(factor).toBeCloseTo(0.4, 12);
    expect(l2Norm(v)).toBeCloseTo(2, 12);
    expect(v[0]! / v[1]!).toBeCloseTo(0.75, 12);
  });

  it('leaves a vector inside the bound unchanged', () => {
    const v = Float64Array.of(0.3, -0.4);
    expect(clipInPlace(v, 1).factor).toBe(1);
    expect(Array.from(v)).toEqual([0.3, -0.4]);
  });

  it('rejects a non-positive bound', () => {
    expect(() => clipInPlace(new Float64Array(2), 0)).toThrow(/clipping bound/);
  });
});

describe('Gaussian noise', () => {
  it('has mean 0 and variance std² with a seeded generator', () => {
    const v = new Float64Array(200_000);
    addGaussianNoise(v, 2.5, createRng(7));
    const { mean, variance } = moments(v);
    // 5σ tolerances of the sample mean and variance.
    expect(Math.abs(mean)).toBeLessThan((5 * 2.5) / Math.sqrt(v.length));
    expect(Math.abs(variance - 6.25)).toBeLessThan(5 * 6.25 * Math.sqrt(2 / v.length));
  });

  it('is deterministic for a seed and different across seeds', () => {
    const a = new Float64Array(8);
    const b = new Float64Array(8);
    const c = new Float64Array(8);
    addGaussianNoise(a, 1, createRng(1));
    addGaussianNoise(b, 1, createRng(1));
    addGaussianNoise(c, 1, createRng(2));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('rounded integer noise has variance ≈ std² + 1/12', () => {
    const q = new Int32Array(200_000);
    addRoundedGaussianNoise(q, 3, createRng(9));
    const { mean, variance } = moments(q);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - (9 + 1 / 12))).toBeLessThan(5 * 9 * Math.sqrt(2 / q.length));
  });

  it('a zero standard deviation adds nothing and a negative one is refused', () => {
    const v = Float64Array.of(1, 2);
    addGaussianNoise(v, 0, createRng(1));
    expect(Array.from(v)).toEqual([1, 2]);
    expect(() => addGaussianNoise(v, -1, createRng(1))).toThrow(/standard deviation/);
  });
});

describe('createCryptoRng', () => {
  it('draws uniform values in [0, 1) and standard normals', () => {
    const rng = createCryptoRng();
    const u = Float64Array.from({ length: 50_000 }, () => rng.next());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(Math.abs(moments(u).mean - 0.5)).toBeLessThan(0.01);
    const z = Float64Array.from({ length: 50_000 }, () => rng.normal());
    const m = moments(z);
    expect(Math.abs(m.mean)).toBeLessThan(0.03);
    expect(Math.abs(m.variance - 1)).toBeLessThan(0.04);
  });

  it('uses the given random source', () => {
    let calls = 0;
    const rng = createCryptoRng({
      getRandomValues: <T extends ArrayBufferView>(a: T): T => {
        calls++;
        (a as unknown as Uint32Array).fill(0x80000000);
        return a;
      },
    });
    expect(rng.next()).toBeCloseTo(0.5, 6);
    expect(calls).toBe(1);
  });
});
