import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/core/data/types';
import { DataError } from '../../src/core/errors';
import { CHUNK_ROWS, LOG_COMPACT_ROWS, LOG_MAX_BATCH } from '../../src/storage';
import {
  asStored,
  datasetEvents,
  makeEvents,
  openStore,
  uniqueDbName,
} from './storage-test-helpers';

describe('interactions in IndexedDB', () => {
  it('reads back exactly what was appended after closing and reopening (durability)', async () => {
    const dbName = uniqueDbName('durable');
    const events = makeEvents(CHUNK_ROWS + 500, { users: 7 });
    const first = await openStore({ dbName });
    const result = await first.appendInteractions(events);
    expect(result).toEqual({ appended: events.length, evicted: 0 });
    await first.appendInteractions([{ itemId: 'late', type: 'purchase', timestamp: 1 }]);
    first.dispose();

    const reopened = await openStore({ dbName });
    const dataset = await reopened.readInteractions();
    expect(datasetEvents(dataset)).toEqual(
      asStored([...events, { itemId: 'late', type: 'purchase', timestamp: 1 }]),
    );
    expect(await reopened.countInteractions()).toBe(events.length + 1);
    // Vocabularies come back in stored (first-seen) order.
    expect(dataset.userVocab.toArray()).toEqual([
      'u0',
      'u1',
      'u2',
      'u3',
      'u4',
      'u5',
      'u6',
      'local',
    ]);
  });

  it('keeps insertion order across log appends, chunk appends and compaction', async () => {
    const store = await openStore({ dbName: uniqueDbName('order') });
    const all = makeEvents(LOG_COMPACT_ROWS * 2 + 300, { users: 2 });
    const expected = [];
    let offset = 0;
    // Small (log) and large (chunk) batches interleaved; the log compacts along the way.
    const sizes = [1, 5, LOG_MAX_BATCH - 1, LOG_MAX_BATCH, 3, 500, 1, 1, LOG_MAX_BATCH - 1];
    while (offset < all.length) {
      for (const size of sizes) {
        const batch = all.slice(offset, offset + size);
        if (batch.length === 0) break;
        await store.appendInteractions(batch);
        expected.push(...batch);
        offset += batch.length;
      }
    }
    expect(datasetEvents(await store.readInteractions())).toEqual(asStored(expected));
    expect(await store.countInteractions()).toBe(all.length);
  });

  it('compacts the append log into a chunk when it reaches its size', async () => {
    const dbName = uniqueDbName('compact');
    const store = await openStore({ dbName });
    const all = makeEvents(LOG_MAX_BATCH * 17);
    const batches = Math.ceil(LOG_COMPACT_ROWS / (LOG_MAX_BATCH - 1));
    let offset = 0;
    const raw = await openDB(dbName);
    const counts = async (): Promise<[number, number]> => [
      await raw.count('log'),
      await raw.count('chunks'),
    ];
    for (let b = 0; b < batches - 1; b++) {
      await store.appendInteractions(all.slice(offset, offset + LOG_MAX_BATCH - 1));
      offset += LOG_MAX_BATCH - 1;
    }
    expect(await counts()).toEqual([offset, 0]);
    await store.appendInteractions(all.slice(offset, offset + LOG_MAX_BATCH - 1));
    offset += LOG_MAX_BATCH - 1;
    expect(await counts()).toEqual([0, 1]);
    await store.appendInteractions(all.slice(offset, offset + 1));
    expect(await counts()).toEqual([1, 1]);
    raw.close();
    expect(datasetEvents(await store.readInteractions())).toEqual(
      asStored(all.slice(0, offset + 1)),
    );
  });

  it('rejects a batch with a bad row, naming its index and field, and writes nothing', async () => {
    const store = await openStore({ dbName: uniqueDbName('invalid') });
    await store.appendInteractions(makeEvents(3));
    const good = makeEvents(200, { prefix: 'ok' });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ type: 'view', timestamp: 5 }, /Interaction 150 .*itemId is missing/],
      [
        { itemId: 'x', type: 'like', timestamp: 5 },
        /Interaction 150 .*type "like" is not an event type/,
      ],
      [
        { itemId: 'x', type: 'view', timestamp: Number.NaN },
        /Interaction 150 .*timestamp must be a finite/,
      ],
      [
        { itemId: 'x', type: 'view', timestamp: 5, value: Infinity },
        /Interaction 150 .*value must be a finite/,
      ],
    ];
    for (const [bad, message] of cases) {
      for (const size of [200, 2]) {
        const batch = good.slice(0, size) as unknown[];
        batch.splice(Math.min(150, size), 0, bad);
        const attempt = store.appendInteractions(batch as never);
        await expect(attempt).rejects.toBeInstanceOf(DataError);
        if (size === 200) await expect(attempt).rejects.toThrow(message);
        await expect(attempt).rejects.toMatchObject({ code: 'INVALID_ROW' });
      }
    }
    expect(await store.countInteractions()).toBe(3);
    expect((await store.readInteractions()).itemVocab.toArray()).toEqual([
      'item-0',
      'item-1',
      'item-2',
    ]);
  });

  it('imports good rows and reports the bad ones without blocking them', async () => {
    const store = await openStore({ dbName: uniqueDbName('import'), visitorId: 'me' });
    const csv = [
      'user,item,type,timestamp',
      'a,i1,view,1700000000',
      'b,,click,1700000001',
      'c,i3,teleport,1700000002',
      'd,i4,purchase,not-a-date',
      'e,i5,cart,1700000004',
    ].join('\n');
    const { report, append } = await store.importInteractions(new Blob([csv]));
    expect(report).toMatchObject({ totalRows: 5, acceptedRows: 2, rejectedRows: 3 });
    expect(report.errors.map((e) => e.line)).toEqual([3, 4, 5]);
    expect(append.appended).toBe(2);
    const stored = datasetEvents(await store.readInteractions());
    expect(stored.map((e) => [e.userId, e.itemId, e.type, e.timestamp])).toEqual([
      ['a', 'i1', 'view', 1_700_000_000_000],
      ['e', 'i5', 'cart', 1_700_000_004_000],
    ]);

    // Text without a user column belongs to the visitor; rows without time are stamped now.
    const before = Date.now();
    await store.importInteractions('item\nsolo-1\nsolo-2\n');
    const recent = await store.recentInteractions(10);
    expect(recent.map((e) => e.itemId)).toEqual(['solo-1', 'solo-2']);
    expect(recent.every((e) => e.userId === 'me' && e.timestamp >= before)).toBe(true);
  });

  it('imports from a URL through fetch', async () => {
    const store = await openStore({ dbName: uniqueDbName('url') });
    const url = new URL(
      URL.createObjectURL(new Blob(['user\titem\trating\tts\n1\t10\t4\t881250949\n'])),
    );
    try {
      const { report } = await store.importInteractions(url);
      expect(report.acceptedRows).toBe(1);
    } finally {
      URL.revokeObjectURL(url.href);
    }
    expect(datasetEvents(await store.readInteractions())).toEqual([
      { itemId: '10', userId: '1', type: 'rating', value: 4, timestamp: 881_250_949_000 },
    ]);
  });

  it("returns one user's most recent events, newest last, across chunks and the log", async () => {
    const store = await openStore({ dbName: uniqueDbName('recent') });
    await store.appendInteractions(makeEvents(1000, { users: 4 }));
    await store.appendInteractions([
      { itemId: 'mine-1', type: 'view', timestamp: 9e12 },
      { itemId: 'theirs', userId: 'u1', type: 'view', timestamp: 9e12 + 1 },
      { itemId: 'mine-2', type: 'click', value: 2, timestamp: 9e12 + 2 },
    ]);
    expect((await store.recentInteractions(2)).map((e) => e.itemId)).toEqual(['mine-1', 'mine-2']);
    const u1 = await store.recentInteractions(3, 'u1');
    expect(u1.map((e) => e.itemId)).toEqual(['item-993', 'item-997', 'theirs']);
    expect(u1[0]).toEqual({
      itemId: 'item-993',
      userId: 'u1',
      type: EVENT_TYPES[993 % EVENT_TYPES.length],
      value: Math.fround(6.25),
      timestamp: 1_700_000_000_000 + 993_000,
    });
    expect(await store.recentInteractions(5, 'nobody')).toEqual([]);
    await expect(store.recentInteractions(-1)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});
