import { describe, expect, it } from 'vitest';
import type { CsrMatrix } from '../../../src/core/data/csr-matrix';
import { DataError, OptionError } from '../../../src/core/errors';
import type { Split, SplitProtocol } from '../../../src/core/eval/split';
import { splitInteractions } from '../../../src/core/eval/split';
import type { RowSpec } from '../../fixtures/synthetic';
import { datasetFromRows, plantedDataset } from '../../fixtures/synthetic';

/** Column indices of row `r`, as a plain array. */
function row(m: CsrMatrix, r: number): number[] {
  return Array.from(m.indices.subarray(m.indptr[r]!, m.indptr[r + 1]!));
}

/** Rows for users with the given numbers of distinct items (user `a`, `b`, …; items `x0`, `x1`, …). */
function rowsWithCounts(counts: readonly number[]): RowSpec[] {
  const rows: RowSpec[] = [];
  counts.forEach((count, u) => {
    for (let j = 0; j < count; j++) {
      rows.push({ user: `user${u}`, item: `x${j}`, timestamp: 1000 * (u + 1) + j });
    }
  });
  return rows;
}

/** Distinct (user, item) keys of a split part. */
function pairKeys(m: CsrMatrix): Set<string> {
  const keys = new Set<string>();
  for (let u = 0; u < m.rows; u++) for (const i of row(m, u)) keys.add(`${u}:${i}`);
  return keys;
}

function expectSameSplit(a: Split, b: Split): void {
  expect(Array.from(a.test.indptr)).toEqual(Array.from(b.test.indptr));
  expect(Array.from(a.test.indices)).toEqual(Array.from(b.test.indices));
  expect(Array.from(a.train.indices)).toEqual(Array.from(b.train.indices));
}

describe('splitInteractions — random', () => {
  const dataset = plantedDataset({ users: 60, items: 50, seed: 5 });

  it('is deterministic for a seed and changes with the seed', () => {
    const a = splitInteractions(dataset, { protocol: 'random', seed: 1 });
    const b = splitInteractions(dataset, { protocol: 'random', seed: 1 });
    const c = splitInteractions(dataset, { protocol: 'random', seed: 2 });
    expectSameSplit(a, b);
    expect(Array.from(c.test.indices)).not.toEqual(Array.from(a.test.indices));
    // Same sizes per user: only which items are held out changes.
    expect(Array.from(c.test.indptr)).toEqual(Array.from(a.test.indptr));
  });

  it('holds out round(20%) (at least 1) of each eligible user and keeps the rest in train', () => {
    // 4 → not evaluated, 5 → 1, 7 → round(1.4) = 1, 8 → round(1.6) = 2, 10 → 2, 13 → round(2.6) = 3.
    const counts = [4, 5, 7, 8, 10, 13, 3];
    const expected = [0, 1, 1, 2, 2, 3, 0];
    const split = splitInteractions(datasetFromRows(rowsWithCounts(counts)), {
      protocol: 'random',
      seed: 42,
    });
    counts.forEach((count, u) => {
      expect(row(split.test, u)).toHaveLength(expected[u]!);
      expect(row(split.train, u)).toHaveLength(count - expected[u]!);
    });
    expect(split.evaluatedUsers).toBe(5);
    expect(split.protocol).toBe('random');
  });

  it('keeps users below minPositives entirely in train', () => {
    const split = splitInteractions(datasetFromRows(rowsWithCounts([4, 2, 6])), {
      protocol: 'random',
      seed: 3,
    });
    expect(row(split.train, 0)).toEqual([0, 1, 2, 3]);
    expect(row(split.train, 1)).toEqual([0, 1]);
    expect(row(split.test, 0)).toEqual([]);
    expect(row(split.test, 1)).toEqual([]);
    expect(split.evaluatedUsers).toBe(1);
  });

  it('partitions the distinct pairs: train and test are disjoint and cover every pair', () => {
    const split = splitInteractions(dataset, { protocol: 'random', seed: 9 });
    const train = pairKeys(split.train);
    const test = pairKeys(split.test);
    for (const key of test) expect(train.has(key)).toBe(false);
    const all = new Set<string>();
    const c = dataset.columns;
    for (let e = 0; e < c.length; e++) all.add(`${c.users[e]}:${c.items[e]}`);
    expect(train.size + test.size).toBe(all.size);
    for (const key of all) expect(train.has(key) || test.has(key)).toBe(true);
    expect(Array.from(split.test.values).every((v) => v === 1)).toBe(true);
  });

  it('collapses duplicate rows into one positive with the summed weight', () => {
    // Five distinct items, each seen twice: 5 positives → exactly 1 test item, 4 train items.
    const rows: RowSpec[] = [];
    for (let rep = 0; rep < 2; rep++) {
      for (let j = 0; j < 5; j++) rows.push({ user: 'a', item: `x${j}`, timestamp: rep * 10 + j });
    }
    const rowWeights = Float32Array.from(rows.map((_, e) => (e < 5 ? 1 : 2)));
    const split = splitInteractions(datasetFromRows(rows), {
      protocol: 'random',
      seed: 4,
      rowWeights,
    });
    expect(row(split.test, 0)).toHaveLength(1);
    expect(row(split.train, 0)).toHaveLength(4);
    expect(Array.from(split.train.values)).toEqual([3, 3, 3, 3]);
  });

  it('picks different held-out items for different users and seeds (not always the first)', () => {
    const split = splitInteractions(datasetFromRows(rowsWithCounts(new Array(40).fill(10))), {
      protocol: 'random',
      seed: 8,
    });
    const seen = new Set<number>();
    for (let u = 0; u < 40; u++) for (const i of row(split.test, u)) seen.add(i);
    expect(seen.size).toBeGreaterThanOrEqual(8);
  });

  it('honours testFraction and minPositives', () => {
    const split = splitInteractions(datasetFromRows(rowsWithCounts([10, 3])), {
      protocol: 'random',
      seed: 1,
      testFraction: 0.5,
      minPositives: 3,
    });
    expect(row(split.test, 0)).toHaveLength(5);
    expect(row(split.test, 1)).toHaveLength(2);
  });
});

describe('splitInteractions — last', () => {
  it('holds out the most recent distinct item, whatever the row order', () => {
    const rows: RowSpec[] = [
      { user: 'a', item: 'p', timestamp: 50 },
      { user: 'a', item: 'q', timestamp: 900 },
      { user: 'a', item: 'r', timestamp: 10 },
      { user: 'a', item: 's', timestamp: 300 },
      { user: 'a', item: 't', timestamp: 20 },
      // A repeat of p later than everything makes p the last item.
      { user: 'b', item: 'p', timestamp: 1 },
      { user: 'b', item: 'q', timestamp: 2 },
      { user: 'b', item: 'r', timestamp: 3 },
      { user: 'b', item: 's', timestamp: 4 },
      { user: 'b', item: 't', timestamp: 5 },
      { user: 'b', item: 'p', timestamp: 6 },
      // Too few positives: never evaluated.
      { user: 'c', item: 'q', timestamp: 99_999 },
    ];
    const ds = datasetFromRows(rows);
    const split = splitInteractions(ds, { protocol: 'last', seed: 0 });
    expect(row(split.test, 0).map((i) => ds.itemVocab.idAt(i))).toEqual(['q']);
    expect(row(split.test, 1).map((i) => ds.itemVocab.idAt(i))).toEqual(['p']);
    expect(row(split.test, 2)).toEqual([]);
    expect(row(split.train, 0)).toHaveLength(4);
    expect(row(split.train, 2)).toHaveLength(1);
    expect(split.evaluatedUsers).toBe(2);
  });

  it('does not depend on the seed', () => {
    const ds = plantedDataset({ users: 30, items: 40 });
    expectSameSplit(
      splitInteractions(ds, { protocol: 'last', seed: 1 }),
      splitInteractions(ds, { protocol: 'last', seed: 2 }),
    );
  });
});

describe('splitInteractions — temporal', () => {
  it('holds out pairs at or after the global time cut for users with enough train positives', () => {
    // User a: 10 pairs at t = 0, 10, …, 90; user b: 6 pairs at t = 60, 70, …, 110.
    const rows: RowSpec[] = [];
    for (let j = 0; j < 10; j++) rows.push({ user: 'a', item: `x${j}`, timestamp: j * 10 });
    for (let j = 0; j < 6; j++) rows.push({ user: 'b', item: `y${j}`, timestamp: 60 + j * 10 });
    // 16 timestamps sorted: cut = times[floor(0.8·16) = 12].
    const times = rows.map((r) => r.timestamp!).sort((x, y) => x - y);
    const cut = times[12]!;
    const ds = datasetFromRows(rows);
    const split = splitInteractions(ds, { protocol: 'temporal', seed: 0 });
    const aTest = row(split.test, 0).map((i) => ds.itemVocab.idAt(i));
    expect(aTest).toEqual(
      rows.filter((r) => r.user === 'a' && r.timestamp! >= cut).map((r) => r.item),
    );
    // b has only 3 positives before the cut: not evaluated; its later pairs are dropped, not
    // trained on (that would leak the future into training).
    expect(row(split.test, 1)).toEqual([]);
    expect(row(split.train, 1).map((i) => ds.itemVocab.idAt(i))).toEqual(['y0', 'y1', 'y2']);
    expect(split.evaluatedUsers).toBe(1);
    for (const i of row(split.train, 0)) {
      const t = rows.find((r) => r.user === 'a' && r.item === ds.itemVocab.idAt(i))!.timestamp!;
      expect(t).toBeLessThan(cut);
    }
  });

  it('uses the latest timestamp of a repeated pair', () => {
    const rows: RowSpec[] = [];
    for (let j = 0; j < 9; j++) rows.push({ user: 'a', item: `x${j}`, timestamp: j });
    rows.push({ user: 'a', item: 'x0', timestamp: 100 });
    const ds = datasetFromRows(rows);
    const split = splitInteractions(ds, { protocol: 'temporal', seed: 0, testFraction: 0.1 });
    expect(row(split.test, 0).map((i) => ds.itemVocab.idAt(i))).toEqual(['x0']);
  });

  it('needs timestamps', () => {
    const ds = datasetFromRows(rowsWithCounts([6]).map((r) => ({ user: r.user, item: r.item })));
    expect(() => splitInteractions(ds, { protocol: 'temporal', seed: 0 })).toThrow(DataError);
  });
});

describe('splitInteractions — errors', () => {
  const ds = datasetFromRows(rowsWithCounts([6]));

  it.each([0, 1, -0.1, 1.5, NaN])('rejects testFraction %s', (testFraction) => {
    expect(() => splitInteractions(ds, { protocol: 'random', seed: 0, testFraction })).toThrow(
      OptionError,
    );
  });

  it('rejects an unknown protocol', () => {
    expect(() =>
      splitInteractions(ds, { protocol: 'bogus' as unknown as SplitProtocol, seed: 0 }),
    ).toThrow(OptionError);
  });

  it('rejects an empty dataset with NOT_ENOUGH_DATA', () => {
    try {
      splitInteractions(datasetFromRows([]), { protocol: 'random', seed: 0 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DataError);
      expect((error as DataError).code).toBe('NOT_ENOUGH_DATA');
    }
  });
});
