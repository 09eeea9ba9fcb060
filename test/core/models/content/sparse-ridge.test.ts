import { describe, expect, it } from 'vitest';
import { csrFromCoo } from '../../../../src/core/data/csr-matrix';
import { OptionError } from '../../../../src/core/errors';
import { choleskyInPlace, choleskySolveInPlace } from '../../../../src/core/math/linalg';
import { solveSparseRidge } from '../../../../src/core/models/content/sparse-ridge';
import { createRng } from '../../../../src/core/random';

const N = 40;
const F = 9;
const D = 3;

function problem(seed: number) {
  const rng = createRng(seed);
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  for (let r = 0; r < N; r++) {
    for (let f = 0; f < F; f++) {
      if (rng.next() < 0.35) {
        rows.push(r);
        cols.push(f);
        vals.push(0.1 + rng.next());
      }
    }
  }
  const features = csrFromCoo(
    N,
    F,
    Int32Array.from(rows),
    Int32Array.from(cols),
    Float32Array.from(vals),
  );
  const targets = new Float64Array(N * D).map(() => rng.normal());
  const rowWeights = new Float32Array(N).map(() => (rng.next() < 0.2 ? 0 : rng.next() * 2));
  return { features, targets, rowWeights };
}

/** Dense reference: (XᵀDX + λI)⁻¹ XᵀDY by Cholesky. */
function denseRidge(p: ReturnType<typeof problem>, lambda: number): Float64Array {
  const { features: x, targets, rowWeights } = p;
  const a = new Float64Array(F * F);
  const b = new Float64Array(F * D);
  for (let r = 0; r < N; r++) {
    const w = rowWeights[r]!;
    for (let e = x.indptr[r]!; e < x.indptr[r + 1]!; e++) {
      const fi = x.indices[e]!;
      for (let q = x.indptr[r]!; q < x.indptr[r + 1]!; q++) {
        a[fi * F + x.indices[q]!]! += w * x.values[e]! * x.values[q]!;
      }
      for (let j = 0; j < D; j++) b[fi * D + j]! += w * x.values[e]! * targets[r * D + j]!;
    }
  }
  for (let f = 0; f < F; f++) a[f * F + f]! += lambda;
  expect(choleskyInPlace(a, F)).toBe(true);
  const out = new Float64Array(F * D);
  for (let j = 0; j < D; j++) {
    const col = new Float64Array(F).map((_, f) => b[f * D + j]!);
    choleskySolveInPlace(a, F, col);
    col.forEach((v, f) => (out[f * D + j] = v));
  }
  return out;
}

describe('solveSparseRidge', () => {
  it('matches the dense closed-form weighted ridge solution', () => {
    const p = problem(7);
    const solved = solveSparseRidge({ ...p, outputs: D, regularization: 0.5, tolerance: 1e-10 });
    const reference = denseRidge(p, 0.5);
    for (let i = 0; i < reference.length; i++)
      expect(solved.weights[i]).toBeCloseTo(reference[i]!, 6);
    expect(solved.iterations).toBeLessThanOrEqual(F + 5);
    expect(solved.relativeResidual).toBeLessThan(1e-9);
  });

  it('treats rows of weight 0 as absent', () => {
    const p = problem(3);
    const noisy = p.targets.slice();
    for (let r = 0; r < N; r++)
      if (p.rowWeights[r] === 0) for (let j = 0; j < D; j++) noisy[r * D + j] = 1e6;
    const a = solveSparseRidge({ ...p, outputs: D, regularization: 1 });
    const b = solveSparseRidge({ ...p, targets: noisy, outputs: D, regularization: 1 });
    expect(b.weights).toEqual(a.weights);
  });

  it('stops at the iteration cap', () => {
    const p = problem(5);
    expect(
      solveSparseRidge({ ...p, outputs: D, regularization: 0.1, maxIterations: 2 }).iterations,
    ).toBe(2);
  });

  it('rejects a non-positive regularization and mis-sized targets', () => {
    const p = problem(1);
    expect(() => solveSparseRidge({ ...p, outputs: D, regularization: 0 })).toThrow(OptionError);
    expect(() => solveSparseRidge({ ...p, outputs: D + 1, regularization: 1 })).toThrow(
      OptionError,
    );
  });
});
