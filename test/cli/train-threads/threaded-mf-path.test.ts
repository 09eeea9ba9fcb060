import { describe, expect, it } from 'vitest';
import { relativeDiff as maxRelativeDiff } from '../../fixtures/relative-diff';
import type { MfTrainOptions } from '../../../src/core/models/mf/mf-trainer';
import { DEFAULT_MF_OPTIONS, trainTypedMf } from '../../../src/core/models/mf/train-typed';
import { BackendError } from '../../../src/core/errors';
import { createThreadExecutor } from '../../../src/cli/train-threads/thread-executor';
import { createThreadedMfPath } from '../../../src/cli/train-threads/threaded-mf-path';
import { plantedMatrix } from '../../fixtures/synthetic';

const OPTIONS: MfTrainOptions = { ...DEFAULT_MF_OPTIONS, factors: 16, epochs: 3, seed: 4 };

describe('createThreadedMfPath', () => {
  const matrix = plantedMatrix({ users: 300, items: 150, seed: 8 });

  it('trains on worker threads to the one-thread result (up to float round-off)', async () => {
    const single = await trainTypedMf(matrix, OPTIONS);
    const path = createThreadedMfPath({ threads: 2, minPairs: 0 });
    try {
      const first = await path.train(matrix, OPTIONS);
      // The same threads serve a second run.
      const second = await path.train(matrix, { ...OPTIONS, seed: 6 });
      expect(first.computePath).toBe('typed');
      expect(maxRelativeDiff(first.model.itemFactors, single.model.itemFactors)).toBeLessThan(1e-4);
      expect(maxRelativeDiff(first.userFactors, single.userFactors)).toBeLessThan(1e-4);
      const other = await trainTypedMf(matrix, { ...OPTIONS, seed: 6 });
      expect(maxRelativeDiff(second.model.itemFactors, other.model.itemFactors)).toBeLessThan(1e-4);
    } finally {
      path.dispose();
    }
  });

  it('trains small matrices in this thread', async () => {
    const path = createThreadedMfPath({ threads: 2 });
    const single = await trainTypedMf(matrix, OPTIONS);
    const result = await path.train(matrix, OPTIONS);
    path.dispose();
    expect(result.model.itemFactors).toEqual(single.model.itemFactors);
  });
});

describe('createThreadExecutor', () => {
  it('turns a thread failure into a BackendError that says how to train without threads', async () => {
    const executor = createThreadExecutor({ threads: 2 });
    try {
      const run = executor.run('users');
      await expect(run).rejects.toBeInstanceOf(BackendError);
      await expect(run).rejects.toThrow(/--threads 1/);
      // A failed executor refuses further phases instead of hanging.
      await expect(executor.run('items')).rejects.toBeInstanceOf(BackendError);
    } finally {
      await executor.close();
    }
  });
});
