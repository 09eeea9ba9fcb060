import { afterEach, describe, expect, it } from 'vitest';
import {
  BackendError,
  CancelledError,
  DataError,
  HearthError,
  ModelFileError,
  OptionError,
} from '../../src/core/errors';
import type { RowResult } from '../../src/core/serve/row-types';
import type { HostMessage, MessageEndpoint } from '../../src/worker/protocol';
import type {
  FederatedStatus,
  Recommender,
  RecommenderConfig,
  RecommenderEvent,
  RecommenderTrainProgress,
  TrainReport,
} from '../../src/worker/recommender-types';
import { createWorkerHost } from '../../src/worker/worker-host';
import { encodeBundle } from '../../src/core/bundle/bundle-file';
import { trainModelBundle } from '../../src/core/bundle/train-bundle';
import { DEFAULT_DEVICE_PRIVACY } from '../../src/federated/device-privacy-floor';
import { emptyLedgerSummary } from '../../src/federated/epsilon-ledger';
import { createFederatedHttpServer } from '../../src/server/http-server';
import { createMemoryStore as createServerStore } from '../../src/server/memory-store';
import { createRoundManager } from '../../src/server/round-manager';
import { plantedDataset } from '../fixtures/synthetic';
import { TOKEN, testConfig } from '../server/server-test-helpers';
import { connectLocalWorker } from './local-worker-pair';
import { peekDb } from './memory-store';
import { plantedCsv } from './runtime-fixtures';

/** A scripted recommender that records what the host asked of it. */
interface Fake extends Recommender {
  readonly config: RecommenderConfig;
  readonly seen: { trainSignal?: AbortSignal | undefined; loaded?: Uint8Array; disposed: boolean };
}

const row = (id: string): RowResult => ({
  type: 'popular',
  source: 'popularity',
  items: [{ index: 0, id, score: 1, reasons: [] }],
  unknownItems: [],
});

const REPORT: TrainReport = {
  computePath: 'typed',
  choice: null,
  fallbacks: [],
  resumedFromEpoch: 0,
  epochs: 3,
  trainMs: 1,
  lossHistory: [3, 2, 1],
  modelVersion: 1,
};

const STATUS: FederatedStatus = {
  configured: true,
  consent: { granted: false, changedAt: null },
  requests: 0,
  bytesSent: 0,
  bytesReceived: 0,
  updatesSent: 0,
  pendingUploads: 0,
  globalModelVersion: null,
  lastAttempt: null,
  privacy: emptyLedgerSummary(DEFAULT_DEVICE_PRIVACY),
};

function createFake(config: RecommenderConfig): Fake {
  let federated = STATUS;
  const listeners = new Set<(event: RecommenderEvent) => void>();
  const seen: { trainSignal?: AbortSignal | undefined; loaded?: Uint8Array; disposed: boolean } = {
    disposed: false,
  };
  const emit = (event: RecommenderEvent): void => listeners.forEach((l) => l(event));
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  return {
    config,
    seen,
    ready: async () => {
      if (config.dbName === 'broken') throw new DataError('UNREADABLE_INPUT', 'no db');
    },
    async recommend(request) {
      // Larger k answers later, so answers come back out of order.
      await sleep(request.k);
      if (request.type === 'similar') throw new OptionError(`unknown anchor ${request.itemId}`);
      return row(`item-${request.k}`);
    },
    async track() {
      emit({ type: 'history-changed', events: 1 });
    },
    async importInteractions() {
      throw new DataError('EMPTY_INPUT', 'The file is empty.');
    },
    async importCatalog(_input, options) {
      await sleep(5);
      if (options?.signal?.aborted) throw new CancelledError();
      return {
        format: 'csv',
        totalRows: 0,
        acceptedRows: 0,
        rejectedRows: 0,
        errors: [],
        truncatedErrors: 0,
      };
    },
    async train(request = {}) {
      seen.trainSignal = request.signal;
      if (request.backend === 'webgpu') throw new BackendError('BACKEND_UNAVAILABLE', 'no gpu');
      const epochs = request.mf?.epochs ?? 3;
      for (let epoch = 1; epoch <= epochs; epoch++) {
        await sleep(5);
        if (request.signal?.aborted) throw new CancelledError();
        const progress: RecommenderTrainProgress = {
          epoch,
          epochs,
          loss: 1 / epoch,
          elapsedMs: epoch,
          etaMs: 0,
          computePath: 'typed',
        };
        request.onProgress?.(progress);
        emit({ type: 'training-progress', progress });
      }
      return { ...REPORT, epochs };
    },
    async loadModel(bytes) {
      seen.loaded = bytes;
      if (bytes[0] !== 0x48) throw new ModelFileError('MODEL_FILE_CORRUPT', 'not a model');
      return bytes.length;
    },
    async capabilities() {
      throw new HearthError('DISPOSED', 'gone');
    },
    async storage() {
      throw new Error('plain failure');
    },
    async exportAll() {
      return new Blob(['{}']);
    },
    async eraseAll() {
      return { remainingDatabases: [], remainingCaches: [] };
    },
    async federatedStatus() {
      return federated;
    },
    async setFederatedConsent(granted) {
      if (granted && !config.federated) throw new OptionError('set federated.serverUrl');
      federated = { ...federated, consent: { granted, changedAt: 1 } };
      emit({ type: 'federated', status: federated });
      return federated;
    },
    async participate() {
      federated = {
        ...federated,
        requests: 3,
        bytesSent: 1234,
        updatesSent: 1,
        lastAttempt: { status: 'contributed', at: 2 },
      };
      emit({ type: 'federated', status: federated });
      return federated;
    },
    async recordExposure(exposure) {
      if (exposure.armId === '') throw new OptionError('no arm');
    },
    async experiments() {
      return {
        configured: false,
        consent: false,
        experiments: [],
        pendingReports: 0,
        lastReport: null,
      };
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      seen.disposed = true;
    },
  };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A client and a host joined by a MessageChannel, as a page and its worker are. */
function connect(config: RecommenderConfig = {}): { client: Recommender; fake: () => Fake } {
  let fake: Fake | null = null;
  const client = connectLocalWorker(config, cleanups, (c) => (fake = createFake(c)));
  return {
    client,
    fake: () => {
      if (!fake) throw new Error('not initialized');
      return fake;
    },
  };
}

describe('worker client ↔ host over a MessageChannel', () => {
  it('initializes with the config and answers each call with its own result', async () => {
    const { client, fake } = connect({ dbName: 'shop', visitorId: 'v1' });
    await client.ready();
    expect(fake().config).toEqual({ dbName: 'shop', visitorId: 'v1' });
    // k = 30 answers after k = 1: responses are matched by id, not by order.
    const [slow, fast] = await Promise.all([
      client.recommend({ type: 'popular', k: 30 }),
      client.recommend({ type: 'popular', k: 1 }),
    ]);
    expect(slow.items[0]!.id).toBe('item-30');
    expect(fast.items[0]!.id).toBe('item-1');
  });

  it('rejects with the same error class and code as thrown in the host', async () => {
    const { client } = connect();
    const cases: [() => Promise<unknown>, new (...args: never[]) => HearthError, string][] = [
      [
        () => client.recommend({ type: 'similar', itemId: 'x', k: 1 }),
        OptionError,
        'INVALID_OPTION',
      ],
      [() => client.importInteractions('x'), DataError, 'EMPTY_INPUT'],
      [() => client.loadModel(new Uint8Array([1])), ModelFileError, 'MODEL_FILE_CORRUPT'],
      [() => client.train({ backend: 'webgpu' }), BackendError, 'BACKEND_UNAVAILABLE'],
      [() => client.capabilities(), HearthError, 'DISPOSED'],
      [() => client.storage(), HearthError, 'BACKEND_FAILED'],
    ];
    for (const [run, cls, code] of cases) {
      const error = await run().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(cls);
      expect(error).toMatchObject({ code, name: cls.name });
    }
  });

  it('rejects ready() and later calls when init fails', async () => {
    const { client } = connect({ dbName: 'broken' });
    await expect(client.ready()).rejects.toMatchObject({
      name: 'DataError',
      code: 'UNREADABLE_INPUT',
    });
  });

  it('forwards progress to onProgress and events to listeners', async () => {
    const { client } = connect();
    const events: RecommenderEvent[] = [];
    client.on((e) => events.push(e));
    const epochs: number[] = [];
    const report = await client.train({
      mf: { epochs: 4 },
      onProgress: (p) => epochs.push(p.epoch),
    });
    expect(report.epochs).toBe(4);
    expect(epochs).toEqual([1, 2, 3, 4]);
    await client.track({ itemId: 'a', type: 'view' });
    expect(events.filter((e) => e.type === 'training-progress')).toHaveLength(4);
    expect(events.at(-1)).toEqual({ type: 'history-changed', events: 1 });
  });

  it('maps an aborted signal to a cancel message and rejects with CancelledError', async () => {
    const { client, fake } = connect();
    const controller = new AbortController();
    const promise = client.train({
      mf: { epochs: 100 },
      signal: controller.signal,
      onProgress: (p) => {
        if (p.epoch === 2) controller.abort();
      },
    });
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect(error).toMatchObject({ code: 'TRAINING_CANCELLED' });
    expect(fake().seen.trainSignal?.aborted).toBe(true);
  });

  it('cancels imports through their parse signal', async () => {
    const { client } = connect();
    const controller = new AbortController();
    const promise = client.importCatalog('id\n1', { signal: controller.signal });
    controller.abort();
    await expect(promise).rejects.toBeInstanceOf(CancelledError);
  });

  it('rejects at once for a signal aborted before the call', async () => {
    const { client, fake } = connect();
    await client.ready();
    const controller = new AbortController();
    controller.abort();
    await expect(client.train({ signal: controller.signal })).rejects.toBeInstanceOf(
      CancelledError,
    );
    expect(fake().seen.trainSignal).toBeUndefined();
  });

  it('sends model bytes as a transferred copy: the caller keeps its array', async () => {
    const { client, fake } = connect();
    const bytes = new Uint8Array([0x48, 1, 2, 3]);
    await expect(client.loadModel(bytes)).resolves.toBe(4);
    expect([...bytes]).toEqual([0x48, 1, 2, 3]);
    expect([...fake().seen.loaded!]).toEqual([0x48, 1, 2, 3]);
  });

  it('refuses a predicate filter, which cannot be cloned', async () => {
    const { client } = connect();
    await expect(
      client.recommend({ type: 'popular', k: 3, filters: { predicate: () => true } }),
    ).rejects.toBeInstanceOf(OptionError);
  });

  it('returns Blobs and plain reports', async () => {
    const { client } = connect();
    const blob = await client.exportAll();
    expect(await blob.text()).toBe('{}');
    await expect(client.eraseAll()).resolves.toEqual({
      remainingDatabases: [],
      remainingCaches: [],
    });
  });

  it('round-trips the federated methods and forwards the federated event', async () => {
    const config: RecommenderConfig = { federated: { serverUrl: '', token: 't' } };
    const { client } = connect(config);
    const events: RecommenderEvent[] = [];
    client.on((e) => events.push(e));
    expect(await client.federatedStatus()).toEqual(STATUS);
    const granted = await client.setFederatedConsent(true);
    expect(granted.consent).toEqual({ granted: true, changedAt: 1 });
    const after = await client.participate();
    expect(after).toMatchObject({ requests: 3, bytesSent: 1234, updatesSent: 1 });
    expect(after.lastAttempt).toEqual({ status: 'contributed', at: 2 });
    expect(events).toEqual([
      { type: 'federated', status: granted },
      { type: 'federated', status: after },
    ]);
    expect((await client.setFederatedConsent(false)).consent.granted).toBe(false);
  });

  it('keeps OptionError from setFederatedConsent(true) without a server', async () => {
    const { client } = connect();
    const error = await client.setFederatedConsent(true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect(error).toMatchObject({ code: 'INVALID_OPTION', message: 'set federated.serverUrl' });
  });

  it('dispose rejects pending and later calls with DISPOSED and disposes the host recommender', async () => {
    const { client, fake } = connect();
    await client.ready();
    const pending = client.train({ mf: { epochs: 50 } });
    client.dispose();
    await expect(pending).rejects.toMatchObject({ code: 'DISPOSED' });
    await expect(client.recommend({ type: 'popular', k: 1 })).rejects.toMatchObject({
      code: 'DISPOSED',
    });
    await expect.poll(() => fake().seen.disposed).toBe(true);
  });
});

describe('worker host on raw messages', () => {
  function rawHost(): { send: (m: unknown) => void; received: HostMessage[] } {
    const channel = new MessageChannel();
    const received: HostMessage[] = [];
    channel.port2.onmessage = (event: MessageEvent) => received.push(event.data as HostMessage);
    const host = createWorkerHost({
      endpoint: channel.port1 as unknown as MessageEndpoint,
      createRecommender: createFake,
    });
    cleanups.push(() => {
      host.dispose();
      channel.port1.close();
      channel.port2.close();
    });
    return { send: (m) => channel.port2.postMessage(m), received };
  }

  it('answers a malformed request with OptionError and a request before init likewise', async () => {
    const { send, received } = rawHost();
    send({ id: 1, type: 'fly' });
    send({ id: 2, type: 'recommend', request: { type: 'popular', k: 1 } });
    send({ id: 3, type: 'cancel' });
    await expect.poll(() => received.length).toBe(3);
    const byId = new Map(received.map((m) => ['id' in m ? m.id : -1, m]));
    for (const id of [1, 2, 3]) {
      expect(byId.get(id)).toMatchObject({
        type: 'error',
        error: { name: 'OptionError', code: 'INVALID_OPTION' },
      });
    }
  });

  it('answers cancel for an unknown id with false', async () => {
    const { send, received } = rawHost();
    send({ id: 1, type: 'init', config: {} });
    send({ id: 2, type: 'cancel', target: 99 });
    await expect.poll(() => received.length).toBe(2);
    expect(received.find((m) => 'id' in m && m.id === 2)).toEqual({
      id: 2,
      type: 'result',
      value: false,
    });
  });
});

describe('worker client ↔ host ↔ local recommender', () => {
  const connectLocal = (dbName: string, extra: RecommenderConfig = {}): Recommender =>
    connectLocalWorker({ dbName, fineTuneAfterEvents: 0, ...extra }, cleanups);

  it('imports, trains with progress, recommends and follows a track', async () => {
    const client = connectLocal('rpc-local-1');
    await client.importInteractions(plantedCsv());
    const epochs: number[] = [];
    const report = await client.train({
      backend: 'typed',
      mf: { factors: 8, epochs: 3 },
      onProgress: (p) => epochs.push(p.epoch),
    });
    expect(report).toMatchObject({ computePath: 'typed', epochs: 3, modelVersion: 1 });
    expect(epochs).toEqual([1, 2, 3]);
    const before = await client.recommend({ type: 'for-you', history: [], k: 5 });
    await client.track({ itemId: 'i1', type: 'purchase' });
    const after = await client.recommend({ type: 'for-you', history: [], k: 5 });
    expect(before.source).not.toBe('personal');
    expect(after.source).toBe('personal');
  });

  it('cancels a real training run with CancelledError and keeps the checkpoint', async () => {
    const client = connectLocal('rpc-local-2');
    await client.importInteractions(plantedCsv());
    const controller = new AbortController();
    const error = await client
      .train({
        backend: 'typed',
        mf: { factors: 8, epochs: 50 },
        signal: controller.signal,
        onProgress: (p) => p.epoch === 2 && controller.abort(),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect(peekDb('rpc-local-2')!.checkpoints.size).toBe(1);
    const resumed = await client.train({ backend: 'typed', mf: { factors: 8, epochs: 50 } });
    expect(resumed.resumedFromEpoch).toBeGreaterThanOrEqual(2);
  });

  it('refuses federated consent without a server, keeping OptionError, and forwards the opt-out', async () => {
    const client = connectLocal('rpc-local-4');
    const events: RecommenderEvent[] = [];
    client.on((e) => events.push(e));
    expect(await client.federatedStatus()).toMatchObject({ configured: false, requests: 0 });
    const error = await client.setFederatedConsent(true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionError);
    expect(error).toMatchObject({ code: 'INVALID_OPTION', message: /federated\.serverUrl/ });
    await expect(client.participate()).rejects.toBeInstanceOf(OptionError);
    const out = await client.setFederatedConsent(false);
    expect(out.consent.granted).toBe(false);
    await expect
      .poll(() => events.find((e) => e.type === 'federated'))
      .toMatchObject({ type: 'federated', status: { configured: false } });
  });

  it('contributes to a real server and hot-swaps its model through the worker', async () => {
    const bundle = await trainModelBundle({
      dataset: plantedDataset(),
      mf: { factors: 8, epochs: 3 },
    });
    const config = testConfig({ minCohort: 1, maxCohort: 1, noiseMultiplier: 1 });
    const manager = await createRoundManager({
      store: createServerStore(),
      config,
      initialModel: bundle.mf,
    });
    const http = createFederatedHttpServer({ manager, config, tickMs: 50 });
    const url = `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}`;
    cleanups.push(() => void http.close().then(() => manager.close()));
    const client = connectLocal('rpc-local-5', {
      federated: { serverUrl: url, token: TOKEN, refreshIntervalMs: 25 },
    });
    const events: RecommenderEvent[] = [];
    client.on((e) => events.push(e));
    await client.loadModel(encodeBundle(bundle));
    await client.track({ itemId: 'i1', type: 'purchase' });
    await client.setFederatedConsent(true);
    const status = await client.participate();
    expect(status).toMatchObject({ configured: true, consent: { granted: true }, updatesSent: 1 });
    expect(status.lastAttempt?.status).toBe('contributed');
    await expect
      .poll(() => events.find((e) => e.type === 'model-changed' && e.source === 'federated'))
      .toEqual({ type: 'model-changed', version: 2, source: 'federated' });
    expect(events.some((e) => e.type === 'federated' && e.status.updatesSent === 1)).toBe(true);
    expect((await client.recommend({ type: 'for-you', history: [], k: 5 })).source).toBe(
      'personal',
    );
  });

  it('keeps DataError and its code from the real engine', async () => {
    const client = connectLocal('rpc-local-3');
    await expect(client.train({ backend: 'typed' })).rejects.toMatchObject({
      name: 'DataError',
      code: 'NOT_ENOUGH_DATA',
    });
    await expect(client.importInteractions('')).rejects.toBeInstanceOf(DataError);
  });
});

describe('worker host configuration errors', () => {
  it('answers init and later requests with the configuration error', async () => {
    const client = connectLocalWorker({ historyLimit: 0 }, cleanups);
    await expect(client.ready()).rejects.toBeInstanceOf(OptionError);
    await expect(client.recommend({ type: 'popular', k: 1 })).rejects.toThrow(/historyLimit/);
  });
});
