import type { CsrMatrix } from '../../src/core/data/csr-matrix';
import { createFoldInContext, foldInUser } from '../../src/core/models/mf/fold-in';
import type { MfModel } from '../../src/core/models/mf/mf-model';
import type { UserScorer } from '../../src/core/models/scorer';
import { rowHistory } from '../../src/federated/fold-in-scorer';

/**
 * Like `createFoldInScorer` (each user folded in exactly against the model, as a device does) but
 * folding a user in only when scored: evaluating a sample of 4,000 users of 30,000 then costs 4,000
 * fold-ins, not 30,000.
 */
export function createLazyFoldInScorer(model: MfModel, train: CsrMatrix): UserScorer {
  const k = model.factors;
  const n = model.numItems;
  const ctx = createFoldInContext(model);
  const v = model.itemFactors;
  const b = model.itemBias;
  return {
    numItems: n,
    scoreUser(user, out) {
      const history = rowHistory(train, user, model);
      const x = history.length > 0 ? foldInUser(ctx, history).vector : new Float32Array(k);
      for (let i = 0; i < n; i++) {
        let s = b[i]! * model.biasScale;
        for (let a = 0; a < k; a++) s += x[a]! * v[i * k + a]!;
        out[i] = s;
      }
    },
  };
}
