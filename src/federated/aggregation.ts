/**
 * Combining client updates: weighted FedAvg and the coordinate-wise trimmed mean (robust to a
 * bounded fraction of arbitrary updates). Browser-safe. Both need the individual updates, so they
 * apply to plain rounds only; secure rounds can only sum.
 */
import { OptionError } from '../core/errors';

function checkShapes(vectors: readonly ArrayLike<number>[]): number {
  if (vectors.length === 0) throw new OptionError('Cannot aggregate zero updates.');
  const d = vectors[0]!.length;
  vectors.forEach((v, j) => {
    if (v.length !== d)
      throw new OptionError(`Update ${j} has ${v.length} coordinates; expected ${d}.`);
  });
  return d;
}

/** FedAvg: Σ_u w_u v_u / Σ_u w_u. */
export function weightedMean(
  vectors: readonly ArrayLike<number>[],
  weights: readonly number[],
): Float64Array {
  const d = checkShapes(vectors);
  if (weights.length !== vectors.length) {
    throw new OptionError(`Got ${weights.length} weights for ${vectors.length} updates.`);
  }
  let total = 0;
  for (const w of weights) {
    if (!(w >= 0) || !Number.isFinite(w))
      throw new OptionError(`Weights must be finite and ≥ 0 (got ${w}).`);
    total += w;
  }
  if (!(total > 0)) throw new OptionError('The weights sum to zero.');
  const out = new Float64Array(d);
  vectors.forEach((v, u) => {
    const w = weights[u]!;
    if (w === 0) return;
    for (let j = 0; j < d; j++) out[j]! += w * v[j]!;
  });
  for (let j = 0; j < d; j++) out[j]! /= total;
  return out;
}

/**
 * Coordinate-wise trimmed mean: per coordinate, drops the ⌊trim·N⌋ smallest and largest values and
 * averages the rest (Yin et al. 2018). `trim` in [0, 0.5).
 */
export function trimmedMean(vectors: readonly ArrayLike<number>[], trim: number): Float64Array {
  const d = checkShapes(vectors);
  if (!(trim >= 0 && trim < 0.5))
    throw new OptionError(`The trim fraction must be in [0, 0.5) (got ${trim}).`);
  const n = vectors.length;
  const cut = Math.floor(trim * n);
  const column = new Float64Array(n);
  const out = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    for (let u = 0; u < n; u++) column[u] = vectors[u]![j]!;
    if (cut > 0) column.sort();
    let s = 0;
    for (let u = cut; u < n - cut; u++) s += column[u]!;
    out[j] = s / (n - 2 * cut);
  }
  return out;
}
