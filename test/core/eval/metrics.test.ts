import { describe, expect, it } from 'vitest';
import {
  auc,
  hitRateAtK,
  hitsAtK,
  ndcgAtK,
  recallAtK,
  reciprocalRank,
} from '../../../src/core/eval/metrics';
import { createRng } from '../../../src/core/random';

/** A 0/1 mask of length `n` with ones at `items`. */
function mask(n: number, items: readonly number[]): Uint8Array {
  const m = new Uint8Array(n);
  for (const i of items) m[i] = 1;
  return m;
}

const log2 = Math.log2;

describe('ranking metrics on hand-computed cases', () => {
  // Ranked list: items 3, 1, 4, 0, 2; test items {1, 2} at ranks 2 and 5.
  const ranked = [3, 1, 4, 0, 2];
  const isTest = mask(6, [1, 2]);

  it('hits and recall', () => {
    expect(hitsAtK(ranked, isTest, 1)).toBe(0);
    expect(hitsAtK(ranked, isTest, 2)).toBe(1);
    expect(hitsAtK(ranked, isTest, 99)).toBe(2);
    expect(recallAtK(ranked, isTest, 2, 1)).toBe(0);
    expect(recallAtK(ranked, isTest, 2, 2)).toBe(0.5);
    expect(recallAtK(ranked, isTest, 2, 5)).toBe(1);
    // A test item that was never ranked still counts in the denominator.
    expect(recallAtK(ranked, mask(6, [1, 2, 5]), 3, 5)).toBeCloseTo(2 / 3, 12);
    expect(recallAtK(ranked, isTest, 0, 5)).toBe(0);
  });

  it('NDCG with binary gains and IDCG over min(K, |test|)', () => {
    const dcg5 = 1 / log2(3) + 1 / log2(6);
    const idcg2 = 1 + 1 / log2(3);
    expect(ndcgAtK(ranked, isTest, 2, 5)).toBeCloseTo(dcg5 / idcg2, 12);
    expect(ndcgAtK(ranked, isTest, 2, 2)).toBeCloseTo(1 / log2(3) / idcg2, 12);
    expect(ndcgAtK(ranked, isTest, 2, 1)).toBe(0);
    // |test| = 1 < K: a hit at rank 1 is perfect.
    expect(ndcgAtK([7, 1, 2], mask(8, [7]), 1, 10)).toBeCloseTo(1, 12);
    // |test| = 3 > K = 2: both slots hit → perfect; IDCG uses only K positions.
    expect(ndcgAtK([0, 1, 5], mask(6, [0, 1, 2]), 3, 2)).toBeCloseTo(1, 12);
    // One hit at rank 3 with |test| = 1: 1/log2(4) = 0.5.
    expect(ndcgAtK([4, 5, 6], mask(7, [6]), 1, 10)).toBeCloseTo(0.5, 12);
    expect(ndcgAtK(ranked, isTest, 0, 5)).toBe(0);
  });

  it('hit rate', () => {
    expect(hitRateAtK(ranked, isTest, 1)).toBe(0);
    expect(hitRateAtK(ranked, isTest, 2)).toBe(1);
    expect(hitRateAtK(ranked, isTest, 5)).toBe(1);
    expect(hitRateAtK([], isTest, 5)).toBe(0);
  });
});

describe('reciprocalRank', () => {
  it('is 1/(1 + candidates scored above the best test item)', () => {
    const scores = Float32Array.from([0.9, 0.3, 0.7, 0.1]);
    expect(reciprocalRank(scores, mask(4, [0, 1, 2, 3]), mask(4, [2]))).toBe(0.5);
    expect(reciprocalRank(scores, mask(4, [0, 1, 2, 3]), mask(4, [3, 1]))).toBeCloseTo(1 / 3, 12);
    // Excluded candidates do not count, as candidates or as test items.
    expect(reciprocalRank(scores, mask(4, [1, 2, 3]), mask(4, [2]))).toBe(1);
    expect(reciprocalRank(scores, mask(4, [0, 1, 3]), mask(4, [2]))).toBe(0);
  });

  it('breaks ties by lower index first, like the top-K ranking', () => {
    const scores = Float32Array.from([0.5, 0.9, 0.9, 0.1]);
    const all = mask(4, [0, 1, 2, 3]);
    expect(reciprocalRank(scores, all, mask(4, [2]))).toBe(0.5);
    expect(reciprocalRank(scores, all, mask(4, [1]))).toBe(1);
  });
});

describe('auc', () => {
  /** Brute force: P(score(pos) > score(neg)) + ½ P(equal). */
  function bruteAuc(scores: Float32Array, candidate: Uint8Array, isTest: Uint8Array): number {
    let num = 0;
    let pairs = 0;
    for (let p = 0; p < scores.length; p++) {
      if (!candidate[p] || !isTest[p]) continue;
      for (let q = 0; q < scores.length; q++) {
        if (!candidate[q] || isTest[q]) continue;
        pairs++;
        if (scores[p]! > scores[q]!) num += 1;
        else if (scores[p] === scores[q]) num += 0.5;
      }
    }
    return pairs === 0 ? 0.5 : num / pairs;
  }

  it('counts ties as one half', () => {
    // Positives 0.8 and 0.5; negatives 0.5 and 0.2 → (1 + 1 + 0.5 + 1) / 4.
    const scores = Float32Array.from([0.8, 0.5, 0.5, 0.2]);
    expect(auc(scores, mask(4, [0, 1, 2, 3]), mask(4, [0, 1]))).toBeCloseTo(0.875, 12);
    expect(auc(Float32Array.from([1, 1, 1]), mask(3, [0, 1, 2]), mask(3, [1]))).toBe(0.5);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one and 0.5 without negatives', () => {
    const scores = Float32Array.from([4, 3, 2, 1]);
    const all = mask(4, [0, 1, 2, 3]);
    expect(auc(scores, all, mask(4, [0, 1]))).toBe(1);
    expect(auc(scores, all, mask(4, [2, 3]))).toBe(0);
    expect(auc(scores, all, mask(4, [0, 1, 2, 3]))).toBe(0.5);
    expect(auc(scores, all, mask(4, []))).toBe(0.5);
  });

  it('matches the brute-force pair count on random scores with many ties', () => {
    const rng = createRng(17);
    for (let trial = 0; trial < 20; trial++) {
      const n = 30 + rng.int(40);
      const scores = new Float32Array(n);
      const candidate = new Uint8Array(n);
      const isTest = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        scores[i] = rng.int(6) / 5;
        candidate[i] = rng.next() < 0.85 ? 1 : 0;
        isTest[i] = rng.next() < 0.2 ? 1 : 0;
      }
      expect(auc(scores, candidate, isTest)).toBeCloseTo(bruteAuc(scores, candidate, isTest), 10);
    }
  });
});
