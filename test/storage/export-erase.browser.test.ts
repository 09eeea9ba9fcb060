import { openDB } from 'idb';
import { describe, expect, it, vi } from 'vitest';
import type { HearthExportManifest, StoreChange } from '../../src/storage';
import {
  asStored,
  datasetEvents,
  makeEvents,
  openStore,
  uniqueDbName,
} from './storage-test-helpers';
import { readStoredZip, zipText } from './zip-reader';

describe('export and erase', () => {
  it('#13 exports a readable zip (events.csv, catalog.jsonl, models, checkpoints, manifest) that imports back', async () => {
    const store = await openStore({ dbName: uniqueDbName('export'), now: () => 1_700_000_000_000 });
    // Every stored event the importer accepts back (a rating carries a value).
    const events = makeEvents(1500).filter((e) => e.type !== 'rating' || e.value !== undefined);
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
    expect(blob.type).toBe('application/zip');
    const files = await readStoredZip(blob);
    const manifest = JSON.parse(zipText(files, 'manifest.json')) as HearthExportManifest;
    expect(manifest).toMatchObject({
      format: 'hearth-export',
      formatVersion: 2,
      exportedAt: '2023-11-14T22:13:20.000Z',
      events: { rows: events.length, users: 3 },
      catalog: { items: 2 },
      models: [{ name: 'main', version: 1, file: 'models/main-v1.hearth', meta: { note: 'ok' } }],
      checkpoints: [{ runId: 'run-1', epoch: 1, file: 'checkpoints/run-1.json' }],
      meta: { visitor: { consent: true } },
    });
    const csv = zipText(files, 'events.csv').split('\n');
    expect(csv[0]).toBe('user_id,item_id,event,value,timestamp');
    expect(csv[1]).toMatch(/^u0,item-0,\w+,[\d.]*,2023-11-14T22:13:20\.000Z$/);
    expect(files.get('models/main-v1.hearth')).toEqual(new Uint8Array([0, 1, 2, 250]));
    expect(JSON.parse(zipText(files, 'checkpoints/run-1.json'))).toMatchObject({
      itemFactors: [3, 4, 5, 6],
      lossHistory: [0.25],
    });

    const copy = await openStore({ dbName: uniqueDbName('reimport') });
    const imported = await copy.importInteractions(zipText(files, 'events.csv'));
    expect(imported.report.rejectedRows).toBe(0);
    await copy.importCatalog(zipText(files, 'catalog.jsonl'));
    expect(datasetEvents(await copy.readInteractions())).toEqual(asStored(events));
    expect(await copy.getCatalog()).toEqual(await store.getCatalog());
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
