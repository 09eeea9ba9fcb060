import { afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random';
import type { VersionedModel } from '../../src/federated/federated-model';
import {
  createFederatedParticipant,
  isRetryableFederatedError,
  type FederatedParticipant,
} from '../../src/federated/federated-participant';
import {
  RoundRefusedError,
  resolveDevicePrivacy,
  type DevicePrivacyPolicy,
} from '../../src/federated/device-privacy-floor';
import { EPSILON_LEDGER_META_KEY } from '../../src/federated/epsilon-ledger';
import { UpdateRejectedError } from '../../src/federated/federated-protocol';
import { epsilonOf } from '../../src/federated/privacy-accountant';
import { UPLOAD_QUEUE_META_KEY } from '../../src/federated/upload-queue';
import { createFederatedHttpServer, type FederatedHttpServer } from '../../src/server/http-server';
import { createMemoryStore } from '../../src/server/memory-store';
import { createRoundManager, type RoundManager } from '../../src/server/round-manager';
import type { ServerConfig } from '../../src/server/server-config';
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

/** A server whose rounds carry DP noise the default device floor accepts (z = 1, ε ≈ 4.4 per round). */
async function startServer(overrides: Partial<ServerConfig> = {}): Promise<string> {
  const config = testConfig({ minCohort: 2, maxCohort: 2, noiseMultiplier: 1, ...overrides });
  manager = await createRoundManager({
    store: createMemoryStore(),
    config,
    initialModel: smallModel(),
  });
  http = createFederatedHttpServer({ manager, config, tickMs: 50 });
  return `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}`;
}

/** A participant whose requests are recorded; `down` makes the network fail. */
function device(
  serverUrl: string,
  u: number,
  net = { down: false },
  privacy?: DevicePrivacyPolicy,
) {
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
    ...(privacy && { privacy }),
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

  it('#6 refuses a server without DP noise by default: no update leaves, the reason is kept', async () => {
    const url = await startServer({ noiseMultiplier: 0 });
    const d = device(url, 4);
    await d.participant.consent.grant();
    const outcome = await d.participant.participate();
    expect(outcome).toMatchObject({ status: 'flushed', flush: { sent: 0, pending: 0 } });
    const error = outcome.status === 'flushed' ? outcome.error : undefined;
    expect(error).toBeInstanceOf(RoundRefusedError);
    expect((error as RoundRefusedError).reason).toBe('noise-below-floor');
    expect(d.requests.some((r) => r.endsWith('/update'))).toBe(false);
    // The status already says so: the device does not even take a seat in the round.
    expect(d.requests.some((r) => r.endsWith('/v1/rounds/join'))).toBe(false);
    const ledger = await d.participant.privacyLedger();
    expect(ledger).toMatchObject({ epsilonSpent: 0, roundsContributed: 0, epsilonBudget: 16 });
    expect(ledger.refused).toHaveLength(1);
    expect(ledger.refused[0]).toMatchObject({ reason: 'noise-below-floor' });
    expect(ledger.refused[0]!.message).toMatch(/no differential-privacy noise/);
  });

  it('#6 keeps its own ε ledger and refuses the round that would pass its budget', async () => {
    const url = await startServer({ minCohort: 1, maxCohort: 1 });
    const privacy = resolveDevicePrivacy({ maxEpsilonTotal: 6 });
    const d = device(url, 5, { down: false }, privacy);
    await d.participant.consent.grant();
    const first = await d.participant.participate();
    expect(first).toMatchObject({ status: 'flushed', flush: { sent: 1 } });
    const one = epsilonOf({ noiseMultiplier: 1 }, 1e-5);
    const after = await d.participant.privacyLedger();
    expect(after.roundsContributed).toBe(1);
    expect(after.epsilonSpent).toBeCloseTo(one, 3);
    // Persisted in the device's own meta store (which "Erase everything" deletes).
    expect(d.meta.data.get(EPSILON_LEDGER_META_KEY)).toMatchObject({ version: 1 });
    // Two rounds at z = 1 compose to ε ≈ 6.6 > 6: the next round is refused before anything is sent.
    expect(epsilonOf({ noiseMultiplier: 1, rounds: 2 }, 1e-5)).toBeGreaterThan(6);
    const uploads = d.requests.filter((r) => r.endsWith('/update')).length;
    const second = await d.participant.participate();
    expect(second.status === 'flushed' && second.error).toBeInstanceOf(RoundRefusedError);
    expect(d.requests.filter((r) => r.endsWith('/update')).length).toBe(uploads);
    const final = await d.participant.privacyLedger();
    expect(final.roundsContributed).toBe(1);
    expect(final.refused.map((r) => r.reason)).toEqual(['epsilon-budget']);
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
