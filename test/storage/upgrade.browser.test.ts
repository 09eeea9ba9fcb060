import { describe, expect, it } from 'vitest';
import type { Interaction } from '../../src/core/data/types';
import { HEARTH_DB_VERSION } from '../../src/storage';
import {
  asStored,
  datasetEvents,
  makeEvents,
  openStore,
  uniqueDbName,
} from './storage-test-helpers';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Creates the prototype ("v0") layout by hand: IndexedDB version 1, plain event objects. */
async function createV0Database(
  name: string,
  events: readonly unknown[],
  meta: Record<string, unknown>,
): Promise<void> {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('events', { autoIncrement: true });
    open.result.createObjectStore('meta');
  };
  const db = await request(open);
  const tx = db.transaction(['events', 'meta'], 'readwrite');
  for (const event of events) tx.objectStore('events').add(event);
  for (const [key, value] of Object.entries(meta)) tx.objectStore('meta').put(value, key);
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

async function rawStoreNames(name: string): Promise<{ version: number; stores: string[] }> {
  const db = await request(indexedDB.open(name));
  const result = { version: db.version, stores: [...db.objectStoreNames] };
  db.close();
  return result;
}

describe('schema upgrades', () => {
  it('migrates a v0 database (plain `events` objects) into chunks without losing data', async () => {
    const dbName = uniqueDbName('upgrade');
    const events: Interaction[] = makeEvents(2500, { users: 5 });
    const withoutUser: Interaction = { itemId: 'anon', type: 'view', timestamp: 42 };
    const legacy = [
      ...events.slice(0, 1000),
      withoutUser,
      { itemId: '', type: 'view', timestamp: 1 },
      ...events.slice(1000),
    ];
    await createV0Database(dbName, legacy, { theme: 'dark' });

    const store = await openStore({ dbName, visitorId: 'me' });
    const expected = asStored([...events.slice(0, 1000), withoutUser, ...events.slice(1000)], 'me');
    expect(datasetEvents(await store.readInteractions())).toEqual(expected);
    expect(await store.getMeta('theme')).toBe('dark');
    expect(await store.getMeta('hearth:migratedFromV0')).toEqual({ migrated: 2501, skipped: 1 });
    // The upgraded database takes new appends after the migrated rows.
    await store.appendInteractions([{ itemId: 'after', type: 'click', timestamp: 7 }]);
    expect(await store.countInteractions()).toBe(2502);
    store.dispose();

    const raw = await rawStoreNames(dbName);
    expect(raw.version).toBe(HEARTH_DB_VERSION);
    expect(raw.stores).not.toContain('events');
    expect(raw.stores).toEqual(
      expect.arrayContaining([
        'chunks',
        'log',
        'vocab',
        'catalog',
        'models',
        'checkpoints',
        'meta',
        'counters',
      ]),
    );
  });
});
