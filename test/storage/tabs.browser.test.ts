import { describe, expect, it, vi } from 'vitest';
import type { Interaction } from '../../src/core/data/types';
import type { StoreChange } from '../../src/storage';
import { datasetEvents, makeEvents, openStore, uniqueDbName } from './storage-test-helpers';

describe('several tabs on one database', () => {
  it('loses and duplicates nothing when two connections append at the same time', async () => {
    const dbName = uniqueDbName('concurrent');
    const tabA = await openStore({ dbName });
    const tabB = await openStore({ dbName });
    // Mixed sizes: log appends, chunk appends and compactions race between the two connections,
    // with item ids shared between tabs so both extend the same vocabularies.
    const sizes = [1, 3, 700, 2, 63, 64, 1, 1200, 5, 1];
    const batchesOf = (tab: string): Interaction[][] =>
      sizes.map((size, b) =>
        makeEvents(size, { prefix: `${tab}${b}`, users: 4 }).map((e, i) => ({
          ...e,
          itemId: i % 2 === 0 ? `shared-${i % 50}` : e.itemId,
          userId: `${tab}-${b}-${i}`,
        })),
      );
    const a = batchesOf('a');
    const b = batchesOf('b');
    await Promise.all([
      (async () => {
        for (const batch of a) await tabA.appendInteractions(batch);
      })(),
      (async () => {
        for (const batch of b) await tabB.appendInteractions(batch);
      })(),
      Promise.all(a.map(() => tabB.recentInteractions(3))),
    ]);
    const total = 2 * sizes.reduce((s, n) => s + n, 0);
    for (const tab of [tabA, tabB]) {
      expect(await tab.countInteractions()).toBe(total);
      const stored = datasetEvents(await tab.readInteractions());
      expect(stored.length).toBe(total);
      const keys = stored.map((e) => `${e.userId}|${e.itemId}`);
      expect(new Set(keys).size).toBe(total);
      const expected = [...a.flat(), ...b.flat()].map((e) => `${e.userId}|${e.itemId}`);
      expect(new Set(keys)).toEqual(new Set(expected));
      // Each tab's own appends keep their order.
      const onlyA = stored.filter((e) => e.userId!.startsWith('a-')).map((e) => e.userId);
      expect(onlyA).toEqual(a.flat().map((e) => e.userId));
    }
  });

  it('delivers changes to local listeners and, flagged remote, to other instances', async () => {
    const dbName = uniqueDbName('changes');
    const tabA = await openStore({ dbName });
    const tabB = await openStore({ dbName });
    const seenA: StoreChange[] = [];
    const seenB: StoreChange[] = [];
    tabA.onChange((c) => seenA.push(c));
    const unsubscribe = tabB.onChange((c) => seenB.push(c));

    await tabA.appendInteractions(makeEvents(2));
    await tabA.saveModel('main', new Uint8Array([1]));
    await tabB.putCatalog([{ id: 'x' }]);
    expect(seenA.slice(0, 2)).toEqual([
      { kind: 'interactions', appended: 2, total: 2 },
      { kind: 'model', name: 'main', version: 1 },
    ]);
    await vi.waitFor(() => {
      // Remote delivery is asynchronous: compare without order.
      expect(seenB).toHaveLength(3);
      expect(seenB).toEqual(
        expect.arrayContaining([
          { kind: 'catalog', items: 1 },
          { kind: 'interactions', appended: 2, total: 2, remote: true },
          { kind: 'model', name: 'main', version: 1, remote: true },
        ]),
      );
      expect(seenA[2]).toEqual({ kind: 'catalog', items: 1, remote: true });
    });
    unsubscribe();
    await tabA.appendInteractions(makeEvents(1));
    await vi.waitFor(() => expect(seenA).toHaveLength(4));
    expect(seenB).toHaveLength(3);
  });

  it('holds the trainer lock in one tab at a time', async () => {
    const dbName = uniqueDbName('lock');
    const tabA = await openStore({ dbName });
    const tabB = await openStore({ dbName });
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const first = tabA.withTrainerLock(async () => {
      order.push('A start');
      entered();
      await held;
      order.push('A end');
      return 'A';
    });
    await inside;
    expect(await tabB.withTrainerLock(async () => 'B', { wait: false })).toBeNull();
    const waiting = tabB.withTrainerLock(async () => {
      order.push('B');
      return 'B';
    });
    const controller = new AbortController();
    const cancelled = tabB.withTrainerLock(async () => 'never', { signal: controller.signal });
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'TRAINING_CANCELLED' });
    release();
    expect(await first).toBe('A');
    expect(await waiting).toBe('B');
    expect(order).toEqual(['A start', 'A end', 'B']);
    expect(await tabA.withTrainerLock(async () => 1, { wait: false })).toBe(1);
  });
});
