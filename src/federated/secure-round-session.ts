/**
 * The device's side of one secure round (Bonawitz et al. 2017, double masking, honest-but-curious
 * server), independent of HTTP. Browser-safe.
 *
 * 1. Keys: a masking key pair (its private scalar is secret-shared) and a share-encryption key pair.
 * 2. {@link SecureRoundSession.shareKeys}: checks the member list, draws the self-mask seed b_u from
 *    the platform CSPRNG, Shamir-splits b_u and the masking scalar among its neighbours and itself
 *    (threshold t), and encrypts each neighbour's pair end to end.
 * 3. {@link SecureRoundSession.acceptShares}: checks the list of members that shared (U2) and
 *    decrypts the shares addressed to this device.
 * 4. {@link SecureRoundSession.mask}: PRG(b_u) + Σ ±PRG(s_uv) over its neighbours in U2.
 * 5. {@link SecureRoundSession.respond}: for each member whose shares it holds, reveals the self-mask
 *    share if the server lists it as a survivor, or the key share if it lists it as dropped. It
 *    refuses (throws `SECURE_ROUND_REFUSED`) a request that lists a member as both, lists members
 *    outside U2, omits some, leaves this device out, has too few survivors, disconnects the
 *    survivors' masking graph, or contradicts an earlier request — so an honest device never lets
 *    the server hold both halves of one member's masks, and a member declared dropped stays masked
 *    by PRG(b_v) even if its upload arrives late.
 */
import { DataError } from '../core/errors';
import {
  type EncryptedShare,
  type RevealedShare,
  type RoundMembers,
  type RoundState,
  type SecureParticipant,
  type ShareInbox,
} from './federated-protocol';
import {
  createMaskingGraph,
  isConnectedAmong,
  maskingGraphSeed,
  maskingParamsProblem,
  memberKeyDigest,
  type MaskingGraph,
  type MaskingParams,
} from './masking-graph';
import type { RingBits } from './quantize';
import {
  base64ToBytes,
  bytesToBase64,
  deriveMaskSeed,
  generateMaskingKeyPair,
  generateShareableMaskingKeyPair,
  randomSeed,
  uploadMask,
  type MaskingKeyPair,
  type ShareableMaskingKeyPair,
} from './secure-aggregation';
import { splitSecret } from './shamir-sharing';
import {
  decryptSharePair,
  deriveShareKey,
  encryptSharePair,
  type SharePair,
} from './share-encryption';

/** Shares a survivor reveals in `POST /v1/rounds/:id/unmask` (the ticket is added by the caller). */
export interface UnmaskShares {
  readonly selfMaskShares: readonly RevealedShare[];
  readonly keyShares: readonly RevealedShare[];
}

/** One device in one secure round. */
export interface SecureRoundSession {
  /** Masking public key for the join request. */
  readonly publicKey: string;
  /** Share-encryption public key for the join request. */
  readonly shareKey: string;
  /** Checks the cohort and returns this device's encrypted shares, one per neighbour. */
  shareKeys(o: {
    readonly roundId: string;
    readonly slot: number;
    readonly minCohort: number;
    /** The round's announced largest cohort: a bigger one could wrap the masked sum (unchecked when absent). */
    readonly maxCohort?: number;
    readonly members: RoundMembers;
  }): Promise<EncryptedShare[]>;
  /** Checks the sharers (U2) and decrypts the shares addressed to this device. */
  acceptShares(o: {
    readonly sharers: readonly number[];
    readonly inbox: ShareInbox;
  }): Promise<void>;
  /** This device's upload mask: self-mask plus pairwise masks with its neighbours in U2. */
  mask(length: number, bits: RingBits): Promise<Uint32Array>;
  /** The shares to reveal for an `unmasking` round state; throws `SECURE_ROUND_REFUSED` if unsafe. */
  respond(state: RoundState): UnmaskShares;
  /** Slots of the neighbours this device masked against (after {@link acceptShares}). */
  maskingPeers(): readonly number[];
}

/** Thrown when a device refuses a server request that could expose a member's update. */
function refuse(message: string): never {
  throw new DataError('SECURE_ROUND_REFUSED', `${message} This device does not answer.`);
}

function distinct(list: readonly number[], what: string): Set<number> {
  const set = new Set(list);
  if (set.size !== list.length) refuse(`The server listed a slot twice in ${what}.`);
  return set;
}

/**
 * The round's masking graph, seeded from the listed key digests of every member
 * ({@link maskingGraphSeed}): the same graph the server built, with positions no joiner chose.
 */
async function verifiedGraph(roundId: string, list: RoundMembers): Promise<MaskingGraph> {
  const digests = list.keyDigests;
  if (!Array.isArray(digests) || digests.length !== list.slots.length) {
    refuse(
      'The member list does not carry one key digest per member, so the masking graph cannot be checked.',
    );
  }
  if (digests.some((d) => typeof d !== 'string' || !/^[0-9a-f]{32}$/.test(d))) {
    refuse('The member list carries a malformed key digest.');
  }
  const seed = await maskingGraphSeed(
    roundId,
    list.slots.map((slot, j) => ({ slot, keyDigest: digests[j]! })),
  );
  return createMaskingGraph({ slots: [...list.slots], degree: list.masking.degree, seed });
}

/** Checks the listed key digests of the members whose keys this device holds (itself, its neighbours). */
async function checkKeyDigests(
  list: RoundMembers,
  keys: ReadonlyMap<number, SecureParticipant>,
): Promise<void> {
  const listed = new Map(list.slots.map((slot, j) => [slot, list.keyDigests[j]!]));
  for (const [slot, m] of keys) {
    if (listed.get(slot) !== (await memberKeyDigest(m.publicKey, m.shareKey))) {
      refuse(
        `The key digest listed for slot ${slot} does not match its keys: the masking graph was not derived from the members' keys.`,
      );
    }
  }
}

interface Cohort {
  readonly roundId: string;
  readonly slot: number;
  readonly minimum: number;
  readonly slots: ReadonlySet<number>;
  /** Keys of this device's neighbours (and its own). */
  readonly members: ReadonlyMap<number, SecureParticipant>;
  readonly params: MaskingParams;
  readonly graph: MaskingGraph;
}

/** Creates the session and its two fresh key pairs (platform CSPRNG). */
export async function createSecureRoundSession(): Promise<SecureRoundSession> {
  const masking: ShareableMaskingKeyPair = await generateShareableMaskingKeyPair();
  const sharing: MaskingKeyPair = await generateMaskingKeyPair();
  const selfSeed = randomSeed();
  let cohort: Cohort | null = null;
  let sharers: Set<number> | null = null;
  let peers: number[] = [];
  let masked = false;
  const held = new Map<number, SharePair>();
  const declaredSurvivors = new Set<number>();
  const declaredDropped = new Set<number>();
  let answered: UnmaskShares | null = null;
  let answeredKey = '';

  const need = (): Cohort => {
    if (!cohort) return refuse('The round asked for masks before the device shared its keys.');
    return cohort;
  };

  return {
    publicKey: masking.publicKey,
    shareKey: sharing.publicKey,

    async shareKeys(o) {
      if (cohort) refuse('The round asked for this device’s shares twice.');
      if (o.members.roundId !== o.roundId || o.members.slot !== o.slot) {
        refuse(`The member list is not for slot ${o.slot} of round ${o.roundId}.`);
      }
      const slots = distinct(o.members.slots, 'the members');
      if (!slots.has(o.slot)) refuse('The member list does not include this device.');
      const minimum = Math.max(2, o.minCohort);
      if (slots.size < minimum) {
        refuse(`The cohort has ${slots.size} members; the round promised at least ${minimum}.`);
      }
      if (o.maxCohort !== undefined && slots.size > o.maxCohort) {
        refuse(`The cohort has ${slots.size} members; the round promised at most ${o.maxCohort}.`);
      }
      const problem = maskingParamsProblem(slots.size, o.members.masking);
      if (problem) refuse(`Unsafe masking parameters: ${problem}.`);
      const params = o.members.masking;
      const graph = await verifiedGraph(o.roundId, o.members);
      const neighbors = graph.neighbors(o.slot);
      const members = new Map<number, SecureParticipant>();
      for (const m of o.members.participants) {
        if (members.has(m.slot)) refuse(`The member list has slot ${m.slot} twice.`);
        members.set(m.slot, m);
      }
      if (members.size !== neighbors.length + 1 || neighbors.some((s) => !members.has(s))) {
        refuse('The member list does not carry exactly this device’s neighbours.');
      }
      const me = members.get(o.slot);
      if (!me || me.publicKey !== masking.publicKey || me.shareKey !== sharing.publicKey) {
        refuse('The member list does not carry this device’s keys at its slot.');
      }
      await checkKeyDigests(o.members, members);
      cohort = { roundId: o.roundId, slot: o.slot, minimum, slots, members, params, graph };
      const holders = [o.slot, ...neighbors];
      const points = holders.map((s) => s + 1);
      const b = splitSecret({ secret: selfSeed, points, threshold: params.threshold });
      const d = splitSecret({ secret: masking.privateScalar, points, threshold: params.threshold });
      held.set(o.slot, { selfMaskShare: b[0]!.share, keyShare: d[0]!.share });
      return Promise.all(
        neighbors.map(async (to, j) => {
          const key = await deriveShareKey(
            sharing.privateKey,
            members.get(to)!.shareKey,
            o.roundId,
          );
          const ciphertext = await encryptSharePair({
            key,
            roundId: o.roundId,
            from: o.slot,
            to,
            shares: { selfMaskShare: b[j + 1]!.share, keyShare: d[j + 1]!.share },
          });
          return { slot: to, ciphertext: bytesToBase64(ciphertext) };
        }),
      );
    },

    async acceptShares(o) {
      const c = need();
      if (sharers) refuse('The round listed its sharers twice.');
      const set = distinct(o.sharers, 'the sharers');
      if (!set.has(c.slot)) refuse('The sharers do not include this device.');
      for (const s of set) if (!c.slots.has(s)) refuse(`Sharer ${s} never joined the round.`);
      if (set.size < c.minimum) {
        refuse(`Only ${set.size} members shared; the round promised at least ${c.minimum}.`);
      }
      const mine = c.graph.neighbors(c.slot).filter((s) => set.has(s));
      if (mine.length === 0) refuse('No neighbour of this device shared its keys.');
      sharers = set;
      peers = mine;
      if (o.inbox.roundId !== c.roundId || o.inbox.slot !== c.slot) {
        refuse('The share inbox is for another round or slot.');
      }
      const wanted = new Set(mine);
      await Promise.all(
        o.inbox.shares.map(async (entry) => {
          if (!wanted.has(entry.slot) || held.has(entry.slot)) return;
          const key = await deriveShareKey(
            sharing.privateKey,
            c.members.get(entry.slot)!.shareKey,
            c.roundId,
          );
          // A share that does not decrypt is simply not held: it only lowers what this device can reveal.
          const pair = await decryptSharePair({
            key,
            roundId: c.roundId,
            from: entry.slot,
            to: c.slot,
            ciphertext: base64ToBytes(entry.ciphertext),
          });
          if (pair) held.set(entry.slot, pair);
        }),
      );
    },

    async mask(length, bits) {
      const c = need();
      if (!sharers) refuse('The round asked for an upload before listing its sharers.');
      const seeds = await Promise.all(
        peers.map(async (slot) => ({
          slot,
          seed: await deriveMaskSeed(masking.privateKey, c.members.get(slot)!.publicKey, c.roundId),
        })),
      );
      masked = true;
      return uploadMask({ slot: c.slot, peers: seeds, selfSeed, length, bits });
    },

    respond(state) {
      const c = need();
      if (!sharers || !masked) {
        return refuse('The round asked to unmask before this device masked its update.');
      }
      if (state.roundId !== c.roundId || state.phase !== 'unmasking') {
        refuse(`Round ${state.roundId} is not unmasking.`);
      }
      const survivors = distinct(state.survivors, 'the survivors');
      const dropped = distinct(state.dropped, 'the dropped members');
      for (const s of survivors) {
        if (dropped.has(s)) refuse(`Slot ${s} is listed both as survivor and as dropped.`);
        if (declaredDropped.has(s)) refuse(`Slot ${s} was declared dropped before.`);
        if (!sharers.has(s)) refuse(`Survivor ${s} did not share its keys.`);
      }
      for (const s of dropped) {
        if (declaredSurvivors.has(s)) refuse(`Slot ${s} was declared a survivor before.`);
        if (!sharers.has(s)) refuse(`Dropped slot ${s} did not share its keys.`);
      }
      if (survivors.size + dropped.size !== sharers.size) {
        refuse('The survivors and the dropped members do not cover the sharers.');
      }
      if (!survivors.has(c.slot)) refuse('This device uploaded but is not listed as a survivor.');
      if (survivors.size < c.minimum) {
        refuse(`Only ${survivors.size} survivors; the round promised at least ${c.minimum}.`);
      }
      if (!isConnectedAmong(c.graph, [...survivors])) {
        refuse(
          'The survivors’ masking graph is disconnected: unmasking would expose partial sums.',
        );
      }
      for (const s of survivors) declaredSurvivors.add(s);
      for (const s of dropped) declaredDropped.add(s);
      const key = `${[...survivors].sort((a, b) => a - b).join(',')}|${[...dropped].sort((a, b) => a - b).join(',')}`;
      if (answered) {
        if (key !== answeredKey) refuse('The round changed its unmasking request.');
        return answered;
      }
      const selfMaskShares: RevealedShare[] = [];
      const keyShares: RevealedShare[] = [];
      for (const [slot, pair] of [...held].sort((a, b) => a[0] - b[0])) {
        if (survivors.has(slot)) {
          selfMaskShares.push({ slot, share: bytesToBase64(pair.selfMaskShare) });
        } else if (dropped.has(slot) && slot !== c.slot) {
          keyShares.push({ slot, share: bytesToBase64(pair.keyShare) });
        }
      }
      answered = { selfMaskShares, keyShares };
      answeredKey = key;
      return answered;
    },

    maskingPeers: () => peers,
  };
}
