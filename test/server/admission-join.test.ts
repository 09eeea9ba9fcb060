import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createFederatedClient } from '../../src/federated/federated-client';
import type { UpdateRejectedError } from '../../src/federated/federated-protocol';
import {
  ADMISSION_HEADER,
  CHALLENGE_PATH,
  admitJoin,
  joinProofBits,
  joinProofSeed,
  sha256Words,
  solveJoinProof,
  type JoinChallenge,
} from '../../src/federated/join-admission';
import { createJoinGate } from '../../src/server/admission/join-gate';
import { resolveServerConfig } from '../../src/server/server-config';
import {
  AUTH,
  fetchFrom,
  outcomeOf,
  startTestServer,
  throwAwayKey,
  type TestServer,
} from './admission-test-helpers';
import { TOKEN, testConfig } from './server-test-helpers';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/**
 * Raw join request from `address`, as a script would send it; `admitted` fetches and solves a
 * challenge first (a server without admission answers none, and the join goes out without).
 */
async function rawJoin(
  base: string,
  address: string,
  o: { admitted: boolean; publicKey?: string; shareKey?: string },
): Promise<Response> {
  const doFetch = fetchFrom(address);
  const keys = { publicKey: o.publicKey, shareKey: o.shareKey };
  const offered = o.admitted ? await doFetch(`${base}${CHALLENGE_PATH}`, { headers: AUTH }) : null;
  const headers = offered?.ok
    ? await admitJoin({ ...keys, fetchChallenge: () => offered.json() })
    : {};
  return doFetch(`${base}/v1/rounds/join`, {
    method: 'POST',
    headers: { ...AUTH, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ protocol: 1, ...(o.publicKey ? keys : {}) }),
  });
}

describe('join admission over HTTP', () => {
  it('#3 one client cannot become a cohort: no ticket without a solved challenge, and at most joinsPerAddress per round', async () => {
    server = await startTestServer(
      testConfig({ joinDifficulty: 4, joinsPerAddress: 3, minCohort: 2, maxCohort: 100 }),
    );
    const farm: string[] = [];
    for (let i = 0; i < 10; i++)
      farm.push(await outcomeOf(await rawJoin(server.base, '127.0.0.2', { admitted: false })));
    for (let i = 0; i < 10; i++)
      farm.push(await outcomeOf(await rawJoin(server.base, '127.0.0.2', { admitted: true })));
    expect(farm.filter((r) => r === 'ok')).toHaveLength(3);
    expect(farm.slice(0, 10)).toEqual(Array(10).fill('bad-ticket'));
    expect(farm.slice(13)).toEqual(Array(7).fill('rate-limited'));
    // Another address still gets its seats, through the real client.
    const client = createFederatedClient({
      baseUrl: server.base,
      token: TOKEN,
      fetch: fetchFrom('127.0.0.3'),
    });
    await expect(client.join()).resolves.toMatchObject({ slot: -1 });
    const status = (await (await fetch(`${server.base}/v1/status`, { headers: AUTH })).json()) as {
      edge: {
        admission: { admitted: number; refused: { noProof: number; addressBudget: number } };
      };
    };
    expect(status.edge.admission).toMatchObject({
      admitted: 4,
      refused: { noProof: 10, addressBudget: 7 },
    });
  });

  it('#4 throw-away keys from one address cannot fill a secure round; honest devices still join', async () => {
    server = await startTestServer(
      testConfig({
        aggregation: 'secure',
        joinDifficulty: 4,
        joinsPerAddress: 3,
        minCohort: 2,
        maxCohort: 10,
      }),
    );
    const attack: string[] = [];
    for (let i = 0; i < 10; i++) {
      const keys = { publicKey: await throwAwayKey(), shareKey: await throwAwayKey() };
      attack.push(
        await outcomeOf(await rawJoin(server.base, '127.0.0.2', { admitted: true, ...keys })),
      );
    }
    expect(attack.filter((r) => r === 'ok')).toHaveLength(3);
    const honest = [];
    for (const address of ['127.0.0.3', '127.0.0.4', '127.0.0.5']) {
      const keys = { publicKey: await throwAwayKey(), shareKey: await throwAwayKey() };
      honest.push(
        await outcomeOf(await rawJoin(server.base, address, { admitted: true, ...keys })),
      );
    }
    expect(honest).toEqual(['ok', 'ok', 'ok']);
    expect(server.manager.status().round).toMatchObject({ phase: 'joining', joined: 6 });
  });

  it('a proof is bound to the keys it was solved for and is single-use', async () => {
    server = await startTestServer(testConfig({ aggregation: 'secure', joinDifficulty: 16 }));
    const base = server.base;
    const challenge = (await (
      await fetch(`${base}${CHALLENGE_PATH}`, { headers: AUTH })
    ).json()) as JoinChallenge;
    expect(challenge.difficulty).toBe(16);
    const mine = { publicKey: await throwAwayKey(), shareKey: await throwAwayKey() };
    const counter = await solveJoinProof({ challenge, ...mine });
    const post = (keys: typeof mine) =>
      fetch(`${base}/v1/rounds/join`, {
        method: 'POST',
        headers: { ...AUTH, [ADMISSION_HEADER]: `${challenge.challenge}~${counter}` },
        body: JSON.stringify({ protocol: 1, ...keys }),
      });
    const stolen = { publicKey: await throwAwayKey(), shareKey: await throwAwayKey() };
    expect(await outcomeOf(await post(stolen))).toBe('bad-ticket');
    expect(await outcomeOf(await post(mine))).toBe('ok');
    expect(await outcomeOf(await post(mine))).toBe('replay');
  });

  it('a join the round manager refuses gives its seat back', async () => {
    server = await startTestServer(
      testConfig({ aggregation: 'secure', joinDifficulty: 0, joinsPerAddress: 1 }),
    );
    // No shareKey: the manager answers bad-request after admission.
    const half = { publicKey: await throwAwayKey() };
    expect(
      await outcomeOf(await rawJoin(server.base, '127.0.0.2', { admitted: true, ...half })),
    ).toBe('bad-request');
    const keys = { publicKey: await throwAwayKey(), shareKey: await throwAwayKey() };
    expect(
      await outcomeOf(await rawJoin(server.base, '127.0.0.2', { admitted: true, ...keys })),
    ).toBe('ok');
  });
});

describe('join gate', () => {
  const config = { joinDifficulty: 0, joinsPerAddress: 0, joinIssuanceFactor: 2, maxCohort: 3 };

  it('refuses a challenge of an earlier round, an expired one and a forged one; gives none while the round takes no members', () => {
    let round: string | null = 'r1';
    let joinable = true;
    let now = 1_000_000;
    const gate = createJoinGate({
      config,
      currentRound: () => (round === null ? null : { roundId: round, joinable }),
      now: () => now,
    });
    const admit = (challenge: string) => {
      try {
        gate.admit({ address: '192.0.2.1', header: `${challenge}~0`, keys: {} });
        return 'ok';
      } catch (e) {
        return (e as UpdateRejectedError).reason;
      }
    };
    const old = gate.challenge().challenge;
    round = 'r2';
    expect(admit(old)).toBe('round-closed');
    const late = gate.challenge().challenge;
    now += 121_000;
    expect(admit(late)).toBe('bad-ticket');
    const fresh = gate.challenge().challenge;
    expect(admit(fresh.replace('.0.', '.9.'))).toBe('bad-ticket');
    expect(admit(fresh)).toBe('ok');
    joinable = false;
    expect(() => gate.challenge()).toThrow(/not taking members now/);
    round = null;
    expect(() => gate.challenge()).toThrow(/No round is open/);
  });

  it('issues at most joinIssuanceFactor × maxCohort tickets per round', () => {
    let round = 'r1';
    const gate = createJoinGate({
      config,
      currentRound: () => ({ roundId: round, joinable: true }),
    });
    const admit = (i: number) =>
      gate.admit({
        address: `198.51.100.${i}`,
        header: `${gate.challenge().challenge}~0`,
        keys: {},
      });
    for (let i = 0; i < 6; i++) admit(i);
    expect(() => admit(7)).toThrow(/issued all its join tickets/);
    round = 'r2';
    expect(() => admit(7)).not.toThrow();
  });

  it('counts an IPv6 /56 as one address', () => {
    const gate = createJoinGate({
      config: { ...config, joinsPerAddress: 2, joinIssuanceFactor: 0 },
      currentRound: () => ({ roundId: 'r1', joinable: true }),
    });
    const admit = (address: string) =>
      gate.admit({ address, header: `${gate.challenge().challenge}~0`, keys: {} });
    admit('2001:db8:0:100::1');
    admit('2001:db8:0:1ff:ffff::2');
    expect(() => admit('2001:db8:0:1aa::3')).toThrow(/already holds 2 seats/);
    expect(() => admit('2001:db8:0:200::1')).not.toThrow();
  });
});

describe('proof of work', () => {
  it('SHA-256 matches node:crypto at every padding boundary', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 300]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 255);
      const words = sha256Words(bytes);
      const hex = Array.from(words, (w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
      expect(hex).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('a solved counter meets the difficulty; the device refuses a harder challenge than it accepts', async () => {
    const challenge = { challenge: 'c1.r1.x.10.n.t', difficulty: 10, expiresAt: '' };
    const counter = await solveJoinProof({ challenge, yieldEvery: 256 });
    expect(joinProofBits(joinProofSeed(challenge.challenge), counter)).toBeGreaterThanOrEqual(10);
    for (let c = 0; c < counter; c++)
      expect(joinProofBits(joinProofSeed(challenge.challenge), c)).toBeLessThan(10);
    await expect(
      solveJoinProof({ challenge: { ...challenge, difficulty: 30 }, maxDifficulty: 24 }),
    ).rejects.toThrow(/30-bit proof of work.*at most 24 bits/);
  });

  it('the server config refuses a difficulty devices would refuse and a malformed trusted proxy', () => {
    expect(resolveServerConfig({ token: TOKEN, joinDifficulty: 24 }).joinDifficulty).toBe(24);
    expect(() => resolveServerConfig({ token: TOKEN, joinDifficulty: 25 })).toThrow(
      /joinDifficulty/,
    );
    expect(() => resolveServerConfig({ token: TOKEN, trustedProxies: ['10.0.0.0/33'] })).toThrow(
      /Trusted proxy "10.0.0.0\/33"/,
    );
  });
});
