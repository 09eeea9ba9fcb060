import type { UserScorer } from '../scorer';
import type { MfModel } from './mf-model';
import type { MfTrainResult } from './mf-trainer';

/**
 * Scores rows of `userFactors` (`rows × factors`) against a model's items: x_uᵀ v_i + β·b_i.
 */
export function createFactorScorer(userFactors: Float32Array, model: MfModel): UserScorer {
  const k = model.factors;
  const n = model.numItems;
  const v = model.itemFactors;
  const b = model.itemBias;
  const beta = model.biasScale;
  return {
    numItems: n,
    scoreUser(user, out) {
      const xo = user * k;
      for (let i = 0; i < n; i++) {
        const vo = i * k;
        let s = b[i]! * beta;
        for (let a = 0; a < k; a++) s += userFactors[xo + a]! * v[vo + a]!;
        out[i] = s;
      }
    },
  };
}

/** Scores training users with their trained vectors. */
export function createMfScorer(result: MfTrainResult): UserScorer {
  return createFactorScorer(result.userFactors, result.model);
}
