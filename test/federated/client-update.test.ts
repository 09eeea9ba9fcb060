import { describe, expect, it } from 'vitest';
import {
  createFoldInContext,
  foldInUser,
  type WeightedItem,
} from '../../src/core/models/mf/fold-in';
import type { MfModel } from '../../src/core/models/mf/mf-model';
import { computeClientUpdate } from '../../src/federated/client-update';
import { createInitialModel } from '../../src/federated/federated-model';
import { applyItemStep, gramFromUpperTriangle } from '../../src/federated/item-step';

const model: MfModel = {
  ...createInitialModel({ numItems: 12, seed: 3, hyper: { factors: 3 } }),
  userWeightNorm: 2,
};
const rows = [1, 2, 5, 8, 11];

describe('computeClientUpdate', () => {
  const history: WeightedItem[] = [
    { item: 2, weight: 1 },
    { item: 5, weight: 2 },
    { item: 5, weight: 1 },
    { item: 7, weight: 4 },
  ];
  const update = computeClientUpdate({ model, history, rows })!;
  const k = 3;
  const x = foldInUser(createFoldInContext(model), [
    { item: 2, weight: 1 },
    { item: 5, weight: 3 },
    { item: 7, weight: 4 },
  ]).vector;
  const z = [...x, 1];
  const userScale = Math.pow(3, -model.userWeightExponent) * model.userWeightNorm;

  it('folds the user in exactly (duplicates summed) and keeps the vector on the device', () => {
    expect(Array.from(update.userVector)).toEqual(Array.from(x));
    expect(update.historyItems).toBe(3);
  });

  it('is dense over the round rows, non-zero only where the user has data', () => {
    expect(update.parts.rows).toHaveLength(rows.length * (k + 1));
    expect(update.parts.counts).toHaveLength(rows.length);
    const nonZeroRows = rows.filter((_, p) => update.parts.counts[p] !== 0);
    expect(nonZeroRows).toEqual([2, 5]);
    for (const [p, item] of rows.entries()) {
      const block = update.parts.rows.subarray(p * (k + 1), (p + 1) * (k + 1));
      if (item !== 2 && item !== 5) expect(Array.from(block).every((v) => v === 0)).toBe(true);
    }
  });

  it('each touched row holds c (ŷ − 1) z with the training confidence', () => {
    for (const [item, w] of [
      [2, 1],
      [5, 3],
    ] as const) {
      const p = rows.indexOf(item);
      const c = w * userScale;
      let pred = model.itemBias[item]!;
      for (let a = 0; a < k; a++) pred += x[a]! * model.itemFactors[item * k + a]!;
      expect(update.parts.counts[p]).toBeCloseTo(c, 6);
      for (let a = 0; a <= k; a++)
        expect(update.parts.rows[p * (k + 1) + a]).toBeCloseTo(c * (pred - 1) * z[a]!, 6);
    }
  });

  it('the Gram part is the upper triangle of z zᵀ and the stats give the confidence norm', () => {
    const g = gramFromUpperTriangle(update.parts.gram, k + 1);
    for (let a = 0; a <= k; a++)
      for (let b = 0; b <= k; b++) expect(g[a * (k + 1) + b]).toBeCloseTo(z[a]! * z[b]!, 6);
    expect(update.parts.stats[0]).toBe(8);
    expect(update.parts.stats[1]).toBeCloseTo(8 * Math.pow(3, -model.userWeightExponent), 12);
  });

  it('returns null for an empty history and rejects unknown items', () => {
    expect(computeClientUpdate({ model, history: [], rows })).toBeNull();
    expect(() => computeClientUpdate({ model, history: [{ item: 12, weight: 1 }], rows })).toThrow(
      /outside/,
    );
  });
});

describe('applyItemStep', () => {
  it('is an exact Newton step when every user looks the same, so the new rows are stationary', () => {
    const history: WeightedItem[] = [
      { item: 1, weight: 1 },
      { item: 5, weight: 1 },
      { item: 8, weight: 1 },
    ];
    const users = 7;
    const u = computeClientUpdate({ model, history, rows })!;
    const scale = (v: Float64Array): Float64Array => v.map((x) => x * users);
    const sums = {
      rows: scale(u.parts.rows),
      counts: scale(u.parts.counts),
      gram: scale(u.parts.gram),
    };
    const { model: next, skippedRows } = applyItemStep({ model, rows, sums, cohort: users });
    expect(skippedRows).toBe(0);
    // Gradient of the item objective at the new rows, with the same (fixed) user vectors.
    const k = 3;
    const z = [...u.userVector, 1];
    const a0 = model.unobservedWeight;
    for (const [p, item] of rows.entries()) {
      const c = u.parts.counts[p]! * users;
      const lambda = model.regularization * Math.pow(c + a0 * users, model.regularizationExponent);
      const y = [...next.itemFactors.subarray(item * k, item * k + k), next.itemBias[item]!];
      const zy = z.reduce((s, zi, j) => s + zi * y[j]!, 0);
      for (let a = 0; a <= k; a++) {
        const grad = c * (zy - 1) * z[a]! + a0 * users * zy * z[a]! + lambda * y[a]!;
        expect(Math.abs(grad)).toBeLessThan(1e-4);
      }
    }
    // Rows outside the round are untouched.
    expect(next.itemFactors.subarray(0, 3)).toEqual(model.itemFactors.subarray(0, 3));
    expect(next.itemBias[7]).toBe(model.itemBias[7]);
  });

  it('the ridge shrinks factors but not biases; the learning rate scales the step', () => {
    const u = computeClientUpdate({ model, history: [{ item: 5, weight: 1 }], rows })!;
    const sums = { rows: u.parts.rows, counts: u.parts.counts, gram: u.parts.gram };
    const plain = applyItemStep({ model, rows, sums, cohort: 1 });
    const ridged = applyItemStep({ model, rows, sums, cohort: 1, ridge: 1000 });
    expect(Math.abs(ridged.model.itemFactors[5 * 3]!)).toBeLessThan(
      Math.abs(plain.model.itemFactors[5 * 3]!),
    );
    const half = applyItemStep({ model, rows, sums, cohort: 1, learningRate: 0.5 });
    const full = plain.model.itemBias[5]! - model.itemBias[5]!;
    expect(half.model.itemBias[5]! - model.itemBias[5]!).toBeCloseTo(full / 2, 5);
    expect(
      applyItemStep({ model, rows, sums, cohort: 1, userWeightNorm: 9 }).model.userWeightNorm,
    ).toBe(9);
  });

  it('rejects parts of the wrong size and a non-positive cohort', () => {
    const sums = {
      rows: new Float64Array(3),
      counts: new Float64Array(5),
      gram: new Float64Array(10),
    };
    expect(() => applyItemStep({ model, rows, sums, cohort: 1 })).toThrow(/rows/);
    const ok = {
      rows: new Float64Array(20),
      counts: new Float64Array(5),
      gram: new Float64Array(10),
    };
    expect(() => applyItemStep({ model, rows, sums: ok, cohort: 0 })).toThrow(/cohort/);
  });
});
