import * as tf from '@tensorflow/tfjs-core';
import { BackendError, HearthError, throwIfAborted } from '../../../errors';
import type { CsrMatrix } from '../../../data/csr-matrix';
import { transposeCsr } from '../../../data/csr-matrix';
import { rowRegularization } from '../mf-model';
import type { MfTrainOptions, MfTrainResult } from '../mf-trainer';
import { confidenceMatrix, initialFactors } from '../mf-trainer';
import { batchedConjugateGradient } from './batched-cg';
import type { ObservedSide } from './observed-terms';
import { createDenseObservedSide, createSparseObservedSide, denseWeights } from './observed-terms';
import type { TfjsBackendName } from './tfjs-backends';
import { rowGatherKernel } from './tfjs-backends';

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Per-row regularization λ_r as a `rows × 1` column. */
function regularizationColumn(m: CsrMatrix, otherSide: number, o: MfTrainOptions): tf.Tensor2D {
  const reg = new Float32Array(m.rows);
  for (let r = 0; r < m.rows; r++)
    reg[r] = rowRegularization(o, m.indptr[r + 1]! - m.indptr[r]!, otherSide);
  return tf.tensor2d(reg, [m.rows, 1]);
}

/** Device-side state of one training run; everything here is disposed when it ends. */
interface TrainState {
  readonly users: ObservedSide;
  readonly items: ObservedSide;
  readonly userReg: tf.Tensor2D;
  readonly itemReg: tf.Tensor2D;
  readonly denseC: tf.Tensor2D | null;
  /** User factors X, `m × k`. */
  x: tf.Tensor2D;
  /** Augmented item factors Y = [V, b], `n × (k+1)`. */
  y: tf.Tensor2D;
  /** YᵀY, reused by the next user step (Y does not change in between). */
  gramY: tf.Tensor2D;
}

/** User step: X ← CG on (α₀ G + Σ c v vᵀ + λ_u I) x_u = Σ c (1 − b_i) v_i − α₀ h. */
function userStep(s: TrainState, o: MfTrainOptions): tf.Tensor2D {
  const k = o.factors;
  return tf.tidy(() => {
    const n = s.y.shape[0];
    const v = tf.slice(s.y, [0, 0], [n, k]);
    const b = tf.slice(s.y, [0, k], [n, 1]);
    const gram = tf.mul(tf.slice(s.gramY, [0, 0], [k, k]), o.unobservedWeight);
    const h = tf.mul(tf.reshape(tf.slice(s.gramY, [0, k], [k, 1]), [1, k]), o.unobservedWeight);
    const term = s.users.bind(v);
    const rhs = tf.sub<tf.Tensor2D>(term.weightedSum(tf.sub<tf.Tensor2D>(1, b)), h);
    const x = batchedConjugateGradient({
      x0: s.x,
      rhs,
      steps: o.cgSteps,
      apply: (p) =>
        tf.tidy(() =>
          tf.add<tf.Tensor2D>(tf.add(tf.matMul(p, gram), tf.mul(s.userReg, p)), term.apply(p)),
        ),
    });
    term.dispose();
    return x;
  });
}

/** Item step on augmented users z_u = [x_u, 1]: returns the new Y and ZᵀZ (kept for the loss). */
function itemStep(s: TrainState, o: MfTrainOptions): { y: tf.Tensor2D; gramZ: tf.Tensor2D } {
  return tf.tidy(() => {
    const m = s.x.shape[0];
    const z = tf.concat([s.x, tf.ones<tf.Rank.R2>([m, 1])], 1);
    const gramZ = tf.matMul<tf.Tensor2D>(z, z, true, false);
    const gram = tf.mul(gramZ, o.unobservedWeight);
    const term = s.items.bind(z);
    const rhs = term.weightedSum(null);
    const y = batchedConjugateGradient({
      x0: s.y,
      rhs,
      steps: o.cgSteps,
      apply: (p) =>
        tf.tidy(() =>
          tf.add<tf.Tensor2D>(tf.add(tf.matMul(p, gram), tf.mul(s.itemReg, p)), term.apply(p)),
        ),
    });
    term.dispose();
    return { y, gramZ };
  });
}

/** The spec's objective divided by nnz, as a scalar still on the device. */
function objective(
  s: TrainState,
  gramZ: tf.Tensor2D,
  o: MfTrainOptions,
  storedEntries: number,
): tf.Scalar {
  const k = o.factors;
  return tf.tidy(() => {
    const n = s.y.shape[0];
    const observed = s.users.squaredError(
      s.x,
      tf.slice(s.y, [0, 0], [n, k]),
      tf.slice(s.y, [0, k], [n, 1]),
    );
    const unobserved = tf.mul(tf.sum(tf.mul(gramZ, s.gramY)), o.unobservedWeight);
    const userReg = tf.sum(tf.mul(s.userReg, tf.sum(tf.square(s.x), 1, true)));
    const itemReg = tf.sum(tf.mul(s.itemReg, tf.sum(tf.square(s.y), 1, true)));
    return tf.div(tf.addN([observed, unobserved, userReg, itemReg]), storedEntries) as tf.Scalar;
  });
}

async function readFloats(t: tf.Tensor): Promise<Float32Array> {
  const data = await t.data();
  return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
}

/** Re-throws Hearth errors; wraps anything else (a kernel failure) as `BACKEND_FAILED`. */
function asTrainingError(error: unknown, backend: TfjsBackendName): HearthError {
  if (error instanceof HearthError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BackendError(
    'BACKEND_FAILED',
    `Training on the TF.js "${backend}" backend failed: ${message}. ` +
      'Try another compute path (e.g. "typed").',
  );
}

/**
 * Runs the spec's iALS-CG on the active TF.js backend: both half-steps batched over all rows, one
 * read-back per epoch (the loss) and one at the end. Every tensor made here is freed before it
 * returns or throws; a non-Hearth failure is re-thrown as `BackendError` `BACKEND_FAILED`.
 */
export async function trainOnDevice(
  backend: TfjsBackendName,
  formulation: 'sparse' | 'dense',
  maxChunkEntries: number,
  matrix: CsrMatrix,
  o: MfTrainOptions,
): Promise<MfTrainResult> {
  const k = o.factors;
  const m = matrix.rows;
  const n = matrix.cols;
  const storedEntries = matrix.indices.length;
  const byUser = confidenceMatrix(matrix, o.userWeightExponent);
  const byItem = transposeCsr(byUser);
  const init = initialFactors(m, n, o);
  const yInit = new Float32Array(n * (k + 1));
  for (let i = 0; i < n; i++) yInit.set(init.itemFactors.subarray(i * k, i * k + k), i * (k + 1));

  const owned: tf.Tensor[] = [];
  const sides: ObservedSide[] = [];
  let state: TrainState | null = null;
  try {
    const denseC = formulation === 'dense' ? denseWeights(byUser) : null;
    if (denseC) owned.push(denseC);
    const gather = rowGatherKernel(backend);
    const users = denseC
      ? createDenseObservedSide(denseC, false)
      : createSparseObservedSide(byUser, maxChunkEntries, gather);
    sides.push(users);
    const items = denseC
      ? createDenseObservedSide(denseC, true)
      : createSparseObservedSide(byItem, maxChunkEntries, gather);
    sides.push(items);
    const y = tf.tensor2d(yInit, [n, k + 1]);
    state = {
      users,
      items,
      userReg: regularizationColumn(byUser, n, o),
      itemReg: regularizationColumn(byItem, m, o),
      denseC,
      x: tf.tensor2d(init.userFactors, [m, k]),
      y,
      gramY: tf.matMul(y, y, true, false),
    };
    const s = state;
    owned.push(s.userReg, s.itemReg);

    const lossHistory: number[] = [];
    const epochMs: number[] = [];
    const started = performance.now();
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      throwIfAborted(o.signal);
      const t0 = performance.now();
      const x = userStep(s, o);
      s.x.dispose();
      s.x = x;
      if (o.signal) {
        // Lets a worker's cancel message run between half-steps (CPU backends compute synchronously).
        await yieldToEventLoop();
        throwIfAborted(o.signal);
      }
      const { y: yNext, gramZ } = itemStep(s, o);
      s.y.dispose();
      s.y = yNext;
      s.gramY.dispose();
      s.gramY = tf.matMul(s.y, s.y, true, false);
      const lossTensor = objective(s, gramZ, o, storedEntries);
      gramZ.dispose();
      // The epoch's only read-back: it also waits for the device to finish the epoch's work.
      const loss = (await readFloats(lossTensor))[0]!;
      lossTensor.dispose();
      lossHistory.push(loss);
      const now = performance.now();
      epochMs.push(now - t0);
      const elapsedMs = now - started;
      o.onProgress?.({
        epoch,
        epochs: o.epochs,
        loss,
        elapsedMs,
        etaMs: (elapsedMs / epoch) * (o.epochs - epoch),
      });
      if (o.onProgress || o.signal) await yieldToEventLoop();
    }
    throwIfAborted(o.signal);
    const userFactors = await readFloats(s.x);
    const yData = await readFloats(s.y);
    const itemFactors = new Float32Array(n * k);
    const itemBias = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      itemFactors.set(yData.subarray(i * (k + 1), i * (k + 1) + k), i * k);
      itemBias[i] = yData[i * (k + 1) + k]!;
    }
    return {
      model: {
        kind: 'mf',
        numItems: n,
        factors: k,
        regularization: o.regularization,
        regularizationExponent: o.regularizationExponent,
        unobservedWeight: o.unobservedWeight,
        userWeightExponent: o.userWeightExponent,
        biasScale: o.biasScale,
        initScale: o.initScale,
        itemFactors,
        itemBias,
        userWeightNorm: byUser.userWeightNorm,
      },
      userFactors,
      numUsers: m,
      lossHistory,
      epochMs,
      computePath: backend,
    };
  } catch (error) {
    throw asTrainingError(error, backend);
  } finally {
    if (state) tf.dispose([state.x, state.y, state.gramY]);
    for (const side of sides) side.dispose();
    tf.dispose(owned);
  }
}
