import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BackendError, CancelledError } from '../../../../../src/core/errors';
import type { CsrMatrix } from '../../../../../src/core/data/csr-matrix';
import type {
  MfComputePath,
  MfTrainResult,
  TrainProgress,
} from '../../../../../src/core/models/mf/mf-trainer';
import { createTypedMfPath } from '../../../../../src/core/models/mf/train-typed';
import type { TfjsFormulation } from '../../../../../src/core/models/mf/tfjs/tfjs-mf-path';
import {
  createTfjsMfPath,
  resolveFormulation,
} from '../../../../../src/core/models/mf/tfjs/tfjs-mf-path';
import { NODE_WASM_PATHS, SMALL_OPTIONS, allScores, maxAbsDiff, plantedMatrix } from './fixtures';

const matrix = plantedMatrix();
const weighted = plantedMatrix(120, 90, 3, 11, true);
/** Event weights without per-user scaling, and binary data without it (every c = 1). */
const WEIGHTS_ONLY = { ...SMALL_OPTIONS, userWeightExponent: 0 };
let typedResult: MfTrainResult;
let typedWeighted: MfTrainResult;
let typedUnit: MfTrainResult;

beforeAll(async () => {
  typedResult = await createTypedMfPath().train(matrix, SMALL_OPTIONS);
  typedWeighted = await createTypedMfPath().train(weighted, WEIGHTS_ONLY);
  typedUnit = await createTypedMfPath().train(matrix, WEIGHTS_ONLY);
});

const maxAbs = (a: ArrayLike<number>): number => maxAbsDiff(a, new Float32Array(a.length));

/** Float32 tensors vs the typed path's Float64 accumulators: measured ≤ 1e-4 of the largest value. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(maxAbsDiff(actual, expected)).toBeLessThan(5e-4 * Math.max(1, maxAbs(expected)));
}

function expectAgreement(result: MfTrainResult, reference: MfTrainResult, m: CsrMatrix): void {
  const k = SMALL_OPTIONS.factors;
  expectClose(result.model.itemFactors, reference.model.itemFactors);
  expectClose(result.model.itemBias, reference.model.itemBias);
  expectClose(result.userFactors, reference.userFactors);
  const scores = allScores(
    result.userFactors,
    result.model.itemFactors,
    result.model.itemBias,
    m.rows,
    m.cols,
    k,
  );
  const refScores = allScores(
    reference.userFactors,
    reference.model.itemFactors,
    reference.model.itemBias,
    m.rows,
    m.cols,
    k,
  );
  expectClose(scores, refScores);
  for (let e = 0; e < reference.lossHistory.length; e++) {
    expect(Math.abs(result.lossHistory[e]! - reference.lossHistory[e]!)).toBeLessThan(
      1e-5 * reference.lossHistory[e]!,
    );
  }
}

describe.each(['cpu', 'wasm'] as const)('TF.js %s path', (backend) => {
  let path: MfComputePath;
  beforeAll(async () => {
    path = await createTfjsMfPath({ backend, wasmPaths: NODE_WASM_PATHS });
  });

  it.each(['sparse', 'dense'] as TfjsFormulation[])(
    '%s formulation agrees with the typed path',
    async (formulation) => {
      const p = await createTfjsMfPath({ backend, formulation, wasmPaths: NODE_WASM_PATHS });
      const result = await p.train(matrix, SMALL_OPTIONS);
      expect(result.computePath).toBe(backend);
      expectAgreement(result, typedResult, matrix);
    },
  );

  it('agrees on event-weighted data (both formulations) and on unit weights', async () => {
    for (const formulation of ['sparse', 'dense'] as const) {
      const p = await createTfjsMfPath({ backend, formulation, wasmPaths: NODE_WASM_PATHS });
      expectAgreement(await p.train(weighted, WEIGHTS_ONLY), typedWeighted, weighted);
    }
    const sparse = await createTfjsMfPath({
      backend,
      formulation: 'sparse',
      wasmPaths: NODE_WASM_PATHS,
    });
    expectAgreement(await sparse.train(matrix, WEIGHTS_ONLY), typedUnit, matrix);
  });

  it('gives the same result when rows are processed in chunks', async () => {
    const chunked = await createTfjsMfPath({
      backend,
      formulation: 'sparse',
      maxChunkEntries: 500,
      wasmPaths: NODE_WASM_PATHS,
    });
    expectAgreement(await chunked.train(matrix, SMALL_OPTIONS), typedResult, matrix);
  });

  it('lowers the loss, reports progress and returns an MF model', async () => {
    const events: TrainProgress[] = [];
    const result = await path.train(matrix, {
      ...SMALL_OPTIONS,
      onProgress: (p) => events.push(p),
    });
    expect(result.lossHistory[result.lossHistory.length - 1]!).toBeLessThan(result.lossHistory[0]!);
    expect(events.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(events.every((e) => e.epochs === 5 && e.elapsedMs >= 0 && e.etaMs >= 0)).toBe(true);
    expect(events[4]!.etaMs).toBe(0);
    expect(events.map((e) => e.loss)).toEqual(result.lossHistory);
    expect(result.epochMs).toHaveLength(5);
    expect(result.model).toMatchObject({
      kind: 'mf',
      numItems: matrix.cols,
      factors: SMALL_OPTIONS.factors,
      regularization: SMALL_OPTIONS.regularization,
      regularizationExponent: SMALL_OPTIONS.regularizationExponent,
      unobservedWeight: SMALL_OPTIONS.unobservedWeight,
      userWeightExponent: SMALL_OPTIONS.userWeightExponent,
      biasScale: SMALL_OPTIONS.biasScale,
      initScale: SMALL_OPTIONS.initScale,
    });
    expect(result.model.userWeightNorm).toBeCloseTo(typedResult.model.userWeightNorm, 6);
    expect(result.model.userWeightNorm).not.toBe(1);
    expect(result.numUsers).toBe(matrix.rows);
    expect(result.userFactors).toHaveLength(matrix.rows * SMALL_OPTIONS.factors);
  });

  it('frees every tensor it creates, also when cancelled', async () => {
    await path.train(matrix, { ...SMALL_OPTIONS, epochs: 1 });
    const before = tf.memory().numTensors;
    await path.train(matrix, SMALL_OPTIONS);
    expect(tf.memory().numTensors).toBe(before);
    const controller = new AbortController();
    await expect(
      path.train(matrix, {
        ...SMALL_OPTIONS,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.epoch === 2) controller.abort();
        },
      }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('cancels between half-steps without finishing the epoch', async () => {
    // A signal that turns aborted at its second read: epoch 1 start, then between half-steps.
    let reads = 0;
    const signal = {
      get aborted() {
        return ++reads >= 2;
      },
    } as AbortSignal;
    const events: TrainProgress[] = [];
    const before = tf.memory().numTensors;
    const run = path.train(matrix, { ...SMALL_OPTIONS, signal, onProgress: (p) => events.push(p) });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(reads).toBe(2);
    expect(events).toHaveLength(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a matrix whose column indices are out of range', async () => {
    const broken: CsrMatrix = {
      ...matrix,
      indices: matrix.indices.map((c, e) => (e === 5 ? matrix.cols + 3 : c)),
    };
    await expect(path.train(broken, SMALL_OPTIONS)).rejects.toMatchObject({ code: 'INVALID_ROW' });
  });

  it('wraps a kernel failure mid-training as BACKEND_FAILED with the original message', async () => {
    const original = tf.getKernel('BatchMatMul', backend)!;
    let calls = 0;
    tf.unregisterKernel('BatchMatMul', backend);
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        if (++calls > 12) throw new Error('simulated device loss');
        return original.kernelFunc(args);
      },
    });
    try {
      const before = tf.memory().numTensors;
      const error: unknown = await path.train(matrix, SMALL_OPTIONS).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect(error).toMatchObject({ code: 'BACKEND_FAILED' });
      expect((error as Error).message).toMatch(
        new RegExp(`"${backend}" backend failed: simulated device loss`),
      );
      expect(calls).toBeGreaterThan(12);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      tf.unregisterKernel('BatchMatMul', backend);
      tf.registerKernel(original);
    }
  });

  it('refuses to train after dispose', async () => {
    const p = await createTfjsMfPath({ backend, wasmPaths: NODE_WASM_PATHS });
    p.dispose();
    await expect(p.train(matrix, SMALL_OPTIONS)).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('validates options like every path', async () => {
    await expect(path.train(matrix, { ...SMALL_OPTIONS, cgSteps: 0 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
  });
});

describe('TF.js paths without their backend', () => {
  it('throws BACKEND_UNAVAILABLE for WebGPU without navigator.gpu', async () => {
    const error: unknown = await createTfjsMfPath({ backend: 'webgpu' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    expect((error as Error).message).toMatch(/navigator\.gpu/);
  });

  it('throws BACKEND_UNAVAILABLE for WebGL outside a browser', async () => {
    const error: unknown = await createTfjsMfPath({ backend: 'webgl' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    expect((error as Error).message).toMatch(/WebGL2/);
  });
});

describe('resolveFormulation', () => {
  it('always uses dense on WebGL, whose scatter is quadratic', () => {
    expect(resolveFormulation('webgl', 'auto', 1000, 2000, 100)).toBe('dense');
    expect(resolveFormulation('webgl', 'auto', 100_000, 50_000, 1e6)).toBe('dense');
  });

  it('uses dense on WebGPU only for small, dense-enough matrices; sparse on CPU backends', () => {
    expect(resolveFormulation('webgpu', 'auto', 943, 1682, 100_000)).toBe('dense');
    expect(resolveFormulation('webgpu', 'auto', 1000, 1000, 1000)).toBe('sparse');
    expect(resolveFormulation('webgpu', 'auto', 100_000, 50_000, 1e8)).toBe('sparse');
    expect(resolveFormulation('wasm', 'auto', 943, 1682, 100_000)).toBe('sparse');
    expect(resolveFormulation('cpu', 'dense', 943, 1682, 100_000)).toBe('dense');
  });

  it('refuses a dense formulation too large to allocate', async () => {
    const path = await createTfjsMfPath({ backend: 'cpu', formulation: 'dense' });
    const huge: CsrMatrix = {
      rows: 20_000,
      cols: 10_000,
      indptr: new Int32Array(20_001).fill(1, 1),
      indices: Int32Array.of(0),
      values: Float32Array.of(1),
    };
    await expect(path.train(huge, SMALL_OPTIONS)).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
    });
  });
});
