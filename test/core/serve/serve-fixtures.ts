import type { MfModel } from '../../../src/core/models/mf/mf-model';
import { createRng } from '../../../src/core/random';

/** An MF model with the given factor rows (and biases, default 0) and mild regularization. */
export function handBuiltModel(
  rows: readonly (readonly number[])[],
  bias?: readonly number[],
): MfModel {
  const k = rows[0]!.length;
  return {
    kind: 'mf',
    numItems: rows.length,
    factors: k,
    regularization: 0.05,
    regularizationExponent: 0,
    unobservedWeight: 0.01,
    userWeightExponent: 0,
    userWeightNorm: 1,
    biasScale: 1,
    initScale: 0.1,
    itemFactors: Float32Array.from(rows.flat()),
    itemBias: Float32Array.from(bias ?? rows.map(() => 0)),
  };
}

/** A seeded random model of `n` items × `k` factors. */
export function randomModel(n: number, k: number, seed: number): MfModel {
  const rng = createRng(seed);
  const factors = new Float32Array(n * k);
  for (let i = 0; i < factors.length; i++) factors[i] = rng.normal() * 0.3;
  const bias = new Float32Array(n);
  for (let i = 0; i < n; i++) bias[i] = rng.normal() * 0.05;
  return {
    kind: 'mf',
    numItems: n,
    factors: k,
    regularization: 0.05,
    regularizationExponent: 0,
    unobservedWeight: 0.01,
    userWeightExponent: 0,
    userWeightNorm: 1,
    biasScale: 1,
    initScale: 0.1,
    itemFactors: factors,
    itemBias: bias,
  };
}

/** Indices of `scores` sorted by a full sort: descending score, ties by lower index, NaN dropped. */
export function fullSortOrder(scores: Float32Array): number[] {
  const order: number[] = [];
  for (let i = 0; i < scores.length; i++) if (!Number.isNaN(scores[i]!)) order.push(i);
  return order.sort((a, b) => {
    const sa = scores[a]!;
    const sb = scores[b]!;
    return sa === sb ? a - b : sb > sa ? 1 : -1;
  });
}
