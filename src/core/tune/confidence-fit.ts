import type { CsrMatrix } from '../data/csr-matrix';
import { csrFromCoo } from '../data/csr-matrix';
import type { InteractionDataset } from '../data/interaction-log';
import { EVENT_TYPES, eventTypeCode, type EventWeights } from '../data/types';
import { OptionError } from '../errors';
import {
  BINARY_CONFIDENCE,
  CONFIDENCE_KINDS,
  confidenceOf,
  type ConfidenceKind,
  type ConfidenceTransform,
} from './confidence';

/** Fits ε and the mean-one scale of a transform on the (positive) pair weights of a matrix. */
export function fitConfidence(kind: ConfidenceKind, weights: Float32Array): ConfidenceTransform {
  if (!CONFIDENCE_KINDS.includes(kind)) {
    throw new OptionError(
      `Unknown confidence "${String(kind)}": use ${CONFIDENCE_KINDS.join(', ')}.`,
    );
  }
  if (kind === 'binary' || weights.length === 0) return { ...BINARY_CONFIDENCE, kind };
  // Only `log` needs the median: sorting 10M weights for nothing took a second.
  const epsilon =
    kind === 'log' ? Math.max(Float32Array.from(weights).sort()[weights.length >> 1]!, 1e-6) : 1;
  let sum = 0;
  for (let p = 0; p < weights.length; p++) {
    sum += kind === 'log' ? Math.log1p(weights[p]! / epsilon) : weights[p]!;
  }
  const mean = sum / weights.length;
  return { kind, epsilon, scale: mean > 0 ? 1 / mean : 1 };
}

/** A copy of `matrix` with every value mapped through `t`. */
export function applyConfidence(matrix: CsrMatrix, t: ConfidenceTransform): CsrMatrix {
  const values = new Float32Array(matrix.values.length);
  for (let p = 0; p < values.length; p++) values[p] = confidenceOf(t, matrix.values[p]!);
  return { ...matrix, values };
}

/**
 * Weight of every row of a dataset: its event type's weight times its value when the row carries
 * a positive value (a quantity, play count or rating), else times 1. Both `hearth train` and
 * `hearth eval` build their matrices from these, so evaluation measures what ships.
 *
 * @throws OptionError when an event weight is not a finite number.
 */
export function rowWeightsOf(
  dataset: InteractionDataset,
  eventWeights: EventWeights,
): Float32Array {
  const weightOf = new Float32Array(EVENT_TYPES.length);
  for (const type of EVENT_TYPES) {
    const weight = eventWeights[type];
    if (!Number.isFinite(weight)) {
      throw new OptionError(`eventWeights.${type} must be a finite number, got ${String(weight)}.`);
    }
    weightOf[eventTypeCode(type)] = weight;
  }
  const { types, values, length } = dataset.columns;
  const out = new Float32Array(length);
  for (let e = 0; e < length; e++) {
    const v = values[e]!;
    out[e] = (weightOf[types[e]!] ?? 0) * (v > 0 && Number.isFinite(v) ? v : 1);
  }
  return out;
}

/** Users × items matrix of summed row weights; pairs whose sum is not positive drop out. */
export function weightedMatrixOf(
  dataset: InteractionDataset,
  eventWeights: EventWeights,
): CsrMatrix {
  const c = dataset.columns;
  return csrFromCoo(
    dataset.userVocab.size,
    dataset.itemVocab.size,
    c.users,
    c.items,
    rowWeightsOf(dataset, eventWeights),
  );
}
