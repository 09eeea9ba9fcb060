import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random';
import type { RoundState } from '../../src/federated/federated-protocol';
import { UpdateRejectedError } from '../../src/federated/federated-protocol';
import { maskingParamsFor, memberKeyDigest } from '../../src/federated/masking-graph';
import { fromRing, ringAddInPlace, toRing } from '../../src/federated/quantize';
import {
  base64ToBytes,
  deriveMaskSeed,
  importMaskingPrivateKey,
  removeDroppedMasks,
} from '../../src/federated/secure-aggregation';
import {
  createSecureRoundSession,
  type SecureRoundSession,
  type UnmaskShares,
} from '../../src/federated/secure-round-session';
import { combineShares } from '../../src/federated/shamir-sharing';
import { createSecureRound, type SecureRound } from '../../src/server/secure-round';

const ROUND = 'r1';
const D = 300;
const BITS = 32;

interface Simulation {
  readonly server: SecureRound;
  readonly sessions: SecureRoundSession[];
  /** Each member's unmasked update (ring elements) and its masked upload. */
  readonly updates: Uint32Array[];
  readonly uploads: Uint32Array[];
  /** Σ of the survivors' masked uploads, as the server accumulates it. */
  readonly sum: Uint32Array;
  /** Σ of the survivors' true updates. */
  readonly truth: Uint32Array;
  readonly state: RoundState;
  /** What each survivor revealed. */
  readonly answers: Map<number, UnmaskShares>;
}

/**
 * Runs a secure round in process: `n` devices, the server state, and a relay in between. Members in
 * `drop` share their keys but never upload; those in `silent` upload but never unmask.
 */
async function simulate(o: {
  n: number;
  degree?: number;
  drop?: number[];
  silent?: number[];
}): Promise<Simulation> {
  const server = createSecureRound(ROUND);
  const sessions = await Promise.all(Array.from({ length: o.n }, () => createSecureRoundSession()));
  sessions.forEach((s, slot) =>
    server.addMember(slot, { publicKey: s.publicKey, shareKey: s.shareKey }),
  );
  await server.startSharing(
    maskingParamsFor({ cohort: o.n, degree: o.degree ?? 128, thresholdFraction: 0.5 }),
  );
  for (const [slot, session] of sessions.entries()) {
    const members = server.roster(slot);
    const shares = await session.shareKeys({ roundId: ROUND, slot, minCohort: 2, members });
    server.addShares(slot, server.parseShares(slot, { protocol: 1, ticket: '', shares }));
  }
  const collecting = server.planCollecting(2);
  if (!('ok' in collecting)) throw new Error(collecting.abort);
  server.startCollecting(collecting.ok);
  const rng = createRng(o.n);
  const updates: Uint32Array[] = [];
  const uploads: Uint32Array[] = [];
  const sum = new Uint32Array(D);
  const truth = new Uint32Array(D);
  for (const [slot, session] of sessions.entries()) {
    await session.acceptShares({ sharers: collecting.ok, inbox: server.inbox(slot) });
    const update = toRing(
      Int32Array.from({ length: D }, () => rng.int(2001) - 1000),
      BITS,
    );
    const upload = update.slice();
    ringAddInPlace(upload, await session.mask(D, BITS), BITS);
    updates.push(update);
    uploads.push(upload);
    if (o.drop?.includes(slot)) continue;
    ringAddInPlace(sum, upload, BITS);
    ringAddInPlace(truth, update, BITS);
    server.addUpload(slot);
  }
  const plan = server.planUnmasking(2);
  if (!('ok' in plan)) throw new Error(plan.abort);
  server.startUnmasking(plan.ok.survivors, plan.ok.dropped);
  const state: RoundState = {
    protocol: 1,
    roundId: ROUND,
    phase: 'unmasking',
    phaseEndsInMs: 1000,
    sharers: collecting.ok,
    survivors: [...plan.ok.survivors],
    dropped: [...plan.ok.dropped],
  };
  const answers = new Map<number, UnmaskShares>();
  for (const slot of plan.ok.survivors) {
    if (o.silent?.includes(slot)) continue;
    const answer = sessions[slot]!.respond(state);
    answers.set(slot, answer);
    server.addUnmask(slot, server.parseUnmask(slot, { protocol: 1, ticket: '', ...answer }));
  }
  return { server, sessions, updates, uploads, sum, truth, state, answers };
}

async function unmasked(sim: Simulation): Promise<Int32Array> {
  const sum = sim.sum.slice();
  ringAddInPlace(sum, await sim.server.unmaskingDelta(D, BITS), BITS);
  return fromRing(sum, BITS);
}

const signed = (v: Uint32Array): number[] => Array.from(fromRing(v, BITS));

describe('secure round: double masking end to end (devices + server state)', () => {
  it('without dropouts the self-masks hide the sum until the server removes them', async () => {
    const sim = await simulate({ n: 4 });
    expect(signed(sim.sum)).not.toEqual(signed(sim.truth));
    expect(Array.from(await unmasked(sim))).toEqual(signed(sim.truth));
    // Each individual upload is masked.
    expect(signed(sim.uploads[0]!)).not.toEqual(signed(sim.updates[0]!));
  });

  it('one dropout: the survivors’ exact sum', async () => {
    const sim = await simulate({ n: 5, drop: [2] });
    expect(sim.state.dropped).toEqual([2]);
    expect(Array.from(await unmasked(sim))).toEqual(signed(sim.truth));
  });

  it('several dropouts, and survivors that vanish while unmasking (t of them suffice)', async () => {
    // n = 9, t = 5: 3 drop, 6 survive, 1 survivor never answers: 5 answers are enough.
    const sim = await simulate({ n: 9, drop: [0, 4, 7], silent: [8] });
    expect(sim.answers.size).toBe(5);
    expect(Array.from(await unmasked(sim))).toEqual(signed(sim.truth));
  });

  it('a sparse Harary masking graph (n = 24, degree 10) with dropouts', async () => {
    const sim = await simulate({ n: 24, degree: 10, drop: [3, 11, 19] });
    for (const s of sim.sessions) expect(s.maskingPeers().length).toBeLessThanOrEqual(10);
    expect(sim.server.roster(0).masking).toEqual({ degree: 10, threshold: 6 });
    expect(Array.from(await unmasked(sim))).toEqual(signed(sim.truth));
  });

  it('aborts (throws) when fewer than t survivors answer', async () => {
    // n = 4, t = 3: all upload, only 2 answer.
    const sim = await simulate({ n: 4, silent: [1, 3] });
    await expect(sim.server.unmaskingDelta(D, BITS)).rejects.toThrow(/2 of the 3/);
  });

  it('a late upload from a member declared dropped stays masked: the server cannot unmask it', async () => {
    const late = 3;
    const sim = await simulate({ n: 5, drop: [late] });
    // The server's whole view of slot 3's secrets is what the survivors revealed.
    const selfShares = [...sim.answers.values()].flatMap((a) =>
      a.selfMaskShares.filter((s) => s.slot === late),
    );
    const keyShares = [...sim.answers.entries()].flatMap(([holder, a]) =>
      a.keyShares
        .filter((s) => s.slot === late)
        .map((s) => ({ x: holder + 1, share: base64ToBytes(s.share) })),
    );
    const t = sim.server.roster(0).masking.threshold;
    expect(selfShares).toHaveLength(0);
    expect(keyShares.length).toBeGreaterThanOrEqual(t);
    // With the key shares it can strip every pairwise mask from the late upload…
    const key = await importMaskingPrivateKey(
      combineShares(keyShares, t, 32),
      sim.server.roster(late).participants.find((p) => p.slot === late)!.publicKey,
    );
    const residual = sim.uploads[late]!.slice();
    for (const peer of [0, 1, 2, 4]) {
      const seed = await deriveMaskSeed(
        key,
        sim.server.roster(peer).participants.find((p) => p.slot === peer)!.publicKey,
        ROUND,
      );
      // From the late member's side: its upload carries ±PRG(s) for each peer.
      removeDroppedMasks(residual, [{ survivor: late, dropped: peer, seed }], BITS);
    }
    // …but what is left is x + PRG(b) with b unknown: it looks uniform, not like an update.
    const x = fromRing(sim.updates[late]!, BITS);
    const r = fromRing(residual, BITS);
    const plausible = r.filter((v) => Math.abs(v) <= 2 ** 20).length;
    expect(plausible).toBeLessThan(D / 20);
    expect(Array.from(r)).not.toEqual(Array.from(x));
    // And no honest survivor will now hand out slot 3's self-mask share.
    expect(() =>
      sim.sessions[0]!.respond({
        ...sim.state,
        survivors: [...sim.state.survivors, late].sort((a, b) => a - b),
        dropped: [],
      }),
    ).toThrow(/declared dropped/);
    // The server's own reconstruction never touches slot 3's self-mask.
    expect(Array.from(await unmasked(sim))).toEqual(signed(sim.truth));
  });
});

describe('secure round: server-side validation', () => {
  async function sharingRound(n: number): Promise<{
    server: SecureRound;
    sessions: SecureRoundSession[];
  }> {
    const server = createSecureRound(ROUND);
    const sessions = await Promise.all(Array.from({ length: n }, () => createSecureRoundSession()));
    sessions.forEach((s, slot) =>
      server.addMember(slot, { publicKey: s.publicKey, shareKey: s.shareKey }),
    );
    await server.startSharing(maskingParamsFor({ cohort: n, degree: 128, thresholdFraction: 0.5 }));
    return { server, sessions };
  }

  const reasonOf = (f: () => unknown): string => {
    try {
      f();
    } catch (error) {
      expect(error).toBeInstanceOf(UpdateRejectedError);
      return (error as UpdateRejectedError).reason;
    }
    return 'accepted';
  };

  it('checks that shares go to exactly the neighbours, with the right size, once', async () => {
    const { server, sessions } = await sharingRound(4);
    const shares = await sessions[0]!.shareKeys({
      roundId: ROUND,
      slot: 0,
      minCohort: 2,
      members: server.roster(0),
    });
    const request = (list: typeof shares) => ({ protocol: 1, ticket: '', shares: list });
    expect(reasonOf(() => server.parseShares(0, request(shares.slice(1))))).toBe('bad-shape');
    expect(
      reasonOf(() =>
        server.parseShares(0, request([...shares.slice(1), { ...shares[0]!, slot: 2 }])),
      ),
    ).toBe('bad-request');
    expect(
      reasonOf(() =>
        server.parseShares(0, request([{ ...shares[0]!, ciphertext: 'QUJD' }, ...shares.slice(1)])),
      ),
    ).toBe('bad-shape');
    server.addShares(0, server.parseShares(0, request(shares)));
    expect(reasonOf(() => server.parseShares(0, request(shares)))).toBe('replay');
    // Not every member shared: collecting starts with the sharers only if each keeps t holders.
    expect(server.planCollecting(2)).toEqual({ abort: expect.stringMatching(/only 1 members/) });
  });

  it('checks unmask answers: kinds, membership, sizes, field range, replays', async () => {
    const sim = await simulate({ n: 5, drop: [4], silent: [0, 1, 2, 3] });
    const s = sim.server;
    const answer = sim.sessions[0]!.respond(sim.state);
    const ok = { protocol: 1, ticket: '', ...answer };
    const both = {
      ...ok,
      keyShares: [...answer.keyShares, { slot: 1, share: answer.selfMaskShares[1]!.share }],
    };
    expect(reasonOf(() => s.parseUnmask(0, both))).toBe('bad-request');
    const selfOfDropped = {
      ...ok,
      selfMaskShares: [...answer.selfMaskShares, { slot: 4, share: answer.keyShares[0]!.share }],
    };
    expect(reasonOf(() => s.parseUnmask(0, selfOfDropped))).toBe('bad-request');
    const short = { ...ok, keyShares: [{ slot: 4, share: 'QUJD' }] };
    expect(reasonOf(() => s.parseUnmask(0, short))).toBe('bad-shape');
    const outside = { ...ok, keyShares: [{ slot: 4, share: btoa('\xff'.repeat(44)) }] };
    expect(reasonOf(() => s.parseUnmask(0, outside))).toBe('out-of-range');
    s.addUnmask(0, s.parseUnmask(0, ok));
    expect(reasonOf(() => s.parseUnmask(0, ok))).toBe('replay');
  });

  it('refuses to unmask a cohort whose survivors cannot cover the threshold', async () => {
    // n = 4, t = 3: two uploads are not enough to reconstruct anything.
    await expect(simulate({ n: 4, drop: [0, 1] })).rejects.toThrow(/only 2|share holders/);
  });

  it('#6 seeds the masking graph with every member’s keys and lists their digests for devices', async () => {
    const n = 40;
    const neighboursOf20 = async (keyOf: (slot: number) => string) => {
      const round = createSecureRound(ROUND);
      for (let slot = 0; slot < n; slot++) {
        round.addMember(slot, { publicKey: keyOf(slot), shareKey: `share-${slot}` });
      }
      await round.startSharing({ degree: 4, threshold: 3 });
      const roster = round.roster(20);
      expect(roster.keyDigests).toHaveLength(n);
      expect(roster.keyDigests[20]).toBe(await memberKeyDigest(keyOf(20), 'share-20'));
      return roster.participants.map((p) => p.slot).filter((slot) => slot !== 20);
    };
    const base = await neighboursOf20((slot) => `key-${slot}`);
    // Not the slots that joined just before and after it.
    expect(base).not.toEqual([18, 19, 21, 22]);
    // Another member's fresh key (slot 3 joined long before, slot 39 last) moves slot 20's ring.
    for (const other of [3, 39]) {
      const moved = await neighboursOf20((slot) => (slot === other ? 'fresh' : `key-${slot}`));
      expect(moved).not.toEqual(base);
    }
  });
});
