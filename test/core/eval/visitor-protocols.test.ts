import { describe, expect, it } from 'vitest';
import { DataError, OptionError } from '../../../src/core/errors';
import type { HistoryRanker } from '../../../src/core/eval/first-n';
import { evaluateFirstN, visitorHistory } from '../../../src/core/eval/first-n';
import type { UserTimeline } from '../../../src/core/eval/held-out-users';
import { splitHeldOutUsers } from '../../../src/core/eval/held-out-users';
import { evaluateItemToItem } from '../../../src/core/eval/item-to-item';
import {
  runFirstN,
  runItemToItem,
  trainForVisitors,
} from '../../../src/core/eval/visitor-protocols';
import type { RowSpec } from '../../fixtures/synthetic';
import { datasetFromRows, plantedCatalog, plantedDataset } from '../../fixtures/synthetic';

/** User `u<k>` viewed `count` items `x0 … x<count−1>` one minute apart (item xj at minute j). */
function rows(counts: readonly number[]): RowSpec[] {
  const out: RowSpec[] = [];
  counts.forEach((count, u) => {
    for (let j = count - 1; j >= 0; j--) {
      out.push({ user: `u${u}`, item: `x${j}`, type: 'view', timestamp: 60_000 * j });
    }
  });
  return out;
}

function timeline(items: number[]): UserTimeline {
  return {
    user: 0,
    events: items.map((item) => ({ item, type: 'view' as const })),
    items: Int32Array.from(items),
    firstEvent: Int32Array.from(items.map((_, i) => i)),
  };
}

describe('splitHeldOutUsers', () => {
  it('holds out a seeded share of the users with enough items, entirely', () => {
    const dataset = datasetFromRows(rows([12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 3, 3]));
    const split = splitHeldOutUsers(dataset, { seed: 1 });
    expect(split.heldOut).toHaveLength(2);
    const held = new Set(split.heldOut.map((t) => t.user));
    for (let e = 0; e < split.train.columns.length; e++) {
      expect(held.has(split.train.columns.users[e]!)).toBe(false);
    }
    expect(split.train.columns.length).toBe(dataset.columns.length - 24);
    // Rows were written newest first; the timeline is in time order.
    const first = split.heldOut[0]!;
    expect(Array.from(first.items, (i) => dataset.itemVocab.idAt(i))).toEqual(
      Array.from({ length: 12 }, (_, j) => `x${j}`),
    );
    expect(splitHeldOutUsers(dataset, { seed: 1 }).heldOut.map((t) => t.user)).toEqual(
      split.heldOut.map((t) => t.user),
    );
    expect(splitHeldOutUsers(dataset, { seed: 2 }).heldOut.map((t) => t.user)).not.toEqual(
      split.heldOut.map((t) => t.user),
    );
  });

  it('never holds out users with fewer than minItems items, and says when none qualifies', () => {
    const dataset = datasetFromRows(rows([9, 9, 9, 9, 9]));
    expect(() => splitHeldOutUsers(dataset, { seed: 1 })).toThrow(DataError);
    expect(splitHeldOutUsers(dataset, { seed: 1, minItems: 5 }).heldOut).toHaveLength(1);
    expect(() => splitHeldOutUsers(dataset, { seed: 1, fraction: 1 })).toThrow(OptionError);
  });
});

describe('evaluateFirstN', () => {
  it('reveals the first n items and scores the next five', () => {
    const t = timeline([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(Array.from(visitorHistory(t, 2)!.items)).toEqual([10, 11]);
    expect(visitorHistory(t, 2)!.events).toHaveLength(2);
    expect(visitorHistory(t, 10)).toBeNull();
    // An oracle that knows the next item ranks it first; one that ranks the history cannot hit.
    const oracle: HistoryRanker = (h) => [h.items[h.items.length - 1]! + 1];
    const beyond: HistoryRanker = () => [19];
    const report = evaluateFirstN({ heldOut: [t], rankers: { oracle, beyond }, reveals: [1, 5] });
    expect(report['oracle']!.map((s) => s.hr)).toEqual([1, 1]);
    const idcg = [1, 2, 3, 4, 5].reduce((s, r) => s + 1 / Math.log2(r + 1), 0);
    expect(report['oracle']![0]!.ndcg).toBeCloseTo(1 / idcg, 10);
    // Item 19 is the 10th item: a target for n = 5 (items 5…9), not for n = 1 (items 1…5).
    expect(report['beyond']!.map((s) => s.hr)).toEqual([0, 1]);
    expect(() => evaluateFirstN({ heldOut: [t], rankers: {}, reveals: [0] })).toThrow(OptionError);
  });
});

describe('evaluateItemToItem', () => {
  it('counts next-item hits and category agreement', () => {
    const catalog = [0, 1, 2, 3].map((i) => ({ id: `x${i}`, category: [i < 2 ? 'A' : 'B'] }));
    const next = (anchor: number): number[] => [anchor + 1, 3];
    const report = evaluateItemToItem({
      heldOut: [timeline([0, 1, 2])],
      rankers: { next },
      catalog,
    });
    expect(report['next']!.pairs).toBe(2);
    expect(report['next']!.hr).toBe(1);
    // Anchor 0 shows 1 (A, agrees) and 3 (B); anchor 1 shows 2 (B) and 3 (B).
    expect(report['next']!.contentAgreement).toBeCloseTo(1 / 4, 10);
    expect(
      evaluateItemToItem({ heldOut: [timeline([0, 1])], rankers: { next } })['next']!
        .contentAgreement,
    ).toBeNull();
  });
});

describe('visitor protocols on a planted data set', () => {
  it('trains without the held-out users and beats popularity with the served rows', async () => {
    const dataset = plantedDataset({ users: 150, items: 120, clusters: 4, pIn: 0.4, seed: 3 });
    const models = await trainForVisitors({
      dataset,
      catalog: plantedCatalog(120, 4, 0),
      seed: 5,
      train: { mf: { factors: 8, epochs: 4 } },
    });
    const held = models.heldOut.length;
    expect(held).toBeGreaterThan(20);
    const report = await runFirstN(models);
    expect(Object.keys(report)).toEqual([
      'for-you',
      'similar-to-last',
      'popularity',
      'itemknn',
      'ease',
    ]);
    for (let r = 0; r < 4; r++) {
      expect(report['for-you']![r]!.users).toBe(held);
      expect(report['for-you']![r]!.ndcg).toBeGreaterThan(report['popularity']![r]!.ndcg);
    }
    const rows = runItemToItem(models);
    expect(rows['blended']!.pairs).toBeGreaterThan(0);
    // Planted clusters are the catalog's categories: content-only rows agree fully.
    expect(rows['content-only']!.contentAgreement).toBe(1);
    expect(rows['blended']!.contentAgreement).toBeGreaterThan(0.5);
  });
});
