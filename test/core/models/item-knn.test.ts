import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CsrMatrix } from '../../../src/core/data/csr-matrix';
import { csrFromCoo } from '../../../src/core/data/csr-matrix';
import { InteractionLogBuilder } from '../../../src/core/data/interaction-log';
import { eventTypeCode } from '../../../src/core/data/types';
import { Vocabulary } from '../../../src/core/data/vocabulary';
import { OptionError } from '../../../src/core/errors';
import { evaluateScorer } from '../../../src/core/eval/evaluate';
import { splitInteractions } from '../../../src/core/eval/split';
import { fitItemKnn } from '../../../src/core/models/item-knn';
import { fitPopularity } from '../../../src/core/models/popularity';
import { neighborsOf } from '../../../src/core/models/sparse-neighbors';

/**
 * u0 {0,1,2}, u1 {0,1}, u2 {1,2}, u3 {0}: supports n = (3, 3, 2); co-counts c01 = 2, c02 = 1,
 * c12 = 2.
 */
function smallMatrix(): CsrMatrix {
  return csrFromCoo(
    4,
    3,
    Int32Array.from([0, 0, 0, 1, 1, 2, 2, 3]),
    Int32Array.from([0, 1, 2, 0, 1, 1, 2, 0]),
    Float32Array.from([1, 4, 1, 2, 1, 1, 8, 1]),
  );
}

function neighborList(model: ReturnType<typeof fitItemKnn>, item: number): [number, number][] {
  const { indices, scores } = neighborsOf(model.neighbors, item);
  return Array.from(indices, (j, k) => [j, scores[k]!]);
}

function expectList(actual: [number, number][], expected: [number, number][]): void {
  expect(actual.map(([j]) => j)).toEqual(expected.map(([j]) => j));
  actual.forEach(([, s], k) => expect(s).toBeCloseTo(expected[k]![1], 6));
}

describe('fitItemKnn similarities', () => {
  it('computes cosine c_ij / √(n_i n_j) without shrinkage, ignoring weights', () => {
    const model = fitItemKnn(smallMatrix(), { shrinkage: 0 });
    const r6 = Math.sqrt(6);
    expectList(neighborList(model, 0), [
      [1, 2 / 3],
      [2, 1 / r6],
    ]);
    expectList(neighborList(model, 1), [
      [2, 2 / r6],
      [0, 2 / 3],
    ]);
    expectList(neighborList(model, 2), [
      [1, 2 / r6],
      [0, 1 / r6],
    ]);
  });

  it('adds the shrinkage to the denominator', () => {
    const model = fitItemKnn(smallMatrix(), { shrinkage: 1 });
    const d = Math.sqrt(6) + 1;
    expectList(neighborList(model, 0), [
      [1, 2 / 4],
      [2, 1 / d],
    ]);
    expectList(neighborList(model, 1), [
      [2, 2 / d],
      [0, 2 / 4],
    ]);
  });

  it('applies α to the item and 1 − α to its neighbour', () => {
    // α = 0: sim(i, j) = c_ij / n_j.
    const model = fitItemKnn(smallMatrix(), { shrinkage: 0, alpha: 0 });
    expectList(neighborList(model, 0), [
      [1, 2 / 3],
      [2, 1 / 2],
    ]);
    expectList(neighborList(model, 2), [
      [1, 2 / 3],
      [0, 1 / 3],
    ]);
  });

  it('keeps the top N per item, best first, ties to the lower index', () => {
    // Items 1 and 2 co-occur with item 0 in exactly one row each, with equal supports.
    const tie = csrFromCoo(
      2,
      3,
      Int32Array.from([0, 0, 1, 1]),
      Int32Array.from([0, 1, 0, 2]),
      null,
    );
    const model = fitItemKnn(tie, { neighbors: 1, shrinkage: 0 });
    expect(Array.from(neighborsOf(model.neighbors, 0).indices)).toEqual([1]);
    expect(Array.from(neighborsOf(model.neighbors, 1).indices)).toEqual([0]);
    expect(Array.from(model.neighbors.indptr)).toEqual([0, 1, 2, 3]);
  });
});

describe('fitItemKnn scoring', () => {
  const d = Math.sqrt(6) + 1;

  it('sums the similarities of the history items to each item', () => {
    const model = fitItemKnn(smallMatrix(), { shrinkage: 1 });
    const out = new Float32Array(3);
    model.scoreUser(1, out); // history {0, 1}
    expect(out[0]).toBeCloseTo(2 / 4, 6);
    expect(out[1]).toBeCloseTo(2 / 4, 6);
    expect(out[2]).toBeCloseTo(1 / d + 2 / d, 6);
  });

  it('uses only the neighbourhood of the scored item', () => {
    // neighbors = 1: N(0) = {1}, N(1) = {2}, N(2) = {1}.
    const model = fitItemKnn(smallMatrix(), { shrinkage: 1, neighbors: 1 });
    const out = new Float32Array(3);
    model.scoreHistory([0, 1], out);
    expect(out[0]).toBeCloseTo(2 / 4, 6);
    expect(out[1]).toBe(0);
    expect(out[2]).toBeCloseTo(2 / d, 6);
    model.scoreUser(3, out); // history {0}: 0 is in no neighbourhood
    expect(Array.from(out)).toEqual([0, 0, 0]);
  });

  it('rejects unknown users, history items and bad options', () => {
    const model = fitItemKnn(smallMatrix());
    const out = new Float32Array(3);
    expect(() => model.scoreUser(4, out)).toThrow(OptionError);
    expect(() => model.scoreHistory([3], out)).toThrow(OptionError);
    expect(() => fitItemKnn(smallMatrix(), { neighbors: 0 })).toThrow(OptionError);
    expect(() => fitItemKnn(smallMatrix(), { shrinkage: -1 })).toThrow(OptionError);
    expect(() => fitItemKnn(smallMatrix(), { alpha: 1.5 })).toThrow(OptionError);
  });
});

const ML100K = resolve('../shared/data/ml-100k');
const hasMl100k = existsSync(resolve(ML100K, 'u.data'));
if (!hasMl100k) console.log(`Skipping the ML-100K ItemKNN test: ${ML100K}/u.data not found.`);

describe.skipIf(!hasMl100k)('ItemKNN and popularity on MovieLens 100K', () => {
  it('fits both and ranks ItemKNN well above popularity', () => {
    const builder = new InteractionLogBuilder();
    const rating = eventTypeCode('rating');
    for (const line of readFileSync(resolve(ML100K, 'u.data'), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const [user, item, value, seconds] = line.split('\t').map(Number);
      builder.push(user! - 1, item! - 1, rating, value!, seconds! * 1000);
    }
    const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i + 1));
    const split = splitInteractions(
      {
        userVocab: Vocabulary.from(ids(943)),
        itemVocab: Vocabulary.from(ids(1682)),
        columns: builder.build(),
      },
      { protocol: 'random', seed: 42 },
    );

    const popularity = fitPopularity(split.train);
    expect(popularity.counts.reduce((a, b) => a + b, 0)).toBe(split.train.indices.length);

    const knn = fitItemKnn(split.train);
    expect(knn.neighbors.numItems).toBe(1682);
    const badItems: number[] = [];
    for (let i = 0; i < 1682; i++) {
      const { indices, scores } = neighborsOf(knn.neighbors, i);
      let ok = indices.length <= knn.options.neighbors && !indices.includes(i);
      for (let k = 1; k < scores.length; k++) ok &&= scores[k]! <= scores[k - 1]!;
      if (!ok) badItems.push(i);
    }
    expect(badItems).toEqual([]);

    const options = { ks: [10, 20], auc: false };
    const pop = evaluateScorer(popularity, split, options);
    const itemKnn = evaluateScorer(knn, split, options);
    // Reference figures on this protocol: popularity ≈ 0.213, ItemKNN ≈ 0.390 NDCG@10.
    expect(pop['ndcg@10']).toBeGreaterThan(0.19);
    expect(pop['ndcg@10']).toBeLessThan(0.25);
    expect(itemKnn['ndcg@10']).toBeGreaterThan(0.38);
    expect(itemKnn['recall@20']).toBeGreaterThan(0.3);
  });
});
