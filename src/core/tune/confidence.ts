import type { CsrMatrix } from '../data/csr-matrix';
import { csrFromCoo } from '../data/csr-matrix';
import type { InteractionDataset } from '../data/interaction-log';
import { EVENT_TYPES, eventTypeCode, type EventWeights } from '../data/types';
import { OptionError } from '../errors';

/** How a (user, item) pair's summed weight becomes an MF confidence. */
export type ConfidenceKind = 'binary' | 'log' | 'linear';

/** All confidence kinds, in the order the tuner screens them. */
export const CONFIDENCE_KINDS: readonly ConfidenceKind[] = ['binary', 'log', 'linear'];

/**
 * A fitted confidence transform: `binary` c = 1; `log` c = log(1 + w/ε)·scale; `linear`
 * c = w·scale. `scale` makes the mean confidence over training pairs 1, so the MF settings
 * (λ, α₀) mean the same thing whatever the weights' units are (clicks, play counts, ratings).
 */
export interface ConfidenceTransform {
  readonly kind: ConfidenceKind;
  /** ε of `log`: the median training pair weight (1 for the other kinds). */
  readonly epsilon: number;
  readonly scale: number;
}

/** The transform that reproduces the binary pipeline (every positive pair weighs 1). */
export const BINARY_CONFIDENCE: ConfidenceTransform = Object.freeze({
  kind: 'binary',
  epsilon: 1,
  scale: 1,
});

/** Raw summed weights as confidences: how bundles trained before tuning existed fold in. */
export const LEGACY_CONFIDENCE: ConfidenceTransform = Object.freeze({
  kind: 'linear',
  epsilon: 1,
  scale: 1,
});

/** Confidence of one summed pair weight `w` (> 0) under a fitted transform. */
export function confidenceOf(t: ConfidenceTransform, w: number): number {
  if (t.kind === 'binary') return 1;
  if (t.kind === 'log') return Math.log1p(w / t.epsilon) * t.scale;
  return w * t.scale;
}

/** Fits ε and the mean-one scale of a transform on the (positive) pair weights of a matrix. */
export function fitConfidence(kind: ConfidenceKind, weights: Float32Array): ConfidenceTransform {
  if (!CONFIDENCE_KINDS.includes(kind)) {
    throw new OptionError(
      `Unknown confidence "${String(kind)}": use ${CONFIDENCE_KINDS.join(', ')}.`,
    );
  }
  if (kind === 'binary' || weights.length === 0) return { ...BINARY_CONFIDENCE, kind };
  const sorted = Float32Array.from(weights).sort();
  const epsilon = kind === 'log' ? Math.max(sorted[sorted.length >> 1]!, 1e-6) : 1;
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
