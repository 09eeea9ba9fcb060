/**
 * Scores training users of a matrix by folding each one in against a model's item factors — what a
 * device does with a downloaded global model. Browser-safe.
 */
import type { CsrMatrix } from '../core/data/csr-matrix';
import type { WeightedItem } from '../core/models/mf/fold-in';
import { createFoldInContext, foldInUser } from '../core/models/mf/fold-in';
import type { MfModel } from '../core/models/mf/mf-model';
import { createFactorScorer } from '../core/models/mf/mf-scorer';
import type { UserScorer } from '../core/models/scorer';

/**
 * A user's row of `matrix` as a fold-in history; with `model` given, weighted as that model folds
 * histories in (every item 1 for a model with `historyConfidence: 'binary'`).
 */
export function rowHistory(
  matrix: CsrMatrix,
  user: number,
  model?: Pick<MfModel, 'historyConfidence'>,
): WeightedItem[] {
  const binary = model?.historyConfidence === 'binary';
  const out: WeightedItem[] = [];
  for (let p = matrix.indptr[user]!; p < matrix.indptr[user + 1]!; p++) {
    out.push({ item: matrix.indices[p]!, weight: binary ? 1 : matrix.values[p]! });
  }
  return out;
}

/**
 * A {@link UserScorer} over the rows of `train`: each user is folded in exactly (users with an
 * empty row get the zero vector), and scored x_uᵀ v_i + β b_i like a trained MF user.
 */
export function createFoldInScorer(model: MfModel, train: CsrMatrix): UserScorer {
  const k = model.factors;
  const ctx = createFoldInContext(model);
  const users = new Float32Array(train.rows * k);
  for (let u = 0; u < train.rows; u++) {
    const history = rowHistory(train, u, model);
    if (history.length > 0) users.set(foldInUser(ctx, history).vector, u * k);
  }
  return createFactorScorer(users, model);
}
