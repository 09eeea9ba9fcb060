import { requireInRange } from '../models/option-checks';
import type { ItemFactorTable } from './score-items';
import { dot } from '../math/linalg';

/** Options of {@link mmrSelect}. */
export interface MmrOptions {
  /** Candidate item indices (typically the top 5×k by relevance, best first). */
  readonly candidates: Int32Array;
  /** Relevance score of each candidate, parallel to `candidates`. */
  readonly relevance: Float32Array;
  /** How many to pick. */
  readonly k: number;
  /** λ in [0, 1]: 1 = pure relevance, 0 = pure novelty w.r.t. the items already picked. */
  readonly lambda: number;
  /** Item factors the similarity is measured on (cosine; all-zero rows resemble nothing). */
  readonly table: ItemFactorTable;
}

/**
 * Maximal Marginal Relevance re-ranking (Carbonell & Goldstein, 1998): greedily picks the candidate
 * maximising `λ·rel(i) − (1−λ)·max_{j picked} cos(v_i, v_j)`. Relevance is min–max scaled over the
 * candidates so that it is on the same [0, 1] scale as the similarity term, whatever the model's
 * score scale. Ties go to the earlier candidate, so with λ = 1 the input order is kept.
 * Returns positions into `candidates`, in pick order. Cost O(candidates · k · factors).
 */
export function mmrSelect(options: MmrOptions): Int32Array {
  const { candidates, relevance, table, lambda } = options;
  requireInRange('k', options.k, 1, 2 ** 31 - 1, true);
  requireInRange('diversity.lambda', lambda, 0, 1, false);
  const pool = candidates.length;
  const count = Math.min(options.k, pool);
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < pool; p++) {
    const r = relevance[p]!;
    if (!Number.isFinite(r)) continue;
    if (r < lo) lo = r;
    if (r > hi) hi = r;
  }
  const range = hi - lo;
  const scaled = new Float64Array(pool);
  for (let p = 0; p < pool; p++) {
    const r = relevance[p]!;
    if (!Number.isFinite(r)) scaled[p] = r > 0 ? 1 : 0;
    else scaled[p] = range > 0 ? (r - lo) / range : 1;
  }
  const k = table.factors;
  const v = table.itemFactors;
  const norms = new Float64Array(pool);
  for (let p = 0; p < pool; p++) {
    const c = candidates[p]!;
    // Items newer than the factor table have no embedding: norm 0 makes them resemble nothing.
    norms[p] = c < table.numItems ? Math.sqrt(dot(v, c * k, v, c * k, k)) : 0;
  }
  const maxSim = new Float64Array(pool);
  const picked = new Uint8Array(pool);
  const order = new Int32Array(count);
  for (let t = 0; t < count; t++) {
    let best = -1;
    let bestValue = -Infinity;
    for (let p = 0; p < pool; p++) {
      if (picked[p]) continue;
      // maxSim is 0 before the first pick, so the first pick is the most relevant candidate.
      const value = lambda * scaled[p]! - (1 - lambda) * maxSim[p]!;
      if (best < 0 || value > bestValue) {
        best = p;
        bestValue = value;
      }
    }
    order[t] = best;
    picked[best] = 1;
    const chosenOff = candidates[best]! * k;
    const chosenNorm = norms[best]!;
    for (let p = 0; p < pool; p++) {
      if (picked[p]) continue;
      const denom = norms[p]! * chosenNorm;
      const sim = denom > 0 ? dot(v, candidates[p]! * k, v, chosenOff, k) / denom : 0;
      maxSim[p] = t === 0 ? sim : Math.max(maxSim[p]!, sim);
    }
  }
  return order;
}
