/**
 * The server's state of one secure round (Bonawitz et al. 2017 double masking, honest-but-curious
 * server), independent of HTTP and of persistence: members and keys (U1), the masking graph, the
 * encrypted share relay and the members that shared (U2), uploads (U3), unmasking answers, and the
 * final reconstruction of the masks still in the survivors' sum. Every method that changes state is
 * also what the round manager replays from its log after a restart.
 *
 * The server only ever holds, per member, the shares an honest device chose to reveal: self-mask
 * shares of survivors and key shares of dropped members. With at least t of them it recomputes
 * PRG(b_u) of each survivor and the pairwise seeds of each dropped member with its surviving
 * neighbours; with fewer it cannot, and the round is aborted.
 */
import { OptionError } from '../core/errors';
import {
  FEDERATED_PROTOCOL_VERSION,
  UpdateRejectedError,
  type RoundMembers,
  type ShareInbox,
  type SharesRequest,
  type UnmaskRequest,
} from '../federated/federated-protocol';
import {
  createMaskingGraph,
  isConnectedAmong,
  maskingGraphSeed,
  memberKeyDigest,
  type MaskingGraph,
  type MaskingParams,
} from '../federated/masking-graph';
import type { RingBits } from '../federated/quantize';
import {
  base64ToBytes,
  bytesToBase64,
  deriveMaskSeed,
  importMaskingPrivateKey,
  removeDroppedMasks,
  removeSelfMasks,
} from '../federated/secure-aggregation';
import { SHAMIR_PRIME, createShareCombiner, type ShareCombiner } from '../federated/shamir-sharing';
import {
  SHARED_SECRET_BYTES,
  SHARE_BYTES,
  SHARE_CIPHERTEXT_BYTES,
} from '../federated/share-encryption';

/** A member's public keys. */
export interface SecureMember {
  readonly publicKey: string;
  readonly shareKey: string;
}

/** Validated shares of one member, ready to store: recipients and ciphertexts back to back. */
export interface StoredShares {
  readonly to: readonly number[];
  readonly ciphertexts: Uint8Array;
}

/** Validated unmasking answer of one survivor: revealed shares by member slot. */
export interface StoredUnmask {
  readonly selfMask: ReadonlyMap<number, Uint8Array>;
  readonly key: ReadonlyMap<number, Uint8Array>;
}

/** The outcome of a phase plan: the sets to fix, or why the round must be aborted. */
export type Plan<T> = { readonly ok: T } | { readonly abort: string };

/** One secure round's state. */
export interface SecureRound {
  readonly members: ReadonlyMap<number, SecureMember>;
  readonly masking: MaskingParams | null;
  /** Members that posted their shares (grows during `sharing`). */
  readonly sharers: ReadonlySet<number>;
  /** U2, fixed when collecting starts. */
  readonly cohort: readonly number[] | null;
  /** Whether `slot` is in U2. */
  inCohort(slot: number): boolean;
  readonly uploaded: ReadonlySet<number>;
  /** U3 and U2 \ U3, fixed when unmasking starts. */
  readonly survivors: readonly number[] | null;
  readonly dropped: readonly number[] | null;
  /** Whether `slot` is in U3. */
  isSurvivor(slot: number): boolean;
  readonly responded: ReadonlySet<number>;
  addMember(slot: number, member: SecureMember): void;
  /** Fixes the graph over the current members, seeded by all of their keys. */
  startSharing(masking: MaskingParams): Promise<void>;
  /** `GET /v1/rounds/:id/members/:slot`: the slots, the parameters, `slot`'s neighbours' keys. */
  roster(slot: number): RoundMembers;
  /** Validates a member's shares (`bad-shape`, `bad-request`, `replay`). */
  parseShares(slot: number, request: SharesRequest): StoredShares;
  addShares(slot: number, shares: StoredShares): void;
  /** U2 = the sharers, unless some sharer could never be unmasked. */
  planCollecting(minCohort: number): Plan<readonly number[]>;
  startCollecting(cohort: readonly number[]): void;
  inbox(slot: number): ShareInbox;
  addUpload(slot: number): void;
  /** U3 and the dropped members, unless unmasking would be unsafe or impossible. */
  planUnmasking(
    minCohort: number,
  ): Plan<{ readonly survivors: readonly number[]; readonly dropped: readonly number[] }>;
  startUnmasking(survivors: readonly number[], dropped: readonly number[]): void;
  /** Validates a survivor's answer (`bad-request`, `bad-shape`, `out-of-range`, `replay`). */
  parseUnmask(slot: number, request: UnmaskRequest): StoredUnmask;
  addUnmask(slot: number, answer: StoredUnmask): void;
  /**
   * What to add to the survivors' modular sum to unmask it: minus Σ PRG(b_u) over survivors and
   * minus each surviving neighbour's pairwise mask with each dropped member. Throws `OptionError`
   * when some secret has fewer than t revealed shares or the shares are inconsistent.
   */
  unmaskingDelta(length: number, bits: RingBits): Promise<Uint32Array>;
}

const reject = (reason: 'bad-request' | 'bad-shape' | 'out-of-range' | 'replay', message: string) =>
  new UpdateRejectedError(reason, message);

const ascending = (list: Iterable<number>): number[] => [...list].sort((a, b) => a - b);

/** Creates the state of secure round `roundId`. */
export function createSecureRound(roundId: string): SecureRound {
  const members = new Map<number, SecureMember>();
  let masking: MaskingParams | null = null;
  let graph: MaskingGraph | null = null;
  let keyDigests: readonly string[] = [];
  const sharers = new Set<number>();
  const relayed = new Map<
    number,
    { readonly index: Map<number, number>; readonly bytes: Uint8Array }
  >();
  let cohort: readonly number[] | null = null;
  let cohortSet = new Set<number>();
  let survivorSet = new Set<number>();
  const uploaded = new Set<number>();
  let survivors: readonly number[] | null = null;
  let dropped: readonly number[] | null = null;
  const responses = new Map<number, StoredUnmask>();
  const responded = new Set<number>();

  const needGraph = (): MaskingGraph => {
    if (!graph) throw new OptionError(`Round ${roundId} has no masking graph yet.`);
    return graph;
  };
  /** Members holding shares of `v` (its neighbours and itself). */
  const holdersOf = (v: number): number[] => ascending([v, ...needGraph().neighbors(v)]);

  const decodeShare = (value: string, where: string): Uint8Array => {
    const bytes = base64ToBytes(value);
    if (bytes.length !== SHARE_BYTES) {
      throw reject('bad-shape', `${where} has ${bytes.length} bytes; a share has ${SHARE_BYTES}.`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let j = 0; j < SHARE_BYTES; j += 4) {
      if (view.getUint32(j, true) >= SHAMIR_PRIME) {
        throw reject('out-of-range', `${where} holds a value outside the field.`);
      }
    }
    return bytes;
  };

  return {
    get masking() {
      return masking;
    },
    get cohort() {
      return cohort;
    },
    get survivors() {
      return survivors;
    },
    get dropped() {
      return dropped;
    },
    inCohort: (slot) => cohortSet.has(slot),
    isSurvivor: (slot) => survivorSet.has(slot),
    members,
    sharers,
    uploaded,
    responded,

    addMember(slot, member) {
      members.set(slot, member);
    },

    async startSharing(params) {
      const slots = ascending(members.keys());
      const digests = await Promise.all(
        slots.map((slot) => {
          const m = members.get(slot)!;
          return memberKeyDigest(m.publicKey, m.shareKey);
        }),
      );
      graph = createMaskingGraph({
        slots,
        degree: params.degree,
        seed: await maskingGraphSeed(
          roundId,
          slots.map((slot, j) => ({ slot, keyDigest: digests[j]! })),
        ),
      });
      keyDigests = digests;
      masking = params;
    },

    roster(slot) {
      if (!masking) throw new OptionError(`Round ${roundId} has no masking graph yet.`);
      return {
        protocol: FEDERATED_PROTOCOL_VERSION,
        roundId,
        slot,
        slots: needGraph().slots,
        keyDigests,
        participants: holdersOf(slot).map((s) => ({ slot: s, ...members.get(s)! })),
        masking,
      };
    },

    parseShares(slot, request) {
      if (sharers.has(slot)) throw reject('replay', 'This member already posted its shares.');
      const neighbors = needGraph().neighbors(slot);
      const wanted = new Set(neighbors);
      if (request.shares.length !== neighbors.length) {
        throw reject(
          'bad-shape',
          `Send exactly one share for each of your ${neighbors.length} neighbours (got ${request.shares.length}).`,
        );
      }
      const sorted = [...request.shares].sort((a, b) => a.slot - b.slot);
      const ciphertexts = new Uint8Array(sorted.length * SHARE_CIPHERTEXT_BYTES);
      sorted.forEach((entry, j) => {
        if (!wanted.delete(entry.slot)) {
          throw reject(
            'bad-request',
            `Slot ${entry.slot} is not a neighbour of slot ${slot}, or appears twice.`,
          );
        }
        const bytes = base64ToBytes(entry.ciphertext);
        if (bytes.length !== SHARE_CIPHERTEXT_BYTES) {
          throw reject(
            'bad-shape',
            `The share for slot ${entry.slot} has ${bytes.length} bytes; it must have ${SHARE_CIPHERTEXT_BYTES}.`,
          );
        }
        ciphertexts.set(bytes, j * SHARE_CIPHERTEXT_BYTES);
      });
      return { to: sorted.map((e) => e.slot), ciphertexts };
    },

    addShares(slot, shares) {
      sharers.add(slot);
      relayed.set(slot, {
        index: new Map(shares.to.map((to, j) => [to, j])),
        bytes: shares.ciphertexts,
      });
    },

    planCollecting(minCohort) {
      const g = needGraph();
      const u2 = ascending(sharers);
      const minimum = Math.max(2, minCohort);
      if (u2.length < minimum) {
        return { abort: `only ${u2.length} members shared their keys (need ${minimum})` };
      }
      const t = masking!.threshold;
      const inside = new Set(u2);
      for (const u of u2) {
        const holders = 1 + g.neighbors(u).filter((v) => inside.has(v)).length;
        if (holders < t) {
          return { abort: `slot ${u} has ${holders} share holders left (need ${t})` };
        }
      }
      return { ok: u2 };
    },

    startCollecting(list) {
      cohort = ascending(list);
      cohortSet = new Set(cohort);
    },

    inbox(slot) {
      const shares = needGraph()
        .neighbors(slot)
        .filter((from) => cohortSet.has(from))
        .flatMap((from) => {
          const r = relayed.get(from);
          const j = r?.index.get(slot);
          if (!r || j === undefined) return [];
          const bytes = r.bytes.subarray(
            j * SHARE_CIPHERTEXT_BYTES,
            (j + 1) * SHARE_CIPHERTEXT_BYTES,
          );
          return [{ slot: from, ciphertext: bytesToBase64(bytes) }];
        });
      return { protocol: FEDERATED_PROTOCOL_VERSION, roundId, slot, shares };
    },

    addUpload(slot) {
      uploaded.add(slot);
    },

    planUnmasking(minCohort) {
      const g = needGraph();
      const u2 = cohort ?? [];
      const u3 = u2.filter((u) => uploaded.has(u));
      const gone = u2.filter((u) => !uploaded.has(u));
      const minimum = Math.max(2, minCohort);
      if (u3.length < minimum)
        return { abort: `only ${u3.length} updates arrived (need ${minimum})` };
      if (!isConnectedAmong(g, u3)) {
        return { abort: 'the survivors’ masking graph is disconnected' };
      }
      const t = masking!.threshold;
      const alive = new Set(u3);
      for (const v of u2) {
        const holders = holdersOf(v).filter((h) => alive.has(h)).length;
        if (holders < t) {
          return { abort: `slot ${v} has ${holders} surviving share holders (need ${t})` };
        }
      }
      return { ok: { survivors: u3, dropped: gone } };
    },

    startUnmasking(alive, gone) {
      survivors = ascending(alive);
      dropped = ascending(gone);
      survivorSet = new Set(survivors);
    },

    parseUnmask(slot, request) {
      if (responses.has(slot)) throw reject('replay', 'This member already answered.');
      const g = needGraph();
      const alive = survivorSet;
      const gone = new Set(dropped ?? []);
      const selfMask = new Map<number, Uint8Array>();
      const key = new Map<number, Uint8Array>();
      request.selfMaskShares.forEach((e, j) => {
        const where = `selfMaskShares[${j}]`;
        if (!alive.has(e.slot) || (e.slot !== slot && !g.isNeighbor(slot, e.slot))) {
          throw reject(
            'bad-request',
            `${where}: slot ${e.slot} is not a survivor you hold shares of.`,
          );
        }
        if (selfMask.has(e.slot)) throw reject('bad-request', `${where}: slot ${e.slot} twice.`);
        selfMask.set(e.slot, decodeShare(e.share, where));
      });
      request.keyShares.forEach((e, j) => {
        const where = `keyShares[${j}]`;
        if (selfMask.has(e.slot)) {
          throw reject('bad-request', `${where}: slot ${e.slot} cannot get both kinds of share.`);
        }
        if (!gone.has(e.slot) || !g.isNeighbor(slot, e.slot)) {
          throw reject('bad-request', `${where}: slot ${e.slot} is not a dropped neighbour.`);
        }
        if (key.has(e.slot)) throw reject('bad-request', `${where}: slot ${e.slot} twice.`);
        key.set(e.slot, decodeShare(e.share, where));
      });
      return { selfMask, key };
    },

    addUnmask(slot, answer) {
      responses.set(slot, answer);
      responded.add(slot);
    },

    async unmaskingDelta(length, bits) {
      const t = masking?.threshold;
      if (!t || !survivors || !dropped) {
        throw new OptionError(`Round ${roundId} is not unmasking.`);
      }
      const g = needGraph();
      const combiners = new Map<string, ShareCombiner>();
      const reconstruct = (v: number, kind: 'selfMask' | 'key', holders: number[]): Uint8Array => {
        const have = holders.filter((h) => responses.get(h)?.[kind].has(v)).slice(0, t);
        if (have.length < t) {
          throw new OptionError(
            `slot ${v}: ${have.length} of the ${t} ${kind === 'key' ? 'key' : 'self-mask'} shares needed arrived`,
          );
        }
        const id = have.join(',');
        let combiner = combiners.get(id);
        if (!combiner) {
          combiner = createShareCombiner(have.map((h) => h + 1));
          combiners.set(id, combiner);
        }
        return combiner.combine(
          have.map((h) => responses.get(h)![kind].get(v)!),
          SHARED_SECRET_BYTES,
        );
      };
      const out = new Uint32Array(length);
      let work = 0;
      const breathe = async (): Promise<void> => {
        // Keep the event loop answering requests while a large cohort is unmasked.
        if (++work % 32 === 0) await new Promise((resolve) => setImmediate(resolve));
      };
      for (const v of survivors) {
        removeSelfMasks(out, [reconstruct(v, 'selfMask', holdersOf(v))], bits);
        await breathe();
      }
      const alive = survivorSet;
      for (const v of dropped) {
        const member = members.get(v)!;
        const scalar = reconstruct(v, 'key', ascending(g.neighbors(v)));
        const key = await importMaskingPrivateKey(scalar, member.publicKey);
        const peers = g.neighbors(v).filter((u) => alive.has(u));
        const seeds = await Promise.all(
          peers.map((u) => deriveMaskSeed(key, members.get(u)!.publicKey, roundId)),
        );
        for (let j = 0; j < peers.length; j++) {
          removeDroppedMasks(out, [{ survivor: peers[j]!, dropped: v, seed: seeds[j]! }], bits);
          await breathe();
        }
      }
      return out;
    },
  };
}
