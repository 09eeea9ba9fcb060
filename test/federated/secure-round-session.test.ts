import { describe, expect, it } from 'vitest';
import { HearthError } from '../../src/core/errors';
import type {
  EncryptedShare,
  RoundMembers,
  RoundState,
} from '../../src/federated/federated-protocol';
import {
  createMaskingGraph,
  maskingGraphSeed,
  maskingParamsFor,
  memberKeyDigest,
  type MaskingParams,
} from '../../src/federated/masking-graph';
import {
  createSecureRoundSession,
  type SecureRoundSession,
} from '../../src/federated/secure-round-session';
import { base64ToBytes, bytesToBase64 } from '../../src/federated/secure-aggregation';
import {
  SHARE_BYTES,
  decryptSharePair,
  deriveShareKey,
  encryptSharePair,
} from '../../src/federated/share-encryption';
import { generateMaskingKeyPair } from '../../src/federated/secure-aggregation';

const ROUND = 'r5';

/** What the server answers slot `slot` at `GET /members/:slot`: the slots and its neighbours' keys. */
async function rosterFor(
  sessions: readonly SecureRoundSession[],
  masking: MaskingParams,
  slot: number,
): Promise<RoundMembers> {
  const slots = sessions.map((_, s) => s);
  const keyDigests = await Promise.all(
    sessions.map((s) => memberKeyDigest(s.publicKey, s.shareKey)),
  );
  const graph = createMaskingGraph({
    slots,
    degree: masking.degree,
    seed: await maskingGraphSeed(
      ROUND,
      slots.map((slot) => ({ slot, keyDigest: keyDigests[slot]! })),
    ),
  });
  const holders = [slot, ...graph.neighbors(slot)].sort((a, b) => a - b);
  return {
    protocol: 1,
    roundId: ROUND,
    slot,
    slots,
    keyDigests,
    participants: holders.map((s) => ({
      slot: s,
      publicKey: sessions[s]!.publicKey,
      shareKey: sessions[s]!.shareKey,
    })),
    masking,
  };
}

/** `n` sessions that went through sharing and masking with a direct relay (no server). */
async function cohort(
  n: number,
  degree = 128,
): Promise<{ sessions: SecureRoundSession[]; sharers: number[] }> {
  const sessions = await Promise.all(Array.from({ length: n }, () => createSecureRoundSession()));
  const masking = maskingParamsFor({ cohort: n, degree, thresholdFraction: 0.5 });
  const sent: EncryptedShare[][] = await Promise.all(
    sessions.map(async (s, slot) =>
      s.shareKeys({
        roundId: ROUND,
        slot,
        minCohort: 2,
        members: await rosterFor(sessions, masking, slot),
      }),
    ),
  );
  const sharers = sessions.map((_, slot) => slot);
  await Promise.all(
    sessions.map((s, slot) =>
      s.acceptShares({
        sharers,
        inbox: {
          protocol: 1,
          roundId: ROUND,
          slot,
          shares: sent.flatMap((list, from) =>
            list
              .filter((e) => e.slot === slot)
              .map((e) => ({ slot: from, ciphertext: e.ciphertext })),
          ),
        },
      }),
    ),
  );
  await Promise.all(sessions.map((s) => s.mask(8, 32)));
  return { sessions, sharers };
}

const unmasking = (survivors: number[], dropped: number[]): RoundState => ({
  protocol: 1,
  roundId: ROUND,
  phase: 'unmasking',
  phaseEndsInMs: 1000,
  sharers: [...survivors, ...dropped].sort((a, b) => a - b),
  survivors,
  dropped,
});

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(HearthError);
    expect((error as HearthError).code).toBe('SECURE_ROUND_REFUSED');
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('share encryption', () => {
  it('round-trips between the pair only, bound to round, sender and recipient', async () => {
    const a = await generateMaskingKeyPair();
    const b = await generateMaskingKeyPair();
    const kab = await deriveShareKey(a.privateKey, b.publicKey, ROUND);
    const kba = await deriveShareKey(b.privateKey, a.publicKey, ROUND);
    const shares = {
      selfMaskShare: new Uint8Array(SHARE_BYTES).fill(1),
      keyShare: new Uint8Array(SHARE_BYTES).fill(2),
    };
    const ciphertext = await encryptSharePair({ key: kab, roundId: ROUND, from: 0, to: 1, shares });
    const back = await decryptSharePair({ key: kba, roundId: ROUND, from: 0, to: 1, ciphertext });
    expect(Array.from(back!.selfMaskShare)).toEqual(Array.from(shares.selfMaskShare));
    expect(Array.from(back!.keyShare)).toEqual(Array.from(shares.keyShare));
    // Redirected, replayed into another round, or tampered: not authentic.
    expect(
      await decryptSharePair({ key: kba, roundId: ROUND, from: 2, to: 1, ciphertext }),
    ).toBeNull();
    expect(
      await decryptSharePair({ key: kba, roundId: 'r6', from: 0, to: 1, ciphertext }),
    ).toBeNull();
    const tampered = ciphertext.slice();
    tampered[20] = tampered[20]! ^ 1;
    expect(
      await decryptSharePair({ key: kba, roundId: ROUND, from: 0, to: 1, ciphertext: tampered }),
    ).toBeNull();
    // A third party's key does not open it.
    const c = await generateMaskingKeyPair();
    const kcb = await deriveShareKey(c.privateKey, b.publicKey, ROUND);
    expect(
      await decryptSharePair({ key: kcb, roundId: ROUND, from: 0, to: 1, ciphertext }),
    ).toBeNull();
  });
});

describe('secure round session: what a device reveals', () => {
  it('reveals self-mask shares of survivors and key shares of dropped members, never both', async () => {
    const { sessions } = await cohort(5);
    const answer = sessions[0]!.respond(unmasking([0, 1, 2, 4], [3]));
    expect(answer.selfMaskShares.map((s) => s.slot)).toEqual([0, 1, 2, 4]);
    expect(answer.keyShares.map((s) => s.slot)).toEqual([3]);
    for (const s of [...answer.selfMaskShares, ...answer.keyShares]) {
      expect(base64ToBytes(s.share).length).toBe(SHARE_BYTES);
    }
    // Asking again with the same lists gets the same answer (a retry after a lost response).
    expect(sessions[0]!.respond(unmasking([0, 1, 2, 4], [3]))).toEqual(answer);
  });

  it('refuses a request that lists a member as both survivor and dropped', async () => {
    const { sessions } = await cohort(4);
    const state = { ...unmasking([0, 1, 2, 3], [3]), sharers: [0, 1, 2, 3] };
    expect(refusal(() => sessions[0]!.respond(state))).toMatch(/both/);
  });

  it('refuses self-mask shares of a member the server declared dropped before', async () => {
    const { sessions } = await cohort(5);
    sessions[1]!.respond(unmasking([0, 1, 2, 3], [4]));
    // A second request now claiming slot 4 survived (to get its self-mask share too).
    expect(refusal(() => sessions[1]!.respond(unmasking([0, 1, 2, 3, 4], [])))).toMatch(
      /declared dropped/,
    );
    // And the converse on another device.
    sessions[2]!.respond(unmasking([0, 1, 2, 3, 4], []));
    expect(refusal(() => sessions[2]!.respond(unmasking([0, 1, 2, 3], [4])))).toMatch(
      /declared a survivor/,
    );
  });

  it('refuses lists that do not match the sharers, leave it out, or are too small', async () => {
    const { sessions } = await cohort(5);
    expect(refusal(() => sessions[0]!.respond(unmasking([0, 1, 2], [3])))).toMatch(/cover/);
    expect(refusal(() => sessions[0]!.respond(unmasking([0, 1, 2, 3, 4, 7], [])))).toMatch(
      /did not share/,
    );
    expect(refusal(() => sessions[0]!.respond(unmasking([1, 2, 3, 4], [0])))).toMatch(
      /not listed as a survivor/,
    );
    expect(refusal(() => sessions[0]!.respond(unmasking([0], [1, 2, 3, 4])))).toMatch(
      /Only 1 survivors/,
    );
    expect(
      refusal(() =>
        sessions[0]!.respond({ ...unmasking([0, 1, 2, 3, 4], []), phase: 'collecting' }),
      ),
    ).toMatch(/not unmasking/);
  });

  it('refuses to unmask when the survivors’ masking graph is disconnected (sparse graph)', async () => {
    const n = 20;
    const { sessions } = await cohort(n, 10);
    // Isolate slot 0: declare all its neighbours dropped. Another survivor is asked to unmask.
    const isolated = sessions[0]!.maskingPeers();
    expect(isolated.length).toBe(10);
    const dropped = [...isolated];
    const survivors = Array.from({ length: n }, (_, s) => s).filter((s) => !dropped.includes(s));
    const asked = survivors.find((s) => s !== 0)!;
    expect(refusal(() => sessions[asked]!.respond(unmasking(survivors, dropped)))).toMatch(
      /disconnected/,
    );
  });

  it('refuses to share under a member list without its keys or with unsafe parameters', async () => {
    const sessions = await Promise.all([0, 1, 2, 3].map(() => createSecureRoundSession()));
    const members = (slot: number, masking = { degree: 3, threshold: 3 }) =>
      rosterFor(sessions, masking, slot);
    const swapped = await members(0);
    const withWrongKey: RoundMembers = {
      ...swapped,
      participants: swapped.participants.map((p) =>
        p.slot === 0 ? { ...p, publicKey: sessions[1]!.publicKey } : p,
      ),
    };
    await expect(
      sessions[0]!.shareKeys({ roundId: ROUND, slot: 0, minCohort: 2, members: withWrongKey }),
    ).rejects.toThrow(/keys/);
    const missing = await members(0);
    await expect(
      sessions[0]!.shareKeys({
        roundId: ROUND,
        slot: 0,
        minCohort: 2,
        members: { ...missing, participants: missing.participants.slice(0, 3) },
      }),
    ).rejects.toThrow(/neighbours/);
    await expect(
      sessions[1]!.shareKeys({
        roundId: ROUND,
        slot: 1,
        minCohort: 2,
        members: await members(1, { degree: 3, threshold: 1 }),
      }),
    ).rejects.toThrow(/threshold/);
    await expect(
      sessions[2]!.shareKeys({
        roundId: ROUND,
        slot: 2,
        minCohort: 10,
        members: await members(2),
      }),
    ).rejects.toThrow(/at least 10/);
    await expect(
      sessions[2]!.shareKeys({ roundId: ROUND, slot: 2, minCohort: 2, members: await members(1) }),
    ).rejects.toThrow(/not for slot 2/);
    // A valid list works, once.
    const ok = await members(3);
    const shares = await sessions[3]!.shareKeys({
      roundId: ROUND,
      slot: 3,
      minCohort: 2,
      members: ok,
    });
    expect(shares.map((s) => s.slot)).toEqual([0, 1, 2]);
    await expect(
      sessions[3]!.shareKeys({ roundId: ROUND, slot: 3, minCohort: 2, members: ok }),
    ).rejects.toThrow(/twice/);
  });

  it('#6 checks the masking graph seed against the members’ keys and the cohort against maxCohort', async () => {
    const sessions = await Promise.all([0, 1, 2, 3].map(() => createSecureRoundSession()));
    const masking = { degree: 3, threshold: 3 };
    const honest = await rosterFor(sessions, masking, 0);
    const share = (members: RoundMembers, maxCohort?: number) =>
      sessions[0]!.shareKeys({
        roundId: ROUND,
        slot: 0,
        minCohort: 2,
        members,
        ...(maxCohort === undefined ? {} : { maxCohort }),
      });
    // A server that seeds the graph with other digests than the members' keys is caught.
    const forged = [...honest.keyDigests];
    forged[1] = await memberKeyDigest('someone-else', 'else');
    await expect(share({ ...honest, keyDigests: forged })).rejects.toThrow(/key digest/);
    await expect(share({ ...honest, keyDigests: honest.keyDigests.slice(1) })).rejects.toThrow(
      /one key digest per member/,
    );
    await expect(share(honest, 3)).rejects.toThrow(/at most 3/);
    await expect(share(honest, 4)).resolves.toHaveLength(3);
  });

  it('shares that fail authentication or claim the wrong sender are not held (nor revealed)', async () => {
    const sessions = await Promise.all([0, 1, 2, 3].map(() => createSecureRoundSession()));
    const masking = maskingParamsFor({ cohort: 4, degree: 128, thresholdFraction: 0.5 });
    const sent = await Promise.all(
      sessions.map(async (s, slot) =>
        s.shareKeys({
          roundId: ROUND,
          slot,
          minCohort: 2,
          members: await rosterFor(sessions, masking, slot),
        }),
      ),
    );
    const forMe = [0, 1, 2].map((from) => sent[from]!.find((e) => e.slot === 3)!);
    const bad = base64ToBytes(forMe[1]!.ciphertext);
    bad[30] = bad[30]! ^ 0xff;
    await sessions[3]!.acceptShares({
      sharers: [0, 1, 2, 3],
      inbox: {
        protocol: 1,
        roundId: ROUND,
        slot: 3,
        shares: [
          { slot: 0, ciphertext: forMe[0]!.ciphertext },
          { slot: 1, ciphertext: bytesToBase64(bad) },
          // Slot 0's ciphertext relabelled as coming from slot 2.
          { slot: 2, ciphertext: forMe[0]!.ciphertext },
        ],
      },
    });
    await sessions[3]!.mask(4, 32);
    const answer = sessions[3]!.respond(unmasking([0, 1, 2, 3], []));
    expect(answer.selfMaskShares.map((s) => s.slot)).toEqual([0, 3]);
  });
});
