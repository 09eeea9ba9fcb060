import { describe, expect, it } from 'vitest';
import { startHearthWorker } from '../../src/worker/start-worker';
import { createWorkerRecommender } from '../../src/worker/worker-client';
import type { RecommenderEvent } from '../../src/worker';
import { csvLog, NO_LIMITS, rowsForSlices } from './import-test-logs';
import { openStore, uniqueDbName } from './storage-test-helpers';

const ROWS = rowsForSlices(1.5);

describe('an import in a worker that is killed midway', () => {
  it('is undone by the next import, which tells the page with a storage event', async () => {
    const dbName = uniqueDbName('killed-worker');
    const log = csvLog(ROWS);
    // A worker of our own, so that it can be terminated outright: no code of it runs afterwards.
    const doomed = startHearthWorker();
    const first = createWorkerRecommender({ dbName }, { worker: doomed });
    await first.ready();
    const killed = new Promise<void>((resolve) => {
      void first
        .importInteractions(log, {
          limits: NO_LIMITS,
          onProgress: () => {
            doomed.terminate();
            resolve();
          },
        })
        .catch(() => undefined);
    });
    await killed;
    first.dispose();

    const store = await openStore({ dbName });
    const leftBehind = await store.countInteractions();
    expect(leftBehind).toBeGreaterThan(0);

    const second = createWorkerRecommender({ dbName, fineTuneAfterEvents: 0 });
    const events: RecommenderEvent[] = [];
    second.on((event) => events.push(event));
    try {
      const report = await second.importInteractions(log, { limits: NO_LIMITS });
      expect(report.acceptedRows).toBe(ROWS);
      expect(await store.countInteractions()).toBe(ROWS);
      expect(events).toContainEqual({
        type: 'storage',
        message: expect.stringMatching(
          new RegExp(`interrupted .* after storing ${leftBehind.toLocaleString('en-US')} events`),
        ),
      });
    } finally {
      second.dispose();
    }
  });
});
