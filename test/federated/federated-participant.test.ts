import { afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random';
import type { VersionedModel } from '../../src/federated/federated-model';
import {
  createFederatedParticipant,
  isRetryableFederatedError,
  type FederatedParticipant,
} from '../../src/federated/federated-participant';
import { UpdateRejectedError } from '../../src/federated/federated-protocol';
import { UPLOAD_QUEUE_META_KEY } from '../../src/federated/upload-queue';
import { createFederatedHttpServer, type FederatedHttpServer } from '../../src/server/http-server';
import { createMemoryStore } from '../../src/server/memory-store';
import { createRoundManager, type RoundManager } from '../../src/server/round-manager';
import { TOKEN, historyOf, smallModel, testConfig } from '../server/server-test-helpers';
import { createMemoryMetaStore } from './memory-meta-store';

let http: FederatedHttpServer | null = null;
let manager: RoundManager | null = null;
const participants: FederatedParticipant[] = [];

afterEach(async () => {
  participants.splice(0).forEach((p) => p.dispose());
  await http?.close();
  await manager?.close();
  http = null;
  manager = null;
});

async function startServer(): Promise<string> {
  const config = testConfig({ minCohort: 2, maxCohort: 2 });
  manager = await createRoundManager({
    store: createMemoryStore(),
    config,
    initialModel: smallModel(),
  });
  http = createFederatedHttpServer({ manager, config, tickMs: 50 });
  return `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}`;
}

/** A participant whose requests are recorded; `down` makes the network fail. */
function device(serverUrl: string, u: number, net = { down: false }) {
  const requests: string[] = [];
  let model: VersionedModel | undefined;
  const fetchSpy: typeof fetch = (input, init) => {
    requests.push(`${init?.method ?? 'GET'} ${String(input)}`);
    return net.down ? Promise.reject(new TypeError('Failed to fetch')) : fetch(input, init);
  };
  const meta = createMemoryMetaStore();
  const participant = createFederatedParticipant({
    serverUrl,
    token: TOKEN,
    store: meta,
    fetch: fetchSpy,
    getHistory: () => historyOf(u),
    getModel: () => model,
    onModel: (m) => {
      model = m;
    },
    noiseRng: createRng(u),
    retry: { rng: createRng(100 + u), isOnline: () => true, baseDelayMs: 60_000 },
  });
  participants.push(participant);
  return { participant, requests, meta, model: () => model };
}

describe('createFederatedParticipant', () => {
  it('sends no request at all without consent', async () => {
    const url = await startServer();
    const d = device(url, 1);
    expect(await d.participant.participate()).toEqual({ status: 'no-consent' });
    expect(await d.participant.refreshModel()).toBeNull();
    expect(d.requests).toEqual([]);
    expect(d.participant.stats()).toMatchObject({ requests: 0, bytesSent: 0 });
  });

  it('two consenting devices complete a round and both refresh to the new model', async () => {
    const url = await startServer();
    const a = device(url, 1);
    const b = device(url, 2);
    for (const d of [a, b]) {
      await d.participant.consent.grant();
      const outcome = await d.participant.participate();
      expect(outcome).toMatchObject({ status: 'flushed', flush: { sent: 1, pending: 0 } });
      expect(outcome).not.toHaveProperty('error');
    }
    for (const d of [a, b]) {
      let version = d.model()?.version ?? 0;
      for (let i = 0; i < 50 && version < 1; i++) {
        version = (await d.participant.refreshModel())?.version ?? version;
        if (version < 1) await new Promise((r) => setTimeout(r, 20));
      }
      expect(version).toBe(1);
      const stats = d.participant.stats();
      expect(stats.updatesSent).toBe(1);
      expect(stats.modelVersion).toBe(1);
      expect(stats.bytesSent).toBeGreaterThan(0);
      expect(d.requests.some((r) => r.startsWith('POST') && r.endsWith('/update'))).toBe(true);
      // Unchanged model: a conditional request, no new model.
      expect(await d.participant.refreshModel()).toBeNull();
    }
  });

  it('queues the contribution while the network is down and drops it on opt-out', async () => {
    const url = await startServer();
    const net = { down: true };
    const d = device(url, 3, net);
    await d.participant.consent.grant();
    const outcome = await d.participant.participate();
    expect(outcome).toMatchObject({
      status: 'flushed',
      flush: { sent: 0, retried: 1, pending: 1 },
    });
    // The outcome says why the send failed (the runtime shows it to the visitor).
    expect(outcome.status === 'flushed' && outcome.error).toBeInstanceOf(TypeError);
    expect(await d.participant.pendingUploads()).toBe(1);
    // A second call does not pile up another job.
    await d.participant.participate();
    expect(await d.participant.pendingUploads()).toBe(1);
    // The opt-out resolves once the queue is empty.
    await d.participant.consent.revoke();
    expect(await d.participant.pendingUploads()).toBe(0);
    expect(d.meta.data.get(UPLOAD_QUEUE_META_KEY)).toEqual([]);
    const before = d.requests.length;
    net.down = false;
    expect(await d.participant.participate()).toEqual({ status: 'no-consent' });
    expect(d.requests.length).toBe(before);
  });

  it('does not contact the server for an empty history', async () => {
    const requests: unknown[] = [];
    const p = createFederatedParticipant({
      serverUrl: 'http://fl.test',
      token: 't',
      store: createMemoryMetaStore(),
      fetch: (input) => {
        requests.push(input);
        return Promise.reject(new TypeError('offline'));
      },
      getHistory: () => [],
      getModel: () => undefined,
      onModel: () => undefined,
    });
    participants.push(p);
    await p.consent.grant();
    expect(await p.participate()).toEqual({ status: 'empty' });
    expect(requests).toEqual([]);
  });
});

describe('isRetryableFederatedError', () => {
  it('retries network and round-timing failures, not bad updates', () => {
    expect(isRetryableFederatedError(new TypeError('Failed to fetch'))).toBe(true);
    expect(isRetryableFederatedError(new UpdateRejectedError('round-closed', 'x'))).toBe(true);
    expect(isRetryableFederatedError(new UpdateRejectedError('rate-limited', 'x'))).toBe(true);
    expect(isRetryableFederatedError(new UpdateRejectedError('norm-exceeded', 'x'))).toBe(false);
    expect(isRetryableFederatedError(new UpdateRejectedError('unauthorized', 'x'))).toBe(false);
    expect(isRetryableFederatedError(new Error('bug'))).toBe(false);
  });
});
