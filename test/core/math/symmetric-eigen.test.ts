import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../../src/core/math/symmetric-eigen';
import { createRng } from '../../../src/core/random';

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const v = rng.normal();
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  return a;
}

describe('symmetricEigen', () => {
  it('reconstructs A = V Λ Vᵀ with orthonormal V and descending eigenvalues', () => {
    const n = 40;
    const a = randomSymmetric(n, 7);
    const { values, vectors } = symmetricEigen(a, n);
    for (let j = 1; j < n; j++) expect(values[j]!).toBeLessThanOrEqual(values[j - 1]!);
    let maxErr = 0;
    let maxOrth = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        let o = 0;
        for (let k = 0; k < n; k++) {
          s += vectors[i * n + k]! * values[k]! * vectors[j * n + k]!;
          o += vectors[k * n + i]! * vectors[k * n + j]!;
        }
        maxErr = Math.max(maxErr, Math.abs(s - a[i * n + j]!));
        maxOrth = Math.max(maxOrth, Math.abs(o - (i === j ? 1 : 0)));
      }
    expect(maxErr).toBeLessThan(1e-9);
    expect(maxOrth).toBeLessThan(1e-9);
  });

  it('finds the known spectrum of a diagonal-plus-rank-one matrix', () => {
    // diag(1, 2, 3) + 4·uuᵀ with u = e₁ has eigenvalues 5, 3, 2.
    const a = Float64Array.from([5, 0, 0, 0, 2, 0, 0, 0, 3]);
    const { values, vectors } = symmetricEigen(a, 3);
    expect(Array.from(values)).toEqual([5, 3, 2]);
    expect(Math.abs(vectors[0]!)).toBeCloseTo(1, 12);
  });

  it('handles repeated eigenvalues and a rank-deficient matrix (u uᵀ + v vᵀ, n = 120)', () => {
    const n = 120;
    const rng = createRng(3);
    const u = Array.from({ length: n }, () => rng.normal());
    const v = Array.from({ length: n }, () => rng.normal());
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) a[i * n + j] = u[i]! * u[j]! + v[i]! * v[j]!;
    const { values, vectors } = symmetricEigen(a, n);
    // Trace and Frobenius norm of the rank-2 matrix fix its two non-zero eigenvalues' sum and squares.
    let trace = 0;
    let frob = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i]!;
    for (let i = 0; i < n * n; i++) frob += a[i]! * a[i]!;
    expect(values[0]! + values[1]!).toBeCloseTo(trace, 8);
    expect(values[0]! ** 2 + values[1]! ** 2).toBeCloseTo(frob, 6);
    for (let j = 2; j < n; j++) expect(Math.abs(values[j]!)).toBeLessThan(1e-9);
    let maxOrth = 0;
    for (let i = 0; i < n; i += 7)
      for (let j = 0; j < n; j += 5) {
        let o = 0;
        for (let k = 0; k < n; k++) o += vectors[k * n + i]! * vectors[k * n + j]!;
        maxOrth = Math.max(maxOrth, Math.abs(o - (i === j ? 1 : 0)));
      }
    expect(maxOrth).toBeLessThan(1e-9);
    const identity = symmetricEigen(
      Float64Array.from({ length: 9 }, (_, i) => (i % 4 === 0 ? 1 : 0)),
      3,
    );
    expect(Array.from(identity.values)).toEqual([1, 1, 1]);
  });

  it('reads only the upper triangle and rejects non-finite input', () => {
    const upper = Float64Array.from([2, 1, 999, 2]);
    expect(Array.from(symmetricEigen(upper, 2).values).map((v) => +v.toFixed(9))).toEqual([3, 1]);
    expect(() => symmetricEigen(Float64Array.from([1, NaN, NaN, 1]), 2)).toThrow(/not finite/);
    expect(() => symmetricEigen(new Float64Array(3), 2)).toThrow(/n × n/);
  });
});
