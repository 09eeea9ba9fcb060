import { describe, expect, it } from 'vitest';
import { relativeDiff } from '../../../fixtures/relative-diff';
import { CancelledError } from '../../../../src/core/errors';
import { gramOf } from '../../../../src/core/models/mf/cg-gram';
import {
  createInProcessExecutor,
  trainParallelIals,
} from '../../../../src/core/models/mf/ials-parallel-train';
import {
  partitionRows,
  ROW_COST_IN_PAIRS,
} from '../../../../src/core/models/mf/ials-parallel-state';
import type { MfTrainOptions } from '../../../../src/core/models/mf/mf-trainer';
import { DEFAULT_MF_OPTIONS, trainTypedMf } from '../../../../src/core/models/mf/train-typed';
import { createRng } from '../../../../src/core/random';
import { plantedMatrix } from '../../../fixtures/synthetic';

const OPTIONS: MfTrainOptions = { ...DEFAULT_MF_OPTIONS, factors: 12, epochs: 4, seed: 5 };

describe('trainParallelIals', () => {
  const matrix = plantedMatrix({ users: 90, items: 70, seed: 2 });

  it.each([1, 2, 3, 7])('equals the single-threaded typed path with %i slices', async (slices) => {
    for (const preferWasm of [true, false]) {
      const single = await trainTypedMf(matrix, OPTIONS, { preferWasm });
      const parallel = await trainParallelIals(
        matrix,
        OPTIONS,
        createInProcessExecutor({ slices, preferWasm }),
      );
      expect(relativeDiff(parallel.model.itemFactors, single.model.itemFactors)).toBeLessThan(1e-4);
      expect(relativeDiff(parallel.model.itemBias, single.model.itemBias)).toBeLessThan(1e-4);
      expect(relativeDiff(parallel.userFactors, single.userFactors)).toBeLessThan(1e-4);
      expect(relativeDiff(parallel.lossHistory, single.lossHistory)).toBeLessThan(1e-5);
      expect(parallel.model.userWeightNorm).toBe(single.model.userWeightNorm);
    }
  });

  it('decreases the objective and reports every epoch', async () => {
    const epochs: number[] = [];
    const result = await trainParallelIals(
      matrix,
      { ...OPTIONS, onProgress: (p) => epochs.push(p.epoch) },
      createInProcessExecutor({ slices: 2 }),
    );
    expect(epochs).toEqual([1, 2, 3, 4]);
    expect(result.lossHistory.at(-1)!).toBeLessThan(result.lossHistory[0]!);
  });

  it('resumes from a checkpoint where the uninterrupted run would be', async () => {
    const checkpoints: Parameters<NonNullable<MfTrainOptions['onCheckpoint']>>[0][] = [];
    const full = await trainParallelIals(
      matrix,
      { ...OPTIONS, onCheckpoint: (c) => void checkpoints.push(c) },
      createInProcessExecutor({ slices: 2 }),
    );
    const resumed = await trainParallelIals(
      matrix,
      { ...OPTIONS, resumeFrom: checkpoints[1]! },
      createInProcessExecutor({ slices: 3 }),
    );
    expect(relativeDiff(resumed.model.itemFactors, full.model.itemFactors)).toBeLessThan(1e-4);
  });

  it('stops with a CancelledError when the signal aborts', async () => {
    const controller = new AbortController();
    const run = trainParallelIals(
      matrix,
      { ...OPTIONS, signal: controller.signal, onProgress: () => controller.abort() },
      createInProcessExecutor({ slices: 2 }),
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('partitionRows', () => {
  it('cuts rows into contiguous ranges of about equal work', () => {
    // Row r has r pairs: later rows cost more, so later ranges hold fewer rows.
    const rows = 100;
    const indptr = new Int32Array(rows + 1);
    for (let r = 0; r < rows; r++) indptr[r + 1] = indptr[r]! + r;
    const bounds = partitionRows(indptr, 4, 8);
    expect(bounds[0]).toBe(0);
    expect(bounds[4]).toBe(rows);
    const cost = (a: number, b: number): number => (b - a) * 8 + (indptr[b]! - indptr[a]!);
    const costs = [0, 1, 2, 3].map((t) => cost(bounds[t]!, bounds[t + 1]!));
    const total = cost(0, rows);
    for (const c of costs) expect(Math.abs(c - total / 4)).toBeLessThan(total * 0.05);
    expect(bounds[1]! - bounds[0]!).toBeGreaterThan(bounds[4]! - bounds[3]!);
  });

  it('weighs a row as ROW_COST_IN_PAIRS pairs by default', () => {
    // 40 empty rows, then 10 rows of 40 pairs (work 4·50 + 400 = 600): the first range ends at the
    // first row with 300 before it (row 44: 4·44 + 160); 32.5 per row would end it at row 32.
    const indptr = new Int32Array(51);
    for (let r = 40; r < 50; r++) indptr[r + 1] = indptr[r]! + 40;
    expect(ROW_COST_IN_PAIRS).toBe(4);
    expect(Array.from(partitionRows(indptr, 2))).toEqual([0, 44, 50]);
  });

  it('gives empty ranges when there are more slices than rows', () => {
    const bounds = partitionRows(Int32Array.from([0, 2, 3]), 5, 4);
    expect(bounds[5]).toBe(2);
    for (let t = 0; t < 5; t++) expect(bounds[t + 1]!).toBeGreaterThanOrEqual(bounds[t]!);
  });
});

describe('gramOf', () => {
  it('equals the plain sum of outer products, also from an offset row', () => {
    const rng = createRng(9);
    const rows = 11;
    const dim = 5;
    const stride = 8;
    const w = new Float32Array(rows * stride);
    for (let r = 0; r < rows; r++) for (let a = 0; a < dim; a++) w[r * stride + a] = rng.normal();
    const from = 2;
    const count = 7;
    const gram = gramOf(w, count, dim, stride, from);
    for (let a = 0; a < dim; a++) {
      for (let b = 0; b < dim; b++) {
        let sum = 0;
        for (let r = from; r < from + count; r++) sum += w[r * stride + a]! * w[r * stride + b]!;
        expect(gram[a * dim + b]).toBeCloseTo(sum, 10);
      }
    }
  });
});
