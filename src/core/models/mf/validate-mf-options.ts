import { DataError, OptionError } from '../../errors';
import type { CsrMatrix } from '../../data/csr-matrix';
import type { MfTrainOptions } from './mf-trainer';

function requireRange(
  name: string,
  value: number,
  min: number,
  max: number,
  integer: boolean,
): void {
  if (
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? 'an integer' : 'a number';
    throw new OptionError(`${name} must be ${kind} between ${min} and ${max} (got ${value}).`);
  }
}

/** Validates MF options and the training matrix; every compute path calls this first. */
export function validateMfOptions(o: MfTrainOptions, matrix: CsrMatrix): void {
  requireRange('factors', o.factors, 1, 1024, true);
  requireRange('epochs', o.epochs, 1, 10_000, true);
  requireRange('cgSteps', o.cgSteps, 1, 100, true);
  requireRange('regularization', o.regularization, 0, 1e6, false);
  requireRange('regularizationExponent', o.regularizationExponent, 0, 2, false);
  requireRange('unobservedWeight', o.unobservedWeight, 0, 1e6, false);
  requireRange('initScale', o.initScale, 0, 100, false);
  requireRange('userWeightExponent', o.userWeightExponent, 0, 2, false);
  requireRange('biasScale', o.biasScale, 0, 10, false);
  requireRange('seed', o.seed, 0, 2 ** 32 - 1, true);
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
