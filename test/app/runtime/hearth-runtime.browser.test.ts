import { deleteDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createHearthRuntime,
  MAX_NOTICES,
  type HearthRuntime,
} from '../../../src/app/runtime/hearth-runtime';
import { createStoreReader, type StoreReader } from '../../../src/app/runtime/store-reader';
import { createLocalRecommender } from '../../../src/worker';
import { plantedCatalogJsonl, plantedCsv } from '../../worker/runtime-fixtures';
import { createFakeFederated, federatedStatus } from '../fake-federated';
import { createFakeRecommender } from '../fake-recommender';

const opened: (HearthRuntime | StoreReader)[] = [];
const databases = new Set<string>();
let counter = 0;

afterEach(async () => {
  for (const thing of opened.splice(0)) thing.dispose();
  await new Promise((resolve) => setTimeout(resolve, 50));
  for (const name of databases) await deleteDB(name);
  databases.clear();
});

/** A runtime over an in-thread recommender on a fresh database, and a reader of that database. */
function localRuntime(): { runtime: HearthRuntime; reader: StoreReader; dbName: string } {
  const dbName = `hearth-app-runtime-${Date.now()}-${counter++}`;
  databases.add(dbName);
  const runtime = createHearthRuntime({
    config: { dbName, fineTuneAfterEvents: 0 },
    create: (config) => createLocalRecommender(config),
  });
  const reader = createStoreReader({ dbName });
  opened.push(runtime, reader);
  return { runtime, reader, dbName };
}

describe('createHearthRuntime over a real recommender', () => {
  it('becomes ready, counts history changes, and the reader sees tracked events newest first', async () => {
    const { runtime, reader } = localRuntime();
    expect(runtime.getState().status).toBe('starting');
    await vi.waitFor(() => expect(runtime.getState().status).toBe('ready'));
    const ticks: number[] = [];
    runtime.subscribe(() => ticks.push(runtime.getState().historyTick));
    await runtime.track({ itemId: 'i1', type: 'view' });
    await runtime.track({ itemId: 'i2', type: 'cart' });
    expect(runtime.getState().historyTick).toBe(2);
    expect(ticks).toEqual([1, 2]);
    const events = await reader.recentEvents(10);
    expect(events.map((e) => [e.itemId, e.type])).toEqual([
      ['i2', 'cart'],
      ['i1', 'view'],
    ]);
    expect(await reader.modelInfo()).toBeNull();
  });

  it('reports a trained model and the reader decodes its training details', async () => {
    const { runtime, reader } = localRuntime();
    await runtime.recommender.ready();
    await runtime.recommender.importCatalog(plantedCatalogJsonl(120, 3));
    await runtime.recommender.importInteractions(
      plantedCsv({ users: 90, items: 120, clusters: 3, seed: 3 }),
    );
    const report = await runtime.recommender.train({
      backend: 'typed',
      mf: { factors: 8, epochs: 2 },
    });
    expect(runtime.getState()).toMatchObject({
      modelVersion: report.modelVersion,
      modelOrigin: 'trained',
    });
    expect(runtime.getState().notices.at(-1)?.message).toBe(
      `Model v${report.modelVersion} trained on this device is now serving your rows.`,
    );
    const info = await reader.modelInfo();
    expect(info).toMatchObject({ version: report.modelVersion, source: 'trained' });
    expect(info!.training).toMatchObject({ computePath: 'typed', epochs: 2, users: 90 });
    expect(info!.bytes).toBeGreaterThan(1000);
  });

  it('eraseAll restarts on an empty database; the reader sees nothing and ignores its own erase', async () => {
    const { runtime, reader } = localRuntime();
    const remoteErases = vi.fn();
    reader.onRemoteErase(remoteErases);
    await runtime.recommender.ready();
    await runtime.track({ itemId: 'i9', type: 'click' });
    const first = runtime.recommender;
    const proof = await runtime.eraseAll();
    expect(proof.remainingDatabases).toEqual([]);
    expect(runtime.recommender).not.toBe(first);
    expect(runtime.getState()).toMatchObject({
      status: 'starting',
      generation: 1,
      modelVersion: 0,
    });
    await vi.waitFor(() => expect(runtime.getState().status).toBe('ready'));
    expect(await reader.recentEvents(10)).toEqual([]);
    await expect(first.recommend({ type: 'popular', k: 1 })).rejects.toThrow(/disposed/);
    // The erase broadcast reached the reader; being this runtime's own, it does not restart again.
    await vi.waitFor(() => expect(remoteErases).toHaveBeenCalledTimes(1));
    runtime.erasedElsewhere();
    expect(runtime.getState().generation).toBe(1);
  });

  it('restarts when another tab erases the database', async () => {
    const { runtime, reader, dbName } = localRuntime();
    reader.onRemoteErase(() => runtime.erasedElsewhere());
    await runtime.recommender.ready();
    const otherTab = createLocalRecommender({ dbName, fineTuneAfterEvents: 0 });
    await otherTab.ready();
    await otherTab.eraseAll();
    otherTab.dispose();
    await vi.waitFor(() => expect(runtime.getState().generation).toBe(1));
  });
});

describe('createHearthRuntime events and failures', () => {
  it('turns storage messages, model swaps and failed tracks into a bounded list of notices', async () => {
    const fake = createFakeRecommender({
      track: () => Promise.reject(new Error('quota exceeded')),
    });
    const runtime = createHearthRuntime({ config: {}, create: () => fake });
    opened.push(runtime);
    fake.emit({ type: 'model-changed', version: 3, source: 'other-tab' });
    expect(runtime.getState()).toMatchObject({ modelVersion: 3, modelOrigin: 'other-tab' });
    expect(runtime.getState().notices.at(-1)?.message).toBe(
      'Model v3, trained in another tab, is now serving your rows.',
    );
    fake.emit({ type: 'model-changed', version: 4, source: 'loaded' });
    expect(runtime.getState().notices).toHaveLength(1);
    await runtime.track({ itemId: 'x', type: 'view' });
    expect(runtime.getState().notices.at(-1)?.message).toBe(
      'Could not record your view of x: quota exceeded',
    );
    for (let i = 0; i < MAX_NOTICES + 2; i++) fake.emit({ type: 'storage', message: `m${i}` });
    const notices = runtime.getState().notices;
    expect(notices.map((n) => n.message)).toEqual(
      Array.from({ length: MAX_NOTICES }, (_, i) => `m${i + 2}`),
    );
    expect(new Set(notices.map((n) => n.id)).size).toBe(MAX_NOTICES);
  });

  it('shows why the runtime could not start', async () => {
    const fake = createFakeRecommender({
      ready: () => Promise.reject(new Error('IndexedDB is disabled')),
    });
    const runtime = createHearthRuntime({ config: {}, create: () => fake });
    opened.push(runtime);
    await vi.waitFor(() =>
      expect(runtime.getState()).toMatchObject({ status: 'error', error: 'IndexedDB is disabled' }),
    );
  });
});

describe('createHearthRuntime federated-learning state', () => {
  it('reads the status once ready, then follows federated events, consent and contributions', async () => {
    const federated = createFakeFederated({ now: () => 1_000 });
    const fake = createFakeRecommender(federated.members);
    const runtime = createHearthRuntime({ config: {}, create: () => fake });
    opened.push(runtime);
    expect(runtime.getState().federated).toBeNull();
    await vi.waitFor(() => expect(runtime.getState().federated).toEqual(federatedStatus()));

    fake.emit({ type: 'federated', status: federatedStatus({ requests: 4, bytesSent: 99 }) });
    expect(runtime.getState().federated).toMatchObject({ requests: 4, bytesSent: 99 });

    const granted = await runtime.setFederatedConsent(true);
    expect(federated.consentCalls).toEqual([true]);
    expect(granted.consent).toEqual({ granted: true, changedAt: 1_000 });
    expect(runtime.getState().federated).toBe(granted);

    const after = await runtime.participate();
    expect(after.lastAttempt).toEqual({ status: 'contributed', at: 1_000 });
    expect(runtime.getState().federated).toMatchObject({ updatesSent: 1, bytesSent: 1000 });
  });

  it('keeps a federated event that arrived before the first status read answered', async () => {
    let answer: (status: ReturnType<typeof federatedStatus>) => void = () => undefined;
    const fake = createFakeRecommender({
      federatedStatus: () => new Promise((resolve) => (answer = resolve)),
    });
    const runtime = createHearthRuntime({ config: {}, create: () => fake });
    opened.push(runtime);
    await vi.waitFor(() => expect(runtime.getState().status).toBe('ready'));
    fake.emit({ type: 'federated', status: federatedStatus({ requests: 7 }) });
    answer(federatedStatus({ requests: 3 }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(runtime.getState().federated?.requests).toBe(7);
  });

  it('announces a federated global model and says the history stayed on the device', () => {
    const fake = createFakeRecommender(createFakeFederated().members);
    const runtime = createHearthRuntime({ config: {}, create: () => fake });
    opened.push(runtime);
    fake.emit({ type: 'model-changed', version: 5, source: 'federated' });
    expect(runtime.getState()).toMatchObject({ modelVersion: 5, modelOrigin: 'federated' });
    expect(runtime.getState().notices.at(-1)?.message).toBe(
      "Model v5 from the shop's federated model is now serving your rows (your history stayed on this device).",
    );
  });

  it('reports why the status could not be read, and forgets the status on restart', async () => {
    let fail = true;
    const fake = createFakeRecommender({
      federatedStatus: () =>
        fail ? Promise.reject(new Error('worker gone')) : Promise.resolve(federatedStatus()),
    });
    const runtime = createHearthRuntime({ config: {}, create: () => fake });
    opened.push(runtime);
    await vi.waitFor(() => expect(runtime.getState().federatedError).toBe('worker gone'));
    expect(runtime.getState().federated).toBeNull();
    fail = false;
    runtime.restart();
    expect(runtime.getState()).toMatchObject({ federated: null, federatedError: null });
    await vi.waitFor(() => expect(runtime.getState().federated).toEqual(federatedStatus()));
  });

  it('rejects a failed consent change without touching the state', async () => {
    const federated = createFakeFederated({ initial: { configured: false } });
    const fake = createFakeRecommender(federated.members);
    const runtime = createHearthRuntime({ config: {}, create: () => fake });
    opened.push(runtime);
    await vi.waitFor(() => expect(runtime.getState().federated).not.toBeNull());
    await expect(runtime.setFederatedConsent(true)).rejects.toThrow('No federated server');
    expect(runtime.getState().federated?.consent.granted).toBe(false);
  });
});
