import { openDB } from 'idb';
import { describe, expect, it, vi } from 'vitest';
import type { EventType } from '../../src/core/data/types';
import { fromBase64, type HearthExport, type StoreChange } from '../../src/storage';
import { asStored, makeEvents, openStore, uniqueDbName } from './storage-test-helpers';

function decode<T extends Int32Array | Uint8Array | Float32Array | Float64Array>(
  text: string,
  make: (buffer: ArrayBuffer) => T,
): T {
  const bytes = fromBase64(text);
  return make(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
}

describe('export and erase', () => {
  it('exports catalog, interactions, models, checkpoints and meta as one JSON file', async () => {
    const store = await openStore({ dbName: uniqueDbName('export'), now: () => 1_700_000_000_000 });
    const events = makeEvents(1500);
    await store.appendInteractions(events.slice(0, 1490));
    await store.appendInteractions(events.slice(1490));
    await store.putCatalog([
      { id: 'item-0', title: 'Zero', price: 3 },
      { id: 'item-1', tags: ['a'] },
    ]);
    await store.saveModel('main', new Uint8Array([0, 1, 2, 250]), { note: 'ok' });
    await store.saveCheckpoint({
      runId: 'run-1',
      savedAt: 5,
      meta: { factors: 2 },
      checkpoint: {
        epoch: 1,
        userFactors: new Float32Array([1, 2]),
        itemFactors: new Float32Array([3, 4, 5, 6]),
        itemBias: new Float32Array([0.5, -0.5]),
        lossHistory: [0.25],
      },
    });
    await store.setMeta('visitor', { consent: true });

    const blob = await store.exportAll();
    expect(blob.type).toBe('application/json');
    const file = JSON.parse(await blob.text()) as HearthExport;
    expect(file).toMatchObject({
      format: 'hearth-export',
      formatVersion: 1,
      exportedAt: '2023-11-14T22:13:20.000Z',
    });
    expect(file.catalog).toEqual([
      { id: 'item-0', title: 'Zero', price: 3 },
      { id: 'item-1', tags: ['a'] },
    ]);
    expect(file.meta).toEqual({ visitor: { consent: true } });

    const x = file.interactions;
    const users = decode(x.users, (b) => new Int32Array(b));
    const items = decode(x.items, (b) => new Int32Array(b));
    const types = decode(x.types, (b) => new Uint8Array(b));
    const values = decode(x.values, (b) => new Float32Array(b));
    const timestamps = decode(x.timestamps, (b) => new Float64Array(b));
    expect(x.rows).toBe(1500);
    const rebuilt = Array.from({ length: x.rows }, (_, i) => ({
      itemId: x.itemIds[items[i]!]!,
      userId: x.userIds[users[i]!]!,
      type: x.eventTypes[types[i]!]! as EventType,
      ...(Number.isNaN(values[i]) ? {} : { value: values[i]! }),
      timestamp: timestamps[i]!,
    }));
    expect(rebuilt).toEqual(asStored(events));

    expect(file.models).toEqual([
      {
        name: 'main',
        version: 1,
        savedAt: 1_700_000_000_000,
        meta: { note: 'ok' },
        bytes: expect.any(String),
      },
    ]);
    expect(fromBase64(file.models[0]!.bytes)).toEqual(new Uint8Array([0, 1, 2, 250]));
    const cp = file.checkpoints[0]!;
    expect(cp).toMatchObject({
      runId: 'run-1',
      epoch: 1,
      lossHistory: [0.25],
      meta: { factors: 2 },
    });
    expect(decode(cp.itemFactors, (b) => new Float32Array(b))).toEqual(
      new Float32Array([3, 4, 5, 6]),
    );
  });

  it('erases the database (even with another tab open) and Hearth caches, and proves it', async () => {
    const dbName = uniqueDbName('erase');
    const store = await openStore({ dbName });
    const otherTab = await openStore({ dbName });
    const otherChanges: StoreChange[] = [];
    otherTab.onChange((c) => otherChanges.push(c));
    await store.appendInteractions(makeEvents(100));
    await otherTab.saveModel('m', new Uint8Array([1]));
    await (await caches.open('hearth-models')).put('/model.bin', new Response('x'));
    await caches.open('someone-else');

    const result = await store.eraseAll();
    expect(result).toEqual({ remainingDatabases: [], remainingCaches: [] });
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(dbName);
    expect(await caches.keys()).toContain('someone-else');
    await vi.waitFor(() => expect(otherChanges.at(-1)).toEqual({ kind: 'erased', remote: true }));
    await caches.delete('someone-else');

    // Both instances keep working on a fresh, empty database.
    expect(await otherTab.countInteractions()).toBe(0);
    expect(await store.loadModel('m')).toBeNull();
  });

  it('reports the database as remaining while a connection that ignores requests blocks it', async () => {
    const dbName = uniqueDbName('erase-blocked');
    const store = await openStore({ dbName, eraseTimeoutMs: 200 });
    await store.appendInteractions(makeEvents(3));
    // An old tab: an open connection that does not close on `versionchange`.
    const stubborn = await openDB(dbName);
    const result = await store.eraseAll();
    expect(result.remainingDatabases).toEqual([dbName]);
    stubborn.close();
    await vi.waitFor(async () => {
      const names = (await indexedDB.databases()).map((d) => d.name);
      expect(names).not.toContain(dbName);
    });
  });
});
