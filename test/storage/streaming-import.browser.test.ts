import { describe, expect, it } from 'vitest';
import { CancelledError, DataError } from '../../src/core/errors';
import { createQuotaSimulator, TRAIN_BYTES_PER_EVENT } from '../../src/storage';
import type { ImportProgress } from '../../src/storage';
import { csvLog, NO_LIMITS as noLimits, rowsForSlices } from './import-test-logs';
import { datasetEvents, makeEvents, openStore, uniqueDbName } from './storage-test-helpers';

// Rows of about 36 bytes: this many span three slices.
const ROWS = rowsForSlices(2.5);

describe('importing a large log slice by slice', () => {
  it('stores every good row across slices, names a bad row by line and reports progress', async () => {
    const store = await openStore({ dbName: uniqueDbName('slices') });
    await store.appendInteractions(makeEvents(10));
    const progress: ImportProgress[] = [];
    const { report, append } = await store.importInteractions(
      csvLog(ROWS, { bad: { line: ROWS - 5, text: 'user1,item-1,click,not-a-time' } }),
      { onProgress: (p) => progress.push(p), limits: noLimits },
    );
    expect(report.acceptedRows).toBe(ROWS - 1);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]!.line).toBe(ROWS - 5);
    expect(report.errors[0]!.reason).toMatch(/timestamp/);
    expect(append).toEqual({ appended: ROWS - 1, evicted: 0 });
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)!.bytesRead).toBe(progress.at(-1)!.totalBytes);
    expect(progress[0]!.estimatedEvents).toBeGreaterThan(ROWS * 0.9);
    expect(progress[0]!.estimatedEvents).toBeLessThan(ROWS * 1.1);

    const dataset = await store.readInteractions();
    expect(dataset.columns.length).toBe(10 + ROWS - 1);
    const events = datasetEvents(dataset);
    expect(events[10]).toEqual({
      itemId: 'item-0',
      userId: 'user0',
      type: 'click',
      timestamp: 1_700_000_000_000,
    });
    expect(events.at(-1)!.timestamp).toBe((1_700_000_000 + ROWS - 1) * 1000);
  });

  it('refuses a log too large for the device before writing, keeping what was stored', async () => {
    const store = await openStore({ dbName: uniqueDbName('too-large') });
    await store.appendInteractions(makeEvents(100));
    const before = datasetEvents(await store.readInteractions());
    const limits = { ...noLimits, memoryBytes: 50_000 * TRAIN_BYTES_PER_EVENT };
    const failed = store.importInteractions(csvLog(ROWS), { limits });
    await expect(failed).rejects.toBeInstanceOf(DataError);
    await expect(failed).rejects.toMatchObject({
      code: 'LOG_TOO_LARGE',
      message: expect.stringMatching(/too large for this device.*npx hearth-recs train/),
    });
    expect(datasetEvents(await store.readInteractions())).toEqual(before);
  });

  it('removes every row of a cancelled import and keeps the rows stored before', async () => {
    const store = await openStore({ dbName: uniqueDbName('cancel') });
    await store.appendInteractions(makeEvents(20_000));
    const before = datasetEvents(await store.readInteractions());
    const controller = new AbortController();
    const failed = store.importInteractions(csvLog(ROWS), {
      limits: noLimits,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.events > 0) controller.abort();
      },
    });
    await expect(failed).rejects.toBeInstanceOf(CancelledError);
    expect(await store.countInteractions()).toBe(before.length);
    expect(datasetEvents(await store.readInteractions())).toEqual(before);
  });

  it('turns a full disk mid-import into LOG_TOO_LARGE and rolls the import back', async () => {
    const quotaSimulator = createQuotaSimulator();
    const store = await openStore({ dbName: uniqueDbName('quota'), quotaSimulator });
    await store.appendInteractions(makeEvents(500));
    const before = datasetEvents(await store.readInteractions());
    const failed = store.importInteractions(csvLog(ROWS), {
      limits: noLimits,
      onProgress: () => quotaSimulator.failNextWrites(1),
    });
    await expect(failed).rejects.toMatchObject({ code: 'LOG_TOO_LARGE' });
    expect(datasetEvents(await store.readInteractions())).toEqual(before);
    // The store still works afterwards.
    await store.appendInteractions(makeEvents(3, { prefix: 'after' }));
    expect(await store.countInteractions()).toBe(before.length + 3);
  });
});
