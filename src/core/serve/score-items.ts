import { OptionError } from '../errors';
import type { MfModel } from '../models/mf/mf-model';
import { scoreRowsWasm } from './wasm-score-table';

/**
 * The item side of a factor model as serving reads it: `numItems × factors` row-major factors, an
 * optional per-item bias and its scoring multiplier β. An {@link MfModel} is one; so is a bias-free
 * table of content-tower embeddings.
 */
export type ItemFactorTable = Pick<MfModel, 'numItems' | 'factors' | 'itemFactors'> & {
  readonly itemBias?: Float32Array;
  /** β: multiplier of the bias at scoring time (default 1). */
  readonly biasScale?: number;
};

/**
 * Scores every item for one user: `out[i] = x · v_i + β·b_i` (bias omitted when the table has none).
 * Returns `out`, allocated when not given. Runs in O(numItems · factors) with no allocation.
 */
export function scoreItems(
  userVector: Float32Array,
  model: ItemFactorTable,
  out: Float32Array = new Float32Array(model.numItems),
): Float32Array {
  const n = model.numItems;
  const k = model.factors;
  if (userVector.length !== k) {
    throw new OptionError(
      `userVector has ${userVector.length} values but the model has ${k} factors; fold the user in with this model.`,
    );
  }
  if (out.length < n) {
    throw new OptionError(`out holds ${out.length} scores but the model has ${n} items.`);
  }
  dotAllRows(
    userVector,
    model.itemFactors,
    n,
    k,
    model.itemBias ?? null,
    model.biasScale ?? 1,
    out,
  );
  return out;
}

/**
 * `out[i] = x · V[i] (+ biasScale · bias[i])` for the `n × k` row-major matrix `V`. Eight rows share each load
 * of `x[d]`: measured ~15% faster than four rows and ~2.5× faster than one row with unrolled dims
 * in V8, because the loop is bound by loads of `V`, not by the multiply-adds.
 */
export function dotAllRows(
  x: Float32Array,
  v: Float32Array,
  n: number,
  k: number,
  bias: Float32Array | null,
  biasScale: number,
  out: Float32Array,
): void {
  if (scoreRowsWasm(x, v, n, k, bias, biasScale, out)) return;
  const n8 = n - (n & 7);
  let i = 0;
  for (; i < n8; i += 8) {
    const o0 = i * k;
    const o1 = o0 + k;
    const o2 = o1 + k;
    const o3 = o2 + k;
    const o4 = o3 + k;
    const o5 = o4 + k;
    const o6 = o5 + k;
    const o7 = o6 + k;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    for (let d = 0; d < k; d++) {
      const xd = x[d]!;
      s0 += xd * v[o0 + d]!;
      s1 += xd * v[o1 + d]!;
      s2 += xd * v[o2 + d]!;
      s3 += xd * v[o3 + d]!;
      s4 += xd * v[o4 + d]!;
      s5 += xd * v[o5 + d]!;
      s6 += xd * v[o6 + d]!;
      s7 += xd * v[o7 + d]!;
    }
    if (bias !== null) {
      s0 += biasScale * bias[i]!;
      s1 += biasScale * bias[i + 1]!;
      s2 += biasScale * bias[i + 2]!;
      s3 += biasScale * bias[i + 3]!;
      s4 += biasScale * bias[i + 4]!;
      s5 += biasScale * bias[i + 5]!;
      s6 += biasScale * bias[i + 6]!;
      s7 += biasScale * bias[i + 7]!;
    }
    out[i] = s0;
    out[i + 1] = s1;
    out[i + 2] = s2;
    out[i + 3] = s3;
    out[i + 4] = s4;
    out[i + 5] = s5;
    out[i + 6] = s6;
    out[i + 7] = s7;
  }
  for (; i < n; i++) {
    const o = i * k;
    let s = 0;
    for (let d = 0; d < k; d++) s += x[d]! * v[o + d]!;
    out[i] = bias === null ? s : s + biasScale * bias[i]!;
  }
}
