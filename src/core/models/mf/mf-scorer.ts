import type { UserScorer } from '../scorer';
import type { MfTrainResult } from './mf-trainer';

/** Scores training users with their trained vectors: x_uᵀ v_i + b_i. */
export function createMfScorer(result: MfTrainResult): UserScorer {
  const { model, userFactors } = result;
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
