import { describe, expect, it } from 'vitest';
import { relativeDiff } from '../../../fixtures/relative-diff';
import type { CsrMatrix } from '../../../../src/core/data/csr-matrix';
import { csrFromCoo } from '../../../../src/core/data/csr-matrix';
import { CancelledError, DataError, OptionError } from '../../../../src/core/errors';
import { evaluateScorer } from '../../../../src/core/eval/evaluate';
import type { Split } from '../../../../src/core/eval/split';
import { fitPopularity } from '../../../../src/core/models/popularity';
import { createMfScorer } from '../../../../src/core/models/mf/mf-scorer';
import type {
  MfCheckpoint,
  MfTrainOptions,
  TrainProgress,
} from '../../../../src/core/models/mf/mf-trainer';
import { initialFactors } from '../../../../src/core/models/mf/mf-trainer';
import {
  DEFAULT_MF_OPTIONS,
  createTypedMfPath,
  trainTypedMf,
} from '../../../../src/core/models/mf/train-typed';
import { createRng } from '../../../../src/core/random';
import { clusterOf, plantedMatrix, plantedPairs } from '../../../fixtures/synthetic';

const SMALL: MfTrainOptions = {
  ...DEFAULT_MF_OPTIONS,
  factors: 8,
  epochs: 5,
  seed: 3,
};

/** A random weighted matrix (weights in [1, 4)), every row and column non-empty. */
function randomMatrix(rows: number, cols: number, density: number, seed: number): CsrMatrix {
  const rng = createRng(seed);
  const r: number[] = [];
  const c: number[] = [];
  const w: number[] = [];
  for (let u = 0; u < rows; u++) {
    for (let i = 0; i < cols; i++) {
      if (rng.next() < density || i === u % cols || u === i % rows) {
        r.push(u);
        c.push(i);
        w.push(1 + 3 * rng.next());
      }
    }
  }
  return csrFromCoo(rows, cols, Int32Array.from(r), Int32Array.from(c), Float32Array.from(w));
}

interface Reference {
  x: Float64Array;
  v: Float64Array;
  b: Float64Array;
  losses: number[];
}

/** `steps` warm-started CG steps on A x = r (dense, Float64), exactly as the spec writes them. */
function cg(a: Float64Array, r: Float64Array, x: Float64Array, d: number, steps: number): void {
  const mul = (p: Float64Array): Float64Array => {
    const out = new Float64Array(d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i]! += a[i * d + j]! * p[j]!;
    return out;
  };
  const dotv = (p: Float64Array, q: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < d; i++) s += p[i]! * q[i]!;
    return s;
  };
  const ax = mul(x);
  const res = r.map((ri, i) => ri - ax[i]!);
  const p = res.slice();
  let rs = dotv(res, res);
  for (let t = 0; t < steps; t++) {
    const ap = mul(p);
    const pap = dotv(p, ap);
    const alpha = pap > 0 ? rs / pap : 0;
    for (let i = 0; i < d; i++) {
      x[i]! += alpha * p[i]!;
      res[i]! -= alpha * ap[i]!;
    }
    const rsNew = dotv(res, res);
    const beta = rs > 0 ? rsNew / rs : 0;
    for (let i = 0; i < d; i++) p[i] = res[i]! + beta * p[i]!;
    rs = rsNew;
  }
}

/** The iALS-CG algorithm of the spec in plain Float64 code with dense row systems. */
function referenceIals(m: CsrMatrix, o: MfTrainOptions): Reference {
  const k = o.factors;
  const d = k + 1;
  const users = m.rows;
  const items = m.cols;
  const a0 = o.unobservedWeight;
  // Confidences c = w · |I_u|^(−δ), rescaled to the mean weight.
  const c = new Float64Array(m.values.length);
  let before = 0;
  let after = 0;
  for (let u = 0; u < users; u++) {
    const cnt = m.indptr[u + 1]! - m.indptr[u]!;
    for (let p = m.indptr[u]!; p < m.indptr[u + 1]!; p++) {
      c[p] = m.values[p]! * Math.pow(cnt, -o.userWeightExponent);
      before += m.values[p]!;
      after += c[p]!;
    }
  }
  for (let p = 0; p < c.length; p++) c[p]! *= before / after;
  const itemRows: { u: number; c: number }[][] = Array.from({ length: items }, () => []);
  for (let u = 0; u < users; u++)
    for (let p = m.indptr[u]!; p < m.indptr[u + 1]!; p++)
      itemRows[m.indices[p]!]!.push({ u, c: c[p]! });
  const reg = (count: number, other: number): number =>
    o.regularization * Math.pow(count + a0 * other, o.regularizationExponent);
  const init = initialFactors(users, items, o);
  const x = Float64Array.from(init.userFactors);
  const v = Float64Array.from(init.itemFactors);
  const b = new Float64Array(items);
  const losses: number[] = [];
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const g = new Float64Array(k * k);
    const h = new Float64Array(k);
    for (let i = 0; i < items; i++)
      for (let p = 0; p < k; p++) {
        h[p]! += v[i * k + p]! * b[i]!;
        for (let q = 0; q < k; q++) g[p * k + q]! += v[i * k + p]! * v[i * k + q]!;
      }
    for (let u = 0; u < users; u++) {
      const start = m.indptr[u]!;
      const end = m.indptr[u + 1]!;
      const a = g.map((gv) => a0 * gv);
      const r = h.map((hv) => -a0 * hv);
      for (let e = start; e < end; e++) {
        const i = m.indices[e]!;
        for (let p = 0; p < k; p++) {
          r[p]! += c[e]! * (1 - b[i]!) * v[i * k + p]!;
          for (let q = 0; q < k; q++) a[p * k + q]! += c[e]! * v[i * k + p]! * v[i * k + q]!;
        }
      }
      const lam = reg(end - start, items);
      for (let p = 0; p < k; p++) a[p * k + p]! += lam;
      const xu = x.subarray(u * k, u * k + k);
      cg(a, r, xu, k, o.cgSteps);
    }
    const z = (u: number, p: number): number => (p < k ? x[u * k + p]! : 1);
    const gz = new Float64Array(d * d);
    for (let u = 0; u < users; u++)
      for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) gz[p * d + q]! += z(u, p) * z(u, q);
    for (let i = 0; i < items; i++) {
      const a = gz.map((gv) => a0 * gv);
      const r = new Float64Array(d);
      for (const { u, c: cu } of itemRows[i]!) {
        for (let p = 0; p < d; p++) {
          r[p]! += cu * z(u, p);
          for (let q = 0; q < d; q++) a[p * d + q]! += cu * z(u, p) * z(u, q);
        }
      }
      const lam = reg(itemRows[i]!.length, users);
      for (let p = 0; p < d; p++) a[p * d + p]! += lam;
      const y = new Float64Array(d);
      y.set(v.subarray(i * k, i * k + k));
      y[k] = b[i]!;
      cg(a, r, y, d, o.cgSteps);
      v.set(y.subarray(0, k), i * k);
      b[i] = y[k]!;
    }
    // Loss of the spec, with the all-pairs term summed explicitly.
    let loss = 0;
    for (let u = 0; u < users; u++) {
      let xx = 0;
      for (let p = 0; p < k; p++) xx += x[u * k + p]! ** 2;
      loss += reg(m.indptr[u + 1]! - m.indptr[u]!, items) * xx;
      for (let i = 0; i < items; i++) {
        let s = b[i]!;
        for (let p = 0; p < k; p++) s += x[u * k + p]! * v[i * k + p]!;
        loss += a0 * s * s;
      }
      for (let e = m.indptr[u]!; e < m.indptr[u + 1]!; e++) {
        const i = m.indices[e]!;
        let s = b[i]!;
        for (let p = 0; p < k; p++) s += x[u * k + p]! * v[i * k + p]!;
        loss += c[e]! * (s - 1) ** 2;
      }
    }
    for (let i = 0; i < items; i++) {
      let yy = b[i]! ** 2;
      for (let p = 0; p < k; p++) yy += v[i * k + p]! ** 2;
      loss += reg(itemRows[i]!.length, users) * yy;
    }
    losses.push(loss / m.indices.length);
  }
  return { x, v, b, losses };
}

describe('trainTypedMf follows the iALS-CG spec', () => {
  const matrix = randomMatrix(40, 30, 0.15, 9);
  const options: MfTrainOptions = { ...SMALL, factors: 6, epochs: 3, userWeightExponent: 0.5 };
  const reference = referenceIals(matrix, options);

  it.each([true, false])('matches a Float64 reference (preferWasm %s)', async (preferWasm) => {
    const result = await trainTypedMf(matrix, options, { preferWasm });
    expect(result.kernel).toBe(preferWasm ? 'wasm-simd' : 'js');
    expect(relativeDiff(result.userFactors, reference.x)).toBeLessThan(1e-3);
    expect(relativeDiff(result.model.itemFactors, reference.v)).toBeLessThan(1e-3);
    expect(relativeDiff(result.model.itemBias, reference.b)).toBeLessThan(1e-3);
    result.lossHistory.forEach((loss, e) => expect(loss).toBeCloseTo(reference.losses[e]!, 3));
  });

  it('matches the reference with plain L2 (ν = 0) and no user weighting (δ = 0)', async () => {
    const o: MfTrainOptions = { ...options, regularizationExponent: 0, userWeightExponent: 0 };
    const ref = referenceIals(matrix, o);
    const result = await trainTypedMf(matrix, o);
    expect(relativeDiff(result.userFactors, ref.x)).toBeLessThan(1e-3);
    expect(relativeDiff(result.model.itemBias, ref.b)).toBeLessThan(1e-3);
  });
});

describe('trainTypedMf', () => {
  const planted = plantedPairs({ users: 120, items: 80, seed: 4 });
  const matrix = plantedMatrix({ users: 120, items: 80, seed: 4 });

  it('recovers planted clusters: unseen in-cluster items outrank out-of-cluster ones', async () => {
    const result = await trainTypedMf(matrix, { ...SMALL, epochs: 8 });
    const scorer = createMfScorer(result);
    const scores = new Float32Array(planted.items);
    let aucSum = 0;
    for (let u = 0; u < planted.users; u++) {
      scorer.scoreUser(u, scores);
      const seen = new Set(matrix.indices.subarray(matrix.indptr[u]!, matrix.indptr[u + 1]!));
      let wins = 0;
      let pairs = 0;
      for (let i = 0; i < planted.items; i++) {
        if (seen.has(i) || clusterOf(i, 4) !== clusterOf(u, 4)) continue;
        for (let j = 0; j < planted.items; j++) {
          if (seen.has(j) || clusterOf(j, 4) === clusterOf(u, 4)) continue;
          pairs++;
          if (scores[i]! > scores[j]!) wins++;
        }
      }
      aucSum += wins / pairs;
    }
    expect(aucSum / planted.users).toBeGreaterThan(0.9);
  });

  it('beats popularity on held-out NDCG@10', async () => {
    // Hold out every 5th positive of each user.
    const train: [number, number][] = [];
    const test: [number, number][] = [];
    for (let u = 0; u < matrix.rows; u++) {
      for (let p = matrix.indptr[u]!; p < matrix.indptr[u + 1]!; p++) {
        ((p - matrix.indptr[u]!) % 5 === 4 ? test : train).push([u, matrix.indices[p]!]);
      }
    }
    const csr = (pairs: [number, number][]): CsrMatrix =>
      csrFromCoo(
        matrix.rows,
        matrix.cols,
        Int32Array.from(pairs.map((x) => x[0])),
        Int32Array.from(pairs.map((x) => x[1])),
        null,
      );
    const split: Split = {
      protocol: 'random',
      train: csr(train),
      test: csr(test),
      evaluatedUsers: matrix.rows,
    };
    const mf = await trainTypedMf(split.train, { ...SMALL, epochs: 8 });
    const mfNdcg = evaluateScorer(createMfScorer(mf), split, { ks: [10] })['ndcg@10']!;
    const popNdcg = evaluateScorer(fitPopularity(split.train), split, { ks: [10] })['ndcg@10']!;
    expect(mfNdcg).toBeGreaterThan(popNdcg + 0.1);
  });

  it('WASM SIMD and JS kernels agree', async () => {
    const wasm = await trainTypedMf(matrix, SMALL, { preferWasm: true });
    const js = await trainTypedMf(matrix, SMALL, { preferWasm: false });
    expect(wasm.kernel).toBe('wasm-simd');
    expect(js.kernel).toBe('js');
    expect(relativeDiff(wasm.userFactors, js.userFactors)).toBeLessThan(1e-3);
    expect(relativeDiff(wasm.model.itemFactors, js.model.itemFactors)).toBeLessThan(1e-3);
    expect(relativeDiff(wasm.model.itemBias, js.model.itemBias)).toBeLessThan(1e-3);
  });

  it('is deterministic for a seed', async () => {
    const a = await trainTypedMf(matrix, SMALL);
    const b = await trainTypedMf(matrix, SMALL);
    const c = await trainTypedMf(matrix, { ...SMALL, seed: 4 });
    expect(Array.from(a.userFactors)).toEqual(Array.from(b.userFactors));
    expect(Array.from(a.model.itemFactors)).toEqual(Array.from(b.model.itemFactors));
    expect(Array.from(a.model.itemBias)).toEqual(Array.from(b.model.itemBias));
    expect(a.lossHistory).toEqual(b.lossHistory);
    expect(Array.from(c.model.itemFactors)).not.toEqual(Array.from(a.model.itemFactors));
  });

  it('decreases the loss every epoch', async () => {
    const result = await trainTypedMf(matrix, { ...SMALL, epochs: 8 });
    expect(result.lossHistory).toHaveLength(8);
    for (let e = 1; e < 8; e++) {
      expect(result.lossHistory[e]!).toBeLessThanOrEqual(result.lossHistory[e - 1]! * (1 + 1e-6));
    }
    expect(result.lossHistory[7]!).toBeLessThan(result.lossHistory[0]!);
  });

  it('returns the model, shapes and hyper-parameters', async () => {
    const result = await trainTypedMf(matrix, SMALL);
    expect(result.computePath).toBe('typed');
    expect(result.numUsers).toBe(120);
    expect(result.userFactors).toHaveLength(120 * 8);
    expect(result.epochMs).toHaveLength(SMALL.epochs);
    expect(result.model).toMatchObject({
      kind: 'mf',
      numItems: 80,
      factors: 8,
      regularization: SMALL.regularization,
      unobservedWeight: SMALL.unobservedWeight,
      biasScale: SMALL.biasScale,
      userWeightExponent: SMALL.userWeightExponent,
    });
    expect(result.model.itemFactors).toHaveLength(80 * 8);
    expect(result.model.itemBias).toHaveLength(80);
    expect(Array.from(result.model.itemFactors).every(Number.isFinite)).toBe(true);
  });

  it('reports progress after every epoch', async () => {
    const events: TrainProgress[] = [];
    const result = await trainTypedMf(matrix, {
      ...SMALL,
      epochs: 4,
      onProgress: (p) => events.push(p),
    });
    expect(events.map((p) => p.epoch)).toEqual([1, 2, 3, 4]);
    expect(events.every((p) => p.epochs === 4)).toBe(true);
    expect(events.map((p) => p.loss)).toEqual(result.lossHistory);
    for (let e = 1; e < events.length; e++) {
      expect(events[e]!.elapsedMs).toBeGreaterThanOrEqual(events[e - 1]!.elapsedMs);
    }
    expect(events.every((p) => p.etaMs >= 0)).toBe(true);
    expect(events[3]!.etaMs).toBe(0);
    expect(events[0]!.etaMs).toBeCloseTo(events[0]!.elapsedMs * 3, 6);
  });

  it('cancels through an AbortSignal', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = trainTypedMf(matrix, {
      ...SMALL,
      epochs: 100,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.epoch);
        if (p.epoch === 2) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(CancelledError);
    await run.catch((error: unknown) => {
      expect((error as CancelledError).code).toBe('TRAINING_CANCELLED');
    });
    expect(seen).toEqual([1, 2]);
    const aborted = AbortSignal.abort();
    await expect(trainTypedMf(matrix, { ...SMALL, signal: aborted })).rejects.toThrow(
      CancelledError,
    );
  });

  it.each<[string, Partial<MfTrainOptions>]>([
    ['factors 0', { factors: 0 }],
    ['fractional factors', { factors: 2.5 }],
    ['epochs 0', { epochs: 0 }],
    ['cgSteps 0', { cgSteps: 0 }],
    ['negative regularization', { regularization: -1 }],
    ['NaN unobservedWeight', { unobservedWeight: NaN }],
    ['regularizationExponent 3', { regularizationExponent: 3 }],
    ['negative seed', { seed: -1 }],
    ['regularization and unobservedWeight both 0', { regularization: 0, unobservedWeight: 0 }],
  ])('rejects %s with an OptionError', async (_name, override) => {
    await expect(trainTypedMf(matrix, { ...SMALL, ...override })).rejects.toMatchObject({
      name: 'OptionError',
      code: 'INVALID_OPTION',
    });
    await expect(trainTypedMf(matrix, { ...SMALL, ...override })).rejects.toThrow(OptionError);
  });

  it('rejects an empty matrix with NOT_ENOUGH_DATA', async () => {
    const empty = csrFromCoo(5, 4, new Int32Array(0), new Int32Array(0), null);
    await expect(trainTypedMf(empty, SMALL)).rejects.toThrow(DataError);
    await expect(trainTypedMf(empty, SMALL)).rejects.toMatchObject({ code: 'NOT_ENOUGH_DATA' });
    const none = csrFromCoo(0, 0, new Int32Array(0), new Int32Array(0), null);
    await expect(trainTypedMf(none, SMALL)).rejects.toMatchObject({ code: 'NOT_ENOUGH_DATA' });
  });

  it('trains users and items without interactions to finite factors', async () => {
    // Row 2 and column 3 are empty.
    const m = csrFromCoo(
      4,
      5,
      Int32Array.from([0, 0, 1, 3, 3]),
      Int32Array.from([0, 1, 2, 4, 0]),
      null,
    );
    const result = await trainTypedMf(m, { ...SMALL, factors: 4 });
    expect(Array.from(result.userFactors).every(Number.isFinite)).toBe(true);
    expect(Array.from(result.model.itemFactors).every(Number.isFinite)).toBe(true);
  });

  it('resumes from a checkpoint bit-for-bit', async () => {
    const checkpoints: MfCheckpoint[] = [];
    const straight = await trainTypedMf(matrix, {
      ...SMALL,
      epochs: 6,
      onCheckpoint: (c) => {
        checkpoints.push(c);
      },
    });
    expect(checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    const last = checkpoints[5]!;
    expect(Array.from(last.userFactors)).toEqual(Array.from(straight.userFactors));
    expect(Array.from(last.itemBias)).toEqual(Array.from(straight.model.itemBias));
    for (const preferWasm of [true, false]) {
      const events: number[] = [];
      const resumed = await trainTypedMf(
        matrix,
        {
          ...SMALL,
          epochs: 6,
          resumeFrom: checkpoints[2]!,
          onProgress: (p) => events.push(p.epoch),
        },
        { preferWasm },
      );
      expect(events).toEqual([4, 5, 6]);
      expect(resumed.lossHistory).toHaveLength(6);
      if (preferWasm) {
        expect(resumed.lossHistory).toEqual(straight.lossHistory);
        expect(Array.from(resumed.userFactors)).toEqual(Array.from(straight.userFactors));
        expect(Array.from(resumed.model.itemFactors)).toEqual(
          Array.from(straight.model.itemFactors),
        );
        expect(Array.from(resumed.model.itemBias)).toEqual(Array.from(straight.model.itemBias));
      } else {
        expect(relativeDiff(resumed.model.itemFactors, straight.model.itemFactors)).toBeLessThan(
          1e-3,
        );
      }
    }
  });

  it('rejects a checkpoint of another shape', async () => {
    const checkpoint: MfCheckpoint = {
      epoch: 1,
      userFactors: new Float32Array(3 * SMALL.factors),
      itemFactors: new Float32Array(80 * SMALL.factors),
      itemBias: new Float32Array(80),
      lossHistory: [1],
    };
    await expect(trainTypedMf(matrix, { ...SMALL, resumeFrom: checkpoint })).rejects.toThrow(
      OptionError,
    );
  });

  it('is exposed as the typed compute path', async () => {
    const path = createTypedMfPath({ preferWasm: false });
    expect(path.name).toBe('typed');
    const result = await path.train(matrix, { ...SMALL, epochs: 1 });
    expect(result.computePath).toBe('typed');
    path.dispose();
  });

  it('defaults are valid and frozen', () => {
    expect(Object.isFrozen(DEFAULT_MF_OPTIONS)).toBe(true);
    expect(DEFAULT_MF_OPTIONS.cgSteps).toBe(3);
  });
});
