import { afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random';
import { computeClientUpdate } from '../../src/federated/client-update';
import { createFederatedClient, participateInRound } from '../../src/federated/federated-client';
import {
  UpdateRejectedError,
  decodeUpdateFrame,
  encodeUpdateFrame,
  type JoinResponse,
} from '../../src/federated/federated-protocol';
import { applyItemStep } from '../../src/federated/item-step';
import {
  ADMISSION_HEADER,
  CHALLENGE_PATH,
  type JoinChallenge,
} from '../../src/federated/join-admission';
import { fromRing, ringAddInPlace } from '../../src/federated/quantize';
import { createStatisticsSmoother } from '../../src/federated/statistics-smoother';
import { boundRowMoves } from '../../src/federated/update-bound';
import { encodeUpdateVector, splitParts } from '../../src/federated/update-codec';
import { createFederatedHttpServer, type FederatedHttpServer } from '../../src/server/http-server';
import { createMemoryStore } from '../../src/server/memory-store';
import { createRoundManager, type RoundManager } from '../../src/server/round-manager';
import type { ServerConfig } from '../../src/server/server-config';
import { TOKEN, frameFor, historyOf, smallModel, testConfig } from './server-test-helpers';

let http: FederatedHttpServer | null = null;
let manager: RoundManager | null = null;

async function start(config: ServerConfig = testConfig()): Promise<string> {
  manager = await createRoundManager({
    store: createMemoryStore(),
    config,
    initialModel: smallModel(),
  });
  http = createFederatedHttpServer({ manager, config, tickMs: 50 });
  const port = await http.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${port}`;
}

afterEach(async () => {
  await http?.close();
  await manager?.close();
  http = null;
  manager = null;
});

const auth = { Authorization: `Bearer ${TOKEN}` };

async function errorOf(res: Response): Promise<{ status: number; reason: string }> {
  const body = (await res.json()) as { error: { reason: string; message: string } };
  expect(body.error.message.length).toBeGreaterThan(5);
  return { status: res.status, reason: body.error.reason };
}

describe('HTTP API', () => {
  it('requires the deployment token on every route', async () => {
    const base = await start();
    for (const path of ['/v1/model', '/v1/status', '/v1/rounds/join']) {
      const res = await fetch(`${base}${path}`, {
        headers: { Authorization: 'Bearer wrong-token-000000000' },
      });
      expect(await errorOf(res)).toEqual({ status: 401, reason: 'unauthorized' });
    }
    expect((await fetch(`${base}/v1/status`)).status).toBe(401);
    const status = (await (await fetch(`${base}/v1/status`, { headers: auth })).json()) as {
      rejected: Record<string, number>;
    };
    expect(status.rejected['unauthorized']).toBe(4);
  });

  it('serves the model with an ETag and answers 304 when it is current', async () => {
    const base = await start();
    const res = await fetch(`${base}/v1/model`, { headers: auth });
    expect(res.status).toBe(200);
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"v0-[0-9a-f]+"$/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(30 * 4 * 4);
    const again = await fetch(`${base}/v1/model`, { headers: { ...auth, 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    const client = createFederatedClient({ baseUrl: base, token: TOKEN });
    expect(await client.fetchModel(etag)).toBeNull();
    expect((await client.fetchModel())!.version).toBe(0);
  });

  it('rate-limits each address with 429 and Retry-After', async () => {
    const base = await start(testConfig({ rateLimit: { perSecond: 0.5, burst: 2 } }));
    const codes = [];
    for (let j = 0; j < 3; j++)
      codes.push((await fetch(`${base}/v1/status`, { headers: auth })).status);
    expect(codes).toEqual([200, 200, 429]);
    const res = await fetch(`${base}/v1/status`, { headers: auth });
    expect(res.headers.get('retry-after')).toBe('2');
    expect((await errorOf(res)).reason).toBe('rate-limited');
  });

  it('answers each bad request with its 4xx reason and counts it', async () => {
    const base = await start();
    const post = (path: string, body: BodyInit, type = 'application/json') =>
      fetch(`${base}${path}`, { method: 'POST', body, headers: { ...auth, 'Content-Type': type } });
    expect(await errorOf(await post('/v1/rounds/join', '{"protocol":7}'))).toEqual({
      status: 400,
      reason: 'bad-version',
    });
    expect(await errorOf(await post('/v1/rounds/join', 'not json'))).toEqual({
      status: 400,
      reason: 'bad-request',
    });
    expect(await errorOf(await fetch(`${base}/v1/nope`, { headers: auth }))).toEqual({
      status: 404,
      reason: 'not-found',
    });
    expect(
      await errorOf(await fetch(`${base}/v1/model`, { method: 'DELETE', headers: auth })),
    ).toEqual({
      status: 405,
      reason: 'method-not-allowed',
    });
    const joined = await createFederatedClient({ baseUrl: base, token: TOKEN }).join();
    const frame = frameFor(joined, smallModel(), 0, { nonce: 'cd'.repeat(16) });
    const decoded = decodeUpdateFrame(frame);
    const huge = encodeUpdateFrame({
      header: decoded.header,
      payload: new Uint8Array(decoded.payload.length + 4096),
    });
    expect(
      await errorOf(await post('/v1/rounds/r1/update', huge, 'application/octet-stream')),
    ).toEqual({
      status: 413,
      reason: 'too-large',
    });
    const short = encodeUpdateFrame({
      header: decoded.header,
      payload: decoded.payload.subarray(4),
    });
    expect(
      await errorOf(await post('/v1/rounds/r1/update', short, 'application/octet-stream')),
    ).toEqual({
      status: 400,
      reason: 'bad-shape',
    });
    const badWeight = encodeUpdateFrame({
      header: { ...decoded.header, weight: 3 },
      payload: decoded.payload,
    });
    expect(
      await errorOf(await post('/v1/rounds/r1/update', badWeight, 'application/octet-stream')),
    ).toEqual({
      status: 422,
      reason: 'out-of-range',
    });
    const loud = decoded.payload.slice();
    for (let j = 0; j < 10; j++) new DataView(loud.buffer).setInt16(2 * j, -30_000, true);
    expect(
      await errorOf(
        await post(
          '/v1/rounds/r1/update',
          encodeUpdateFrame({ header: decoded.header, payload: loud }),
          'application/octet-stream',
        ),
      ),
    ).toEqual({ status: 422, reason: 'norm-exceeded' });
    expect((await post('/v1/rounds/r1/update', frame, 'application/octet-stream')).status).toBe(
      200,
    );
    expect(
      await errorOf(await post('/v1/rounds/r1/update', frame, 'application/octet-stream')),
    ).toEqual({
      status: 409,
      reason: 'replay',
    });
    expect(
      await errorOf(await post('/v1/rounds/r7/update', frame, 'application/octet-stream')),
    ).toEqual({
      status: 400,
      reason: 'bad-request',
    });
    const status = (await (await fetch(`${base}/v1/status`, { headers: auth })).json()) as {
      rejected: Record<string, number>;
      round: { accepted: number };
    };
    expect(status.rejected).toMatchObject({
      'bad-version': 1,
      'bad-request': 2,
      'not-found': 1,
      'method-not-allowed': 1,
      'too-large': 1,
      'bad-shape': 1,
      'out-of-range': 1,
      'norm-exceeded': 1,
      replay: 1,
    });
    expect(status.round.accepted).toBe(1);
  });

  it('devices join, upload and the next model appears after the round closes', async () => {
    const base = await start();
    const client = createFederatedClient({ baseUrl: base, token: TOKEN });
    const first = await client.fetchModel();
    const results = await Promise.all(
      [0, 1, 2, 3].map((u) =>
        participateInRound({ client, history: historyOf(u), rng: createRng(u) }),
      ),
    );
    for (const r of results) {
      expect(r!.ack.accepted).toBe(true);
      expect(r!.uploadedBytes).toBeLessThan(1000);
    }
    for (let j = 0; j < 50 && (await client.status()).modelVersion === 0; j++)
      await new Promise((r) => setTimeout(r, 20));
    const next = await client.fetchModel(first!.etag);
    expect(next!.version).toBe(1);
    const s = await client.status();
    expect(s).toMatchObject({ roundsCompleted: 1, acceptedTotal: 4, privacy: { epsilon: null } });
    await expect(client.join('!!')).rejects.toBeInstanceOf(UpdateRejectedError);
  });
});

describe('secure rounds over HTTP', () => {
  it('five devices, one drops after sharing: the rest unmask and the exact survivors’ model appears', async () => {
    const base = await start(
      testConfig({ aggregation: 'secure', minCohort: 3, maxCohort: 5, roundDurationMs: 400 }),
    );
    const joins = new Map<number, JoinResponse>();
    let flaky = 2;
    const bodies: Record<string, number> = {};
    const device = (u: number) =>
      createFederatedClient({
        baseUrl: base,
        token: TOKEN,
        fetch: async (input, init) => {
          const url = String(input);
          const path = new URL(url).pathname.replace(/\/\d+$/, '/:slot');
          bodies[path] = Math.max(
            bodies[path] ?? 0,
            Number(init?.body ? String(init.body).length : 0),
          );
          // Device 2 loses its connection right before uploading.
          if (u === 2 && url.endsWith('/update')) throw new TypeError('network down');
          // Device 4's first polls fail (flaky network): it keeps polling.
          if (u === 4 && url.endsWith('/v1/rounds/r1') && flaky-- > 0) {
            throw new TypeError('network down');
          }
          const res = await fetch(input, init);
          if (url.endsWith('/join')) joins.set(u, (await res.clone().json()) as JoinResponse);
          return res;
        },
      });
    const outcomes = await Promise.allSettled(
      [0, 1, 2, 3, 4].map((u) =>
        participateInRound({
          client: device(u),
          history: historyOf(u),
          rng: createRng(u),
          pollMs: 20,
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    for (const o of outcomes) {
      if (o.status === 'fulfilled') expect(o.value).toMatchObject({ unmasked: true });
    }
    expect(flaky).toBeLessThan(0);
    const client = createFederatedClient({ baseUrl: base, token: TOKEN });
    for (let j = 0; j < 100 && (await client.status()).modelVersion === 0; j++)
      await new Promise((r) => setTimeout(r, 20));
    const status = await client.status();
    expect(status).toMatchObject({ modelVersion: 1, roundsCompleted: 1, acceptedTotal: 4 });
    // What the server must have computed from the four survivors' exact sum.
    const spec = joins.get(0)!.round;
    const model = smallModel();
    const truth = new Uint32Array(spec.parts.reduce((n, p) => n + p.length, 0));
    for (const u of [0, 1, 3, 4]) {
      const update = computeClientUpdate({ model, history: historyOf(u), rows: spec.rows })!;
      ringAddInPlace(truth, encodeUpdateVector(update.parts, spec, createRng(u)).ring, 32);
    }
    const sums = splitParts(fromRing(truth, 32), spec);
    const smoothed = createStatisticsSmoother({ numItems: 30 }).update({
      rows: spec.rows,
      counts: sums.counts,
      gram: sums.gram,
      stats: sums.stats,
      cohort: 4,
      userWeightNorm: model.userWeightNorm,
    });
    const expected = boundRowMoves({
      before: model,
      after: applyItemStep({
        model,
        rows: spec.rows,
        sums,
        cohort: 4,
        userWeightNorm: smoothed.userWeightNorm,
      }).model,
      rows: spec.rows,
      maxRowMove: testConfig().maxRowMove,
    }).model;
    const got = (await client.fetchModel())!.model;
    expect(Array.from(got.itemFactors)).toEqual(Array.from(expected.itemFactors));
    // Control messages stay small next to the upload at this cohort size.
    expect(bodies['/v1/rounds/r1/shares']).toBeLessThan(1000);
    expect(bodies['/v1/rounds/r1/unmask']).toBeLessThan(1000);
  });

  it('answers each secure-round misuse with its 4xx reason and counts it', async () => {
    const base = await start(testConfig({ aggregation: 'secure', minCohort: 2, maxCohort: 3 }));
    const get = (path: string) => fetch(`${base}${path}`, { headers: auth });
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { ...auth, 'Content-Type': 'application/json', ...headers },
      });
    // testConfig asks for no proof of work: any counter solves the challenge.
    const { challenge } = (await (await get(CHALLENGE_PATH)).json()) as JoinChallenge;
    const admitted = { [ADMISSION_HEADER]: `${challenge}~0` };
    expect(await errorOf(await get('/v1/rounds/r1/members/0'))).toEqual({
      status: 409,
      reason: 'wrong-phase',
    });
    expect(await errorOf(await get('/v1/rounds/r1/shares/0'))).toEqual({
      status: 409,
      reason: 'wrong-phase',
    });
    expect(await errorOf(await post('/v1/rounds/r1/shares', { protocol: 1, ticket: 'x' }))).toEqual(
      {
        status: 400,
        reason: 'bad-request',
      },
    );
    expect(
      await errorOf(await post('/v1/rounds/r1/shares', { protocol: 1, ticket: 'x', shares: [] })),
    ).toEqual({ status: 409, reason: 'wrong-phase' });
    expect(await errorOf(await get('/v1/rounds/r1/update/3'))).toEqual({
      status: 404,
      reason: 'not-found',
    });
    expect(
      await errorOf(await post('/v1/rounds/join', { protocol: 1, publicKey: 'QUJD' }, admitted)),
    ).toEqual({
      status: 400,
      reason: 'bad-request',
    });
    const state = (await (await get('/v1/rounds/r1')).json()) as Record<string, unknown>;
    expect(state).toMatchObject({ phase: 'joining', sharers: [], survivors: [], dropped: [] });
    expect(state['phaseEndsInMs']).toBeGreaterThan(0);
    const status = (await (await get('/v1/status')).json()) as { rejected: Record<string, number> };
    expect(status.rejected).toMatchObject({ 'wrong-phase': 3, 'bad-request': 2, 'not-found': 1 });
  });
});
