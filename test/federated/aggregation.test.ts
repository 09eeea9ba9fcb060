import { describe, expect, it } from 'vitest';
import { trimmedMean, weightedMean } from '../../src/federated/aggregation';

describe('weightedMean (FedAvg)', () => {
  it('weights each update by its weight', () => {
    const out = weightedMean([Float64Array.of(1, 10), Float64Array.of(3, 30)], [1, 3]);
    expect(Array.from(out)).toEqual([2.5, 25]);
  });

  it('equal weights give the plain mean; zero weights drop an update', () => {
    expect(Array.from(weightedMean([Int32Array.of(2), Int32Array.of(4)], [1, 1]))).toEqual([3]);
    expect(Array.from(weightedMean([Int32Array.of(2), Int32Array.of(400)], [1, 0]))).toEqual([2]);
  });

  it('rejects mismatched shapes and bad weights', () => {
    expect(() => weightedMean([Float64Array.of(1), Float64Array.of(1, 2)], [1, 1])).toThrow(
      /coordinates/,
    );
    expect(() => weightedMean([Float64Array.of(1)], [Number.NaN])).toThrow(/finite/);
    expect(() => weightedMean([Float64Array.of(1)], [0])).toThrow(/zero/);
    expect(() => weightedMean([], [])).toThrow(/zero updates/);
  });
});

describe('trimmedMean', () => {
  it('ignores a bounded fraction of arbitrary updates per coordinate', () => {
    const honest = Array.from({ length: 8 }, (_, u) => Float64Array.of(1 + u * 0.01, -2));
    const attackers = [Float64Array.of(1e9, 1e9), Float64Array.of(-1e9, 5e8)];
    const out = trimmedMean([...honest, ...attackers], 0.2);
    expect(out[0]).toBeGreaterThan(0.99);
    expect(out[0]).toBeLessThan(1.08);
    expect(out[1]).toBe(-2);
    // The plain mean is ruined by the same attackers.
    expect(
      Math.abs(weightedMean([...honest, ...attackers], new Array(10).fill(1))[1]!),
    ).toBeGreaterThan(1e7);
  });

  it('drops ⌊trim·N⌋ values from each end', () => {
    const out = trimmedMean(
      [[1], [2], [3], [4], [100]].map((v) => Float64Array.from(v)),
      0.2,
    );
    expect(out[0]).toBe(3);
    expect(trimmedMean([Float64Array.of(5), Float64Array.of(7)], 0)[0]).toBe(6);
  });

  it('rejects a trim of one half or more', () => {
    expect(() => trimmedMean([Float64Array.of(1)], 0.5)).toThrow(/trim/);
  });
});
