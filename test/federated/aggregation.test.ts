import { describe, expect, it } from 'vitest';
import {
  ialsRowGroups,
  robustGroupSums,
  trimmedMean,
  weightedMean,
  type CoordinateGroup,
} from '../../src/federated/aggregation';
import type { UpdatePartSpec } from '../../src/federated/federated-protocol';

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

/** `n` clients × `d` coordinates with client u's coordinate j = `value(u, j)`. */
function updates(n: number, d: number, value: (u: number, j: number) => number): Float64Array[] {
  return Array.from({ length: n }, (_, u) =>
    Float64Array.from({ length: d }, (_, j) => value(u, j)),
  );
}

const trimGroups = (...groups: number[][]): CoordinateGroup[] =>
  groups.map((coordinates) => ({ coordinates, combine: 'trim' }));

describe('robustGroupSums', () => {
  it('trims a row among its holders only: an item 2 of 50 clients hold keeps its sum', () => {
    // Coordinate 0: held by clients 0 and 1; coordinate 1: held by everyone.
    const vectors = updates(50, 2, (u, j) => (j === 0 ? (u < 2 ? 3 + u : 0) : 1 + (u % 5)));
    const out = robustGroupSums({ vectors, groups: trimGroups([0], [1]), trim: 0.2 });
    expect(out[0]).toBe(7);
    expect(out[1]).toBeCloseTo(150, 9);
    // Trimming over every client (non-holders' zeros as values) erases the row.
    expect(trimmedMean(vectors, 0.2)[0]! * 50).toBe(0);
  });

  it('drops out-of-range Sybils even where they are more than trim of a row’s holders', () => {
    // 15 honest holders around 10, 5 Sybils (25% of the holders, over ⌊0.2·20⌋ = 4) at 1e6.
    const honest = Array.from({ length: 15 }, (_, u) => 10 + ((u * 7) % 5) - 2);
    const vectors = [...honest, ...new Array<number>(5).fill(1e6)].map((v) => Float64Array.of(v));
    const out = robustGroupSums({ vectors, groups: trimGroups([0]), trim: 0.2 });
    const alone = robustGroupSums({
      vectors: honest.map((v) => Float64Array.of(v)),
      groups: trimGroups([0]),
      trim: 0.2,
    });
    expect(out[0]).toBe(alone[0]);
    expect(out[0]).toBeCloseTo(15 * 10, 0);
  });

  it('drops out-of-range Sybils where over half the holders sent the same value (no spread)', () => {
    const values = [...new Array<number>(10).fill(5), ...new Array<number>(5).fill(1e4)];
    const vectors = values.map((v) => Float64Array.of(v));
    expect(robustGroupSums({ vectors, groups: trimGroups([0]), trim: 0.2 })[0]).toBe(50);
  });

  it('pulls in-range Sybils up to trim·h of a row’s holders back to the honest values', () => {
    // 16 honest holders 1…16 and 4 Sybils (⌊0.2·20⌋ = 4) just inside the fence.
    const honest = Array.from({ length: 16 }, (_, u) => u + 1);
    const vectors = [...honest, 30, 30, 30, 30].map((v) => Float64Array.of(v));
    const out = robustGroupSums({ vectors, groups: trimGroups([0]), trim: 0.2 });
    // Each Sybil counts as a holder at the largest honest value; the 4 smallest are raised to 5.
    expect(out[0]).toBe(136 - (1 + 2 + 3 + 4) + 4 * 5 + 4 * 16);
    // The plain sum takes the Sybils at face value.
    expect(out[0]).toBeLessThan(136 + 4 * 30);
  });

  it('clips each holder of a clip group to clipFactor × the median norm, then sums', () => {
    const vectors = [Float64Array.of(3, 4), Float64Array.of(0, 5), Float64Array.of(600, 800)];
    const groups: CoordinateGroup[] = [{ coordinates: [0, 1], combine: 'clip' }];
    const out = robustGroupSums({ vectors, groups, trim: 0.2, clipFactor: 2 });
    // The third client (norm 1000) is cut to 2 × 5 = 10.
    expect(Array.from(out)).toEqual([3 + 0 + 6, 4 + 5 + 8]);
  });

  it('leaves a group nobody holds at 0 and rejects groups that do not partition the coordinates', () => {
    const vectors = updates(4, 3, (u, j) => (j === 2 ? 0 : u + 1));
    expect(
      Array.from(robustGroupSums({ vectors, groups: trimGroups([0], [1], [2]), trim: 0.2 })),
    ).toEqual([10, 10, 0]);
    expect(() => robustGroupSums({ vectors, groups: trimGroups([0, 1]), trim: 0.2 })).toThrow(
      /cover 2 of the 3/,
    );
    expect(() =>
      robustGroupSums({ vectors, groups: trimGroups([0, 1], [1, 2]), trim: 0.2 }),
    ).toThrow(/two groups/);
    expect(() =>
      robustGroupSums({ vectors, groups: trimGroups([0], [1], [2]), trim: 0.2, clipFactor: 0.5 }),
    ).toThrow(/clip factor/);
  });
});

describe('ialsRowGroups', () => {
  it('groups each round row’s rows block with its count; gram and stats are clip groups', () => {
    const part = (name: UpdatePartSpec['name'], length: number): UpdatePartSpec => ({
      name,
      length,
      clipNorm: 1,
      noiseStd: 0,
      scale: 1,
      clamp: 100,
    });
    // 2 rows, k = 1 (d = 2): rows 0–3, counts 4–5, gram 6–8, stats 9–10.
    const groups = ialsRowGroups([
      part('rows', 4),
      part('counts', 2),
      part('gram', 3),
      part('stats', 2),
    ]);
    expect(groups.map((g) => [g.combine, Array.from(g.coordinates)])).toEqual([
      ['trim', [0, 1, 4]],
      ['trim', [2, 3, 5]],
      ['clip', [6, 7, 8]],
      ['clip', [9, 10]],
    ]);
  });
});
