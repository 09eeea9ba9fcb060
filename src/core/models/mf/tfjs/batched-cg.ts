import * as tf from '@tensorflow/tfjs-core';

/** Computes A·P for every row at once: row r of the result is A_r p_r. */
export type BatchedOperator = (p: tf.Tensor2D) => tf.Tensor2D;

/** Options of {@link batchedConjugateGradient}. */
export interface BatchedCgOptions {
  /** Warm start, `rows × d`. Not disposed. */
  readonly x0: tf.Tensor2D;
  /** Right-hand sides, `rows × d`. Not disposed. */
  readonly rhs: tf.Tensor2D;
  /** The per-row system matrices, applied without being formed. */
  readonly apply: BatchedOperator;
  /** Number of CG steps; every row runs all of them (no early exit). */
  readonly steps: number;
}

type CgState = { x: tf.Tensor2D; res: tf.Tensor2D; p: tf.Tensor2D; rs: tf.Tensor2D };

/**
 * Runs `steps` conjugate-gradient steps on the independent systems A_r x_r = rhs_r of all rows
 * together, warm-started at `x0`, with the spec's guards (α = 0 when pᵀAp ≤ 0, β = 0 when
 * rᵀr = 0) so every row does exactly what the scalar typed-array path does.
 * Returns a new tensor; intermediates of each step are freed as it finishes.
 */
export function batchedConjugateGradient(options: BatchedCgOptions): tf.Tensor2D {
  const { x0, rhs, apply, steps } = options;
  if (steps <= 0) return x0.clone();
  const zeros = tf.zeros([x0.shape[0], 1]) as tf.Tensor2D;
  let state: CgState = tf.tidy(() => {
    const res = tf.sub<tf.Tensor2D>(rhs, apply(x0));
    return { x: x0, res, p: res, rs: tf.sum<tf.Tensor2D>(tf.square(res), 1, true) };
  });
  for (let step = 0; step < steps; step++) {
    const last = step === steps - 1;
    const s = state;
    const next: CgState = tf.tidy(() => {
      const ap = apply(s.p);
      const pAp = tf.sum<tf.Tensor2D>(tf.mul(s.p, ap), 1, true);
      const alpha = tf.where(tf.greater(pAp, 0), tf.div(s.rs, pAp), zeros);
      const x = tf.add<tf.Tensor2D>(s.x, tf.mul(alpha, s.p));
      // The last step only needs x: skip the residual update's dispatches.
      if (last) return { x, res: s.res, p: s.p, rs: s.rs };
      const res = tf.sub<tf.Tensor2D>(s.res, tf.mul(alpha, ap));
      const rsNew = tf.sum<tf.Tensor2D>(tf.square(res), 1, true);
      const beta = tf.where(tf.greater(s.rs, 0), tf.div(rsNew, s.rs), zeros);
      return { x, res, p: tf.add<tf.Tensor2D>(res, tf.mul(beta, s.p)), rs: rsNew };
    });
    if (s.x !== x0) s.x.dispose();
    if (!last) tf.dispose([s.res, s.p, s.rs]);
    state = next;
  }
  tf.dispose([state.res, state.p, state.rs, zeros]);
  return state.x;
}
