import { describe, expect, it } from 'vitest';
import { runEvaluation } from '../../src/core/eval/run-evaluation';
import { eventsToDataset, generateDemoData } from '../../src/core/demo-data';

describe('demo events have learnable structure', () => {
  it('lets matrix factorisation beat popularity clearly', async () => {
    const { events } = generateDemoData({ shoppers: 800 });
    const dataset = eventsToDataset(events);
    const common = { dataset, protocol: 'random', seed: 3, ks: [10] } as const;
    const pop = await runEvaluation({ ...common, model: 'pop' });
    const mf = await runEvaluation({ ...common, model: 'mf', mf: { factors: 32, epochs: 6 } });
    expect(mf.evaluatedUsers).toBeGreaterThan(600);
    expect(mf.metrics['recall@10']!).toBeGreaterThan(3 * pop.metrics['recall@10']!);
    expect(mf.metrics['ndcg@10']!).toBeGreaterThan(3 * pop.metrics['ndcg@10']!);
  });
});
