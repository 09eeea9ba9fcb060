import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { csrFromCoo } from '../../../../../src/core/data/csr-matrix';
import { choleskyInPlace, choleskySolveInPlace } from '../../../../../src/core/math/linalg';
import { batchedConjugateGradient } from '../../../../../src/core/models/mf/tfjs/batched-cg';
import { chunkRowBoundaries } from '../../../../../src/core/models/mf/tfjs/observed-terms';
import { createRng } from '../../../../../src/core/random';

const ROWS = 5;
const D = 4;

/** ROWS random SPD matrices (d × d each, row-major) with right-hand sides. */
function systems(): { a: Float64Array[]; b: Float32Array } {
  const rng = createRng(5);
  const a: Float64Array[] = [];
  const b = new Float32Array(ROWS * D);
  for (let r = 0; r < ROWS; r++) {
    const m = new Float64Array(D * D);
    const g = Array.from({ length: D * D }, () => rng.normal());
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        let s = i === j ? 0.5 : 0;
        for (let p = 0; p < D; p++) s += g[i * D + p]! * g[j * D + p]!;
        m[i * D + j] = s;
      }
    }
    a.push(m);
    for (let i = 0; i < D; i++) b[r * D + i] = rng.normal();
  }
  return { a, b };
}

describe('batchedConjugateGradient', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('solves every row system exactly after d steps (CG on SPD matrices)', () => {
    const { a, b } = systems();
    const flatA = new Float32Array(ROWS * D * D);
    a.forEach((m, r) => flatA.set(m, r * D * D));
    const aT = tf.tensor3d(flatA, [ROWS, D, D]);
    const rhs = tf.tensor2d(b, [ROWS, D]);
    const x0 = tf.zeros([ROWS, D]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const x = batchedConjugateGradient({
      x0,
      rhs,
      steps: D,
      apply: (p) =>
        tf.tidy(() => tf.reshape(tf.matMul(aT, tf.reshape(p, [ROWS, D, 1])), [ROWS, D])),
    });
    expect(tf.memory().numTensors).toBe(before + 1);
    const got = x.dataSync();
    for (let r = 0; r < ROWS; r++) {
      const l = Float64Array.from(a[r]!);
      expect(choleskyInPlace(l, D)).toBe(true);
      const exact = Float64Array.from(b.subarray(r * D, r * D + D));
      choleskySolveInPlace(l, D, exact);
      for (let i = 0; i < D; i++) expect(got[r * D + i]!).toBeCloseTo(exact[i]!, 3);
    }
    tf.dispose([aT, rhs, x0, x]);
  });

  it('leaves a row unchanged when its residual is already zero (guards, no NaN)', () => {
    const x0 = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    // A = I: rhs equal to x0 in row 0 (zero residual), different in row 1.
    const rhs = tf.tensor2d([1, 2, 0, 0], [2, 2]);
    const x = batchedConjugateGradient({ x0, rhs, steps: 3, apply: (p) => p.clone() });
    expect(Array.from(x.dataSync())).toEqual([1, 2, 0, 0]);
    tf.dispose([x0, rhs, x]);
  });
});

describe('chunkRowBoundaries', () => {
  it('cuts rows so every chunk holds at most maxEntries, keeping oversize rows whole', () => {
    // Row lengths 3, 1, 5, 2, 0, 2.
    const rows = [0, 0, 0, 1, 2, 2, 2, 2, 2, 3, 3, 5, 5];
    const cols = [0, 1, 2, 0, 0, 1, 2, 3, 4, 0, 1, 0, 1];
    const m = csrFromCoo(6, 5, Int32Array.from(rows), Int32Array.from(cols), null);
    expect(chunkRowBoundaries(m, 4)).toEqual([0, 2, 3, 6]);
    expect(chunkRowBoundaries(m, 100)).toEqual([0, 6]);
    expect(chunkRowBoundaries(m, 1)).toEqual([0, 1, 2, 3, 5, 6]);
  });
});
