import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeBundle } from '../../src/core/bundle/bundle-file';
import { createBundleRecommender } from '../../src/core/bundle/bundle-recommender';
import type { ModelBundle } from '../../src/core/bundle/model-bundle';
import { trainModelBundle } from '../../src/core/bundle/train-bundle';
import { DEFAULT_EVENT_WEIGHTS } from '../../src/core/data/types';
import { OptionError } from '../../src/core/errors';
import type { MfModel } from '../../src/core/models/mf/mf-model';
import { CONSENT_META_KEY } from '../../src/federated/consent-store';
import { EPSILON_LEDGER_META_KEY } from '../../src/federated/epsilon-ledger';
import { createFederatedClient } from '../../src/federated/federated-client';
import { epsilonOf } from '../../src/federated/privacy-accountant';
import { UPLOAD_QUEUE_META_KEY } from '../../src/federated/upload-queue';
import { createFederatedHttpServer, type FederatedHttpServer } from '../../src/server/http-server';
import { createMemoryStore as createServerStore } from '../../src/server/memory-store';
import { createRoundManager, type RoundManager } from '../../src/server/round-manager';
import { foldInHistoryOf } from '../../src/worker/federated-history';
import { GLOBAL_VERSION_META_KEY } from '../../src/worker/federated-runtime';
import {
  FEDERATED_CONSENT_KEY,
  createLocalRecommender,
  type LocalRecommenderDeps,
} from '../../src/worker/local-recommender';
import type {
  FederatedConfig,
  FederatedStatus,
  Recommender,
  RecommenderConfig,
  RecommenderEvent,
  TrackEvent,
} from '../../src/worker/recommender-types';
import { plantedDataset } from '../fixtures/synthetic';
import { TOKEN, smallModel, testConfig } from '../server/server-test-helpers';
import { createMemoryStore, peekDb } from './memory-store';
import { plantedCsv } from './runtime-fixtures';

const MF = { factors: 8, epochs: 4 } as const;
const CSV = plantedCsv();
/** The visitor's clicks: purchases in cluster 0 (items i ≡ 0 mod 4). */
const VISITOR: readonly TrackEvent[] = ['i0', 'i4', 'i8', 'i12'].map((itemId) => ({
  itemId,
  type: 'purchase',
}));

let shipped: ModelBundle;
let dbCounter = 0;
const opened: Recommender[] = [];
const servers: { http: FederatedHttpServer; manager: RoundManager }[] = [];

beforeAll(async () => {
  shipped = await trainModelBundle({ dataset: plantedDataset(), mf: MF });
});

afterEach(async () => {
  for (const r of opened.splice(0)) r.dispose();
  for (const { http, manager } of servers.splice(0)) {
    await http.close();
    await manager.close();
  }
});

/** A real aggregation server (src/server) whose rounds close with one update. */
async function startServer(initialModel: MfModel, noiseMultiplier = 1): Promise<string> {
  const config = testConfig({ minCohort: 1, maxCohort: 1, noiseMultiplier });
  const manager = await createRoundManager({ store: createServerStore(), config, initialModel });
  const http = createFederatedHttpServer({ manager, config, tickMs: 50 });
  servers.push({ http, manager });
  return `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}`;
}

/** Every request the runtime makes, as `METHOD url`; `down` makes the network fail. */
interface Net {
  readonly calls: string[];
  down: boolean;
}

const network = (down = false): Net => ({ calls: [], down });

function open(
  config: RecommenderConfig,
  net: Net,
  deps: LocalRecommenderDeps = {},
): { r: Recommender; events: RecommenderEvent[]; dbName: string } {
  const dbName = config.dbName ?? `fl-${++dbCounter}`;
  const r = createLocalRecommender(
    { fineTuneAfterEvents: 0, ...config, dbName },
    {
      createStore: createMemoryStore,
      scheduleIdle: () => () => undefined,
      fetch: (url, init) => {
        net.calls.push(`${init?.method ?? 'GET'} ${url}`);
        return net.down ? Promise.reject(new TypeError('Failed to fetch')) : fetch(url, init);
      },
      ...deps,
    },
  );
  opened.push(r);
  const events: RecommenderEvent[] = [];
  r.on((e) => events.push(e));
  return { r, events, dbName };
}

const federated = (serverUrl: string, extra: Partial<FederatedConfig> = {}): FederatedConfig => ({
  serverUrl,
  token: TOKEN,
  refreshIntervalMs: 0,
  ...extra,
});

/** A visitor of a site serving `shipped`, with a few clicks. */
async function visitor(
  config: RecommenderConfig,
  net: Net,
  deps: LocalRecommenderDeps = {},
): Promise<ReturnType<typeof open>> {
  const o = open(config, net, deps);
  await o.r.loadModel(encodeBundle(shipped));
  for (const event of VISITOR) await o.r.track(event);
  return o;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const federatedEvents = (events: readonly RecommenderEvent[]): FederatedStatus[] =>
  events.flatMap((e) => (e.type === 'federated' ? [e.status] : []));
const forYou = (r: Recommender) => r.recommend({ type: 'for-you', history: [], k: 10 });

describe('federated learning in the local recommender', () => {
  it('never contacts a server without config.federated, and refuses consent', async () => {
    const net = network();
    const { r } = open({}, net);
    await r.importInteractions(CSV);
    for (const event of VISITOR) await r.track(event);
    await r.train({ backend: 'typed', mf: MF });
    const status = await r.federatedStatus();
    expect(status).toMatchObject({
      configured: false,
      consent: { granted: false, changedAt: null },
      requests: 0,
      pendingUploads: 0,
      globalModelVersion: null,
      lastAttempt: null,
    });
    const refused = await r.setFederatedConsent(true).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OptionError);
    expect((refused as Error).message).toMatch(/federated\.serverUrl.*federated\.token/);
    await expect(r.participate()).rejects.toBeInstanceOf(OptionError);
    const optedOut = await r.setFederatedConsent(false);
    expect(optedOut.consent.granted).toBe(false);
    expect(optedOut.consent.changedAt).toEqual(expect.any(Number));
    expect(net.calls).toEqual([]);
  });

  it('sends nothing before consent, even after training', async () => {
    const url = await startServer(shipped.mf);
    const net = network();
    const { r, events } = open({ federated: federated(url) }, net);
    await r.importInteractions(CSV);
    for (const event of VISITOR) await r.track(event);
    await r.train({ backend: 'typed', mf: MF });
    await sleep(50);
    expect(net.calls).toEqual([]);
    expect(federatedEvents(events)).toEqual([]);
    const after = await r.participate();
    expect(after).toMatchObject({ configured: true, consent: { granted: false }, requests: 0 });
    expect(after.lastAttempt?.status).toBe('no-consent');
    expect(net.calls).toEqual([]);
  });

  it('contributes in the background after training once the visitor opted in', async () => {
    const url = await startServer(shipped.mf);
    const net = network();
    const { r, events, dbName } = open({ federated: federated(url) }, net);
    const granted = await r.setFederatedConsent(true);
    expect(granted.consent).toEqual({ granted: true, changedAt: expect.any(Number) });
    // Consent lives in the recommender's own database.
    expect(peekDb(dbName)!.meta.get(CONSENT_META_KEY)).toMatchObject({ granted: true });
    await r.importInteractions(CSV);
    for (const event of VISITOR) await r.track(event);
    const report = await r.train({ backend: 'typed', mf: MF });
    expect(report.modelVersion).toBe(1);
    await expect
      .poll(async () => (await r.federatedStatus()).lastAttempt?.status)
      .toBe('contributed');
    const status = await r.federatedStatus();
    expect(status).toMatchObject({ updatesSent: 1, pendingUploads: 0 });
    expect(status.bytesSent).toBeGreaterThan(1000);
    expect(net.calls.some((c) => /^POST .*\/v1\/rounds\/r\d+\/update$/.test(c))).toBe(true);
    expect(federatedEvents(events).some((s) => s.lastAttempt?.status === 'contributed')).toBe(true);
  });

  it('queues the contribution when the server is unreachable; training still succeeds', async () => {
    const net = network(true);
    const { r } = open({ federated: federated('http://127.0.0.1:9') }, net);
    await r.setFederatedConsent(true);
    await r.importInteractions(CSV);
    for (const event of VISITOR) await r.track(event);
    const report = await r.train({ backend: 'typed', mf: MF });
    expect(report.epochs).toBe(4);
    await expect.poll(async () => (await r.federatedStatus()).lastAttempt?.status).toBe('queued');
    const status = await r.federatedStatus();
    expect(status.lastAttempt?.message).toMatch(/Failed to fetch.*queued/);
    expect(status.pendingUploads).toBe(1);
  });

  it('does not contribute after training when participateAfterTraining is false', async () => {
    const url = await startServer(shipped.mf);
    const net = network();
    const { r } = open({ federated: federated(url, { participateAfterTraining: false }) }, net);
    await r.setFederatedConsent(true);
    await r.importInteractions(CSV);
    for (const event of VISITOR) await r.track(event);
    await r.train({ backend: 'typed', mf: MF });
    await sleep(100);
    expect(net.calls.filter((c) => c.includes('/rounds/'))).toEqual([]);
    expect((await r.federatedStatus()).lastAttempt).toBeNull();
  });

  it('contributes again after a background fine-tune', async () => {
    const url = await startServer(shipped.mf);
    const net = network();
    const idle: (() => void)[] = [];
    const { r, events } = open({ federated: federated(url), fineTuneAfterEvents: 2 }, net, {
      scheduleIdle: (task) => {
        idle.push(task);
        return () => idle.splice(idle.indexOf(task), 1);
      },
    });
    await r.setFederatedConsent(true);
    await r.importInteractions(CSV);
    for (const event of VISITOR) await r.track(event);
    await r.train({ backend: 'typed', mf: MF });
    await expect.poll(async () => (await r.federatedStatus()).updatesSent).toBe(1);
    const joins = (): number => net.calls.filter((c) => c.endsWith('/v1/rounds/join')).length;
    const joinedBefore = joins();
    await r.track({ itemId: 'i16', type: 'view' });
    await r.track({ itemId: 'i20', type: 'view' });
    expect(idle).toHaveLength(1);
    idle.shift()!();
    await expect
      // A fine-tune is real training: give a slow machine time (the default poll waits 1 s).
      .poll(() => events.some((e) => e.type === 'model-changed' && e.source === 'fine-tuned'), {
        timeout: 20_000,
      })
      .toBe(true);
    await expect
      .poll(async () => (await r.federatedStatus()).updatesSent, { timeout: 10_000 })
      .toBe(2);
    expect(joins()).toBeGreaterThan(joinedBefore);
  }, 30_000);

  it('hot-swaps a newer global model: model-changed "federated", rows stay personal', async () => {
    const url = await startServer(shipped.mf);
    const net = network();
    const { r, events, dbName } = await visitor(
      { federated: federated(url, { refreshIntervalMs: 25 }) },
      net,
    );
    await r.setFederatedConsent(true);
    const after = await r.participate();
    expect(after.lastAttempt?.status).toBe('contributed');
    // The one-client round closes; a refresh (after contributing, or the timer) brings version 1.
    await expect
      .poll(() => events.find((e) => e.type === 'model-changed' && e.source === 'federated'))
      .toEqual({ type: 'model-changed', version: 2, source: 'federated' });
    const stored = peekDb(dbName)!.models.get('default')!;
    expect(stored.meta).toMatchObject({ source: 'federated', globalVersion: 1 });
    expect(peekDb(dbName)!.meta.get(GLOBAL_VERSION_META_KEY)).toBe(1);
    expect((await r.federatedStatus()).globalModelVersion).toBe(1);
    await expect
      .poll(() => federatedEvents(events).some((s) => s.globalModelVersion === 1))
      .toBe(true);

    const global = await createFederatedClient({ baseUrl: url, token: TOKEN }).fetchModel();
    expect(global!.version).toBe(1);
    expect([...global!.model.itemFactors]).not.toEqual([...shipped.mf.itemFactors]);
    // The visitor's vector is folded in exactly from the local history against the new factors.
    const expected = createBundleRecommender({
      bundle: { ...shipped, mf: global!.model },
    }).recommend({ type: 'for-you', history: VISITOR, k: 10 });
    const row = await forYou(r);
    expect(row.source).toBe('personal');
    expect(row.items.map((i) => i.id)).toEqual(expected.items.map((i) => i.id));
    row.items.forEach((item, j) => expect(item.score).toBeCloseTo(expected.items[j]!.score, 5));
    for (const { itemId } of VISITOR) expect(row.items.map((i) => i.id)).not.toContain(itemId);
    // Similar rows come from the same swapped model (same vocabulary, new factors).
    expect((await r.recommend({ type: 'similar', itemId: 'i3', k: 3 })).source).toBe('similar');
  });

  it('rejects a global model whose shape does not match and reports it', async () => {
    const url = await startServer(smallModel());
    const net = network();
    const { r, events } = await visitor({ federated: federated(url) }, net);
    await r.setFederatedConsent(true);
    const status = await r.participate();
    expect(status.lastAttempt?.status).toBe('failed');
    expect(status.lastAttempt?.message).toMatch(/30 items × 4 factors.*80 × 8/);
    expect(net.calls.some((c) => c.includes('/rounds/'))).toBe(false);
    expect(events.some((e) => e.type === 'model-changed' && e.source === 'federated')).toBe(false);
    expect((await forYou(r)).source).toBe('personal');
  });

  it('opting out empties the queue and stops the refresh timer', async () => {
    const net = network(true);
    const { r, dbName } = await visitor(
      { federated: federated('http://127.0.0.1:9', { refreshIntervalMs: 10 }) },
      net,
    );
    await r.setFederatedConsent(true);
    const queued = await r.participate();
    expect(queued.lastAttempt?.status).toBe('queued');
    expect(queued.pendingUploads).toBe(1);
    // The timer asks for the model again and again while consented.
    const before = net.calls.length;
    await expect.poll(() => net.calls.length).toBeGreaterThan(before + 2);
    const out = await r.setFederatedConsent(false);
    expect(out).toMatchObject({ consent: { granted: false }, pendingUploads: 0 });
    expect(peekDb(dbName)!.meta.get(UPLOAD_QUEUE_META_KEY)).toEqual([]);
    const stopped = net.calls.length;
    await sleep(100);
    expect(net.calls.length).toBe(stopped);
  });

  it('eraseAll erases consent and queue with the database and stops federated activity', async () => {
    const net = network(true);
    const { r, events, dbName } = await visitor(
      { federated: federated('http://127.0.0.1:9', { refreshIntervalMs: 10 }) },
      net,
    );
    await r.setFederatedConsent(true);
    await r.participate();
    const meta = peekDb(dbName)!.meta;
    expect(meta.get(CONSENT_META_KEY)).toMatchObject({ granted: true });
    expect(meta.get(UPLOAD_QUEUE_META_KEY)).toHaveLength(1);
    await r.eraseAll();
    expect(peekDb(dbName)).toBeUndefined();
    await expect
      .poll(() => federatedEvents(events).at(-1))
      .toEqual({
        configured: true,
        consent: { granted: false, changedAt: null },
        requests: 0,
        bytesSent: 0,
        bytesReceived: 0,
        updatesSent: 0,
        pendingUploads: 0,
        globalModelVersion: null,
        lastAttempt: null,
        privacy: expect.objectContaining({ epsilonSpent: 0, roundsContributed: 0, refused: [] }),
      });
    const stopped = net.calls.length;
    await sleep(100);
    expect(net.calls.length).toBe(stopped);
    expect(await r.federatedStatus()).toMatchObject({
      consent: { granted: false, changedAt: null },
      pendingUploads: 0,
    });
  });

  it('#6 keeps the device’s ε ledger in its own database, shows it in federatedStatus, erases it', async () => {
    const url = await startServer(shipped.mf);
    const { r, dbName } = await visitor({ federated: federated(url) }, network());
    await r.setFederatedConsent(true);
    const after = await r.participate();
    expect(after.lastAttempt?.status).toBe('contributed');
    expect(after.privacy).toMatchObject({ roundsContributed: 1, epsilonBudget: 16, delta: 1e-5 });
    expect(after.privacy.epsilonSpent).toBeCloseTo(epsilonOf({ noiseMultiplier: 1 }, 1e-5), 3);
    expect(peekDb(dbName)!.meta.get(EPSILON_LEDGER_META_KEY)).toMatchObject({ version: 1 });
    await r.eraseAll();
    expect(peekDb(dbName)).toBeUndefined();
    expect((await r.federatedStatus()).privacy).toMatchObject({
      epsilonSpent: 0,
      roundsContributed: 0,
    });
  });

  it('#6 refuses a round without DP noise: nothing is uploaded, the reason is shown', async () => {
    const url = await startServer(shipped.mf, 0);
    const net = network();
    const { r } = await visitor({ federated: federated(url) }, net);
    await r.setFederatedConsent(true);
    const after = await r.participate();
    expect(after.lastAttempt).toMatchObject({ status: 'refused', message: /noise/ });
    expect(after.pendingUploads).toBe(0);
    expect(after.privacy.refused).toEqual([
      expect.objectContaining({
        reason: 'noise-below-floor',
        message: expect.stringMatching(/noise/),
      }),
    ]);
    expect(net.calls.some((c) => c.endsWith('/update'))).toBe(false);
  });

  it('#6 a site can only tighten the device’s privacy floor', async () => {
    const loose = open(
      { federated: federated('https://fl.example', { privacy: { minNoiseMultiplier: 0 } }) },
      network(),
    );
    await expect(loose.r.federatedStatus()).rejects.toThrow(/minNoiseMultiplier/);
    const strict = open(
      { federated: federated('https://fl.example', { privacy: { maxEpsilonTotal: 4 } }) },
      network(),
    );
    expect((await strict.r.federatedStatus()).privacy).toMatchObject({
      epsilonBudget: 4,
      policy: { maxEpsilonTotal: 4, maxEpsilonPerRound: 4 },
    });
  });

  it('refreshes the model at start for a visitor who opted in before', async () => {
    const url = await startServer(shipped.mf);
    const first = await visitor({ federated: federated(url) }, network());
    await first.r.setFederatedConsent(true);
    first.r.dispose();
    const net = network();
    const again = open({ dbName: first.dbName, federated: federated(url) }, net);
    await again.r.ready();
    await expect.poll(() => net.calls).toContain(`GET ${url}/v1/model`);
    // Without consent nothing is loaded or fetched at start.
    const other = network();
    const fresh = open({ federated: federated(url) }, other);
    await fresh.r.ready();
    await sleep(50);
    expect(other.calls).toEqual([]);
  });

  it('uses the page origin for serverUrl ""', async () => {
    const net = network(true);
    const { r } = open({ federated: federated('') }, net, {
      baseUrl: 'https://shop.example/products/42',
    });
    await r.setFederatedConsent(true);
    await expect.poll(() => net.calls).toContain('GET https://shop.example/v1/model');
  });

  it('reports a refused model request (wrong token) in lastAttempt', async () => {
    const url = await startServer(shipped.mf);
    const { r } = await visitor(
      { federated: { ...federated(url), token: 'not-the-deployment-token' } },
      network(),
    );
    await r.setFederatedConsent(true);
    await expect
      .poll(async () => (await r.federatedStatus()).lastAttempt)
      .toMatchObject({ status: 'failed', message: /global model/ });
  });

  it('refuses a federated config without a token with OptionError', async () => {
    const { r } = open({ federated: { serverUrl: 'https://fl.example', token: '' } }, network());
    await expect(r.federatedStatus()).rejects.toThrow(/federated\.token/);
    await expect(r.ready()).resolves.toBeUndefined();
  });

  it('reads consent under the consent store key', () => {
    expect(FEDERATED_CONSENT_KEY).toBe(CONSENT_META_KEY);
  });
});

describe('foldInHistoryOf', () => {
  it('sums event weights per model item, dropping unknown, factorless and non-positive ones', () => {
    // 'd' is in the vocabulary but has no factors (numItems 3).
    const bundle = { itemIds: ['a', 'b', 'c', 'd'], mf: { numItems: 3 } } as unknown as ModelBundle;
    const history = foldInHistoryOf(
      [
        { itemId: 'b', type: 'view' },
        { itemId: 'zzz', type: 'purchase' },
        { itemId: 'a', type: 'cart' },
        { itemId: 'b', type: 'click' },
        { itemId: 'c', type: 'view' },
        { itemId: 'c', type: 'dismiss' },
        { itemId: 'd', type: 'purchase' },
      ],
      bundle,
      DEFAULT_EVENT_WEIGHTS,
    );
    expect(history).toEqual([
      { item: 1, weight: 3 },
      { item: 0, weight: 4 },
    ]);
  });
});
