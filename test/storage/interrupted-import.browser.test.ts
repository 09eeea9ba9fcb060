import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/core/errors';
import type { Interaction } from '../../src/core/data/types';
import type { HearthStore, StoreChange } from '../../src/storage';
import { csvLog, NO_LIMITS, rowsForSlices } from './import-test-logs';
import { datasetEvents, makeEvents, openStore, uniqueDbName } from './storage-test-helpers';

// Two slices: a crash after the first leaves rows stored and more to come.
const ROWS = rowsForSlices(1.5);

/** Starts importing `log` into `store` and closes the store after `slices` stored slices. */
async function crashAfter(store: HearthStore, log: Blob, slices: number): Promise<void> {
  let seen = 0;
  const crashed = store.importInteractions(log, {
    limits: NO_LIMITS,
    onProgress: () => {
      // What a closed tab leaves: the connection gone mid-import, no rollback able to run.
      if (++seen === slices) store.dispose();
    },
  });
  await expect(crashed).rejects.toThrow();
}

/** Events with different fields (a duplicate counts once). */
function distinct(events: readonly Interaction[]): number {
  return new Set(events.map((e) => `${e.userId}|${e.itemId}|${e.type}|${e.timestamp}`)).size;
}

describe('an import interrupted by a closed tab', () => {
  it('is undone by the next import, keeping events tracked since, and says how many rows it removed', async () => {
    const dbName = uniqueDbName('crash');
    const log = csvLog(ROWS);
    const first = await openStore({ dbName });
    await first.appendInteractions(makeEvents(10, { prefix: 'before' }));
    await crashAfter(first, log, 1);

    const second = await openStore({ dbName });
    const leftBehind = (await second.countInteractions()) - 10;
    expect(leftBehind).toBeGreaterThan(0);
    // Tracked afterwards: one large write straight into chunks, then small ones in the log.
    const tracked = makeEvents(100, { prefix: 'tracked', start: 1_800_000_000_000 });
    await second.appendInteractions(tracked.slice(0, 90));
    for (const e of tracked.slice(90)) await second.appendInteractions([e]);
    const changes: StoreChange[] = [];
    second.onChange((change) => changes.push(change));

    const { report, append, interruptedImport } = await second.importInteractions(log, {
      limits: NO_LIMITS,
    });
    expect(report.acceptedRows).toBe(ROWS);
    expect(append.appended).toBe(ROWS);
    expect(interruptedImport).toMatchObject({
      journaledRows: leftBehind,
      removedRows: leftBehind,
      undone: true,
      message: expect.stringMatching(/interrupted.*were removed/),
    });
    expect(changes).toContainEqual(
      expect.objectContaining({ kind: 'import-recovered', removed: leftBehind }),
    );

    const events = datasetEvents(await second.readInteractions());
    expect(events).toHaveLength(10 + 100 + ROWS);
    expect(distinct(events)).toBe(events.length);
    expect(events.slice(0, 10).map((e) => e.itemId)).toEqual(
      makeEvents(10, { prefix: 'before' }).map((e) => e.itemId),
    );
    expect(events.filter((e) => e.itemId.startsWith('tracked')).map((e) => e.itemId)).toEqual(
      tracked.map((e) => e.itemId),
    );
    // Nothing is left to undo: the next import reports nothing.
    const again = await second.importInteractions('item\nlast-1\n', { limits: NO_LIMITS });
    expect(again.interruptedImport).toBeUndefined();
  });

  it('keeps the rows and says it could not undo them when retention rewrote them since', async () => {
    const dbName = uniqueDbName('crash-retention');
    const first = await openStore({ dbName });
    await first.appendInteractions(makeEvents(10, { prefix: 'before' }));
    await crashAfter(first, csvLog(ROWS), 1);

    const probe = await openStore({ dbName });
    const stored = await probe.countInteractions();
    probe.dispose();
    // Evicts the 10 rows before the import and the head of its first chunk (rewritten unmarked).
    const second = await openStore({ dbName, retention: { maxEvents: stored - 1000 } });
    await second.appendInteractions(makeEvents(100, { prefix: 'tracked' }));
    const kept = await second.countInteractions();
    expect(kept).toBe(stored - 1000);

    const { interruptedImport } = await second.importInteractions('item\nlast-1\n', {
      limits: NO_LIMITS,
    });
    expect(interruptedImport).toMatchObject({
      journaledRows: stored - 10,
      removedRows: 0,
      undone: false,
      message: expect.stringMatching(/could not be undone.*erase/),
    });
    // Kept, not guessed at (the import's own row evicted the oldest one).
    expect(await second.countInteractions()).toBe(kept);
  });

  it('runs two imports at once one after the other, each complete and contiguous', async () => {
    const dbName = uniqueDbName('two-tabs');
    const a = await openStore({ dbName });
    const b = await openStore({ dbName });
    const rows = rowsForSlices(1.5);
    const [fromA, fromB] = await Promise.all([
      a.importInteractions(csvLog(rows, { prefix: 'a' }), { limits: NO_LIMITS }),
      b.importInteractions(csvLog(rows + 1, { prefix: 'b' }), { limits: NO_LIMITS }),
    ]);
    expect(fromA.append.appended).toBe(rows);
    expect(fromB.append.appended).toBe(rows + 1);
    const events = datasetEvents(await a.readInteractions());
    expect(events).toHaveLength(2 * rows + 1);
    let switches = 0;
    for (let i = 1; i < events.length; i++) {
      if (events[i]!.itemId[0] !== events[i - 1]!.itemId[0]) switches++;
    }
    expect(switches).toBe(1);
  });

  it('removes only its own rows when it fails, keeping events tracked during it', async () => {
    const store = await openStore({ dbName: uniqueDbName('fail-beside') });
    await store.appendInteractions(makeEvents(10, { prefix: 'before' }));
    const tracked = makeEvents(200, { prefix: 'tracked' });
    const controller = new AbortController();
    let slices = 0;
    const failed = store.importInteractions(csvLog(ROWS), {
      limits: NO_LIMITS,
      signal: controller.signal,
      onProgress: () => {
        // Written into chunks between two slices of the import, then the import is cancelled.
        if (++slices === 1) void store.appendInteractions(tracked);
        else controller.abort();
      },
    });
    await expect(failed).rejects.toBeInstanceOf(CancelledError);
    const events = datasetEvents(await store.readInteractions());
    expect(events.map((e) => e.itemId)).toEqual(
      [...makeEvents(10, { prefix: 'before' }), ...tracked].map((e) => e.itemId),
    );
  });

  it('cancels an import still waiting for another to finish without writing anything', async () => {
    const dbName = uniqueDbName('wait-cancel');
    const a = await openStore({ dbName });
    const b = await openStore({ dbName });
    const controller = new AbortController();
    const waiting: Promise<unknown>[] = [];
    const running = a.importInteractions(csvLog(ROWS), {
      limits: NO_LIMITS,
      onProgress: () => {
        if (waiting.length > 0) return;
        // Asked while the first import holds the lock, cancelled while it still waits.
        waiting.push(
          b
            .importInteractions(csvLog(100, { prefix: 'b' }), {
              limits: NO_LIMITS,
              signal: controller.signal,
            })
            .catch((error: unknown) => error),
        );
        setTimeout(() => controller.abort(), 50);
      },
    });
    await expect(running).resolves.toMatchObject({ append: { appended: ROWS } });
    await expect(waiting[0]).resolves.toMatchObject({
      code: 'TRAINING_CANCELLED',
      message: expect.stringMatching(/import was cancelled/),
    });
    const events = datasetEvents(await b.readInteractions());
    expect(events.some((e) => e.itemId.startsWith('b-'))).toBe(false);
  });

  it('stops when another tab erases everything, and the log does not come back', async () => {
    const dbName = uniqueDbName('erase-during');
    const importing = await openStore({ dbName });
    const erasing = await openStore({ dbName });
    const erased: Promise<unknown>[] = [];
    const failed = importing.importInteractions(csvLog(ROWS), {
      limits: NO_LIMITS,
      onProgress: () => {
        if (erased.length === 0) erased.push(erasing.eraseAll());
      },
    });
    await expect(failed).rejects.toMatchObject({
      name: 'CancelledError',
      message: expect.stringMatching(/another tab erased/),
    });
    await erased[0];
    expect(await importing.countInteractions()).toBe(0);
  });
});
