/**
 * Wire protocol of Hearth federated learning (version 1), shared by the browser client, the
 * aggregation server and the simulator. Browser-safe: no Node imports.
 *
 * Flow: `GET /v1/model` (the global item factors) → `POST /v1/rounds/join` (a {@link RoundSpec} and
 * an opaque ticket) → `POST /v1/rounds/:id/update` (a binary {@link UpdateFrame}).
 *
 * Secure rounds (Bonawitz et al. 2017 double masking) go joining → sharing → collecting → unmasking
 * → closed, and add: `GET /v1/rounds/:id` ({@link RoundState}, polled),
 * `GET /v1/rounds/:id/members/:slot` ({@link RoundMembers}: the member slots, the masking graph
 * parameters and the two public keys of the slot's neighbours),
 * `POST /v1/rounds/:id/shares` ({@link SharesRequest}: encrypted Shamir shares for each neighbour),
 * `GET /v1/rounds/:id/shares/:slot` ({@link ShareInbox}: the ciphertexts addressed to a slot) and
 * `POST /v1/rounds/:id/unmask` ({@link UnmaskRequest}: per member, a self-mask share if it survived
 * or a key share if it dropped, never both). No message carries a user identity: tickets, nonces
 * and keys are fresh random values per round.
 */
import { DataError } from '../core/errors';

/** Protocol version every message carries; a server rejects other versions with `bad-version`. */
export const FEDERATED_PROTOCOL_VERSION = 1;

/** How the server combines updates: it reads each one (`plain`) or only their masked sum (`secure`). */
export type AggregationMode = 'plain' | 'secure';

/** Names of the parts of an update vector, in wire order. */
export const UPDATE_PART_NAMES = ['rows', 'counts', 'gram', 'stats'] as const;

/**
 * Rounds of the one-shot private co-occurrence release (`private-cooccurrence.ts`): `popularity`
 * (`rows` = every item) and `pairs` (`rows` = the head items). In such a round the `rows` part
 * carries the release vector and the other three parts are empty.
 */
export type ReleaseKind = 'popularity' | 'pairs';

/** One of {@link UPDATE_PART_NAMES}. */
export type UpdatePartName = (typeof UPDATE_PART_NAMES)[number];

/**
 * How a client encodes one part of its update: clip to `clipNorm` (L2), divide by `scale` and round
 * stochastically to integers, add its share of integer Gaussian noise, clamp to ±`clamp`.
 */
export interface UpdatePartSpec {
  readonly name: UpdatePartName;
  /** Number of coordinates. */
  readonly length: number;
  /** L2 bound of the part before quantization (the DP sensitivity, with the rounding slack). */
  readonly clipNorm: number;
  /** Standard deviation of the Gaussian noise each client adds per coordinate (its share); 0 = none. */
  readonly noiseStd: number;
  /** Quantization step: integer q stands for q·scale. */
  readonly scale: number;
  /** Largest |q| a client may send, so that the cohort's sum fits the ring. */
  readonly clamp: number;
}

/** Privacy parameters and spending announced with a round (all derived, public). */
export interface RoundPrivacy {
  /** Effective noise multiplier of the round's Gaussian mechanism at `minCohort` clients; 0 = no DP. */
  readonly noiseMultiplier: number;
  readonly delta: number;
  /** ε spent before this round (cumulative, at `delta`); `null` when no noise is added (unbounded). */
  readonly epsilonSpent: number | null;
}

/** What a client needs to compute, encode and upload its update for one round. */
export interface RoundSpec {
  readonly protocol: number;
  readonly roundId: string;
  /** Version of the global model the update must be computed against. */
  readonly modelVersion: number;
  readonly aggregation: AggregationMode;
  /** Integers are sent modulo 2^ringBits (16 for plain rounds, 32 for secure ones). */
  readonly ringBits: 16 | 32;
  /** Item rows (ascending dense indices) this round updates; public and independent of any user. */
  readonly rows: readonly number[];
  /** Parts in {@link UPDATE_PART_NAMES} order. */
  readonly parts: readonly UpdatePartSpec[];
  /** Set in rounds of the private co-occurrence release; absent in iALS item-step rounds. */
  readonly release?: ReleaseKind;
  readonly minCohort: number;
  readonly maxCohort: number;
  /** ISO-8601 time after which updates are no longer accepted. */
  readonly deadline: string;
  readonly privacy: RoundPrivacy;
}

/** Body of `POST /v1/rounds/join`. */
export interface JoinRequest {
  readonly protocol: number;
  /** Secure rounds: the client's per-round masking ECDH P-256 public key (raw, base64). */
  readonly publicKey?: string;
  /** Secure rounds: the client's per-round share-encryption ECDH P-256 public key (raw, base64). */
  readonly shareKey?: string;
}

/** Answer to a join: the round and the ticket that authorizes one update in it. */
export interface JoinResponse {
  readonly round: RoundSpec;
  /** Opaque; send it back with the update. Not linked to any identity. */
  readonly ticket: string;
  /** Position in a secure round's cohort (orders the pairwise masks); −1 in plain rounds. */
  readonly slot: number;
}

/** JSON header of an update frame. */
export interface UpdateHeader {
  readonly protocol: number;
  readonly roundId: string;
  readonly ticket: string;
  /** Fresh random hex string (16–64 chars) per upload: a second use in the round is a replay. */
  readonly nonce: string;
  /** FedAvg weight in (0, 1]; default 1 (every user counts the same, as user-level DP assumes). */
  readonly weight: number;
}

/** A decoded update: header and the packed ring elements of all parts. */
export interface UpdateFrame {
  readonly header: UpdateHeader;
  readonly payload: Uint8Array;
}

/** A cohort member of a secure round, as listed by `GET /v1/rounds/:id/members`. */
export interface SecureParticipant {
  readonly slot: number;
  /** Masking key (its private scalar is secret-shared among the member's neighbours). */
  readonly publicKey: string;
  /** Share-encryption key (never shared). */
  readonly shareKey: string;
}

/**
 * Phase of a round. Plain rounds: collecting → closed. Secure rounds: joining (members send keys) →
 * sharing (members post encrypted shares) → collecting (masked uploads) → unmasking (survivors
 * reveal shares) → closed.
 */
export type RoundPhase = 'joining' | 'sharing' | 'collecting' | 'unmasking' | 'closed';

/**
 * `GET /v1/rounds/:id`: small enough to poll. The slot lists grow with the cohort, so they are only
 * filled in with `?lists=1` (devices ask once per phase change); otherwise they are empty.
 */
export interface RoundState {
  readonly protocol: number;
  readonly roundId: string;
  readonly phase: RoundPhase;
  /** Milliseconds until the current phase's deadline on the server's clock (it may end earlier). */
  readonly phaseEndsInMs: number;
  /** Secure rounds from `collecting` on: the members that posted their shares (U2); they mask. */
  readonly sharers: readonly number[];
  /** Secure rounds in `unmasking`: sharers whose masked update arrived (U3). */
  readonly survivors: readonly number[];
  /** Secure rounds in `unmasking`: sharers whose update never arrived (U2 \ U3). */
  readonly dropped: readonly number[];
}

/** `GET /v1/rounds/:id/members/:slot` (secure rounds, from `sharing` on). */
export interface RoundMembers {
  readonly protocol: number;
  readonly roundId: string;
  /** The member this answer is for. */
  readonly slot: number;
  /** Every member that joined (U1), ascending. */
  readonly slots: readonly number[];
  /**
   * `memberKeyDigest` of each member's two public keys, in `slots` order: with the round id they
   * fix the masking graph's seed, which every device recomputes (and checks for itself and its
   * neighbours against their keys).
   */
  readonly keyDigests: readonly string[];
  /** Keys of `slot` and of its neighbours in the masking graph. */
  readonly participants: readonly SecureParticipant[];
  /** The masking graph's degree and the share threshold, fixed for the round. */
  readonly masking: { readonly degree: number; readonly threshold: number };
}

/** One encrypted share pair in transit (base64 of nonce ‖ AES-GCM ciphertext ‖ tag). */
export interface EncryptedShare {
  /** Recipient slot in a {@link SharesRequest}, sender slot in a {@link ShareInbox}. */
  readonly slot: number;
  readonly ciphertext: string;
}

/** Body of `POST /v1/rounds/:id/shares`: one ciphertext for each neighbour in the masking graph. */
export interface SharesRequest {
  readonly protocol: number;
  readonly ticket: string;
  readonly shares: readonly EncryptedShare[];
}

/** `GET /v1/rounds/:id/shares/:slot`: what the round's sharers sent to `slot` (from `collecting` on). */
export interface ShareInbox {
  readonly protocol: number;
  readonly roundId: string;
  readonly slot: number;
  readonly shares: readonly EncryptedShare[];
}

/** One revealed Shamir share (base64) of member `slot`'s secret. */
export interface RevealedShare {
  readonly slot: number;
  readonly share: string;
}

/**
 * Body of `POST /v1/rounds/:id/unmask`: for each member whose shares this survivor holds, the share
 * of its self-mask seed when it survived, or of its masking key when it dropped — never both.
 */
export interface UnmaskRequest {
  readonly protocol: number;
  readonly ticket: string;
  readonly selfMaskShares: readonly RevealedShare[];
  readonly keyShares: readonly RevealedShare[];
}

/** Why the server refused a request; every rejection is counted per reason in `/v1/status`. */
export type RejectReason =
  | 'bad-version'
  | 'bad-request'
  | 'bad-shape'
  | 'non-finite'
  | 'out-of-range'
  | 'norm-exceeded'
  | 'too-large'
  | 'unauthorized'
  | 'rate-limited'
  | 'replay'
  | 'bad-ticket'
  | 'unknown-round'
  | 'round-closed'
  | 'round-full'
  | 'wrong-phase'
  | 'not-found'
  | 'method-not-allowed';

/** HTTP status of each {@link RejectReason}. */
export const REJECT_STATUS: Readonly<Record<RejectReason, number>> = Object.freeze({
  'bad-version': 400,
  'bad-request': 400,
  'bad-shape': 400,
  'non-finite': 400,
  'out-of-range': 422,
  'norm-exceeded': 422,
  'too-large': 413,
  unauthorized: 401,
  'rate-limited': 429,
  replay: 409,
  'bad-ticket': 403,
  'unknown-round': 404,
  'round-closed': 409,
  'round-full': 409,
  'wrong-phase': 409,
  'not-found': 404,
  'method-not-allowed': 405,
});

/** Body of every 4xx answer. */
export interface RejectBody {
  readonly error: { readonly reason: RejectReason; readonly message: string };
}

/** A request or update the protocol does not accept; `reason` maps to an HTTP status. */
export class UpdateRejectedError extends DataError {
  /** Machine-readable cause, also the key of the server's rejection counters. */
  readonly reason: RejectReason;

  constructor(reason: RejectReason, message: string) {
    super('UPDATE_REJECTED', message);
    this.name = 'UpdateRejectedError';
    this.reason = reason;
  }

  /** HTTP status for this rejection. */
  get status(): number {
    return REJECT_STATUS[this.reason];
  }
}

const reject = (reason: RejectReason, message: string): never => {
  throw new UpdateRejectedError(reason, message);
};

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject('bad-request', `${what} must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

function checkVersion(o: Record<string, unknown>, what: string): void {
  if (o['protocol'] !== FEDERATED_PROTOCOL_VERSION) {
    reject(
      'bad-version',
      `${what}.protocol is ${JSON.stringify(o['protocol'])}; this server speaks protocol ${FEDERATED_PROTOCOL_VERSION}. Update the client.`,
    );
  }
}

function stringField(o: Record<string, unknown>, key: string, what: string, max = 256): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > max) {
    return reject(
      'bad-request',
      `${what}.${key} must be a non-empty string of at most ${max} characters.`,
    );
  }
  return v;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const NONCE = /^[0-9a-f]{16,64}$/;

function base64Field(o: Record<string, unknown>, key: string, what: string, max: number): string {
  const v = stringField(o, key, what, max);
  if (!BASE64.test(v)) reject('bad-request', `${what}.${key} must be base64.`);
  return v;
}

/** Validates the body of `POST /v1/rounds/join`. */
export function parseJoinRequest(value: unknown): JoinRequest {
  const o = asRecord(value, 'join request');
  checkVersion(o, 'join request');
  const out: { protocol: number; publicKey?: string; shareKey?: string } = {
    protocol: FEDERATED_PROTOCOL_VERSION,
  };
  if (o['publicKey'] !== undefined)
    out.publicKey = base64Field(o, 'publicKey', 'join request', 200);
  if (o['shareKey'] !== undefined) out.shareKey = base64Field(o, 'shareKey', 'join request', 200);
  return out;
}

/** Longest list a share or unmask request may carry (the largest secure cohort). */
const MAX_LIST = 100_000;

function slotField(e: Record<string, unknown>, key: string, what: string): number {
  const slot = e[key];
  if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 0) {
    return reject('bad-request', `${what}.${key} must be a non-negative integer.`);
  }
  return slot;
}

function listField<T>(
  o: Record<string, unknown>,
  key: string,
  what: string,
  item: (e: Record<string, unknown>, where: string) => T,
): T[] {
  const list = o[key];
  if (!Array.isArray(list) || list.length > MAX_LIST) {
    return reject('bad-request', `${what}.${key} must be an array of at most ${MAX_LIST} entries.`);
  }
  return list.map((entry: unknown, j) =>
    item(asRecord(entry, `${what}.${key}[${j}]`), `${what}.${key}[${j}]`),
  );
}

/** Validates the body of `POST /v1/rounds/:id/shares` (shape only; the round checks the rest). */
export function parseSharesRequest(value: unknown): SharesRequest {
  const o = asRecord(value, 'shares request');
  checkVersion(o, 'shares request');
  const ticket = stringField(o, 'ticket', 'shares request', 200);
  const shares = listField(o, 'shares', 'shares request', (e, where) => ({
    slot: slotField(e, 'slot', where),
    ciphertext: base64Field(e, 'ciphertext', where, 400),
  }));
  return { protocol: FEDERATED_PROTOCOL_VERSION, ticket, shares };
}

/** Validates the JSON header of an update frame. */
export function parseUpdateHeader(value: unknown): UpdateHeader {
  const o = asRecord(value, 'update header');
  checkVersion(o, 'update header');
  const roundId = stringField(o, 'roundId', 'update header', 64);
  const ticket = stringField(o, 'ticket', 'update header', 200);
  const nonce = stringField(o, 'nonce', 'update header', 64);
  if (!NONCE.test(nonce)) {
    reject('bad-request', 'update header.nonce must be 16–64 lowercase hex characters.');
  }
  const weight = o['weight'] === undefined ? 1 : o['weight'];
  if (typeof weight !== 'number') reject('bad-request', 'update header.weight must be a number.');
  if (!Number.isFinite(weight)) reject('non-finite', 'update header.weight must be finite.');
  if (!((weight as number) > 0 && (weight as number) <= 1)) {
    reject('out-of-range', `update header.weight must be in (0, 1] (got ${String(weight)}).`);
  }
  return { protocol: FEDERATED_PROTOCOL_VERSION, roundId, ticket, nonce, weight: weight as number };
}

/** Validates the body of `POST /v1/rounds/:id/unmask` (shape only; the round checks the rest). */
export function parseUnmaskRequest(value: unknown): UnmaskRequest {
  const o = asRecord(value, 'unmask request');
  checkVersion(o, 'unmask request');
  const ticket = stringField(o, 'ticket', 'unmask request', 200);
  const revealed = (key: string): RevealedShare[] =>
    listField(o, key, 'unmask request', (e, where) => ({
      slot: slotField(e, 'slot', where),
      share: base64Field(e, 'share', where, 200),
    }));
  return {
    protocol: FEDERATED_PROTOCOL_VERSION,
    ticket,
    selfMaskShares: revealed('selfMaskShares'),
    keyShares: revealed('keyShares'),
  };
}

/** Total number of coordinates of an update with these parts. */
export function updateLength(parts: readonly UpdatePartSpec[]): number {
  return parts.reduce((s, p) => s + p.length, 0);
}

/** Payload bytes of an update: every coordinate is one ring element. */
export function payloadBytes(round: Pick<RoundSpec, 'parts' | 'ringBits'>): number {
  return (updateLength(round.parts) * round.ringBits) / 8;
}

/**
 * Part lengths of an update for a model with `factors` dimensions and `rows` rows this round (or,
 * in a release round, of the release vector over those rows).
 */
export function partLengths(
  factors: number,
  rows: number,
  release?: ReleaseKind,
): Record<UpdatePartName, number> {
  if (release === 'popularity') return { rows, counts: 0, gram: 0, stats: 0 };
  if (release === 'pairs') return { rows: (rows * (rows + 1)) / 2, counts: 0, gram: 0, stats: 0 };
  const d = factors + 1;
  return { rows: rows * d, counts: rows, gram: (d * (d + 1)) / 2, stats: 2 };
}

/**
 * Checks a round spec's internal consistency against a model (`factors`, `numItems`): ascending
 * unique rows, parts in order with matching lengths, finite positive scales. Clients call this
 * before computing anything.
 */
export function validateRoundSpec(
  value: unknown,
  model: { factors: number; numItems: number },
): RoundSpec {
  const o = asRecord(value, 'round');
  checkVersion(o, 'round');
  const rows = o['rows'];
  if (!Array.isArray(rows) || rows.length === 0)
    return reject('bad-shape', 'round.rows must be a non-empty array.');
  let prev = -1;
  for (const r of rows) {
    if (typeof r !== 'number' || !Number.isInteger(r) || r <= prev || r >= model.numItems) {
      return reject(
        'bad-shape',
        `round.rows must be ascending item indices below ${model.numItems}.`,
      );
    }
    prev = r;
  }
  const ringBits = o['ringBits'];
  if (ringBits !== 16 && ringBits !== 32)
    return reject('bad-shape', 'round.ringBits must be 16 or 32.');
  const release = o['release'];
  if (release !== undefined && release !== 'popularity' && release !== 'pairs') {
    return reject('bad-request', 'round.release must be "popularity" or "pairs" when present.');
  }
  if (release === 'popularity' && rows.length !== model.numItems) {
    return reject('bad-shape', 'A popularity round must list every item in round.rows.');
  }
  const parts = o['parts'];
  const lengths = partLengths(model.factors, rows.length, release);
  if (!Array.isArray(parts) || parts.length !== UPDATE_PART_NAMES.length) {
    return reject('bad-shape', `round.parts must list ${UPDATE_PART_NAMES.join(', ')}.`);
  }
  parts.forEach((p: unknown, j) => {
    const e = asRecord(p, `round.parts[${j}]`);
    const name = UPDATE_PART_NAMES[j]!;
    if (e['name'] !== name || e['length'] !== lengths[name]) {
      reject('bad-shape', `round.parts[${j}] must be "${name}" with length ${lengths[name]}.`);
    }
    for (const key of ['clipNorm', 'scale', 'clamp', 'noiseStd'] as const) {
      const v = e[key];
      if (
        typeof v !== 'number' ||
        !Number.isFinite(v) ||
        v < 0 ||
        (key !== 'noiseStd' && v === 0)
      ) {
        reject('non-finite', `round.parts[${j}].${key} must be a finite positive number.`);
      }
    }
    const limit = ringBits === 16 ? 0x7fff : 0x7fffffff;
    if (!Number.isInteger(e['clamp']) || (e['clamp'] as number) > limit) {
      reject('out-of-range', `round.parts[${j}].clamp must be an integer ≤ ${limit}.`);
    }
  });
  for (const key of ['modelVersion', 'minCohort', 'maxCohort'] as const) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      reject('bad-request', `round.${key} must be a non-negative integer.`);
    }
  }
  if (o['aggregation'] !== 'plain' && o['aggregation'] !== 'secure') {
    reject('bad-request', 'round.aggregation must be "plain" or "secure".');
  }
  stringField(o, 'roundId', 'round', 64);
  stringField(o, 'deadline', 'round', 64);
  asRecord(o['privacy'], 'round.privacy');
  return value as RoundSpec;
}

const FRAME_MAGIC = [0x48, 0x46, 0x55, 0x31]; // "HFU1"
/** Bytes before the JSON header: magic and the header's byte length. */
export const FRAME_PREFIX_BYTES = 8;
/** Largest JSON header a frame may carry. */
export const MAX_FRAME_HEADER_BYTES = 1024;

/** Encodes an update as `"HFU1"`, u32 LE header length, the JSON header, then the payload. */
export function encodeUpdateFrame(frame: UpdateFrame): Uint8Array<ArrayBuffer> {
  const header = new TextEncoder().encode(JSON.stringify(frame.header));
  const out = new Uint8Array(FRAME_PREFIX_BYTES + header.length + frame.payload.length);
  out.set(FRAME_MAGIC, 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, FRAME_PREFIX_BYTES);
  out.set(frame.payload, FRAME_PREFIX_BYTES + header.length);
  return out;
}

/**
 * Decodes and validates an update frame. The payload is a view into `bytes`; its length is checked
 * against the round by the receiver.
 */
export function decodeUpdateFrame(bytes: Uint8Array): UpdateFrame {
  if (bytes.length < FRAME_PREFIX_BYTES || FRAME_MAGIC.some((b, j) => bytes[j] !== b)) {
    return reject(
      'bad-request',
      'The update is not a Hearth update frame (it must start with "HFU1").',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true);
  if (headerLength > MAX_FRAME_HEADER_BYTES || FRAME_PREFIX_BYTES + headerLength > bytes.length) {
    return reject('bad-request', `The update frame header length ${headerLength} is invalid.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(
        bytes.subarray(FRAME_PREFIX_BYTES, FRAME_PREFIX_BYTES + headerLength),
      ),
    );
  } catch {
    return reject('bad-request', 'The update frame header is not valid UTF-8 JSON.');
  }
  return {
    header: parseUpdateHeader(json),
    payload: bytes.subarray(FRAME_PREFIX_BYTES + headerLength),
  };
}

/** Answer to an accepted update (sent only after the update is durable). */
export interface UpdateAck {
  readonly accepted: true;
  readonly roundId: string;
  /** Updates accepted in the round so far, this one included. */
  readonly received: number;
}

/** `GET /v1/status`: round progress, privacy spent and rejection counters. Nothing per user. */
export interface ServerStatus {
  readonly protocol: number;
  readonly modelVersion: number;
  readonly roundsCompleted: number;
  readonly round: {
    readonly roundId: string;
    readonly phase: RoundPhase;
    readonly aggregation: AggregationMode;
    readonly joined: number;
    readonly accepted: number;
    readonly minCohort: number;
    readonly maxCohort: number;
    readonly deadline: string;
    readonly rows: number;
  } | null;
  readonly privacy: {
    /** Noise multiplier per round at the minimum cohort (0 = no DP). */
    readonly noiseMultiplier: number;
    readonly delta: number;
    /** Cumulative ε over completed rounds; null when rounds ran without noise (unbounded). */
    readonly epsilon: number | null;
    /** ε of one more round alone. */
    readonly perRoundEpsilon: number | null;
    readonly epsilonBudget: number | null;
  };
  readonly acceptedTotal: number;
  readonly rejected: Readonly<Partial<Record<RejectReason, number>>>;
}
