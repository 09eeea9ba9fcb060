import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cooccurrenceSettingsFor } from '../../src/federated/private-cooccurrence';
import { describe, expect, it } from 'vitest';
import { parseInteractions } from '../../src/core/data/parse';
import { evaluateScorer } from '../../src/core/eval/evaluate';
import { splitInteractions, type Split } from '../../src/core/eval/split';
import { fitPopularity } from '../../src/core/models/popularity';
import { runCooccurrenceSimulation } from '../../src/federated/cooccurrence-simulation';
import { createFoldInScorer } from '../../src/federated/fold-in-scorer';
import { DEFAULT_PAIR_UPLOAD_BUDGET } from '../../src/federated/round-plan';
import type { MfModel } from '../../src/core/models/mf/mf-model';
import { ML100K_DIR } from '../core/models/content/ml100k-fixture';
import { plantedDataset } from '../fixtures/synthetic';

const ndcg = (model: MfModel, split: Split): number =>
  evaluateScorer(createFoldInScorer(model, split.train), split, { ks: [10], auc: false })[
    'ndcg@10'
  ]!;
const popularityNdcg = (split: Split): number =>
  evaluateScorer(fitPopularity(split.train), split, { ks: [10], auc: false })['ndcg@10']!;

describe('runCooccurrenceSimulation', () => {
  const dataset = plantedDataset({ users: 300, items: 60, pIn: 0.35, pOut: 0.03, seed: 5 });
  const split = splitInteractions(dataset, { protocol: 'random', seed: 42 });

  it('without noise learns the planted clusters (well above popularity)', () => {
    const r = runCooccurrenceSimulation({ train: split.train, seed: 1, headSize: 60, factors: 8 });
    expect(r.epsilon).toBe(Infinity);
    expect(r.noiseMultiplier).toEqual({ popularity: 0, pairs: 0 });
    expect(ndcg(r.model, split)).toBeGreaterThan(popularityNdcg(split) + 0.15);
  });

  it('with DP spends exactly the target ε and uploads within the budget', () => {
    const r = runCooccurrenceSimulation({
      train: split.train,
      seed: 1,
      headSize: 60,
      factors: 8,
      privacy: { epsilon: 8 },
    });
    expect(r.epsilon).toBeLessThanOrEqual(8);
    expect(r.epsilon).toBeGreaterThan(7.9);
    // Unset settings come from the DP settings rule for this many clients and ε.
    const rule = cooccurrenceSettingsFor({ users: r.clients, epsilon: 8 });
    expect(r.noiseMultiplier.popularity).toBeCloseTo(
      rule.popularityNoiseRatio * r.noiseMultiplier.pairs,
      10,
    );
    expect(r.uploadBytes.pairs).toBe((2 * (60 * 61)) / 2 + 320);
    expect(r.head.length).toBe(60);
    // Deterministic for a seed.
    const again = runCooccurrenceSimulation({
      train: split.train,
      seed: 1,
      headSize: 60,
      factors: 8,
      privacy: { epsilon: 8 },
    });
    expect(Array.from(again.model.itemFactors)).toEqual(Array.from(r.model.itemFactors));
  });

  it('refuses a head that does not fit the pair upload budget', () => {
    expect(() =>
      runCooccurrenceSimulation({
        train: split.train,
        seed: 1,
        headSize: 60,
        pairUploadBudget: 2000,
      }),
    ).toThrow(/head size/);
  });
});

const path = ML100K_DIR === null ? null : resolve(ML100K_DIR, 'u.data');
if (path === null)
  console.warn('ML-100K not found (../shared/data/ml-100k): skipping the DP test.');

describe.skipIf(path === null)('ML-100K, user-level DP at ε = 8', () => {
  it('is far above popularity (measured 0.35 vs 0.21 NDCG@10)', async () => {
    const { dataset } = await parseInteractions(readFileSync(path!, 'utf8'));
    const split = splitInteractions(dataset, { protocol: 'random', seed: 42 });
    const r = runCooccurrenceSimulation({ train: split.train, seed: 42, privacy: { epsilon: 8 } });
    expect(r.uploadBytes.pairs).toBeLessThanOrEqual(DEFAULT_PAIR_UPLOAD_BUDGET);
    expect(ndcg(r.model, split)).toBeGreaterThan(popularityNdcg(split) + 0.1);
  }, 120_000);
});
