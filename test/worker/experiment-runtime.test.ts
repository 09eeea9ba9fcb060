import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeBundle } from '../../src/core/bundle/bundle-file';
import { trainModelBundle } from '../../src/core/bundle/train-bundle';
import { OptionError } from '../../src/core/errors';
import { visitorContribution, createAggregateAccumulator } from '../../src/core/experiments';
import { REPORT_ID_PATTERN } from '../../src/federated/experiment-protocol';
import { UNIT_ID_META_KEY } from '../../src/worker/experiment-runtime';
import { plantedDataset } from '../fixtures/synthetic';
import { at, deviceExperiment } from '../federated/experiment-fixtures';
import {
  ORIGIN,
  TOKEN,
  createFakeServer,
  openRecommender,
  opened,
  seedUnitId,
  unitIdFor,
} from './experiment-harness';
import { connectLocalWorker } from './local-worker-pair';
import { createMemoryStore, peekDb } from './memory-store';
import { createLocalRecommender } from '../../src/worker/local-recommender';

const definition = deviceExperiment();
let dbCounter = 0;
const nextDb = (): string => `experiments-${++dbCounter}`;

afterEach(() => {
  for (const r of opened.splice(0)) r.dispose();
  vi.useRealTimers();
});

/** A first visit on 2026-03-05 (then closed): its server, database and arm. */
async function firstVisit() {
  setNow(at('2026-03-05'));
  const server = createFakeServer([definition]);
  const dbName = nextDb();
  const first = openRecommender(dbName, server);
  const armId = (await first.r.experiments()).experiments[0]?.armId;
  first.r.dispose();
  return { server, dbName, armId };
}

/** Pins the clock (Date only; timers stay real). */
function setNow(time: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(time);
}

describe('assignment', () => {
  it('keeps the arm across reloads; erase draws a new unit id', async () => {
    setNow(at('2026-03-05'));
    const server = createFakeServer([definition]);
    const dbName = nextDb();
    const first = openRecommender(dbName, server);
    const status = await first.r.experiments();
    const unitId = peekDb(dbName)?.meta.get(UNIT_ID_META_KEY);
    expect(unitId).toMatch(REPORT_ID_PATTERN);
    const armId = status.experiments[0]?.armId;
    expect(status.experiments[0]).toMatchObject({ experimentId: 'rows-v2', state: 'assigned' });
    expect(first.events).toContainEqual({
      type: 'experiment',
      experimentId: 'rows-v2',
      version: 1,
      state: 'assigned',
      armId,
    });
    first.r.dispose();
    const again = openRecommender(dbName, server);
    expect((await again.r.experiments()).experiments[0]?.armId).toBe(armId);
    expect(peekDb(dbName)?.meta.get(UNIT_ID_META_KEY)).toBe(unitId);
    await again.r.eraseAll();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(peekDb(dbName)?.meta.get(UNIT_ID_META_KEY)).toBeUndefined();
    await again.r.experiments();
    const redrawn = peekDb(dbName)?.meta.get(UNIT_ID_META_KEY);
    expect(redrawn).toMatch(REPORT_ID_PATTERN);
    expect(redrawn).not.toBe(unitId);
    // The unit id never leaves the device.
    expect(server.requests.some((q) => JSON.stringify(q).includes(String(unitId)))).toBe(false);
  });

  it('refuses a definition it cannot run, with an event, and serves the default rows', async () => {
    setNow(at('2026-03-05'));
    const refused = deviceExperiment({ primaryMetric: { id: 'dwell-time', kind: 'mean' } });
    const { r, events } = openRecommender(nextDb(), createFakeServer([refused]));
    const row = await r.recommend({ type: 'popular', k: 3 });
    expect(row.experiment).toBeUndefined();
    const status = await r.experiments();
    expect(status.experiments[0]).toMatchObject({ state: 'refused', armId: null });
    expect(status.experiments[0]?.message).toMatch(/primaryMetric\.id "dwell-time"/);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'experiment', state: 'refused', armId: null }),
    );
  });

  it('refuses a malformed document as a whole, naming the entry, and keeps the stored one', async () => {
    const { server, dbName, armId } = await firstVisit();
    server.document = {
      etag: '"v2"',
      experiments: [definition, null as unknown as typeof definition],
    };
    const second = openRecommender(dbName, server);
    const status = await second.r.experiments();
    expect(status.problem).toMatch(/experiments\[1\] is not an experiment definition/);
    expect(status.experiments[0]?.armId).toBe(armId);
  });

  it('does not assign before the start or after the stop', async () => {
    setNow(at('2026-03-01'));
    const stopped = deviceExperiment({
      id: 'old',
      stop: '2026-03-01T00:00:00Z',
      start: '2026-02-01T00:00:00Z',
    });
    const { r } = openRecommender(nextDb(), createFakeServer([definition, stopped]));
    const status = await r.experiments();
    expect(status.experiments.map((e) => e.state)).toEqual(['not-started', 'ended']);
    expect((await r.recommend({ type: 'popular', k: 2 })).experiment).toBeUndefined();
  });

  it('fetches definitions with a conditional GET and keeps the cached ones offline', async () => {
    const { server, dbName, armId } = await firstVisit();
    const second = openRecommender(dbName, server);
    await second.r.experiments();
    const gets = server.requests.filter((q) => q.url.endsWith('/v1/experiments'));
    expect(gets.map((q) => q.headers['if-none-match'])).toEqual([undefined, '"v1"']);
    expect(gets[0]?.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    second.r.dispose();
    server.offline = true;
    const offline = openRecommender(dbName, server);
    const status = await offline.r.experiments();
    expect(status.experiments[0]?.armId).toBe(armId);
    expect(status.problem).toMatch(/running the ones stored on this device/);
  });
});

describe('rows, exposure and outcomes', () => {
  let modelBytes: Uint8Array;
  beforeAll(async () => {
    modelBytes = encodeBundle(
      await trainModelBundle({ dataset: plantedDataset(), mf: { factors: 8, epochs: 2 } }),
    );
  });

  it('serves a holdout no items but tags the row, and records its exposure', async () => {
    setNow(at('2026-03-05'));
    const dbName = nextDb();
    await seedUnitId(dbName, unitIdFor(definition, 2));
    const { r } = openRecommender(dbName, createFakeServer([definition]));
    await r.loadModel(modelBytes);
    const row = await r.recommend({ type: 'popular', k: 5 });
    expect(row).toMatchObject({
      items: [],
      experiment: { experimentId: 'rows-v2', armId: 'holdout', holdout: true },
    });
    expect((await r.experiments()).experiments[0]?.exposed).toBe(false);
    await r.recordExposure({ experimentId: 'rows-v2', armId: 'holdout' });
    expect((await r.experiments()).experiments[0]).toMatchObject({
      exposed: true,
      firstExposureAt: at('2026-03-05'),
    });
    await expect(r.recordExposure({ experimentId: 'rows-v2', armId: 'control' })).rejects.toThrow(
      OptionError,
    );
  });

  it('applies a source arm to for-you rows and counts outcomes only after exposure', async () => {
    setNow(at('2026-03-05', 9));
    const popular = deviceExperiment({
      arms: [
        { id: 'control', weight: 1 },
        { id: 'popular', weight: 1, settings: { source: 'popular', diversity: 0.5 } },
      ],
    });
    const dbName = nextDb();
    await seedUnitId(dbName, unitIdFor(popular, 1));
    const { r } = openRecommender(dbName, createFakeServer([popular]));
    await r.loadModel(modelBytes);
    const row = await r.recommend({ type: 'for-you', history: [], k: 4 });
    expect(row).toMatchObject({ type: 'for-you', source: 'popularity' });
    expect(row.items.length).toBe(4);
    expect(row.experiment?.armId).toBe('popular');
    await r.track({ itemId: 'i0', type: 'click', via: 'row' });
    expect((await r.experiments()).experiments[0]?.values['row-click']).toBe(0);
    await r.recordExposure({ experimentId: 'rows-v2', armId: 'popular' });
    await r.track({ itemId: 'i1', type: 'click', via: 'row' });
    await r.track({ itemId: 'i1', type: 'click' });
    await r.track({ itemId: 'i1', type: 'purchase', revenue: 30 });
    // Beyond the 7-day window after the latest exposure: not counted.
    await r.track({ itemId: 'i2', type: 'cart', timestamp: at('2026-03-13') });
    const status = (await r.experiments()).experiments[0];
    expect(status?.values).toEqual({ 'row-click': 1, 'add-to-cart': 0, revenue: 30 });
    await expect(r.track({ itemId: 'i1', type: 'click', via: 'menu' as 'row' })).rejects.toThrow(
      /via must be "row"/,
    );
  });

  it("downloads the arm's model instead of the config's, and the config's once the arm ends", async () => {
    setNow(at('2026-03-05'));
    const models = deviceExperiment({
      stop: '2026-03-10T00:00:00Z',
      arms: [
        { id: 'control', weight: 1 },
        { id: 'v2', weight: 1, settings: { modelUrl: '/models/v2.hearth' } },
      ],
    });
    const server = createFakeServer([models]);
    server.models.set('/models/v1.hearth', modelBytes);
    server.models.set('/models/v2.hearth', modelBytes);
    const dbName = nextDb();
    await seedUnitId(dbName, unitIdFor(models, 1));
    const config = { modelUrl: `${ORIGIN}/models/v1.hearth` };
    const first = openRecommender(dbName, server, config);
    await first.r.ready();
    const downloads = (): string[] =>
      server.requests.filter((q) => q.url.endsWith('.hearth')).map((q) => new URL(q.url).pathname);
    expect(downloads()).toEqual(['/models/v2.hearth']);
    first.r.dispose();
    await openRecommender(dbName, server, config).r.ready();
    expect(downloads()).toEqual(['/models/v2.hearth']);
    setNow(at('2026-03-11'));
    await openRecommender(dbName, server, config).r.ready();
    expect(downloads()).toEqual(['/models/v2.hearth', '/models/v1.hearth']);
  });
});

describe('reports', () => {
  it('queue without consent, send once granted, telescope over periods, and carry only sums', async () => {
    setNow(at('2026-03-05', 10));
    const server = createFakeServer([definition]);
    const dbName = nextDb();
    await seedUnitId(dbName, unitIdFor(definition, 1));
    const { r } = openRecommender(dbName, server);
    await r.recordExposure({ experimentId: 'rows-v2', armId: 'diverse' });
    await r.track({ itemId: 'i1', type: 'click', via: 'row' });
    setNow(at('2026-03-06', 10));
    let status = await r.experiments();
    expect(status.pendingReports).toBe(1);
    expect(server.requests.filter((q) => q.method === 'POST')).toEqual([]);
    await r.setFederatedConsent(true);
    await vi.waitFor(() => expect(server.accepted).toHaveLength(1));
    await r.track({ itemId: 'i2', type: 'purchase', revenue: 80 });
    setNow(at('2026-03-08', 10));
    await r.recordExposure({ experimentId: 'rows-v2', armId: 'diverse' });
    await vi.waitFor(async () => expect(server.accepted).toHaveLength(2));
    status = await r.experiments();
    const post = server.requests.filter((q) => q.method === 'POST');
    expect(post[0]?.url).toBe(`${ORIGIN}/v1/experiments/reports`);
    expect(post[0]?.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(server.accepted.map((q) => q.period)).toEqual(['2026-03-05', '2026-03-06']);
    expect(new Set(server.accepted.map((q) => q.reportId)).size).toBe(2);
    for (const report of server.accepted) {
      expect(Object.keys(report).sort()).toEqual([
        'arms',
        'experimentId',
        'period',
        'protocol',
        'reportId',
        'version',
      ]);
      expect(report.arms.map((a) => a.armId)).toEqual(['diverse']);
    }
    const sums = createAggregateAccumulator({ definition });
    for (const report of server.accepted) for (const arm of report.arms) sums.add(arm);
    const device = status.experiments[0];
    expect(sums.snapshot().arms[1]).toEqual(
      visitorContribution({
        definition,
        armId: 'diverse',
        previous: null,
        current: {
          exposed: true,
          values: device?.values ?? {},
          preValues: device?.preValues ?? {},
        },
      }),
    );
    expect(status.lastReport?.json).toBe(post[1]?.body);
    expect(status.lastReport?.bytes).toBe(new TextEncoder().encode(post[1]?.body ?? '').length);
  });

  it('retries a failed send with the same report id, and flushes what waited offline', async () => {
    setNow(at('2026-03-05', 10));
    const server = createFakeServer([definition]);
    server.reportStatuses.push(503);
    const dbName = nextDb();
    await seedUnitId(dbName, unitIdFor(definition, 0));
    const { r } = openRecommender(dbName, server);
    await r.setFederatedConsent(true);
    await r.recordExposure({ experimentId: 'rows-v2', armId: 'control' });
    setNow(at('2026-03-06', 10));
    await r.experiments();
    await vi.waitFor(() =>
      expect(server.requests.filter((q) => q.method === 'POST')).toHaveLength(1),
    );
    expect(server.accepted).toHaveLength(0);
    expect((await r.experiments()).pendingReports).toBe(1);
    r.dispose();
    // The next visit, offline: still queued; then online again: sent with the same id.
    setNow(at('2026-03-06', 12));
    server.offline = true;
    const offline = openRecommender(dbName, server);
    expect((await offline.r.experiments()).pendingReports).toBe(1);
    offline.r.dispose();
    server.offline = false;
    setNow(at('2026-03-06', 13));
    const online = openRecommender(dbName, server);
    await online.r.ready();
    await vi.waitFor(() => expect(server.accepted).toHaveLength(1));
    const posts = server.requests.filter((q) => q.method === 'POST' && q.body !== undefined);
    const ids = posts.map((q) => (JSON.parse(q.body ?? '{}') as { reportId: string }).reportId);
    expect(new Set(ids).size).toBe(1);
    expect((await online.r.experiments()).pendingReports).toBe(0);
  });

  it('with privacy on, a sent report has every arm block and the noise multiplier', async () => {
    setNow(at('2026-03-05', 10));
    const noisy = deviceExperiment({ privacy: { epsilon: 4 } });
    const server = createFakeServer([noisy]);
    const { r } = openRecommender(nextDb(), server);
    await r.setFederatedConsent(true);
    setNow(at('2026-03-06', 10));
    await r.experiments();
    await vi.waitFor(() => expect(server.accepted).toHaveLength(1));
    const report = server.accepted[0];
    expect(report?.arms.map((a) => a.armId)).toEqual(['control', 'diverse', 'holdout']);
    expect(report?.noiseMultiplier).toBeGreaterThan(0);
  });
});

describe('definition versions and the worker boundary', () => {
  it("resolves the site's own origin ('') against the worker's address", async () => {
    setNow(at('2026-03-05', 10));
    vi.stubGlobal('location', { href: `${ORIGIN}/widget/chunks/hearth.worker.js` });
    try {
      const server = createFakeServer([definition]);
      const r = createLocalRecommender(
        {
          dbName: nextDb(),
          federated: { serverUrl: '', token: TOKEN, refreshIntervalMs: 0 },
          experiments: {},
        },
        { createStore: createMemoryStore, fetch: (url, init) => server.fetch(url, init) },
      );
      opened.push(r);
      expect((await r.experiments()).experiments[0]?.state).toBe('assigned');
      expect(server.requests[0]?.url).toBe(`${ORIGIN}/v1/experiments`);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('a new version sends the old version its final report and starts afresh in the same arm', async () => {
    setNow(at('2026-03-05', 10));
    const server = createFakeServer([definition]);
    const dbName = nextDb();
    await seedUnitId(dbName, unitIdFor(definition, 1));
    const first = openRecommender(dbName, server);
    await first.r.setFederatedConsent(true);
    await first.r.recordExposure({ experimentId: 'rows-v2', armId: 'diverse' });
    first.r.dispose();
    server.document = { etag: '"v2"', experiments: [{ ...definition, version: 2 }] };
    const second = openRecommender(dbName, server);
    const status = await second.r.experiments();
    expect(status.experiments[0]).toMatchObject({ version: 2, armId: 'diverse', exposed: false });
    await vi.waitFor(() => expect(server.accepted).toHaveLength(1));
    expect(server.accepted[0]).toMatchObject({ version: 1, period: '2026-03-05' });
    expect(server.accepted[0]?.arms[0]).toMatchObject({ visitors: 1, exposedVisitors: 1 });
    setNow(at('2026-03-06', 10));
    await second.r.experiments();
    await vi.waitFor(() => expect(server.accepted).toHaveLength(2));
    expect(server.accepted[1]).toMatchObject({ version: 2, period: '2026-03-05' });
    expect(server.accepted[1]?.arms[0]).toMatchObject({ visitors: 1, exposedVisitors: 0 });
  });

  it('keeps rows, status and errors across the worker boundary', async () => {
    setNow(at('2026-03-05', 10));
    const server = createFakeServer([definition]);
    const dbName = nextDb();
    await seedUnitId(dbName, unitIdFor(definition, 2));
    const cleanups: (() => void)[] = [];
    try {
      const r = connectLocalWorker(
        {
          dbName,
          federated: { serverUrl: ORIGIN, token: TOKEN, refreshIntervalMs: 0 },
          experiments: {},
        },
        cleanups,
        (config, deps) =>
          createLocalRecommender(config, {
            ...deps,
            createStore: createMemoryStore,
            fetch: (url, init) => server.fetch(url, init),
          }),
      );
      expect((await r.recommend({ type: 'popular', k: 3 })).experiment).toEqual({
        experimentId: 'rows-v2',
        armId: 'holdout',
        holdout: true,
      });
      await r.recordExposure({ experimentId: 'rows-v2', armId: 'holdout' });
      expect((await r.experiments()).experiments[0]).toMatchObject({ exposed: true });
      await expect(
        r.recordExposure({ experimentId: 'other', armId: 'holdout' }),
      ).rejects.toMatchObject({ name: 'OptionError', code: 'INVALID_OPTION' });
    } finally {
      for (const c of cleanups) c();
    }
  });
});
