import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createExperimentLedger,
  type ExperimentLedger,
} from '../../src/server/experiments/experiment-ledger';
import { createFederatedHttpServer, type FederatedHttpServer } from '../../src/server/http-server';
import { createMemoryStore as createServerStore } from '../../src/server/memory-store';
import { createRoundManager, type RoundManager } from '../../src/server/round-manager';
import { createLocalRecommender } from '../../src/worker/local-recommender';
import type { Recommender } from '../../src/worker/recommender-types';
import { at, deviceExperiment } from '../federated/experiment-fixtures';
import { TOKEN, smallModel, testConfig } from '../server/server-test-helpers';
import { seedUnitId, unitIdFor } from './experiment-harness';
import { createMemoryStore } from './memory-store';

let http: FederatedHttpServer | null = null;
let manager: RoundManager | null = null;
const devices: Recommender[] = [];

afterEach(async () => {
  for (const d of devices.splice(0)) d.dispose();
  await http?.close();
  await manager?.close();
  http = null;
  manager = null;
  vi.useRealTimers();
});

/** Starts the aggregation server with `experiments`; resolves with its origin. */
async function startServer(experiments: ExperimentLedger): Promise<string> {
  const config = testConfig();
  manager = await createRoundManager({
    store: createServerStore(),
    config,
    initialModel: smallModel(),
  });
  http = createFederatedHttpServer({ manager, config, experiments });
  return `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}`;
}

describe('device reports on the aggregation server', () => {
  it('the server accepts every device report and its sums count each device once', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(at('2026-03-05', 10));
    const plain = deviceExperiment();
    const ledger = createExperimentLedger({ definitions: [plain], now: () => Date.now() });
    const serverUrl = await startServer(ledger);
    const arms = [0, 1, 2, 1];
    for (const [n, arm] of arms.entries()) {
      const dbName = `server-device-${n}`;
      await seedUnitId(dbName, unitIdFor(plain, arm));
      const r = createLocalRecommender(
        { dbName, federated: { serverUrl, token: TOKEN, refreshIntervalMs: 0 }, experiments: {} },
        { createStore: createMemoryStore },
      );
      devices.push(r);
      await r.setFederatedConsent(true);
      await r.recordExposure({ experimentId: 'rows-v2', armId: plain.arms[arm]?.id ?? '' });
      await r.track({ itemId: 'a', type: 'click', via: 'row' });
    }
    vi.setSystemTime(at('2026-03-06', 10));
    for (const r of devices) await r.experiments();
    await vi.waitFor(async () => {
      for (const r of devices) expect((await r.experiments()).pendingReports).toBe(0);
    });
    const sums = ledger.aggregates('rows-v2');
    expect(sums.arms.map((a) => [a.visitors, a.exposedVisitors])).toEqual([
      [1, 1],
      [2, 2],
      [1, 1],
    ]);
    expect(sums.arms.map((a) => a.metrics['row-click']?.sum)).toEqual([1, 2, 1]);
    const status = await devices[0]!.experiments();
    expect(status.lastReport?.bytes).toBeGreaterThan(0);
  });

  it('accepts noised reports, which carry every arm', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(at('2026-03-05', 10));
    const noisy = deviceExperiment({ id: 'rows-dp', privacy: { epsilon: 4 } });
    const ledger = createExperimentLedger({ definitions: [noisy], now: () => Date.now() });
    const serverUrl = await startServer(ledger);
    const r = createLocalRecommender(
      {
        dbName: 'server-noisy',
        federated: { serverUrl, token: TOKEN, refreshIntervalMs: 0 },
        experiments: {},
      },
      { createStore: createMemoryStore },
    );
    devices.push(r);
    await r.setFederatedConsent(true);
    vi.setSystemTime(at('2026-03-06', 10));
    await r.experiments();
    await vi.waitFor(async () => expect((await r.experiments()).lastReport).not.toBeNull());
    const sent = JSON.parse((await r.experiments()).lastReport?.json ?? '{}') as {
      arms: unknown[];
    };
    expect(sent.arms).toHaveLength(3);
    expect(ledger.aggregates('rows-dp').arms.every((a) => (a.noiseUnits ?? 0) > 0)).toBe(true);
  });
});
