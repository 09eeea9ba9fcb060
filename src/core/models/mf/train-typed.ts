import { throwIfAborted } from '../../errors';
import type { CsrMatrix } from '../../data/csr-matrix';
import { transposeCsr } from '../../data/csr-matrix';
import { validateMfOptions } from './validate-mf-options';
import type { MfCheckpoint, MfComputePath, MfTrainOptions, MfTrainResult } from './mf-trainer';
import { confidenceMatrix, recordEpoch, startingState } from './mf-trainer';
import { rowRegularization } from './mf-model';
import { createIalsWorkspace, gramLayout, type IalsWorkspace } from './wasm/ials-workspace';
import { objective, userStepSystem, weightedNormSum, writeScaledGram } from './cg-gram';

/**
 * Default iALS hyper-parameters, chosen on MovieLens-100K splits with seeds 1, 2 and 3 (protocol
 * `random`; seed 42 is the reported split and was not used to choose) — see docs/engine.md.
 */
export const DEFAULT_MF_OPTIONS: Omit<MfTrainOptions, 'signal' | 'onProgress'> = Object.freeze({
  factors: 64,
  regularization: 0.015,
  regularizationExponent: 1,
  unobservedWeight: 0.4,
  userWeightExponent: 0.5,
  biasScale: 0.85,
  initScale: 0.1,
  epochs: 10,
  cgSteps: 3,
  seed: 42,
});

/** Rounds up to a multiple of 8 floats (two SIMD vectors). */
const pad8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Options of {@link trainTypedMf} beyond the shared training options. */
export interface TypedPathOptions {
  /** Use the WebAssembly SIMD kernels when the runtime has them (default true). */
  readonly preferWasm?: boolean;
}

/** Yields to the event loop so progress renders and abort signals are observed. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Trains iALS on the hand-written path: typed arrays in one WebAssembly memory, with the
 * conjugate-gradient row solves in a small SIMD kernel (plain JS where WebAssembly SIMD is
 * missing). The fastest path on CPU-only machines; deterministic for a given seed.
 */
export async function trainTypedMf(
  matrix: CsrMatrix,
  options: MfTrainOptions,
  pathOptions: TypedPathOptions = {},
): Promise<MfTrainResult & { readonly kernel: IalsWorkspace['kernel'] }> {
  validateMfOptions(options, matrix);
  const k = options.factors;
  const m = matrix.rows;
  const n = matrix.cols;
  const sx = pad8(k);
  const sy = pad8(k + 1);
  const a0 = options.unobservedWeight;
  const byUser = confidenceMatrix(matrix, options.userWeightExponent);
  const byItem = transposeCsr(byUser);
  const nnz = byUser.indices.length;
  const ws = createIalsWorkspace(
    {
      'u.indptr': { type: 'i32', length: m + 1 },
      'u.indices': { type: 'i32', length: nnz },
      'u.values': { type: 'f32', length: nnz },
      'i.indptr': { type: 'i32', length: n + 1 },
      'i.indices': { type: 'i32', length: nnz },
      'i.values': { type: 'f32', length: nnz },
      x: { type: 'f32', length: m * sx },
      v: { type: 'f32', length: n * sx },
      bias: { type: 'f32', length: n },
      z: { type: 'f32', length: m * sy },
      y: { type: 'f32', length: n * sy },
      gramUser: { type: 'f32', length: k * sx },
      gramItem: { type: 'f32', length: (k + 1) * sy },
      rhsUser: { type: 'f32', length: sx },
      rhsItem: { type: 'f32', length: sy },
      regsUser: { type: 'f32', length: m },
      regsItem: { type: 'f32', length: n },
      scratch: { type: 'f32', length: 3 * sy },
      ...gramLayout(k + 1, sy),
    },
    pathOptions.preferWasm ?? true,
  );
  ws.i32('u.indptr').set(byUser.indptr);
  ws.i32('u.indices').set(byUser.indices);
  ws.f32('u.values').set(byUser.values);
  ws.i32('i.indptr').set(byItem.indptr);
  ws.i32('i.indices').set(byItem.indices);
  ws.f32('i.values').set(byItem.values);
  const x = ws.f32('x');
  const v = ws.f32('v');
  const bias = ws.f32('bias');
  const z = ws.f32('z');
  const y = ws.f32('y');
  const regsUser = ws.f32('regsUser');
  const regsItem = ws.f32('regsItem');
  const itemCounts = new Int32Array(n);
  for (let u = 0; u < m; u++)
    regsUser[u] = rowRegularization(options, byUser.indptr[u + 1]! - byUser.indptr[u]!, n);
  for (let i = 0; i < n; i++) {
    itemCounts[i] = byItem.indptr[i + 1]! - byItem.indptr[i]!;
    regsItem[i] = rowRegularization(options, itemCounts[i]!, m);
  }
  const init = startingState(m, n, options);
  for (let u = 0; u < m; u++) x.set(init.userFactors.subarray(u * k, u * k + k), u * sx);
  for (let i = 0; i < n; i++) {
    const row = init.itemFactors.subarray(i * k, i * k + k);
    v.set(row, i * sx);
    y.set(row, i * sy);
    y[i * sy + k] = init.itemBias[i]!;
    bias[i] = init.itemBias[i]!;
  }
  const lossHistory: number[] = [...init.lossHistory];
  const epochMs: number[] = [];
  const started = performance.now();
  // Item Gram Σ y_i y_iᵀ: computed after each item step and used twice (loss, next user step).
  let gy = ws.gram(y, n, k + 1, sy);
  for (let epoch = init.epoch + 1; epoch <= options.epochs; epoch++) {
    throwIfAborted(options.signal);
    const t0 = performance.now();
    // User step against V with targets 1 − b_i and the bias moved to the right-hand side.
    const gramUser = ws.f32('gramUser');
    const rhsUser = ws.f32('rhsUser');
    userStepSystem(gy, k, sx, a0, gramUser, rhsUser);
    ws.solve({
      x,
      rows: m,
      indptr: ws.i32('u.indptr'),
      indices: ws.i32('u.indices'),
      values: ws.f32('u.values'),
      w: v,
      gram: gramUser,
      dim: k,
      stride: sx,
      rhs0: rhsUser,
      targetOffset: bias,
      regs: regsUser,
      steps: options.cgSteps,
    });
    // Item step: solve [v_i, b_i] against users augmented with a constant 1.
    for (let u = 0; u < m; u++) {
      z.set(x.subarray(u * sx, u * sx + k), u * sy);
      z[u * sy + k] = 1;
    }
    const gz = ws.gram(z, m, k + 1, sy);
    writeScaledGram(gz, k + 1, sy, a0, ws.f32('gramItem'));
    const observed = ws.solve({
      x: y,
      rows: n,
      indptr: ws.i32('i.indptr'),
      indices: ws.i32('i.indices'),
      values: ws.f32('i.values'),
      w: z,
      gram: ws.f32('gramItem'),
      dim: k + 1,
      stride: sy,
      rhs0: ws.f32('rhsItem'),
      targetOffset: null,
      regs: regsItem,
      steps: options.cgSteps,
      observedLoss: true,
    });
    for (let i = 0; i < n; i++) {
      v.set(y.subarray(i * sy, i * sy + k), i * sx);
      bias[i] = y[i * sy + k]!;
    }
    gy = ws.gram(y, n, k + 1, sy);
    const reg = weightedNormSum(x, m, k, sx, regsUser) + weightedNormSum(y, n, k + 1, sy, regsItem);
    const loss = objective(observed, reg, a0, gz, gy, k + 1, nnz);
    recordEpoch({
      options,
      epoch,
      firstEpoch: init.epoch,
      loss,
      epochStart: t0,
      runStart: started,
      lossHistory,
      epochMs,
    });
    if (options.onCheckpoint) {
      await options.onCheckpoint(snapshot(epoch, x, v, bias, m, n, k, sx, lossHistory));
    }
    if (options.onProgress || options.signal) await yieldToEventLoop();
  }
  throwIfAborted(options.signal);
  const itemFactors = new Float32Array(n * k);
  for (let i = 0; i < n; i++) itemFactors.set(v.subarray(i * sx, i * sx + k), i * k);
  const userFactors = new Float32Array(m * k);
  for (let u = 0; u < m; u++) userFactors.set(x.subarray(u * sx, u * sx + k), u * k);
  return {
    model: {
      kind: 'mf',
      numItems: n,
      factors: k,
      regularization: options.regularization,
      regularizationExponent: options.regularizationExponent,
      unobservedWeight: options.unobservedWeight,
      userWeightExponent: options.userWeightExponent,
      biasScale: options.biasScale,
      initScale: options.initScale,
      itemFactors,
      itemBias: bias.slice(),
      userWeightNorm: byUser.userWeightNorm,
    },
    userFactors,
    numUsers: m,
    lossHistory,
    epochMs,
    computePath: 'typed',
    kernel: ws.kernel,
  };
}

/** Copies the padded workspace state into a dense checkpoint. */
function snapshot(
  epoch: number,
  x: Float32Array,
  v: Float32Array,
  bias: Float32Array,
  m: number,
  n: number,
  k: number,
  sx: number,
  lossHistory: readonly number[],
): MfCheckpoint {
  const userFactors = new Float32Array(m * k);
  for (let u = 0; u < m; u++) userFactors.set(x.subarray(u * sx, u * sx + k), u * k);
  const itemFactors = new Float32Array(n * k);
  for (let i = 0; i < n; i++) itemFactors.set(v.subarray(i * sx, i * sx + k), i * k);
  return { epoch, userFactors, itemFactors, itemBias: bias.slice(), lossHistory: [...lossHistory] };
}

/** The typed compute path as an {@link MfComputePath}. */
export function createTypedMfPath(options: TypedPathOptions = {}): MfComputePath {
  return {
    name: 'typed',
    train: (matrix, trainOptions) => trainTypedMf(matrix, trainOptions, options),
    dispose: () => {},
  };
}
