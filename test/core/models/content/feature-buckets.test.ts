import { describe, expect, it } from 'vitest';
import {
  bucketOf,
  categoryPrefixes,
  priceBucket,
  quantileBoundaries,
} from '../../../../src/core/models/content/feature-buckets';

describe('categoryPrefixes', () => {
  it('lists every prefix from the root', () => {
    expect(categoryPrefixes(['Home', 'Kitchen', 'Knives'])).toEqual([
      'Home',
      'Home>Kitchen',
      'Home>Kitchen>Knives',
    ]);
  });

  it('trims levels and stops at an empty level', () => {
    expect(categoryPrefixes([' Home ', 'Kitchen', '', 'Lost'])).toEqual(['Home', 'Home>Kitchen']);
    expect(categoryPrefixes([])).toEqual([]);
  });
});

describe('priceBucket', () => {
  it('buckets on a log scale, exact powers starting their bucket', () => {
    expect(priceBucket(1, 2)).toBe(0);
    expect(priceBucket(7.99, 2)).toBe(2);
    expect(priceBucket(8, 2)).toBe(3);
    expect(priceBucket(0.5, 2)).toBe(-1);
    expect(priceBucket(999, 10)).toBe(2);
    expect(priceBucket(1000, 10)).toBe(3);
  });

  it('has no bucket for zero, negative or non-finite prices', () => {
    expect(priceBucket(0, 2)).toBeNull();
    expect(priceBucket(-3, 2)).toBeNull();
    expect(priceBucket(Number.NaN, 2)).toBeNull();
    expect(priceBucket(Number.POSITIVE_INFINITY, 2)).toBeNull();
  });
});

describe('quantile buckets', () => {
  it('gives each distinct value a bucket when there are few', () => {
    expect(quantileBoundaries([3, 1, 2, 2], 8)).toEqual([2, 3]);
  });

  it('splits many values into roughly equal-count buckets', () => {
    const values = Array.from({ length: 100 }, (_, i) => i);
    const b = quantileBoundaries(values, 4);
    expect(b).toEqual([25, 50, 75]);
    expect(bucketOf(-1, b)).toBe(0);
    expect(bucketOf(24.9, b)).toBe(0);
    expect(bucketOf(25, b)).toBe(1);
    expect(bucketOf(99, b)).toBe(3);
  });

  it('gives a heavy value its own bucket and splits the rest', () => {
    // 90 ones, then 2…11: the ones fill bucket 0, the ten others share the 3 buckets left.
    const values = [...Array<number>(90).fill(1), ...Array.from({ length: 10 }, (_, i) => i + 2)];
    expect(quantileBoundaries(values, 4)).toEqual([2, 6, 9]);
  });
});
