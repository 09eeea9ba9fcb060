import { describe, expect, it } from 'vitest';
import type { CsrMatrix } from '../../../src/core/data/csr-matrix';
import { csrFromCoo } from '../../../src/core/data/csr-matrix';
import type { Item } from '../../../src/core/data/types';
import { DataError, OptionError } from '../../../src/core/errors';
import type { ColdStartOptions, ColdStartReport } from '../../../src/core/eval/cold-start';
import { evaluateColdStart } from '../../../src/core/eval/cold-start';
import type { MfComputePath } from '../../../src/core/models/mf/mf-trainer';
import { createTypedMfPath, DEFAULT_MF_OPTIONS } from '../../../src/core/models/mf/train-typed';
import { createRng } from '../../../src/core/random';
import { loadMl100k, ML100K_DIR } from '../models/content/ml100k-fixture';

const NUM_ITEMS = 200;
const NUM_USERS = 150;
const NUM_TAGS = 10;

/** Users like two tags each and mostly interact with items carrying one of them. */
function syntheticData(seed: number): { matrix: CsrMatrix; items: Item[] } {
  const rng = createRng(seed);
  const itemTags: number[][] = [];
  const items: Item[] = [];
  for (let i = 0; i < NUM_ITEMS; i++) {
    const a = rng.int(NUM_TAGS);
    const b = (a + 1 + rng.int(NUM_TAGS - 1)) % NUM_TAGS;
    itemTags.push([a, b]);
    items.push({ id: `item${i}`, title: `thing ${i}`, tags: [`t${a}`, `t${b}`] });
  }
  const rows: number[] = [];
  const cols: number[] = [];
  for (let u = 0; u < NUM_USERS; u++) {
    const liked = new Set([rng.int(NUM_TAGS), rng.int(NUM_TAGS)]);
    for (let i = 0; i < NUM_ITEMS; i++) {
      const match = itemTags[i]!.some((t) => liked.has(t));
      if (rng.next() < (match ? 0.4 : 0.02)) {
        rows.push(u);
        cols.push(i);
      }
    }
  }
  return {
    matrix: csrFromCoo(NUM_USERS, NUM_ITEMS, Int32Array.from(rows), Int32Array.from(cols), null),
    items,
  };
}

function options(
  data: { matrix: CsrMatrix; items: readonly (Item | undefined)[] },
  mfPath = createTypedMfPath(),
): ColdStartOptions {
  return {
    ...data,
    mfPath,
    mfOptions: { ...DEFAULT_MF_OPTIONS, factors: 8, epochs: 6 },
    newItemFraction: 0.2,
    cutoff: 5,
    tower: { regularization: 0.5 },
    seed: 3,
  };
}

function withoutTimings(r: ColdStartReport): Omit<ColdStartReport, 'mfTrainMs' | 'towerFitMs'> {
  const { mfTrainMs: _m, towerFitMs: _t, ...rest } = r;
  return rest;
}

describe('evaluateColdStart', () => {
  it('ranks new items well above random when content predicts taste', async () => {
    const r = await evaluateColdStart(options(syntheticData(1)));
    expect(r.newItems).toBe(40);
    expect(r.warmItems).toBe(160);
    expect(r.randomRecall).toBe(5 / 40);
    expect(r.users).toBeGreaterThan(100);
    expect(r.auc).toBeGreaterThan(0.75);
    expect(r.recallRatio).toBeGreaterThan(2);
    expect(r.recallRatio).toBeCloseTo(r.recall / r.randomRecall, 12);
  });

  it('scores exactly at chance (AUC 0.5) when content is uninformative', async () => {
    const data = syntheticData(1);
    const same = data.items.map((item) => ({ id: item.id, tags: ['same'] }));
    const r = await evaluateColdStart(options({ matrix: data.matrix, items: same }));
    expect(r.auc).toBe(0.5);
  });

  it('needs content on warm items', async () => {
    const data = syntheticData(1);
    const none = evaluateColdStart(
      options({ matrix: data.matrix, items: data.items.map(() => undefined) }),
    );
    await expect(none).rejects.toThrow(DataError);
    await expect(none).rejects.toMatchObject({ code: 'NOT_ENOUGH_DATA' });
  });

  it('trains MF on the warm columns only', async () => {
    const data = syntheticData(2);
    const typed = createTypedMfPath();
    const seen: CsrMatrix[] = [];
    const recording: MfComputePath = {
      ...typed,
      train: (matrix, o) => {
        seen.push(matrix);
        return typed.train(matrix, o);
      },
    };
    const r = await evaluateColdStart(options(data, recording));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.cols).toBe(r.warmItems);
    expect(seen[0]!.rows).toBe(NUM_USERS);
    expect(seen[0]!.indices.length).toBeLessThan(data.matrix.indices.length);
  });

  it('is deterministic for a seed', async () => {
    const data = syntheticData(5);
    const a = await evaluateColdStart(options(data));
    const b = await evaluateColdStart(options(data));
    expect(withoutTimings(b)).toEqual(withoutTimings(a));
  });

  it('rejects a catalog of the wrong length and out-of-range options', async () => {
    const data = syntheticData(1);
    await expect(
      evaluateColdStart(options({ matrix: data.matrix, items: data.items.slice(1) })),
    ).rejects.toThrow(OptionError);
    await expect(evaluateColdStart({ ...options(data), newItemFraction: 1 })).rejects.toThrow(
      OptionError,
    );
    await expect(evaluateColdStart({ ...options(data), cutoff: 0 })).rejects.toThrow(OptionError);
  });
});

if (!ML100K_DIR)
  console.warn(
    'MovieLens 100K not found (../shared/data/ml-100k): skipping the ML-100K cold-start test.',
  );

describe.skipIf(!ML100K_DIR)('evaluateColdStart on MovieLens 100K', () => {
  it('reaches new-item AUC ≥ 0.70 and Recall@20 ≥ 2× random', async () => {
    const data = await loadMl100k(ML100K_DIR!);
    // Fewer factors and epochs than the defaults keep this test fast; the bar still holds.
    const r = await evaluateColdStart({
      ...data,
      mfPath: createTypedMfPath(),
      mfOptions: { ...DEFAULT_MF_OPTIONS, factors: 32, epochs: 4 },
      seed: 42,
    });
    expect(r.newItems).toBe(168);
    expect(r.auc).toBeGreaterThanOrEqual(0.7);
    expect(r.recallRatio).toBeGreaterThanOrEqual(2);
  });
});
