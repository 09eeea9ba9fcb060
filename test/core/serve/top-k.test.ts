import { describe, expect, it } from 'vitest';
import { OptionError } from '../../../src/core/errors';
import { createRng } from '../../../src/core/random';
import { topK } from '../../../src/core/serve/top-k';
import { fullSortOrder } from './serve-fixtures';

function randomScores(n: number, seed: number, distinct: number): Float32Array {
  const rng = createRng(seed);
  const scores = new Float32Array(n);
  // Few distinct values force many ties.
  for (let i = 0; i < n; i++) scores[i] = rng.int(distinct) / distinct;
  return scores;
}

describe('topK', () => {
  it('equals a full sort on random data with many ties, for several k', () => {
    for (const [seed, distinct] of [
      [1, 7],
      [2, 1000],
      [3, 1],
    ] as const) {
      const scores = randomScores(2000, seed, distinct);
      const expected = fullSortOrder(scores);
      for (const k of [1, 3, 10, 100, 777]) {
        const { indices, scores: top } = topK(scores, k);
        expect(Array.from(indices)).toEqual(expected.slice(0, k));
        expect(Array.from(top)).toEqual(expected.slice(0, k).map((i) => scores[i]));
      }
    }
  });

  it('returns every item sorted when k exceeds the number of items', () => {
    const scores = Float32Array.from([0.2, 0.9, 0.2, -1, 0.5]);
    expect(Array.from(topK(scores, 50).indices)).toEqual([1, 4, 0, 2, 3]);
  });

  it('keeps the right items when scores arrive in ascending order (bound refreshes)', () => {
    const scores = new Float32Array(5000);
    for (let i = 0; i < scores.length; i++) scores[i] = i;
    expect(Array.from(topK(scores, 10).indices)).toEqual(
      Array.from({ length: 10 }, (_, j) => 4999 - j),
    );
  });

  it('skips NaN scores and keeps -Infinity as the worst score', () => {
    const scores = Float32Array.from([NaN, -Infinity, 1, NaN, 0]);
    expect(Array.from(topK(scores, 10).indices)).toEqual([2, 4, 1]);
  });

  it('applies exclusions given as a set or as a mask', () => {
    const scores = Float32Array.from([5, 4, 3, 2, 1]);
    expect(Array.from(topK(scores, 2, { exclude: new Set([0, 2]) }).indices)).toEqual([1, 3]);
    expect(Array.from(topK(scores, 2, { exclude: Uint8Array.from([0, 1, 1]) }).indices)).toEqual([
      0, 3,
    ]);
  });

  it('filters with accept and calls it only for items that could still make the cut', () => {
    const scores = new Float32Array(1000);
    for (let i = 0; i < scores.length; i++) scores[i] = (i * 7919) % 1000;
    let calls = 0;
    const accept = (i: number): boolean => {
      calls++;
      return i % 2 === 0;
    };
    const { indices } = topK(scores, 5, { accept });
    const expected = fullSortOrder(scores)
      .filter((i) => i % 2 === 0)
      .slice(0, 5);
    expect(Array.from(indices)).toEqual(expected);
    expect(calls).toBeLessThan(500);
  });

  it('rejects k that is not a positive integer', () => {
    const scores = Float32Array.from([1, 2]);
    expect(() => topK(scores, 0)).toThrow(OptionError);
    expect(() => topK(scores, -3)).toThrow(OptionError);
    expect(() => topK(scores, 1.5)).toThrow(OptionError);
  });
});
