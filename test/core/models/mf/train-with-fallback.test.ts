import { beforeAll, describe, expect, it } from 'vitest';
import {
  BackendError,
  CancelledError,
  DataError,
  OptionError,
  type SerializedHearthError,
} from '../../../../src/core/errors';
import type {
  ComputePathName,
  MfCheckpoint,
  MfComputePath,
  MfTrainOptions,
  MfTrainResult,
} from '../../../../src/core/models/mf/mf-trainer';
import { createTypedMfPath } from '../../../../src/core/models/mf/train-typed';
import { trainWithFallback } from '../../../../src/core/models/mf/train-with-fallback';
import { createTfjsMfPath } from '../../../../src/core/models/mf/tfjs/tfjs-mf-path';
import { NODE_WASM_PATHS, SMALL_OPTIONS, maxAbsDiff, plantedMatrix } from './tfjs/fixtures';

const matrix = plantedMatrix();
const OPTIONS: MfTrainOptions = { ...SMALL_OPTIONS, epochs: 6 };

/**
 * The typed path under another name that throws `error` when it reaches `failAt` (after that
 * epoch's progress, before its checkpoint), recording where each of its runs started.
 */
function failingPath(
  name: ComputePathName,
  failAt: number,
  error: unknown = new BackendError('BACKEND_FAILED', `simulated failure at epoch ${failAt}`),
): MfComputePath & { readonly starts: number[] } {
  const typed = createTypedMfPath();
  const starts: number[] = [];
  return {
    name,
    starts,
    train(m, o) {
      starts.push(o.resumeFrom?.epoch ?? 0);
      return typed.train(m, {
        ...o,
        onProgress: (p) => {
          if (p.epoch === failAt) throw error;
          o.onProgress?.(p);
        },
      });
    },
    dispose() {},
  };
}

/** A typed path that records the epoch each run starts from. */
function recordingTyped(): MfComputePath & { readonly starts: number[] } {
  const typed = createTypedMfPath();
  const starts: number[] = [];
  return {
    name: 'typed',
    starts,
    train(m, o) {
      starts.push(o.resumeFrom?.epoch ?? 0);
      return typed.train(m, o);
    },
    dispose() {},
  };
}

let reference: MfTrainResult;
beforeAll(async () => {
  reference = await createTypedMfPath().train(matrix, OPTIONS);
});

describe('trainWithFallback', () => {
  it('returns the first path’s result when it succeeds', async () => {
    const result = await trainWithFallback({ matrix, train: OPTIONS, order: [recordingTyped()] });
    expect(result.fallbacks).toEqual([]);
    expect(result.resumedFromEpoch).toBe(0);
    expect(result.computePath).toBe('typed');
    expect(result.userFactors).toEqual(reference.userFactors);
  });

  it('resumes on the next path from the last checkpoint and matches an uninterrupted run', async () => {
    const failing = failingPath('webgpu', 3);
    const next = recordingTyped();
    const seen: number[] = [];
    const fallbacks: [ComputePathName, SerializedHearthError][] = [];
    const result = await trainWithFallback({
      matrix,
      train: { ...OPTIONS, onCheckpoint: (c) => void seen.push(c.epoch) },
      order: [failing, next],
      onFallback: (from, error) => fallbacks.push([from, error]),
    });
    expect(failing.starts).toEqual([0]);
    expect(next.starts).toEqual([2]);
    expect(result.resumedFromEpoch).toBe(2);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(fallbacks).toEqual([
      ['webgpu', { name: 'BackendError', code: 'BACKEND_FAILED', message: expect.any(String) }],
    ]);
    expect(result.fallbacks).toEqual([
      { from: 'webgpu', error: fallbacks[0]![1], lastCheckpointEpoch: 2 },
    ]);
    expect(result.computePath).toBe('typed');
    expect(result.epochMs).toHaveLength(4);
    // The typed path resumes bit-exactly, so the hand-over is invisible in the result.
    expect(result.lossHistory).toEqual(reference.lossHistory);
    expect(result.userFactors).toEqual(reference.userFactors);
    expect(result.model.itemFactors).toEqual(reference.model.itemFactors);
    expect(result.model.itemBias).toEqual(reference.model.itemBias);
  });

  it('continues on TF.js wasm within tolerance of the typed-only run', async () => {
    const wasm = await createTfjsMfPath({ backend: 'wasm', wasmPaths: NODE_WASM_PATHS });
    const result = await trainWithFallback({
      matrix,
      train: OPTIONS,
      order: [failingPath('webgl', 4), wasm],
    });
    expect(result.computePath).toBe('wasm');
    expect(result.resumedFromEpoch).toBe(3);
    // Float32 device math vs the typed path's Float64 accumulators, as in the TF.js path tests.
    const pairs = [
      [result.userFactors, reference.userFactors],
      [result.model.itemFactors, reference.model.itemFactors],
      [result.model.itemBias, reference.model.itemBias],
    ] as const;
    for (const [a, b] of pairs) {
      const scale = Math.max(1, maxAbsDiff(b, new Float32Array(b.length)));
      expect(maxAbsDiff(a, b)).toBeLessThan(5e-4 * scale);
    }
  });

  it('goes through several failing paths, starting over when none checkpointed yet', async () => {
    const first = failingPath('webgpu', 1);
    const second = failingPath('webgl', 5);
    const third = recordingTyped();
    const result = await trainWithFallback({
      matrix,
      train: OPTIONS,
      order: [first, second, third],
    });
    expect([first.starts, second.starts, third.starts]).toEqual([[0], [0], [4]]);
    expect(result.fallbacks.map((f) => [f.from, f.lastCheckpointEpoch])).toEqual([
      ['webgpu', 0],
      ['webgl', 4],
    ]);
    expect(result.userFactors).toEqual(reference.userFactors);
  });

  it('starts the first path from the caller’s resumeFrom', async () => {
    let third: MfCheckpoint | null = null;
    await createTypedMfPath().train(matrix, {
      ...OPTIONS,
      epochs: 3,
      onCheckpoint: (c) => void (third = c),
    });
    const failing = failingPath('wasm', 5);
    const next = recordingTyped();
    const result = await trainWithFallback({
      matrix,
      train: { ...OPTIONS, resumeFrom: third! },
      order: [failing, next],
    });
    expect([failing.starts, next.starts]).toEqual([[3], [4]]);
    expect(result.userFactors).toEqual(reference.userFactors);
  });

  it('treats a raw exception (e.g. a WebAssembly trap) as a backend failure', async () => {
    const result = await trainWithFallback({
      matrix,
      train: OPTIONS,
      order: [
        failingPath('wasm', 2, new RangeError('memory access out of bounds')),
        recordingTyped(),
      ],
    });
    expect(result.fallbacks[0]!.error).toEqual({
      name: 'HearthError',
      code: 'BACKEND_FAILED',
      message: 'memory access out of bounds',
    });
  });

  it.each([
    ['CancelledError', new CancelledError()],
    ['OptionError', new OptionError('bad option')],
    ['DataError', new DataError('NOT_ENOUGH_DATA', 'no data')],
    ['BackendError DISPOSED', new BackendError('DISPOSED', 'disposed')],
  ])('does not retry after %s', async (_, error) => {
    const next = recordingTyped();
    const fallbacks: ComputePathName[] = [];
    const failure: unknown = await trainWithFallback({
      matrix,
      train: OPTIONS,
      order: [failingPath('webgpu', 2, error), next],
      onFallback: (from) => fallbacks.push(from),
    }).catch((e: unknown) => e);
    expect(failure).toBe(error);
    expect(next.starts).toEqual([]);
    expect(fallbacks).toEqual([]);
  });

  it('does not retry when the caller’s checkpoint callback throws', async () => {
    const next = recordingTyped();
    const diskFull = new BackendError('BACKEND_FAILED', 'looks like a backend error, but is ours');
    const failure: unknown = await trainWithFallback({
      matrix,
      train: {
        ...OPTIONS,
        onCheckpoint: (c) => {
          if (c.epoch === 2) throw diskFull;
        },
      },
      order: [recordingTyped(), next],
    }).catch((e: unknown) => e);
    expect(failure).toBe(diskFull);
    expect(next.starts).toEqual([]);
  });

  it('throws BACKEND_FAILED naming every failure when all paths fail', async () => {
    const error: unknown = await trainWithFallback({
      matrix,
      train: OPTIONS,
      order: [failingPath('webgpu', 2), failingPath('wasm', 4)],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: 'BACKEND_FAILED' });
    expect((error as Error).message).toMatch(
      /webgpu: simulated failure at epoch 2.*wasm: simulated failure at epoch 4/,
    );
  });

  it('rejects an empty order', async () => {
    await expect(trainWithFallback({ matrix, train: OPTIONS, order: [] })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
  });
});
