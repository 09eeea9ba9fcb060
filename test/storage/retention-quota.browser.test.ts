import { describe, expect, it } from 'vitest';
import { HearthError } from '../../src/core/errors';
import { CHUNK_ROWS, createQuotaSimulator, type StoreChange } from '../../src/storage';
import {
  asStored,
  datasetEvents,
  makeEvents,
  openStore,
  uniqueDbName,
} from './storage-test-helpers';

describe('retention', () => {
  it('keeps at most maxEvents, evicting the oldest rows of chunks and log', async () => {
    const store = await openStore({
      dbName: uniqueDbName('ret-count'),
      retention: { maxEvents: 1000 },
    });
    const all = makeEvents(1300);
    expect(await store.appendInteractions(all.slice(0, 600))).toEqual({
      appended: 600,
      evicted: 0,
    });
    expect(await store.appendInteractions(all.slice(600, 1200))).toEqual({
      appended: 600,
      evicted: 200,
    });
    // Small appends go to the log; each evicts from the head of the first chunk.
    for (let i = 1200; i < 1300; i += 10) {
      expect((await store.appendInteractions(all.slice(i, i + 10))).evicted).toBe(10);
    }
    expect(await store.countInteractions()).toBe(1000);
    expect(datasetEvents(await store.readInteractions())).toEqual(asStored(all.slice(300)));
  });

  it('evicts rows older than maxAgeMs on write: whole chunks, partial chunks and log rows', async () => {
    let now = 0;
    const store = await openStore({
      dbName: uniqueDbName('ret-age'),
      retention: { maxAgeMs: 1_000_000 },
      now: () => now,
    });
    const old = makeEvents(CHUNK_ROWS, { prefix: 'old', start: 0, step: 10 });
    const mid = makeEvents(500, { prefix: 'mid', start: 200_000, step: 1000 });
    const logged = makeEvents(20, { prefix: 'log', start: 600_000, step: 1000 });
    now = 1_000_000;
    await store.appendInteractions(old);
    await store.appendInteractions(mid);
    await store.appendInteractions(logged);
    expect(await store.countInteractions()).toBe(CHUNK_ROWS + 520);

    // Cutoff 610,000: every `old` row (first chunk), `mid` rows before 610,000 and 10 log rows go.
    now = 1_610_000;
    const result = await store.appendInteractions([
      { itemId: 'new', type: 'view', timestamp: now },
    ]);
    const keptMid = mid.filter((e) => e.timestamp >= 610_000);
    const keptLog = logged.filter((e) => e.timestamp >= 610_000);
    expect(keptMid.length).toBe(90);
    expect(keptLog.length).toBe(10);
    expect(result.evicted).toBe(CHUNK_ROWS + 500 - 90 + 10);
    expect(datasetEvents(await store.readInteractions())).toEqual(
      asStored([...keptMid, ...keptLog, { itemId: 'new', type: 'view', timestamp: now }]),
    );
  });

  it('rejects invalid policies', async () => {
    await expect(
      openStore({ dbName: uniqueDbName('ret-bad'), retention: { maxEvents: -1 } }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
  });
});

describe('quota', () => {
  it('evicts the oldest interactions, retries and reports it (result and change event)', async () => {
    const quota = createQuotaSimulator();
    const store = await openStore({ dbName: uniqueDbName('quota'), quotaSimulator: quota });
    const changes: StoreChange[] = [];
    store.onChange((change) => changes.push(change));
    const all = makeEvents(2100);
    await store.appendInteractions(all.slice(0, 2000));

    quota.failNextWrites(1);
    const result = await store.appendInteractions(all.slice(2000));
    // One round evicts max(rows needed = 100, 10% of 2,000 stored) = 200 rows.
    expect(result).toEqual({ appended: 100, evicted: 200, quotaRecovered: true });
    expect(quota.pending).toBe(0);
    expect(changes.map((c) => c.kind)).toEqual(['interactions', 'quota', 'interactions']);
    expect(changes[1]).toMatchObject({
      kind: 'quota',
      evicted: 200,
      message: expect.stringMatching(/200 oldest/),
    });
    expect(datasetEvents(await store.readInteractions())).toEqual(asStored(all.slice(200)));
  });

  it('never evicts models, and evicts interactions to make room for one', async () => {
    const quota = createQuotaSimulator();
    const store = await openStore({ dbName: uniqueDbName('quota-model'), quotaSimulator: quota });
    const first = await store.saveModel('main', new Uint8Array([1, 2, 3]));
    await store.appendInteractions(makeEvents(500));
    quota.failNextWrites(2);
    const second = await store.saveModel('main', new Uint8Array(2100).fill(7), { epochs: 3 });
    expect(first.version).toBe(1);
    expect(second.version).toBe(2);
    // Two rounds: max(2100 B / 21 B = 100 rows, 50) = 100, then max(100, 40) = 100.
    expect(await store.countInteractions()).toBe(300);
    await store.saveModel('other', new Uint8Array([9]));
    quota.failNextWrites(1);
    await store.appendInteractions(makeEvents(50, { prefix: 'n' }));
    const loaded = await store.loadModel('main');
    expect(loaded?.bytes).toEqual(new Uint8Array(2100).fill(7));
    expect(loaded?.meta).toEqual({ epochs: 3 });
    expect((await store.loadModel('other'))?.bytes).toEqual(new Uint8Array([9]));
  });

  it('throws STORAGE_QUOTA with advice when eviction cannot make room, and still reports evictions', async () => {
    const quota = createQuotaSimulator();
    const store = await openStore({ dbName: uniqueDbName('quota-full'), quotaSimulator: quota });
    const changes: StoreChange[] = [];
    store.onChange((change) => changes.push(change));

    quota.failNextWrites(1);
    const empty = store.appendInteractions(makeEvents(5));
    await expect(empty).rejects.toBeInstanceOf(HearthError);
    await expect(empty).rejects.toMatchObject({
      code: 'STORAGE_QUOTA',
      message: expect.stringMatching(/no interactions left.*eraseAll/),
    });
    expect(await store.countInteractions()).toBe(0);

    await store.appendInteractions(makeEvents(100));
    changes.length = 0;
    quota.failNextWrites(100);
    await expect(store.saveModel('big', new Uint8Array(10))).rejects.toMatchObject({
      code: 'STORAGE_QUOTA',
    });
    expect(await store.loadModel('big')).toBeNull();
    const evicted = 100 - (await store.countInteractions());
    expect(evicted).toBeGreaterThan(0);
    expect(changes).toEqual([expect.objectContaining({ kind: 'quota', evicted })]);
  });
});
