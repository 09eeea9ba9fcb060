import { describe, expect, it } from 'vitest';
import type { StoredCheckpoint } from '../../src/storage';
import { makeEvents, openStore, uniqueDbName } from './storage-test-helpers';

function checkpoint(runId: string, epoch: number, savedAt: number): StoredCheckpoint {
  return {
    runId,
    savedAt,
    meta: { factors: 2, dataVersion: 'v1' },
    checkpoint: {
      epoch,
      userFactors: new Float32Array([epoch, 1]),
      itemFactors: new Float32Array([2, 3, 4, 5]),
      itemBias: new Float32Array([0.25, epoch]),
      lossHistory: Array.from({ length: epoch }, (_, i) => 1 / (i + 1)),
    },
  };
}

describe('catalog, models, checkpoints, meta and report', () => {
  it('replaces and reads the catalog, also from an import, and rejects bad ids', async () => {
    const store = await openStore({ dbName: uniqueDbName('catalog') });
    const items = Array.from({ length: 2500 }, (_, i) => ({
      id: `i${i}`,
      title: `Item ${i}`,
      price: i / 4,
      category: ['A', 'B'],
    }));
    await store.putCatalog(items);
    expect(await store.getCatalog()).toEqual(items);
    const { report, items: count } = await store.importCatalog(
      'id,title\nx1,One\n,Missing id\nx2,Two\n',
    );
    expect(count).toBe(2);
    expect(report.rejectedRows).toBe(1);
    expect((await store.getCatalog()).map((item) => item.id)).toEqual(['x1', 'x2']);
    await expect(store.putCatalog([{ id: 'a' }, { id: 'a' }])).rejects.toThrow(
      /item 1 .*appears twice/,
    );
    await expect(
      store.putCatalog([{ id: 'ok' }, { title: 'no id' } as never]),
    ).rejects.toMatchObject({ code: 'INVALID_ROW' });
    expect((await store.getCatalog()).map((item) => item.id)).toEqual(['x1', 'x2']);
  });

  it('versions models on every save and keeps them apart by name', async () => {
    let now = 100;
    const store = await openStore({ dbName: uniqueDbName('models'), now: () => now });
    expect(await store.loadModel('main')).toBeNull();
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const v1 = await store.saveModel('main', backing.subarray(2, 5), { loss: 0.5 });
    now = 200;
    const v2 = await store.saveModel('main', new Uint8Array([4]));
    await store.saveModel('other', new Uint8Array([5]));
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(await store.loadModel('main')).toEqual({
      bytes: new Uint8Array([4]),
      version: 2,
      savedAt: 200,
      meta: {},
    });
    expect((await store.loadModel('other'))?.version).toBe(1);
    expect(v1.bytes).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('stores checkpoints per run, finds the latest and clears them', async () => {
    const store = await openStore({ dbName: uniqueDbName('checkpoints') });
    expect(await store.latestCheckpoint()).toBeNull();
    await store.saveCheckpoint(checkpoint('run-a', 1, 10));
    await store.saveCheckpoint(checkpoint('run-b', 1, 20));
    await store.saveCheckpoint(checkpoint('run-a', 2, 30));
    expect(await store.loadCheckpoint('run-a')).toEqual(checkpoint('run-a', 2, 30));
    expect((await store.latestCheckpoint())?.runId).toBe('run-a');
    await store.clearCheckpoints('run-a');
    expect(await store.loadCheckpoint('run-a')).toBeNull();
    expect((await store.latestCheckpoint())?.runId).toBe('run-b');
    await store.clearCheckpoints();
    expect(await store.latestCheckpoint()).toBeNull();
  });

  it('sets, reads and deletes meta values', async () => {
    const store = await openStore({ dbName: uniqueDbName('meta') });
    expect(await store.getMeta('k')).toBeUndefined();
    await store.setMeta('k', { a: [1, 2] });
    expect(await store.getMeta<{ a: number[] }>('k')).toEqual({ a: [1, 2] });
    await store.setMeta('k', undefined);
    expect(await store.getMeta('k')).toBeUndefined();
  });

  it('reports counts, bytes per store and the browser estimate', async () => {
    const store = await openStore({ dbName: uniqueDbName('report') });
    await store.appendInteractions(makeEvents(1000));
    await store.appendInteractions(makeEvents(3, { prefix: 'log' }));
    await store.putCatalog([{ id: 'a', title: 'A' }]);
    await store.saveModel('m', new Uint8Array(1000));
    await store.saveCheckpoint(checkpoint('r', 1, 1));
    await store.setMeta('x', 'y');
    const report = await store.report();
    expect(report).toMatchObject({
      interactions: 1003,
      catalogItems: 1,
      models: 1,
      checkpoints: 1,
    });
    expect(report.bytes.interactions).toBeGreaterThanOrEqual(1003 * 21);
    expect(report.bytes.models).toBeGreaterThanOrEqual(1000);
    expect(report.bytes.checkpoints).toBeGreaterThanOrEqual(32);
    expect(report.bytes.catalog).toBeGreaterThan(0);
    expect(report.bytes.meta).toBeGreaterThan(0);
    expect(report.estimate?.quota).toBeGreaterThan(0);
    expect(typeof (await store.requestPersistence())).toBe('boolean');
  });

  it('refuses to work after dispose', async () => {
    const store = await openStore({ dbName: uniqueDbName('disposed') });
    store.dispose();
    await expect(store.countInteractions()).rejects.toMatchObject({ code: 'DISPOSED' });
    await expect(store.appendInteractions(makeEvents(1))).rejects.toMatchObject({
      code: 'DISPOSED',
    });
  });
});
