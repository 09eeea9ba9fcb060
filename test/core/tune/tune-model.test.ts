import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/core/errors';
import {
  applyConfidence,
  fitConfidence,
  rowWeightsOf,
} from '../../../src/core/tune/confidence-fit';
import { fitPipeline } from '../../../src/core/tune/fit-pipeline';
import { tuneModel } from '../../../src/core/tune/tune-model';
import { EASE_LAMBDA_SHARES, fitNeighbors } from '../../../src/core/tune/neighbor-families';
import type { SparseNeighbors } from '../../../src/core/models/sparse-neighbors';
import type { TuneProgress } from '../../../src/core/tune/tune-types';
import type { MfComputePath } from '../../../src/core/models/mf/mf-trainer';
import { createTypedMfPath } from '../../../src/core/models/mf/train-typed';
import { carveValidationSplit } from '../../../src/core/tune/validation-split';
import { significantlyBetter } from '../../../src/core/tune/validation-score';
import { DEFAULT_EVENT_WEIGHTS } from '../../../src/core/data/types';
import { plantedDataset, plantedMatrix } from '../../fixtures/synthetic';

const FAST = { factors: 8, epochs: 4 } as const;

describe('carveValidationSplit', () => {
  it('holds out a seeded ~20% of each qualifying user from the training matrix only', () => {
    const train = plantedMatrix({ users: 60, items: 40, seed: 3 });
    const a = carveValidationSplit(train, { seed: 1 });
    const b = carveValidationSplit(train, { seed: 1 });
    expect(a.heldOut.indices).toEqual(b.heldOut.indices);
    expect(a.fit.indices.length + a.heldOut.indices.length).toBe(train.indices.length);
    for (let u = 0; u < train.rows; u++) {
      const fit = new Set(a.fit.indices.subarray(a.fit.indptr[u]!, a.fit.indptr[u + 1]!));
      const held = a.heldOut.indices.subarray(a.heldOut.indptr[u]!, a.heldOut.indptr[u + 1]!);
      for (const i of held) expect(fit.has(i)).toBe(false);
      const n = train.indptr[u + 1]! - train.indptr[u]!;
      if (n >= 5) expect(held.length).toBe(Math.max(1, Math.round(0.2 * n)));
    }
    const capped = carveValidationSplit(train, { seed: 1, maxUsers: 10 });
    expect(capped.users.length).toBe(10);
  });
});

describe('confidence transforms', () => {
  it('scale to mean 1, and row weights multiply event weight by a positive value', () => {
    const values = Float32Array.from([1, 1, 2, 1000]);
    for (const kind of ['log', 'linear'] as const) {
      const t = fitConfidence(kind, values);
      const m = applyConfidence(
        {
          rows: 1,
          cols: 4,
          indptr: Int32Array.from([0, 4]),
          indices: Int32Array.from([0, 1, 2, 3]),
          values,
        },
        t,
      );
      expect(m.values.reduce((s, v) => s + v, 0) / 4).toBeCloseTo(1, 5);
    }
    const log = applyConfidence(
      {
        rows: 1,
        cols: 4,
        indptr: Int32Array.from([0, 4]),
        indices: Int32Array.from([0, 1, 2, 3]),
        values,
      },
      fitConfidence('log', values),
    );
    // Log damps a huge play count: far less than 1000× a single play.
    expect(log.values[3]! / log.values[0]!).toBeLessThan(20);
    expect(fitConfidence('binary', values)).toMatchObject({ kind: 'binary', scale: 1 });
    const ds = plantedDataset({ users: 5, items: 5, seed: 1 });
    const weights = rowWeightsOf(ds, { ...DEFAULT_EVENT_WEIGHTS, view: 3 });
    expect([...weights].every((w) => w === 3)).toBe(true);
  });
});

describe('significantlyBetter', () => {
  it('takes a clear paired gain and refuses noise', () => {
    const base = { mean: 0.5, perUser: new Float64Array(200).map((_, i) => (i % 2 ? 0.4 : 0.6)) };
    const clear = { mean: 0.55, perUser: base.perUser.map((v) => v + 0.05) };
    const noise = {
      mean: 0.5005,
      perUser: base.perUser.map((v, i) => v + (i % 3 === 0 ? 0.3 : -0.149)),
    };
    expect(significantlyBetter(clear, base, 0.001)).toBe(true);
    expect(significantlyBetter(noise, base, 0.001)).toBe(false);
    expect(significantlyBetter(base, base, 0)).toBe(false);
  });
});

describe('tuneModel', () => {
  it('scores every family on validation, keeps fixed settings and reports progress', async () => {
    const train = plantedMatrix({ users: 80, items: 50, seed: 7 });
    const progress: TuneProgress[] = [];
    const choice = await tuneModel({
      train,
      fixed: FAST,
      maxTrials: 6,
      onProgress: (p) => progress.push(p),
    });
    expect(choice.tuned).toBe(true);
    expect(choice.mf.factors).toBe(8);
    expect(choice.mf.epochs).toBe(4);
    expect(choice.trials).toBeLessThanOrEqual(6);
    expect(choice.candidates.map((c) => c.family).sort()).toEqual([
      'blend',
      'ease',
      'item-knn',
      'mf',
    ]);
    const best = Math.max(...choice.candidates.map((c) => c.ndcg));
    // The choice is the best candidate, or one within noise of it.
    expect(choice.validationNdcg).toBeGreaterThan(best - 0.1);
    expect(choice.validationNdcg).toBeGreaterThan(0.2);
    expect(progress.at(-1)!.stage).toBe('final');
    expect(progress.some((p) => p.last !== undefined)).toBe(true);
    expect(choice.neighborSource === null).toBe(choice.family === 'mf');
  });

  it('searches EASE λ on validation when EASE is asked for, and records the share it chose', async () => {
    const train = plantedMatrix({ users: 80, items: 50, seed: 4 });
    const choice = await tuneModel({ train, fixed: { ...FAST, family: 'ease' }, budgetMs: 60_000 });
    expect(choice.family).toBe('ease');
    expect(EASE_LAMBDA_SHARES).toContain(choice.easeLambdaShare);
    const fitted = await fitPipeline({ train, fixed: { ...FAST, family: 'ease' } });
    expect(fitted.choice.easeLambdaShare).toBe(choice.easeLambdaShare);
    const lambdaOf = async (share: number): Promise<SparseNeighbors> =>
      fitNeighbors('ease', train, { easeLambdaShare: share });
    // The shipped lists are EASE's at the chosen λ, not at the default.
    expect(fitted.neighbors!.scores).toEqual((await lambdaOf(choice.easeLambdaShare!)).scores);
  });

  it('runs the first MF trial only for the epochs the budget holds (a slow, large catalog)', async () => {
    const train = plantedMatrix({ users: 60, items: 40, seed: 5 });
    const typed = createTypedMfPath();
    const asked: number[] = [];
    // The real path, but every epoch reported as taking 1 s: the budget of 2.5 s holds two.
    const slow: MfComputePath = {
      name: typed.name,
      dispose: () => typed.dispose(),
      async train(matrix, options) {
        asked.push(options.epochs);
        const result = await typed.train(matrix, options);
        return { ...result, epochMs: result.epochMs.map(() => 1000) };
      },
    };
    const choice = await tuneModel({
      train,
      fixed: { factors: 8, epochs: 12, family: 'mf' },
      computePath: slow,
      budgetMs: 2500,
    });
    expect(asked[0]).toBe(1);
    expect(asked[1]).toBeLessThanOrEqual(2);
    expect(asked).toHaveLength(2);
    // The trial only scores the settings: the final fit still gets their epochs.
    expect(choice.mf.epochs).toBe(12);
  });

  it('can be restricted to one family and aborted', async () => {
    const train = plantedMatrix({ users: 60, items: 40, seed: 2 });
    const mfOnly = await tuneModel({ train, fixed: { ...FAST, family: 'mf' }, maxTrials: 3 });
    expect(mfOnly.family).toBe('mf');
    expect(mfOnly.candidates.map((c) => c.family)).toEqual(['mf']);
    const controller = new AbortController();
    controller.abort();
    await expect(
      tuneModel({ train, fixed: FAST, signal: controller.signal }),
    ).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('fitPipeline', () => {
  it('untuned keeps the fixed defaults; tuned scores training users like the shipped model', async () => {
    const train = plantedMatrix({ users: 60, items: 40, seed: 5 });
    const fixed = await fitPipeline({ train, tune: false, fixed: FAST });
    expect(fixed.choice).toMatchObject({ tuned: false, family: 'mf', confidence: 'linear' });
    expect(fixed.neighbors).toBeNull();
    const tuned = await fitPipeline({ train, fixed: FAST, maxTrials: 4 });
    const out = new Float32Array(40);
    tuned.scorer.scoreUser(0, out);
    expect(out.some((v) => v !== 0)).toBe(true);
    expect(tuned.neighbors !== null).toBe(tuned.choice.neighborWeight > 0);
  });
});
