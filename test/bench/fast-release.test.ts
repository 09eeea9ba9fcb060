import { describe, expect, it } from 'vitest';
import { csrFromCoo } from '../../src/core/data/csr-matrix';
import { rowHistory } from '../../src/federated/fold-in-scorer';
import {
  pairsContribution,
  popularityContribution,
} from '../../src/federated/private-cooccurrence';
import { cohortSize, exactPairs, exactPopularity, fastRelease } from '../../bench/dp/fast-release';

// 4 users × 6 items; user 3 has no items.
const users = [0, 0, 0, 1, 1, 2, 2, 2, 2];
const items = [0, 1, 4, 1, 2, 0, 2, 3, 5];
const train = csrFromCoo(
  4,
  6,
  Int32Array.from(users),
  Int32Array.from(items),
  new Float32Array(9).fill(1),
);

describe('the fast co-occurrence release used by the settings search', () => {
  it('sums exactly what the devices contribute', () => {
    const head = [0, 1, 2];
    const pop = new Float64Array(6);
    const pairs = new Float64Array(6);
    for (let u = 0; u < 4; u++) {
      popularityContribution(rowHistory(train, u), 6).forEach((v, i) => (pop[i]! += v));
      pairsContribution(rowHistory(train, u), head, 6).forEach((v, i) => (pairs[i]! += v));
    }
    expect(Array.from(exactPopularity(train))).toEqual(
      Array.from(pop).map((v) => expect.closeTo(v, 12)),
    );
    expect(Array.from(exactPairs(train, head))).toEqual(
      Array.from(pairs).map((v) => expect.closeTo(v, 12)),
    );
    expect(cohortSize(train)).toBe(3);
  });

  it('adds noise only with DP, and the head follows the released popularity', () => {
    const loose = fastRelease({
      train,
      epsilon: 1e6,
      delta: 1e-5,
      headSize: 2,
      popularityNoiseRatio: 5,
      seed: 1,
    });
    expect(loose.head).toEqual([1, 2]);
    const tight = fastRelease({
      train,
      epsilon: 1,
      delta: 1e-5,
      headSize: 2,
      popularityNoiseRatio: 5,
      seed: 1,
    });
    expect(tight.pairNoiseStd).toBeGreaterThan(1);
    expect(loose.pairNoiseStd).toBeLessThan(0.01);
  });
});
