import { DataError, OptionError } from '../../errors';
import { requireInRange } from '../option-checks';
import type { CsrMatrix } from '../../data/csr-matrix';
import type { MfTrainOptions } from './mf-trainer';

/** Validates MF options and the training matrix; every compute path calls this first. */
export function validateMfOptions(o: MfTrainOptions, matrix: CsrMatrix): void {
  requireInRange('factors', o.factors, 1, 1024, true);
  requireInRange('epochs', o.epochs, 1, 10_000, true);
  requireInRange('cgSteps', o.cgSteps, 1, 100, true);
  requireInRange('regularization', o.regularization, 0, 1e6, false);
  requireInRange('regularizationExponent', o.regularizationExponent, 0, 2, false);
  requireInRange('unobservedWeight', o.unobservedWeight, 0, 1e6, false);
  requireInRange('initScale', o.initScale, 0, 100, false);
  requireInRange('userWeightExponent', o.userWeightExponent, 0, 2, false);
  requireInRange('biasScale', o.biasScale, 0, 10, false);
  requireInRange('seed', o.seed, 0, 2 ** 32 - 1, true);
  if (o.regularization === 0 && o.unobservedWeight === 0) {
    throw new OptionError(
      'regularization and unobservedWeight cannot both be 0: the solve is singular.',
    );
  }
  if (matrix.rows === 0 || matrix.cols === 0 || matrix.indices.length === 0) {
    throw new DataError(
      'NOT_ENOUGH_DATA',
      'No interactions to train on: import interactions (at least one user–item pair) first.',
    );
  }
}
