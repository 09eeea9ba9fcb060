import { beforeAll, describe, expect, it } from 'vitest';
import { OptionError } from '../../../../src/core/errors';
import type { WeightedItem } from '../../../../src/core/models/mf/fold-in';
import { createFoldInContext, foldInUser } from '../../../../src/core/models/mf/fold-in';
import type { MfModel } from '../../../../src/core/models/mf/mf-model';
import type { MfTrainResult } from '../../../../src/core/models/mf/mf-trainer';
import { DEFAULT_MF_OPTIONS, trainTypedMf } from '../../../../src/core/models/mf/train-typed';
import { plantedMatrix } from '../../../fixtures/synthetic';

const K = 8;
const matrix = plantedMatrix({ users: 120, items: 80, seed: 4 });
let trained: MfTrainResult;

beforeAll(async () => {
  // Default hyper-parameters (δ = 0.5, so the confidence normalisation matters), small k.
  trained = await trainTypedMf(matrix, { ...DEFAULT_MF_OPTIONS, factors: K, epochs: 20, seed: 3 });
});

function historyOf(u: number): WeightedItem[] {
  const out: WeightedItem[] = [];
  for (let p = matrix.indptr[u]!; p < matrix.indptr[u + 1]!; p++) {
    out.push({ item: matrix.indices[p]!, weight: matrix.values[p]! });
  }
  return out;
}

/** The spec's user system A x = r for a history (Float64, dense), built independently. */
function userSystem(
  model: MfModel,
  history: readonly WeightedItem[],
): { a: Float64Array; r: Float64Array } {
  const k = model.factors;
  const n = model.numItems;
  const v = model.itemFactors;
  const b = model.itemBias;
  const a0 = model.unobservedWeight;
  const merged = new Map<number, number>();
  for (const h of history)
    if (h.weight > 0) merged.set(h.item, (merged.get(h.item) ?? 0) + h.weight);
  const scale = Math.pow(merged.size, -model.userWeightExponent) * model.userWeightNorm;
  const a = new Float64Array(k * k);
  const r = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      r[p]! -= a0 * v[i * k + p]! * b[i]!;
      for (let q = 0; q < k; q++) a[p * k + q]! += a0 * v[i * k + p]! * v[i * k + q]!;
    }
  }
  for (const [i, w] of merged) {
    const c = w * scale;
    for (let p = 0; p < k; p++) {
      r[p]! += c * (1 - b[i]!) * v[i * k + p]!;
      for (let q = 0; q < k; q++) a[p * k + q]! += c * v[i * k + p]! * v[i * k + q]!;
    }
  }
  const lam = model.regularization * Math.pow(merged.size + a0 * n, model.regularizationExponent);
  for (let p = 0; p < k; p++) a[p * k + p]! += lam;
  return { a, r };
}

/** ‖A x − r‖ / ‖r‖. */
function relativeResidual(a: Float64Array, x: ArrayLike<number>, r: Float64Array): number {
  const k = r.length;
  let num = 0;
  let den = 0;
  for (let p = 0; p < k; p++) {
    let s = 0;
    for (let q = 0; q < k; q++) s += a[p * k + q]! * x[q]!;
    num += (s - r[p]!) ** 2;
    den += r[p]! ** 2;
  }
  return Math.sqrt(num / den);
}

function dot(
  a: ArrayLike<number>,
  ao: number,
  b: ArrayLike<number>,
  bo: number,
  k: number,
): number {
  let s = 0;
  for (let d = 0; d < k; d++) s += a[ao + d]! * b[bo + d]!;
  return s;
}

describe('foldInUser', () => {
  it("solves the spec's user system exactly", () => {
    const ctx = createFoldInContext(trained.model);
    for (const u of [0, 17, 63]) {
      const history = historyOf(u);
      const { a, r } = userSystem(trained.model, history);
      expect(relativeResidual(a, foldInUser(ctx, history).vector, r)).toBeLessThan(1e-5);
    }
  });

  it("gives a training user's own history back its trained vector", () => {
    const ctx = createFoldInContext(trained.model);
    let worst = 0;
    let mean = 0;
    for (let u = 0; u < matrix.rows; u++) {
      const x = foldInUser(ctx, historyOf(u)).vector;
      let diff = 0;
      let norm = 0;
      for (let d = 0; d < K; d++) {
        diff += (x[d]! - trained.userFactors[u * K + d]!) ** 2;
        norm += trained.userFactors[u * K + d]! ** 2;
      }
      const rel = Math.sqrt(diff / norm);
      worst = Math.max(worst, rel);
      mean += rel / matrix.rows;
    }
    // Training's user step saw the previous epoch's items and ran 3 CG steps, hence the tolerance.
    expect(mean).toBeLessThan(0.02);
    expect(worst).toBeLessThan(0.05);
  });

  it('sums duplicate history items and skips non-positive weights', () => {
    const ctx = createFoldInContext(trained.model);
    const merged = foldInUser(ctx, [
      { item: 3, weight: 3 },
      { item: 5, weight: 1 },
    ]).vector;
    const split = foldInUser(ctx, [
      { item: 3, weight: 1 },
      { item: 5, weight: 1 },
      { item: 3, weight: 2 },
      { item: 9, weight: 0 },
      { item: 10, weight: -2 },
      { item: 11, weight: NaN },
    ]).vector;
    for (let d = 0; d < K; d++) expect(split[d]).toBeCloseTo(merged[d]!, 6);
  });

  it('folds in an empty history to the bias-only solution', () => {
    const ctx = createFoldInContext(trained.model);
    const { a, r } = userSystem(trained.model, []);
    const x = foldInUser(ctx, []).vector;
    expect(relativeResidual(a, x, r)).toBeLessThan(1e-5);
  });

  it('rejects item indices outside the model', () => {
    const ctx = createFoldInContext(trained.model);
    for (const item of [-1, 80, 2.5, NaN]) {
      expect(() => foldInUser(ctx, [{ item, weight: 1 }])).toThrow(OptionError);
    }
  });
});

describe('foldInUser explanations', () => {
  it('decomposes the score: Σ contributions·v_i = score − β·b_i − shared·v_i', () => {
    const model = trained.model;
    const ctx = createFoldInContext(model);
    const history = historyOf(5);
    const { vector, contributions } = foldInUser(ctx, history, { explain: true });
    expect(contributions).toHaveLength(history.length);
    const sum = new Float64Array(K);
    for (const c of contributions) for (let d = 0; d < K; d++) sum[d]! += c[d]!;
    // The shared term solves A s = −α₀ Vᵀb, the bias part of the right-hand side.
    const shared = Array.from(vector, (x, d) => x - sum[d]!);
    const { a } = userSystem(model, history);
    const biasRhs = userSystem(model, history).r.slice();
    for (const h of history) {
      for (let p = 0; p < K; p++) {
        const c =
          h.weight * Math.pow(history.length, -model.userWeightExponent) * model.userWeightNorm;
        biasRhs[p]! -= c * (1 - model.itemBias[h.item]!) * model.itemFactors[h.item * K + p]!;
      }
    }
    expect(relativeResidual(a, shared, biasRhs)).toBeLessThan(1e-4);
    for (let i = 0; i < model.numItems; i += 7) {
      const score =
        dot(vector, 0, model.itemFactors, i * K, K) + model.biasScale * model.itemBias[i]!;
      let explained = 0;
      for (const c of contributions) explained += dot(c, 0, model.itemFactors, i * K, K);
      const rest =
        dot(shared, 0, model.itemFactors, i * K, K) + model.biasScale * model.itemBias[i]!;
      expect(explained).toBeCloseTo(score - rest, 5);
    }
  });

  it('with zero item biases, contributions sum to the user vector', () => {
    const model: MfModel = { ...trained.model, itemBias: new Float32Array(trained.model.numItems) };
    const { vector, contributions } = foldInUser(createFoldInContext(model), historyOf(9), {
      explain: true,
    });
    for (let d = 0; d < K; d++) {
      let s = 0;
      for (const c of contributions) s += c[d]!;
      expect(s).toBeCloseTo(vector[d]!, 5);
    }
  });

  it('splits the contribution of a repeated item across its history entries', () => {
    const ctx = createFoldInContext(trained.model);
    const once = foldInUser(
      ctx,
      [
        { item: 3, weight: 3 },
        { item: 5, weight: 1 },
      ],
      { explain: true },
    );
    const twice = foldInUser(
      ctx,
      [
        { item: 3, weight: 1 },
        { item: 5, weight: 1 },
        { item: 3, weight: 2 },
        { item: 9, weight: 0 },
      ],
      { explain: true },
    );
    expect(twice.contributions).toHaveLength(4);
    for (let d = 0; d < K; d++) {
      const sumOnce = once.contributions[0]![d]! + once.contributions[1]![d]!;
      const sumTwice = twice.contributions.reduce((s, c) => s + c[d]!, 0);
      expect(sumTwice).toBeCloseTo(sumOnce, 6);
      // Entries keep their own weight: 1 : 2 of item 3's contribution; a zero weight explains nothing.
      expect(twice.contributions[2]![d]!).toBeCloseTo(2 * twice.contributions[0]![d]!, 6);
      expect(twice.contributions[3]![d]).toBe(0);
    }
  });

  it('returns no contributions unless asked', () => {
    const ctx = createFoldInContext(trained.model);
    expect(foldInUser(ctx, historyOf(1)).contributions).toEqual([]);
  });
});
