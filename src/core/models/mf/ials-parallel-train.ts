import { throwIfAborted } from '../../errors';
import type { CsrMatrix } from '../../data/csr-matrix';
import { transposeCsr } from '../../data/csr-matrix';
import { objective, userStepSystem, writeScaledGram } from './cg-gram';
import {
  allocateParallelState,
  LOSS_TERMS,
  parallelViews,
  partitionRows,
  type IalsParallelDims,
  type IalsParallelInit,
  type IalsParallelViews,
} from './ials-parallel-state';
import { createIalsSliceSolver, type IalsPhase } from './ials-parallel-slice';
import { rowRegularization } from './mf-model';
import type { MfCheckpoint, MfTrainOptions, MfTrainResult } from './mf-trainer';
import { confidenceMatrix, recordEpoch, startingState } from './mf-trainer';
import { validateMfOptions } from './validate-mf-options';
import { wasmKernelsAvailable } from './wasm/ials-workspace';

/**
 * Runs the slices of a parallel iALS run: threads (Node `worker_threads`, Web Workers) or, for
 * tests and single-threaded runtimes, this thread ({@link createInProcessExecutor}).
 */
export interface IalsParallelExecutor {
  /** How many slices each half-step is cut into (usually one per thread). */
  readonly slices: number;
  /** Creates every slice's solver on the shared state (see `createIalsSliceSolver`). */
  start(init: IalsParallelInit): Promise<void>;
  /** Runs one phase on every slice; resolves when all have finished. */
  run(phase: IalsPhase): Promise<void>;
  /** Drops the slices' solvers and their memory (the executor can start again). */
  end(): Promise<void>;
}

/**
 * Runs every slice in this thread, one after the other: the same arithmetic as threads, without
 * their speed. For tests and for runtimes without shared memory.
 */
export function createInProcessExecutor(options: {
  readonly slices: number;
  readonly preferWasm?: boolean;
}): IalsParallelExecutor {
  let solvers: ReturnType<typeof createIalsSliceSolver>[] = [];
  return {
    slices: options.slices,
    start(init) {
      solvers = Array.from({ length: options.slices }, (_, t) =>
        createIalsSliceSolver(init, t, options.preferWasm ?? true),
      );
      return Promise.resolve();
    },
    run(phase) {
      for (const solver of solvers) solver.run(phase);
      return Promise.resolve();
    },
    end() {
      solvers = [];
      return Promise.resolve();
    },
  };
}

/**
 * Trains iALS like the typed path (`trainTypedMf`: the same starting state, conjugate-gradient row
 * solves, objective and result) with each half-step cut into the executor's slices of rows. The
 * slices share the factors; per epoch they run three phases (users, items, objective) and this
 * thread only sums their partial Grams between phases. Results equal the single-threaded path up
 * to float round-off (the Grams are summed per slice).
 */
export async function trainParallelIals(
  matrix: CsrMatrix,
  options: MfTrainOptions,
  executor: IalsParallelExecutor,
): Promise<MfTrainResult> {
  validateMfOptions(options, matrix);
  const k = options.factors;
  const m = matrix.rows;
  const n = matrix.cols;
  const dim = k + 1;
  const a0 = options.unobservedWeight;
  const byUser = confidenceMatrix(matrix, options.userWeightExponent);
  const byItem = transposeCsr(byUser);
  const dims: IalsParallelDims = {
    m,
    n,
    nnz: byUser.indices.length,
    k,
    steps: options.cgSteps,
    slices: executor.slices,
  };
  const buffer = allocateParallelState(dims);
  const s = parallelViews(buffer, dims);
  const init = startingState(m, n, options);
  fillState(s, byUser, byItem, init, options, m, n, k);
  await executor.start({
    buffer,
    dims,
    userBounds: partitionRows(byUser.indptr, executor.slices),
    itemBounds: partitionRows(byItem.indptr, executor.slices),
  });
  try {
    await executor.run('refresh');
    const lossHistory: number[] = [...init.lossHistory];
    const epochMs: number[] = [];
    const started = performance.now();
    // The slices left the Gram parts of the starting item rows.
    let gy = sumParts(s.gramParts, executor.slices, dim);
    for (let epoch = init.epoch + 1; epoch <= options.epochs; epoch++) {
      throwIfAborted(options.signal);
      const t0 = performance.now();
      userStepSystem(gy, k, s.sx, a0, s.gramUser, s.rhsUser);
      await executor.run('users');
      const gz = sumParts(s.gramParts, executor.slices, dim);
      writeScaledGram(gz, dim, s.sy, a0, s.gramItem);
      await executor.run('items');
      gy = sumParts(s.gramParts, executor.slices, dim);
      await executor.run('refresh');
      let observed = 0;
      let reg = 0;
      for (let t = 0; t < executor.slices; t++) {
        observed += s.lossParts[t * LOSS_TERMS]!;
        reg += s.lossParts[t * LOSS_TERMS + 1]! + s.lossParts[t * LOSS_TERMS + 2]!;
      }
      const loss = objective(observed, reg, a0, gz, gy, dim, dims.nnz);
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
        await options.onCheckpoint(checkpointOf(epoch, s, m, n, k, lossHistory));
      }
    }
    throwIfAborted(options.signal);
    const state = checkpointOf(options.epochs, s, m, n, k, lossHistory);
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
        itemFactors: state.itemFactors,
        itemBias: state.itemBias,
        userWeightNorm: byUser.userWeightNorm,
      },
      userFactors: state.userFactors,
      numUsers: m,
      lossHistory,
      epochMs,
      computePath: 'typed',
    };
  } finally {
    await executor.end();
  }
}

/** Which kernel the slices of a parallel run use in this runtime. */
export function parallelKernel(preferWasm = true): 'wasm-simd' | 'js' {
  return preferWasm && wasmKernelsAvailable() ? 'wasm-simd' : 'js';
}

/** Fills the shared state: confidences, regularization and the padded starting factors. */
function fillState(
  s: IalsParallelViews,
  byUser: CsrMatrix,
  byItem: CsrMatrix,
  init: MfCheckpoint,
  options: MfTrainOptions,
  m: number,
  n: number,
  k: number,
): void {
  s.uIndptr.set(byUser.indptr);
  s.uIndices.set(byUser.indices);
  s.uValues.set(byUser.values);
  s.iIndptr.set(byItem.indptr);
  s.iIndices.set(byItem.indices);
  s.iValues.set(byItem.values);
  for (let u = 0; u < m; u++) {
    s.regsUser[u] = rowRegularization(options, byUser.indptr[u + 1]! - byUser.indptr[u]!, n);
    s.x.set(init.userFactors.subarray(u * k, u * k + k), u * s.sx);
  }
  for (let i = 0; i < n; i++) {
    s.regsItem[i] = rowRegularization(options, byItem.indptr[i + 1]! - byItem.indptr[i]!, m);
    s.y.set(init.itemFactors.subarray(i * k, i * k + k), i * s.sy);
    s.y[i * s.sy + k] = init.itemBias[i]!;
  }
}

/** Σ over slices of their partial Grams, in slice order. */
function sumParts(parts: Float64Array, slices: number, dim: number): Float64Array {
  const size = dim * dim;
  const sum = new Float64Array(size);
  for (let t = 0; t < slices; t++) {
    for (let e = 0; e < size; e++) sum[e]! += parts[t * size + e]!;
  }
  return sum;
}

/** Dense copies of the shared factors. */
function checkpointOf(
  epoch: number,
  s: IalsParallelViews,
  m: number,
  n: number,
  k: number,
  lossHistory: readonly number[],
): MfCheckpoint {
  const userFactors = new Float32Array(m * k);
  for (let u = 0; u < m; u++) userFactors.set(s.x.subarray(u * s.sx, u * s.sx + k), u * k);
  const itemFactors = new Float32Array(n * k);
  const itemBias = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    itemFactors.set(s.y.subarray(i * s.sy, i * s.sy + k), i * k);
    itemBias[i] = s.y[i * s.sy + k]!;
  }
  return { epoch, userFactors, itemFactors, itemBias, lossHistory: [...lossHistory] };
}
