import { describe, expect, it } from 'vitest';
import { runStorageBench } from '../../bench/browser/storage-bench';

describe('storage benchmark', () => {
  it('runs on 100k events, verifies its read-back and reports every metric', async () => {
    const results = await runStorageBench({ events: 100_000, trackEvents: 20 });
    expect(Object.keys(results).sort()).toEqual([
      'browser.ingest1M.ms',
      'browser.readBack1M.ms',
      'browser.storageBench.events',
      'browser.trackEvent.ms',
    ]);
    expect(results['browser.storageBench.events']).toBe(100_000);
    for (const value of Object.values(results)) expect(Number.isFinite(value)).toBe(true);
    const names = (await indexedDB.databases()).map((d) => d.name ?? '');
    expect(names.filter((name) => name.startsWith('hearth-storage-bench-'))).toEqual([]);
  });
});
