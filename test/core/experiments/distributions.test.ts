import { describe, expect, it } from 'vitest';
import {
  chiSquareTail,
  normalCdf,
  normalQuantile,
  regularizedGammaP,
} from '../../../src/core/experiments/distributions';
import { benjaminiHochberg } from '../../../src/core/experiments/multiple-testing';
import { checkSampleRatio } from '../../../src/core/experiments/sample-ratio';

describe('chi-square tail', () => {
  // Critical values from standard chi-square tables.
  const table: [statistic: number, df: number, tail: number][] = [
    [3.841, 1, 0.05],
    [6.635, 1, 0.01],
    [10.828, 1, 0.001],
    [5.991, 2, 0.05],
    [13.816, 2, 0.001],
    [7.815, 3, 0.05],
    [16.266, 3, 0.001],
    [18.307, 10, 0.05],
    [29.588, 10, 0.001],
    [124.342, 100, 0.05],
  ];
  it.each(table)('P(χ² ≥ %f; df %i) ≈ %f', (statistic, df, tail) => {
    expect(chiSquareTail(statistic, df)).toBeCloseTo(tail, tail < 0.01 ? 5 : 4);
  });

  it('is 1 at zero and falls to the far tail without underflowing to garbage', () => {
    expect(chiSquareTail(0, 3)).toBe(1);
    const far = chiSquareTail(200, 1);
    expect(far).toBeGreaterThan(0);
    expect(far).toBeLessThan(1e-40);
  });

  it('P(a, x) matches closed forms: P(1, x) = 1 − e^(−x)', () => {
    for (const x of [0.1, 1, 2.5, 7])
      expect(regularizedGammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 12);
  });
});

describe('normal distribution', () => {
  it('quantiles and CDF match tabulated values and invert each other', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621, 6);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 6);
    expect(normalCdf(-1.959964)).toBeCloseTo(0.025, 7);
    for (const p of [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999])
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 9);
  });
});

describe('Benjamini–Hochberg', () => {
  it('rejects the first four of the 15 p-values in Benjamini & Hochberg (1995) at q = 0.05', () => {
    const p = [
      0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719,
      0.6528, 0.759, 1,
    ];
    const adjusted = benjaminiHochberg(p);
    expect(adjusted.filter((q) => q < 0.05)).toHaveLength(4);
  });

  it('matches R p.adjust(method = "BH") and keeps input order', () => {
    const adjusted = benjaminiHochberg([0.01, 0.04, 0.03, 0.2]);
    const expected = [0.04, 0.16 / 3, 0.16 / 3, 0.2];
    adjusted.forEach((q, i) => expect(q).toBeCloseTo(expected[i] ?? NaN, 12));
  });
});

describe('sample-ratio mismatch', () => {
  it('stays quiet on a fair split and alarms on a 50.5/49.5 split of 200,000', () => {
    expect(checkSampleRatio({ counts: [10_030, 9_970], weights: [1, 1] }).alarm).toBe(false);
    const skewed = checkSampleRatio({ counts: [101_000, 99_000], weights: [1, 1] });
    expect(skewed.statistic).toBeCloseTo(20, 9);
    expect(skewed.alarm).toBe(true);
  });

  it('uses the weights: 2:1:1 counts fit 2:1:1 weights', () => {
    const check = checkSampleRatio({
      counts: [20_000, 10_000, 10_000],
      weights: [0.5, 0.25, 0.25],
    });
    expect(check.statistic).toBe(0);
    expect(check.degreesOfFreedom).toBe(2);
    expect(check.pValue).toBe(1);
  });
});

describe('sequential sample-ratio p-value', () => {
  it('stays at 1 on an exact split and falls below 0.001 on a clear mismatch', () => {
    expect(checkSampleRatio({ counts: [50_000, 50_000], weights: [1, 1] }).sequentialPValue).toBe(
      1,
    );
    const skewed = checkSampleRatio({ counts: [102_000, 98_000], weights: [1, 1] });
    expect(skewed.sequentialPValue).toBeLessThan(0.001);
    // A 50.35/49.65 split of 200,000 is unlikely at one look; the anytime-valid test asks for more.
    const mild = checkSampleRatio({ counts: [100_700, 99_300], weights: [1, 1] });
    expect(mild.pValue).toBeLessThan(0.01);
    expect(mild.sequentialPValue).toBeGreaterThan(mild.pValue);
  });
});
