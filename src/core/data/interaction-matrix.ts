import { OptionError } from '../errors';
import { csrFromCoo, type CsrMatrix } from './csr-matrix';
import type { InteractionDataset } from './interaction-log';
import { DEFAULT_EVENT_WEIGHTS, EVENT_TYPES, eventTypeCode, type EventWeights } from './types';

/** Options of {@link toInteractionMatrix}. */
export interface InteractionMatrixOptions {
  /** Weight of each event type. Default {@link DEFAULT_EVENT_WEIGHTS}. */
  readonly weights?: EventWeights;
  /** Every (user, item) pair whose summed weight is positive becomes 1. Default false. */
  readonly binary?: boolean;
  /** Rating rows with a value below this are ignored (rows without a value are kept). */
  readonly minValue?: number;
}

/**
 * Builds the users × items implicit-feedback matrix of a dataset. Each row contributes the
 * weight of its event type; repeated (user, item) pairs are summed and pairs whose sum is not
 * positive (e.g. a view cancelled by a dismissal) are dropped.
 *
 * @throws OptionError when a weight or `minValue` is not a finite number.
 */
export function toInteractionMatrix(
  dataset: InteractionDataset,
  options: InteractionMatrixOptions = {},
): CsrMatrix {
  const weights = options.weights ?? DEFAULT_EVENT_WEIGHTS;
  const weightOf = new Float32Array(EVENT_TYPES.length);
  for (const type of EVENT_TYPES) {
    const weight = weights[type];
    if (!Number.isFinite(weight)) {
      throw new OptionError(`weights.${type} must be a finite number, got ${String(weight)}.`);
    }
    weightOf[eventTypeCode(type)] = weight;
  }
  const minValue = options.minValue;
  if (minValue !== undefined && !Number.isFinite(minValue)) {
    throw new OptionError(`minValue must be a finite number, got ${minValue}.`);
  }
  const ratingCode = eventTypeCode('rating');

  const { users, items, types, values, length } = dataset.columns;
  const rows = new Int32Array(length);
  const cols = new Int32Array(length);
  const entryWeights = new Float32Array(length);
  let n = 0;
  for (let e = 0; e < length; e++) {
    const type = types[e]!;
    // Rows with a type code outside EVENT_TYPES carry no weight.
    const weight = weightOf[type] ?? 0;
    if (weight === 0) continue;
    if (minValue !== undefined && type === ratingCode && values[e]! < minValue) continue;
    rows[n] = users[e]!;
    cols[n] = items[e]!;
    entryWeights[n] = weight;
    n++;
  }
  const matrix = csrFromCoo(
    dataset.userVocab.size,
    dataset.itemVocab.size,
    rows.subarray(0, n),
    cols.subarray(0, n),
    entryWeights.subarray(0, n),
  );
  if (!options.binary) return matrix;
  return { ...matrix, values: new Float32Array(matrix.values.length).fill(1) };
}
