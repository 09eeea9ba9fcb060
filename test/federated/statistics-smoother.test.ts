import { describe, expect, it } from 'vitest';
import { createStatisticsSmoother } from '../../src/federated/statistics-smoother';

describe('statistics smoother', () => {
  it('averages per-user counts over the rounds an item was in, across cohort sizes and norms', () => {
    const s = createStatisticsSmoother({ numItems: 4, gramWeight: 0.5 });
    const gram = Float64Array.of(10, 0, 10);
    const a = s.update({
      rows: [1, 2],
      counts: Float64Array.of(10, 4),
      gram,
      stats: Float64Array.of(50, 5),
      cohort: 10,
      userWeightNorm: 1,
    });
    expect(Array.from(a.counts)).toEqual([10, 4]);
    expect(a.userWeightNorm).toBe(10);
    // Round 2: 20 clients, norm 2; item 1 had 1.4 per user per unit norm this time.
    const b = s.update({
      rows: [1, 3],
      counts: Float64Array.of(56, 6),
      gram: Float64Array.of(40, 0, 40),
      stats: Float64Array.of(150, 5),
      cohort: 20,
      userWeightNorm: 2,
    });
    expect(b.counts[0]).toBeCloseTo(((1 + 1.4) / 2) * 20 * 2, 10);
    expect(b.counts[1]).toBeCloseTo(6, 10);
    expect(b.userWeightNorm).toBe(20);
    // Gram per user: EMA of 1 and 2 → 1.5, back in sum units of 20 clients.
    expect(b.gram[0]).toBeCloseTo(30, 10);
  });

  it('clamps noisy negative counts and survives a save/restore', () => {
    const s = createStatisticsSmoother({ numItems: 2 });
    const out = s.update({
      rows: [0],
      counts: Float64Array.of(-3),
      gram: Float64Array.of(1),
      stats: Float64Array.of(0, 0),
      cohort: 1,
      userWeightNorm: 1,
    });
    expect(out.counts[0]).toBe(0);
    expect(out.userWeightNorm).toBeNull();
    const t = createStatisticsSmoother({
      numItems: 2,
      state: JSON.parse(JSON.stringify(s.toJSON())),
    });
    expect(t.toJSON()).toEqual(s.toJSON());
    expect(() => createStatisticsSmoother({ numItems: 3, state: s.toJSON() })).toThrow(/items/);
  });
});
