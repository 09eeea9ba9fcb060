// What serving needs (types, constants, confidenceOf). Fitting and applying transforms lives in
// `confidence-fit.ts`, so that training code stays out of the worker's serve chunk.

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
