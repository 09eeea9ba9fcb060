import { describe, expect, it } from 'vitest';
import { defaultMfSettings } from '../../../src/core/tune/search-space';
import { blendWins, tuneModel } from '../../../src/core/tune/tune-model';
import type { MixScore } from '../../../src/core/tune/validation-score';
import { plantedMatrix } from '../../fixtures/synthetic';

/** A validation score from per-user values. */
const score = (perUser: number[]): MixScore => ({
  mean: perUser.reduce((a, b) => a + b, 0) / perUser.length,
  perUser: Float64Array.from(perUser),
});

describe('family choice', () => {
  it('takes a blend over a pure neighbour family by mean, over MF only beyond noise', () => {
    // 0.2 on average, very noisy per user.
    const base = Array.from({ length: 200 }, (_, u) => (u % 2 === 0 ? 0.4 : 0));
    const incumbent = score(base);
    // +0.003 on average: three users gain 0.2, the rest are unchanged (within paired noise).
    const blend = score(base.map((v, u) => (u % 70 === 0 ? v + 0.2 : v)));
    expect(blendWins({ family: 'ease', score: incumbent }, blend)).toBe(true);
    expect(blendWins({ family: 'item-knn', score: incumbent }, blend)).toBe(true);
    expect(blendWins({ family: 'mf', score: incumbent }, blend)).toBe(false);
    // Below MIN_GAIN it never wins.
    const tiny = score(base.map((v, u) => (u === 0 ? v + 0.1 : v)));
    expect(blendWins({ family: 'ease', score: incumbent }, tiny)).toBe(false);
    // A gain beyond noise wins over MF too.
    const clear = score(base.map((v) => v + 0.05));
    expect(blendWins({ family: 'mf', score: incumbent }, clear)).toBe(true);
  });

  it('tries MF with a tenth of the regularization first when a neighbour family leads it', async () => {
    const train = plantedMatrix({ users: 80, items: 50, seed: 4 });
    const tried: number[] = [];
    const fast = { factors: 8, epochs: 4 };
    // MF regularized to collapse: the neighbour families lead it beyond noise.
    const start = { ...defaultMfSettings(), ...fast, regularization: 100 };
    const choice = await tuneModel({
      train,
      fixed: { ...fast, confidence: 'binary' },
      start,
      maxTrials: 2,
      budgetMs: 60_000,
      onProgress: (p) => {
        if (p.last) tried.push(p.last.mf.regularization);
      },
    });
    expect(tried).toHaveLength(2);
    expect(tried[0]).toBe(100);
    // Without the jump the second trial is one ×1.5 step (66.7 or 150).
    expect(tried[1]).toBeCloseTo(10, 10);
    expect(choice.mf.regularization).toBeCloseTo(10, 10);
  });

  it('keeps the ×1.5 search when MF leads (nothing to jump from)', async () => {
    const train = plantedMatrix({ users: 80, items: 50, seed: 4 });
    const tried: number[] = [];
    const fast = { factors: 8, epochs: 4 };
    await tuneModel({
      train,
      fixed: { ...fast, confidence: 'binary', family: 'mf' },
      maxTrials: 2,
      budgetMs: 60_000,
      onProgress: (p) => {
        if (p.last) tried.push(p.last.mf.regularization);
      },
    });
    const start = defaultMfSettings().regularization;
    expect(tried[0]).toBe(start);
    expect([start * 1.5, start / 1.5]).toContainEqual(tried[1]);
  });
});
