import { describe, expect, it } from 'vitest';
import type { CsrMatrix } from '../../../src/core/data/csr-matrix';
import { CancelledError, DataError, OptionError } from '../../../src/core/errors';
import { invertSpdInPlace } from '../../../src/core/math/spd-inverse';
import { DEFAULT_EASE_LAMBDA_SHARE, fitEase } from '../../../src/core/models/ease';
import { neighborsOf } from '../../../src/core/models/sparse-neighbors';
import { createRng } from '../../../src/core/random';
import { plantedMatrix } from './mf/tfjs/planted';

/** A seeded users × items matrix with planted clusters, weights in [1, 4). */
const randomMatrix = (users: number, items: number, density: number, seed: number): CsrMatrix =>
  plantedMatrix(users, items, 3, seed, true, density * 2, density / 2);

/** Dense X (binary or weighted). */
function dense(m: CsrMatrix, weighted: boolean): number[][] {
  const x = Array.from({ length: m.rows }, () => new Array<number>(m.cols).fill(0));
  for (let u = 0; u < m.rows; u++) {
    for (let p = m.indptr[u]!; p < m.indptr[u + 1]!; p++) {
      x[u]![m.indices[p]!] = weighted ? m.values[p]! : 1;
    }
  }
  return x;
}

/** Textbook inverse by Gauss–Jordan elimination with partial pivoting. */
function inverse(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const d = m[c]![c]!;
    for (let j = 0; j < 2 * n; j++) m[c]![j]! /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      for (let j = 0; j < 2 * n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row) => row.slice(n));
}

/** B = I − P·diag(1/diag(P)), P = (XᵀX + λI)⁻¹, computed directly from the definition. */
function directEase(x: number[][], lambda: number): number[][] {
  const n = x[0]!.length;
  const g = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => x.reduce((s, row) => s + row[i]! * row[j]!, 0)),
  );
  for (let i = 0; i < n; i++) g[i]![i]! += lambda;
  const p = inverse(g);
  return p.map((row, i) => row.map((v, j) => (i === j ? 0 : -v / p[j]![j]!)));
}

describe('invertSpdInPlace', () => {
  it.each([1, 7, 48, 49, 130])('inverts a random SPD matrix of size %i', async (n) => {
    const rng = createRng(n);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.next() - 0.3;
      a[i * n + i]! += n;
    }
    const original = a.slice();
    await invertSpdInPlace(a, n);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < n; p++) s += original[i * n + p]! * a[p * n + j]!;
        worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-10);
  });

  it('rejects a matrix that is not positive definite', async () => {
    const a = Float64Array.from([1, 2, 2, 1]);
    await expect(invertSpdInPlace(a, 2)).rejects.toThrow(/not positive definite.*ridge/);
  });
});

describe('fitEase', () => {
  it('matches the closed form computed directly, binary and weighted', async () => {
    const m = randomMatrix(40, 12, 0.3, 5);
    for (const weighted of [false, true]) {
      const model = await fitEase(m, { lambda: 3, weighted, minUsers: 1 });
      const b = directEase(dense(m, weighted), 3);
      const n = model.modelled.length;
      expect(n).toBe(12);
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < n; c++) {
          const want = b[model.modelled[r]!]![model.modelled[c]!]!;
          expect(model.weights[r * n + c]).toBeCloseTo(want, 5);
        }
      }
      // Scores are the history row times B.
      const x = dense(m, weighted);
      const out = new Float32Array(12);
      for (let u = 0; u < 40; u++) {
        model.scoreUser(u, out);
        for (let j = 0; j < 12; j++) {
          const want = x[u]!.reduce((s, v, i) => s + v * b[i]![j]!, 0);
          expect(out[j]).toBeCloseTo(want, 4);
        }
      }
    }
  });

  it('models only the most popular items with enough users; the rest score 0', async () => {
    const m = randomMatrix(60, 30, 0.2, 9);
    const support = new Int32Array(30);
    for (const i of m.indices) support[i]!++;
    const model = await fitEase(m, { maxItems: 10, minUsers: 2, lambda: 5 });
    expect(model.modelled.length).toBe(10);
    const kept = [...model.modelled].map((i) => support[i]!);
    const dropped = [...Array(30).keys()].filter((i) => !model.modelled.includes(i));
    expect(Math.min(...kept)).toBeGreaterThanOrEqual(Math.max(...dropped.map((i) => support[i]!)));
    const out = new Float32Array(30);
    model.scoreHistory(dropped, out);
    expect(out.every((v) => v === 0)).toBe(true);
    model.scoreHistory([model.modelled[0]!], out);
    for (const i of dropped) expect(out[i]).toBe(0);
    expect(out.some((v) => v !== 0)).toBe(true);
  });

  it('defaults λ to a share of the mean item count', async () => {
    const m = randomMatrix(50, 10, 0.4, 2);
    const model = await fitEase(m, { minUsers: 1 });
    const mean = m.indices.length / 10;
    expect(model.lambda).toBeCloseTo(DEFAULT_EASE_LAMBDA_SHARE * mean, 5);
    expect((await fitEase(m, { minUsers: 1, lambdaShare: 2 })).lambda).toBeCloseTo(2 * mean, 5);
  });

  it('exports the largest positive weights into each item as neighbour lists', async () => {
    const m = randomMatrix(80, 20, 0.25, 3);
    const model = await fitEase(m, { minUsers: 1, lambda: 4 });
    const n = model.modelled.length;
    const neighbors = model.toNeighbors(3);
    expect(neighbors.numItems).toBe(20);
    for (let c = 0; c < n; c++) {
      const item = model.modelled[c]!;
      const column = [...Array(n).keys()]
        .map((r) => ({ item: model.modelled[r]!, w: model.weights[r * n + c]! }))
        .filter((e) => e.w > 0)
        .sort((a, b) => b.w - a.w || a.item - b.item)
        .slice(0, 3);
      const got = neighborsOf(neighbors, item);
      expect([...got.indices]).toEqual(column.map((e) => e.item));
      column.forEach((e, k) => expect(got.scores[k]).toBeCloseTo(e.w, 6));
    }
  });

  it('can be aborted and validates its options', async () => {
    const m = randomMatrix(30, 10, 0.3, 4);
    const controller = new AbortController();
    controller.abort();
    await expect(fitEase(m, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    await expect(fitEase(m, { maxItems: 0 })).rejects.toBeInstanceOf(OptionError);
    await expect(fitEase(m, { lambda: -1 })).rejects.toThrow(/lambda/);
    await expect(fitEase(m, { minUsers: 1000 })).rejects.toBeInstanceOf(DataError);
    const model = await fitEase(m, { minUsers: 1 });
    expect(() => model.scoreUser(30, new Float32Array(10))).toThrow(/outside/);
    expect(() => model.scoreHistory([10], new Float32Array(10))).toThrow(/outside/);
  });
});
