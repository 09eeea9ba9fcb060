import * as tf from '@tensorflow/tfjs-core';
import { BackendError, CancelledError, HearthError, throwIfAborted } from '../../../errors';
import type { CsrMatrix } from '../../../data/csr-matrix';
import { transposeCsr } from '../../../data/csr-matrix';
import { rowRegularization } from '../mf-model';
import type { MfCheckpoint, MfTrainOptions, MfTrainResult } from '../mf-trainer';
import { confidenceMatrix, startingState } from '../mf-trainer';
import { batchedConjugateGradient } from './batched-cg';
import type { DeviceLossWatch } from './device-loss';
import { watchDeviceLoss } from './device-loss';
import type { ObservedSide } from './observed-terms';
import { createDenseObservedSide, createSparseObservedSide, denseWeights } from './observed-terms';
import type { TfjsBackendName } from './tfjs-backends';
import { resetTfjsBackend, rowGatherKernel } from './tfjs-backends';

/** How long a failed GPU operation waits for the device to report a loss (Chromium: < 1 task). */
const LOSS_REPORT_GRACE_MS = 250;

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

/** Reads a tensor back, failing fast when the device is lost (a lost device may never answer). */
async function readFloats(t: tf.Tensor, watch: DeviceLossWatch): Promise<Float32Array> {
  const data = await watch.guard(t.data());
  return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
}

/** Dense copies of X and of Y = [V, b] split into item factors and biases. */
async function readState(
  s: TrainState,
  k: number,
  watch: DeviceLossWatch,
): Promise<Pick<MfCheckpoint, 'userFactors' | 'itemFactors' | 'itemBias'>> {
  const [xData, yData] = await Promise.all([readFloats(s.x, watch), readFloats(s.y, watch)]);
  // CPU backends hand out their own storage; X is still the next epoch's warm start.
  const userFactors = xData.slice();
  const n = s.y.shape[0];
  const itemFactors = new Float32Array(n * k);
  const itemBias = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    itemFactors.set(yData.subarray(i * (k + 1), i * (k + 1) + k), i * k);
    itemBias[i] = yData[i * (k + 1) + k]!;
  }
  return { userFactors, itemFactors, itemBias };
}

/** Y = [V, b] (`n × (k+1)`) of a starting state. */
function augmentedItems(start: MfCheckpoint, n: number, k: number): Float32Array {
  const y = new Float32Array(n * (k + 1));
  for (let i = 0; i < n; i++) {
    y.set(start.itemFactors.subarray(i * k, i * k + k), i * (k + 1));
    y[i * (k + 1) + k] = start.itemBias[i]!;
  }
  return y;
}

/** Marks errors thrown by the caller's callbacks, which must propagate unchanged. */
class CallbackFailure {
  constructor(readonly error: unknown) {}
}

/** Runs a caller callback; its exception is re-thrown as is, never taken for a backend failure. */
async function callBack(run: () => void | Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    throw new CallbackFailure(error);
  }
}

/**
 * Hearth errors and the caller's callback errors pass through; a lost device gives its loss
 * error; anything else (a kernel failure) becomes `BACKEND_FAILED`.
 */
function asTrainingError(
  error: unknown,
  backend: TfjsBackendName,
  watch: DeviceLossWatch | null,
): unknown {
  if (error instanceof CallbackFailure) return error.error;
  if (error instanceof CancelledError) return error;
  // A kernel or read-back failing because the device went away reports the loss itself.
  if (watch?.failure) return watch.failure;
  if (error instanceof HearthError) return error;
  const message = (error instanceof Error ? error.message : String(error)).replace(/\.+$/, '');
  return new BackendError(
    'BACKEND_FAILED',
    `Training on the TF.js "${backend}" backend failed: ${message}. ` +
      'Try another compute path (e.g. "typed").',
  );
}

/**
 * Runs the spec's iALS-CG on the active TF.js backend: both half-steps batched over all rows, one
 * read-back per epoch (the loss; plus X and Y when `onCheckpoint` is set) and one at the end.
 * Starts from `resumeFrom` when given. Every tensor made here is freed before it returns or
 * throws. A non-Hearth failure, or the loss of the GPU device (checked at every read-back and
 * epoch boundary), is thrown as `BackendError` `BACKEND_FAILED`; after a device loss the backend
 * instance is replaced so the next activation gets a fresh device.
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
  const start = startingState(m, n, o);

  const owned: tf.Tensor[] = [];
  const sides: ObservedSide[] = [];
  let state: TrainState | null = null;
  let watch: DeviceLossWatch | null = null;
  try {
    watch = watchDeviceLoss(backend);
    const w = watch;
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
    const y = tf.tensor2d(augmentedItems(start, n, k), [n, k + 1]);
    state = {
      users,
      items,
      userReg: regularizationColumn(byUser, n, o),
      itemReg: regularizationColumn(byItem, m, o),
      denseC,
      x: tf.tensor2d(start.userFactors, [m, k]),
      y,
      gramY: tf.matMul(y, y, true, false),
    };
    const s = state;
    owned.push(s.userReg, s.itemReg);

    const lossHistory: number[] = [...start.lossHistory];
    const epochMs: number[] = [];
    const started = performance.now();
    for (let epoch = start.epoch + 1; epoch <= o.epochs; epoch++) {
      throwIfAborted(o.signal);
      w.check();
      const t0 = performance.now();
      const x = userStep(s, o);
      s.x.dispose();
      s.x = x;
      if (o.signal) {
        // Lets a worker's cancel message run between half-steps (CPU backends compute synchronously).
        await yieldToEventLoop();
        throwIfAborted(o.signal);
        w.check();
      }
      const { y: yNext, gramZ } = itemStep(s, o);
      s.y.dispose();
      s.y = yNext;
      s.gramY.dispose();
      s.gramY = tf.matMul(s.y, s.y, true, false);
      const lossTensor = objective(s, gramZ, o, storedEntries);
      gramZ.dispose();
      // Reading the loss back also waits for the device to finish the epoch's work.
      let loss: number;
      try {
        loss = (await readFloats(lossTensor, w))[0]!;
      } finally {
        lossTensor.dispose();
      }
      w.check();
      lossHistory.push(loss);
      const now = performance.now();
      epochMs.push(now - t0);
      const elapsedMs = now - started;
      const progress = {
        epoch,
        epochs: o.epochs,
        loss,
        elapsedMs,
        etaMs: (elapsedMs / (epoch - start.epoch)) * (o.epochs - epoch),
      };
      if (o.onProgress) await callBack(() => o.onProgress?.(progress));
      const onCheckpoint = o.onCheckpoint;
      if (onCheckpoint) {
        const checkpoint: MfCheckpoint = {
          epoch,
          ...(await readState(s, k, w)),
          lossHistory: [...lossHistory],
        };
        await callBack(() => onCheckpoint(checkpoint));
      }
      if (o.onProgress || o.signal) await yieldToEventLoop();
    }
    throwIfAborted(o.signal);
    const { userFactors, itemFactors, itemBias } = await readState(s, k, w);
    w.check();
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
    if (watch && !(error instanceof HearthError || error instanceof CallbackFailure)) {
      await watch.settle(LOSS_REPORT_GRACE_MS);
    }
    throw asTrainingError(error, backend, watch);
  } finally {
    if (state) tf.dispose([state.x, state.y, state.gramY]);
    for (const side of sides) side.dispose();
    tf.dispose(owned);
    const lost = Boolean(watch?.failure);
    watch?.dispose();
    if (lost) {
      try {
        resetTfjsBackend(backend);
      } catch {
        // The loss being thrown says more; activating a backend with a lost device resets it too.
      }
    }
  }
}
