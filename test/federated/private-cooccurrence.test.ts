import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DP_CURVE_EPSILONS, DP_CURVE_USERS } from '../../bench/sections/dp-by-users';
import { DEFAULT_DEMO_SEED } from '../../src/core/demo-data';
import { createRng } from '../../src/core/random';
import { l2Norm } from '../../src/federated/clip-and-noise';
import {
  COOCCURRENCE_TUNING_POINTS,
  cooccurrenceSettingsFor,
  headGramSpectrum,
  MAX_DEFAULT_HEAD,
  MAX_SECURE_DEFAULT_HEAD,
  maxHeadForBudget,
  modelFromCooccurrence,
  modelFromSpectrum,
  type CooccurrenceTuningPoint,
  pairCount,
  pairsContribution,
  popularityContribution,
  selectHead,
} from '../../src/federated/private-cooccurrence';

const h = (items: number[], weight = 1) => items.map((item) => ({ item, weight }));

describe('contributions', () => {
  it('popularity: 1/√|I| at each distinct touched item, norm exactly 1', () => {
    const y = popularityContribution([...h([3, 1, 3]), { item: 7, weight: 0 }], 10);
    expect(Array.from(y)).toEqual([0, 1 / Math.SQRT2, 0, 1 / Math.SQRT2, 0, 0, 0, 0, 0, 0]);
    expect(l2Norm(y)).toBeCloseTo(1, 12);
    expect(l2Norm(popularityContribution([], 10))).toBe(0);
    expect(() => popularityContribution(h([10]), 10)).toThrow(/outside/);
  });

  it('pairs: the upper triangle of yyᵀ over head positions, off-diagonal ×√2, norm exactly 1', () => {
    const head = [5, 2, 9]; // positions 0, 1, 2
    const y = pairsContribution(h([9, 2, 4]), head, 10);
    expect(y.length).toBe(pairCount(3));
    // Touched positions 1 and 2 → (1,1), (2,2) = 1/2 and (1,2) = √2/2; order (0,0),(0,1),(0,2),(1,1),(1,2),(2,2).
    expect(Array.from(y)).toEqual([0, 0, 0, 0.5, Math.SQRT2 * 0.5, 0.5]);
    expect(l2Norm(y)).toBeCloseTo(1, 12);
    // Any history: the norm is exactly 1, the sensitivity the release is calibrated for.
    for (const items of [[5], [5, 2], [5, 2, 9], [9, 2, 5, 4, 7]]) {
      expect(l2Norm(pairsContribution(h(items), head, 10))).toBeCloseTo(1, 12);
    }
    expect(l2Norm(pairsContribution(h([4]), head, 10))).toBe(0);
  });

  it('headGramSpectrum undoes the off-diagonal scale', () => {
    const head = [0, 1];
    const sum = Float64Array.from(pairsContribution(h([0, 1]), head, 2));
    // One user with both items: G = [[½, ½], [½, ½]], eigenvalues 1 and 0.
    const { values } = headGramSpectrum(sum, 2);
    expect(values[0]).toBeCloseTo(1, 12);
    expect(values[1]).toBeCloseTo(0, 12);
  });

  it('every history has the same upload length whatever it touched', () => {
    const head = [0, 1, 2, 3];
    expect(pairsContribution(h([0]), head, 8).length).toBe(
      pairsContribution(h([0, 1, 2, 3, 7]), head, 8).length,
    );
  });
});

describe('selectHead and budget', () => {
  it('takes the largest released popularity, ties by index', () => {
    expect(selectHead([0.1, 3, 3, -1, 2], 3)).toEqual([1, 2, 4]);
    expect(() => selectHead([1, 2], 3)).toThrow(/head size/);
  });

  it('fits m(m+1)/2 values in the budget', () => {
    const m = maxHeadForBudget({ budgetBytes: 100_000, bytesPerValue: 2, headerBytes: 320 });
    expect(2 * pairCount(m) + 320).toBeLessThanOrEqual(100_000);
    expect(2 * pairCount(m + 1) + 320).toBeGreaterThan(100_000);
  });
});

describe('modelFromCooccurrence', () => {
  /** Two disjoint taste groups over 8 items: users touch 3 items of their group. */
  function groups(users: number) {
    const rng = createRng(3);
    const histories: { item: number; weight: number }[][] = [];
    for (let u = 0; u < users; u++) {
      const base = u % 2 === 0 ? 0 : 4;
      const items = new Set<number>();
      while (items.size < 3) items.add(base + Math.floor(rng.next() * 4));
      histories.push(h([...items]));
    }
    return histories;
  }

  function release(histories: { item: number; weight: number }[][], head: number[], n: number) {
    const pairs = new Float64Array(pairCount(head.length));
    const popularity = new Float64Array(n);
    for (const hist of histories) {
      pairsContribution(hist, head, n).forEach((v, j) => (pairs[j]! += v));
      popularityContribution(hist, n).forEach((v, j) => (popularity[j]! += v));
    }
    return { pairs, popularity };
  }

  it('recovers the co-occurrence structure: same-group items score higher', () => {
    const n = 10; // items 8, 9 are never touched
    const histories = groups(200);
    const head = [0, 1, 2, 3, 4, 5, 6, 7];
    const { pairs, popularity } = release(histories, head, n);
    const model = modelFromCooccurrence({
      numItems: n,
      head,
      pairs,
      pairNoiseStd: 0,
      popularity,
      factors: 2,
    });
    expect(model.factors).toBe(2);
    const k = model.factors;
    const dotItems = (a: number, b: number) => {
      let s = 0;
      for (let d = 0; d < k; d++)
        s += model.itemFactors[a * k + d]! * model.itemFactors[b * k + d]!;
      return s;
    };
    expect(dotItems(0, 1)).toBeGreaterThan(dotItems(0, 5) + 0.05);
    expect(dotItems(4, 6)).toBeGreaterThan(dotItems(4, 2) + 0.05);
    // Items outside the head get no factors; untouched items no bias either.
    for (let d = 0; d < k; d++) expect(model.itemFactors[9 * k + d]).toBe(0);
    expect(model.itemBias[9]).toBe(0);
    expect(model.unobservedWeight).toBe(0);
    // The releases count distinct items, so histories fold in the same way.
    expect(model.historyConfidence).toBe('binary');
  });

  it('shrinks directions buried in noise towards zero', () => {
    const n = 8;
    const head = [0, 1, 2, 3, 4, 5, 6, 7];
    const { pairs, popularity } = release(groups(200), head, n);
    const norm = (std: number) => {
      const m = modelFromCooccurrence({ numItems: n, head, pairs, pairNoiseStd: std, popularity });
      return l2Norm(m.itemFactors);
    };
    expect(norm(50)).toBeLessThan(norm(0.5));
  });

  it('rejects releases of the wrong length', () => {
    expect(() =>
      modelFromCooccurrence({
        numItems: 4,
        head: [0, 1],
        pairs: new Float64Array(2),
        pairNoiseStd: 0,
        popularity: new Float64Array(4),
      }),
    ).toThrow(/needs 3/);
    expect(() =>
      modelFromCooccurrence({
        numItems: 4,
        head: [0, 1],
        pairs: new Float64Array(3),
        pairNoiseStd: 0,
        popularity: new Float64Array(3),
      }),
    ).toThrow(/4 items/);
  });
});

describe('#9 DP settings chosen on tuning populations, as a rule of N and ε', () => {
  const chosen = JSON.parse(
    readFileSync(join(import.meta.dirname, '../../bench/dp/chosen-settings.json'), 'utf8'),
  ) as {
    tuningSeed: number;
    choices: Array<CooccurrenceTuningPoint & { validationNdcg10: number }>;
  };

  it('#9 the shipped settings are exactly what choose-dp-settings chose, on a seed no bench section reports', () => {
    expect(chosen.tuningSeed).not.toBe(DEFAULT_DEMO_SEED);
    expect(COOCCURRENCE_TUNING_POINTS).toEqual(
      chosen.choices.map(({ validationNdcg10: _, ...point }) => point),
    );
    for (const users of DP_CURVE_USERS) {
      for (const epsilon of DP_CURVE_EPSILONS) {
        const point = chosen.choices.find((c) => c.users === users && c.epsilon === epsilon);
        expect(point, `a tuning point at N = ${users}, ε = ${epsilon}`).toBeDefined();
      }
    }
  });

  it('#9 the rule picks the nearest tuning point in (log N, log ε) and caps the head', () => {
    const at = (users: number, epsilon: number) =>
      COOCCURRENCE_TUNING_POINTS.find((p) => p.users === users && p.epsilon === epsilon)!;
    const { users: _u, epsilon: _e, ...tenK } = at(10_000, 8);
    expect(cooccurrenceSettingsFor({ users: 10_000, epsilon: 8 })).toEqual(tenK);
    expect(cooccurrenceSettingsFor({ users: 12_000, epsilon: 7 })).toEqual(tenK);
    const { users: _v, epsilon: _f, ...small } = at(1000, 1);
    expect(cooccurrenceSettingsFor({ users: 500, epsilon: 0.5 })).toEqual(small);
    expect(cooccurrenceSettingsFor({ users: 10_000, epsilon: 8, numItems: 40 }).headSize).toBe(40);
    expect(MAX_DEFAULT_HEAD).toBe(999);
    expect(MAX_SECURE_DEFAULT_HEAD).toBe(706);
    expect(
      cooccurrenceSettingsFor({ users: 10_000, epsilon: 8, maxHead: 706 }).headSize,
    ).toBeLessThanOrEqual(706);
    expect(() => cooccurrenceSettingsFor({ users: 0, epsilon: 8 })).toThrow(/at least 1 user/);
  });
});

describe('modelFromSpectrum', () => {
  it('builds the same model as modelFromCooccurrence from one decomposition', () => {
    const rng = createRng(5);
    const head = [0, 2, 3, 5];
    const pairs = Array.from({ length: pairCount(4) }, () => rng.next());
    const popularity = [4, 0, 3, 2, 0, 1];
    const o = { numItems: 6, head, pairs, pairNoiseStd: 0.1, popularity, factors: 3, shrinkage: 1 };
    const spectrum = headGramSpectrum(pairs, 4);
    expect(modelFromSpectrum({ ...o, spectrum })).toEqual(modelFromCooccurrence(o));
  });
});
