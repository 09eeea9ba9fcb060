import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type {
  MfCheckpoint,
  MfComputePath,
  MfTrainResult,
  TrainProgress,
} from '../../../../../src/core/models/mf/mf-trainer';
import { createTypedMfPath } from '../../../../../src/core/models/mf/train-typed';
import { createTfjsMfPath } from '../../../../../src/core/models/mf/tfjs/tfjs-mf-path';
import { NODE_WASM_PATHS, SMALL_OPTIONS, maxAbsDiff, plantedMatrix } from './fixtures';

const matrix = plantedMatrix();
const SIX = { ...SMALL_OPTIONS, epochs: 6 };
const THREE = { ...SMALL_OPTIONS, epochs: 3 };

const maxAbs = (a: ArrayLike<number>): number => maxAbsDiff(a, new Float32Array(a.length));

/** Float32 device math vs the typed path's Float64 accumulators (as in tfjs-mf-path.test.ts). */
function expectClose(actual: MfTrainResult, expected: MfTrainResult, tolerance = 5e-4): void {
  const pairs: [Float32Array, Float32Array][] = [
    [actual.model.itemFactors, expected.model.itemFactors],
    [actual.model.itemBias, expected.model.itemBias],
    [actual.userFactors, expected.userFactors],
  ];
  for (const [a, b] of pairs) {
    expect(maxAbsDiff(a, b)).toBeLessThan(tolerance * Math.max(1, maxAbs(b)));
  }
  expect(actual.lossHistory).toHaveLength(expected.lossHistory.length);
  expected.lossHistory.forEach((loss, e) =>
    expect(Math.abs(actual.lossHistory[e]! - loss)).toBeLessThan(1e-5 * loss),
  );
}

/** Trains `epochs` and returns the checkpoint of the last epoch. */
async function checkpointAfter(path: MfComputePath, epochs: number): Promise<MfCheckpoint> {
  let last: MfCheckpoint | null = null;
  await path.train(matrix, { ...SMALL_OPTIONS, epochs, onCheckpoint: (c) => void (last = c) });
  expect(last).not.toBeNull();
  return last!;
}

let typedSix: MfTrainResult;
beforeAll(async () => {
  typedSix = await createTypedMfPath().train(matrix, SIX);
});

describe.each(['cpu', 'wasm'] as const)('TF.js %s path: checkpoints and resume', (backend) => {
  let path: MfComputePath;
  beforeAll(async () => {
    path = await createTfjsMfPath({ backend, wasmPaths: NODE_WASM_PATHS });
  });

  it('checkpoints every epoch with dense copies of the state it returns', async () => {
    const checkpoints: MfCheckpoint[] = [];
    const result = await path.train(matrix, {
      ...THREE,
      onCheckpoint: (c) => void checkpoints.push(c),
    });
    expect(checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3]);
    expect(checkpoints.map((c) => c.lossHistory.length)).toEqual([1, 2, 3]);
    const final = checkpoints[2]!;
    expect(final.lossHistory).toEqual(result.lossHistory);
    expect(final.userFactors).toEqual(result.userFactors);
    expect(final.itemFactors).toEqual(result.model.itemFactors);
    expect(final.itemBias).toEqual(result.model.itemBias);
    expect(final.userFactors).not.toBe(result.userFactors);
    expect(final.userFactors).toHaveLength(matrix.rows * SMALL_OPTIONS.factors);
    expect(final.itemFactors).toHaveLength(matrix.cols * SMALL_OPTIONS.factors);
    // Epoch 1 differs from epoch 3: each checkpoint is a copy, not a view of live storage.
    expect(maxAbsDiff(checkpoints[0]!.userFactors, final.userFactors)).toBeGreaterThan(1e-4);
  });

  it('resumed from epoch 3 to 6 equals an uninterrupted 6-epoch run, bit for bit', async () => {
    const straight = await path.train(matrix, SIX);
    const checkpoint = await checkpointAfter(path, 3);
    const events: TrainProgress[] = [];
    const resumed = await path.train(matrix, {
      ...SIX,
      resumeFrom: checkpoint,
      onProgress: (p) => events.push(p),
    });
    expect(events.map((e) => e.epoch)).toEqual([4, 5, 6]);
    expect(resumed.epochMs).toHaveLength(3);
    expect(resumed.lossHistory).toEqual(straight.lossHistory);
    expect(resumed.userFactors).toEqual(straight.userFactors);
    expect(resumed.model.itemFactors).toEqual(straight.model.itemFactors);
    expect(resumed.model.itemBias).toEqual(straight.model.itemBias);
    expectClose(resumed, typedSix);
  });

  it('takes over from the typed path (typed 3 epochs, then 3 here) and agrees with typed-only', async () => {
    const fromTyped = await checkpointAfter(createTypedMfPath(), 3);
    const resumed = await path.train(matrix, { ...SIX, resumeFrom: fromTyped });
    expect(resumed.computePath).toBe(backend);
    expect(resumed.lossHistory.slice(0, 3)).toEqual(fromTyped.lossHistory);
    expectClose(resumed, typedSix);
  });

  it('hands over to the typed path (3 epochs here, then typed) and agrees with typed-only', async () => {
    const here = await checkpointAfter(path, 3);
    const resumed = await createTypedMfPath().train(matrix, { ...SIX, resumeFrom: here });
    expectClose(resumed, typedSix);
  });

  it('returns the checkpoint state when it already has every epoch', async () => {
    const checkpoint = await checkpointAfter(path, 3);
    const result = await path.train(matrix, { ...THREE, resumeFrom: checkpoint });
    expect(result.epochMs).toEqual([]);
    expect(result.lossHistory).toEqual(checkpoint.lossHistory);
    expect(result.userFactors).toEqual(checkpoint.userFactors);
    expect(result.model.itemBias).toEqual(checkpoint.itemBias);
  });

  it('rejects a checkpoint of another shape with INVALID_OPTION', async () => {
    const checkpoint = await checkpointAfter(path, 1);
    const other = plantedMatrix(150, 150);
    await expect(path.train(other, { ...THREE, resumeFrom: checkpoint })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
  });

  it("re-throws the caller's checkpoint-callback error unchanged and frees its tensors", async () => {
    await path.train(matrix, { ...THREE, epochs: 1 });
    const before = tf.memory().numTensors;
    const failure = new Error('disk full');
    const error: unknown = await path
      .train(matrix, {
        ...THREE,
        onCheckpoint: (c) => {
          if (c.epoch === 2) throw failure;
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBe(failure);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('waits for an asynchronous checkpoint callback before the next epoch', async () => {
    const log: string[] = [];
    await path.train(matrix, {
      ...THREE,
      onProgress: (p) => log.push(`progress ${p.epoch}`),
      onCheckpoint: async (c) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push(`saved ${c.epoch}`);
      },
    });
    expect(log).toEqual([
      'progress 1',
      'saved 1',
      'progress 2',
      'saved 2',
      'progress 3',
      'saved 3',
    ]);
  });
});
