import { describe, expect, it } from 'vitest';
import { CancelledError, OptionError } from '../../../src/core/errors';
import type { EvaluationModel } from '../../../src/core/eval/run-evaluation';
import { runEvaluation } from '../../../src/core/eval/run-evaluation';
import { splitInteractions } from '../../../src/core/eval/split';
import type { TrainProgress } from '../../../src/core/models/mf/mf-trainer';
import { plantedDataset } from '../../fixtures/synthetic';

const dataset = plantedDataset({ users: 120, items: 80, seed: 21 });
const MF = { factors: 8, epochs: 6 };

describe('runEvaluation', () => {
  it('reports the split, training time and metrics of MF', async () => {
    const progress: TrainProgress[] = [];
    const report = await runEvaluation({
      dataset,
      model: 'mf',
      protocol: 'random',
      seed: 7,
      ks: [10, 20],
      mf: MF,
      onProgress: (p) => progress.push(p),
    });
    const split = splitInteractions(dataset, { protocol: 'random', seed: 7 });
    expect(report).toMatchObject({
      model: 'mf',
      protocol: 'random',
      seed: 7,
      users: 120,
      items: 80,
      evaluatedUsers: split.evaluatedUsers,
      computePath: 'typed',
      epochs: 6,
    });
    expect(report.trainMs).toBeGreaterThan(0);
    expect(report.epochMs).toBeGreaterThan(0);
    expect(progress.map((p) => p.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const key of ['recall@10', 'ndcg@10', 'hr@10', 'recall@20', 'ndcg@20', 'coverage@10']) {
      const value = report.metrics[key];
      expect(value, key).toBeGreaterThanOrEqual(0);
      expect(value, key).toBeLessThanOrEqual(1);
    }
  });

  it('ranks planted clusters: pop < itemknn and pop < mf on NDCG@10', async () => {
    const ndcg: Record<string, number> = {};
    for (const model of ['pop', 'itemknn', 'mf'] as const) {
      const report = await runEvaluation({
        dataset,
        model,
        protocol: 'random',
        seed: 3,
        ks: [10],
        mf: MF,
      });
      expect(report.model).toBe(model);
      if (model !== 'mf') expect(report.computePath).toBeUndefined();
      ndcg[model] = report.metrics['ndcg@10']!;
    }
    expect(ndcg['itemknn']!).toBeGreaterThan(ndcg['pop']! + 0.1);
    expect(ndcg['mf']!).toBeGreaterThan(ndcg['pop']! + 0.1);
  });

  it('is deterministic for a seed', async () => {
    const run = (): ReturnType<typeof runEvaluation> =>
      runEvaluation({ dataset, model: 'mf', protocol: 'last', seed: 5, ks: [10], mf: MF });
    const [a, b] = [await run(), await run()];
    expect(a.metrics).toEqual(b.metrics);
  });

  it('rejects an unknown model', async () => {
    await expect(
      runEvaluation({
        dataset,
        model: 'svd' as unknown as EvaluationModel,
        protocol: 'random',
        seed: 1,
        ks: [10],
      }),
    ).rejects.toThrow(OptionError);
  });

  it('cancels MF training through the signal', async () => {
    const controller = new AbortController();
    await expect(
      runEvaluation({
        dataset,
        model: 'mf',
        protocol: 'random',
        seed: 1,
        ks: [10],
        mf: { ...MF, epochs: 50 },
        signal: controller.signal,
        onProgress: (p) => {
          if (p.epoch === 2) controller.abort();
        },
      }),
    ).rejects.toThrow(CancelledError);
  });
});
