/**
 * Join admission, device side and shared checks: before a join the device fetches a challenge
 * (`GET /v1/rounds/join/challenge`, bound to the open round and signed by the server), solves a
 * small hashcash-style proof of work bound to that challenge and to the keys it joins with, and
 * sends `challenge~counter` in the {@link ADMISSION_HEADER} header. One visitor pays a fraction of
 * a second of its worker once per round; a script farm that wants a cohort pays it for every seat,
 * every round, on top of the server's per-address budget (see docs/privacy.md, "Join admission").
 *
 * The proof: seed = SHA-256("hearth-join-v1\n" challenge "\n" publicKey "\n" shareKey), then the
 * smallest counter such that SHA-256(seed ‖ counter as 8 bytes big-endian) starts with
 * `difficulty` zero bits. The server checks it with {@link joinProofBits} (one hash).
 * Browser-safe, synchronous SHA-256 (WebCrypto's per-call promise would cost more than the hash).
 */
import { DataError } from '../core/errors';

/** Request header carrying `challenge~counter` on `POST /v1/rounds/join`. */
export const ADMISSION_HEADER = 'Hearth-Admission';

/** Where a device asks for a join challenge (GET). */
export const CHALLENGE_PATH = '/v1/rounds/join/challenge';

/** Hardest proof this code can express or check (leading zero bits of one 32-bit word). */
export const MAX_JOIN_DIFFICULTY = 32;

/** Hardest proof a device accepts to solve unless told otherwise (~16 M hashes on average). */
export const DEFAULT_DEVICE_MAX_DIFFICULTY = 24;

/** A server's join challenge, as `GET /v1/rounds/join/challenge` returns it. */
export interface JoinChallenge {
  /** Opaque, signed, single-use; bound to the open round. */
  readonly challenge: string;
  /** Leading zero bits the proof needs; 0 = no work (any counter passes). */
  readonly difficulty: number;
  /** When the server stops accepting proofs of this challenge (ISO 8601). */
  readonly expiresAt: string;
}

/** The keys a proof is bound to: a secure round's masking and share keys, none in plain rounds. */
export interface JoinKeys {
  readonly publicKey?: string | undefined;
  readonly shareKey?: string | undefined;
}

/** Checks the shape of a challenge answer; throws `DataError` naming the field. */
export function parseJoinChallenge(value: unknown): JoinChallenge {
  const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const { challenge, difficulty, expiresAt } = o;
  const bad = (field: string, what: string): never => {
    throw new DataError('UPDATE_REJECTED', `The join challenge's ${field} ${what}.`);
  };
  if (typeof challenge !== 'string' || !/^[A-Za-z0-9._-]{1,200}$/.test(challenge))
    bad('challenge', 'must be a string of at most 200 URL-safe characters');
  if (
    typeof difficulty !== 'number' ||
    !Number.isInteger(difficulty) ||
    difficulty < 0 ||
    difficulty > MAX_JOIN_DIFFICULTY
  )
    bad('difficulty', `must be an integer in [0, ${MAX_JOIN_DIFFICULTY}]`);
  if (typeof expiresAt !== 'string') bad('expiresAt', 'must be an ISO 8601 time');
  return { challenge, difficulty, expiresAt } as JoinChallenge;
}

// SHA-256 (FIPS 180-4) round constants.
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

/** One compression of the 16-word block `w` (expanded in place to 64 words) into `h`. */
function compress(h: Int32Array, w: Int32Array): void {
  for (let t = 16; t < 64; t++) {
    const a = w[t - 15]!;
    const b = w[t - 2]!;
    const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
    const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
  }
  let a = h[0]!,
    b = h[1]!,
    c = h[2]!,
    d = h[3]!,
    e = h[4]!,
    f = h[5]!,
    g = h[6]!,
    k = h[7]!;
  for (let t = 0; t < 64; t++) {
    const t1 =
      (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t]! + w[t]!) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    k = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + k) | 0;
}

/** SHA-256 of `bytes` as eight big-endian words (signed 32-bit: V8 keeps them small integers). */
export function sha256Words(bytes: Uint8Array): Int32Array {
  const blocks = Math.ceil((bytes.length + 9) / 64);
  const padded = new Uint8Array(blocks * 64);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = bytes.length * 8;
  view.setUint32(padded.length - 8, Math.floor(bits / 2 ** 32));
  view.setUint32(padded.length - 4, bits >>> 0);
  const h = IV.slice();
  const w = new Int32Array(64);
  for (let i = 0; i < blocks; i++) {
    for (let j = 0; j < 16; j++) w[j] = view.getUint32(i * 64 + j * 4);
    compress(h, w);
  }
  return h;
}

/** The proof's seed: binds it to the challenge and to the keys the device joins with. */
export function joinProofSeed(challenge: string, keys: JoinKeys = {}): Int32Array {
  const text = `hearth-join-v1\n${challenge}\n${keys.publicKey ?? ''}\n${keys.shareKey ?? ''}`;
  return sha256Words(new TextEncoder().encode(text));
}

/** Reusable single-block hasher of seed ‖ counter (40 bytes, padded once). */
function counterHasher(seed: Int32Array): (counter: number) => number {
  const w = new Int32Array(64);
  const h = new Int32Array(8);
  return (counter) => {
    for (let i = 0; i < 8; i++) w[i] = seed[i]!;
    w[8] = Math.floor(counter / 2 ** 32);
    w[9] = counter >>> 0;
    w[10] = 0x80000000;
    w[11] = w[12] = w[13] = w[14] = 0;
    w[15] = 320;
    h.set(IV);
    compress(h, w);
    return Math.clz32(h[0]!);
  };
}

/** Leading zero bits (capped at 32) of the proof hash for `counter`. */
export function joinProofBits(seed: Int32Array, counter: number): number {
  return counterHasher(seed)(counter);
}

/** Options of {@link solveJoinProof}. */
export interface SolveJoinProofOptions extends JoinKeys {
  readonly challenge: JoinChallenge;
  /** Refuse challenges harder than this (a server must not make devices burn their battery). */
  readonly maxDifficulty?: number;
  /** Hashes between yields to the event loop, so a worker keeps answering. Default 16384. */
  readonly yieldEvery?: number;
  readonly signal?: AbortSignal;
}

/** Finds the smallest counter that meets the challenge's difficulty (2^difficulty hashes on average). */
export async function solveJoinProof(o: SolveJoinProofOptions): Promise<number> {
  const { difficulty } = o.challenge;
  const max = o.maxDifficulty ?? DEFAULT_DEVICE_MAX_DIFFICULTY;
  if (difficulty > max) {
    throw new DataError(
      'UPDATE_REJECTED',
      `The server asks for a ${difficulty}-bit proof of work to join; this device solves at most ${max} bits. Lower the server's --join-difficulty.`,
    );
  }
  const bits = counterHasher(joinProofSeed(o.challenge.challenge, o));
  const every = o.yieldEvery ?? 16_384;
  for (let counter = 0; ; counter++) {
    if (bits(counter) >= difficulty) return counter;
    if ((counter + 1) % every === 0) {
      o.signal?.throwIfAborted();
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
  }
}

/** Header value for a solved challenge. */
export function admissionHeaderValue(challenge: string, counter: number): string {
  return `${challenge}~${counter}`;
}

/** Splits an {@link ADMISSION_HEADER} value; null when it is not `challenge~counter`. */
export function parseAdmissionHeader(
  value: string | undefined,
): { readonly challenge: string; readonly counter: number } | null {
  const m = /^([A-Za-z0-9._-]{1,200})~(\d{1,15})$/.exec(value ?? '');
  return m ? { challenge: m[1]!, counter: Number(m[2]) } : null;
}

/** Options of {@link admitJoin}. */
export interface AdmitJoinOptions extends JoinKeys {
  /** Fetches `GET /v1/rounds/join/challenge` (with the deployment token) and returns its JSON. */
  readonly fetchChallenge: () => Promise<unknown>;
  readonly maxDifficulty?: number;
  readonly signal?: AbortSignal;
}

/** Fetches a challenge, solves it and returns the headers the join request must carry. */
export async function admitJoin(o: AdmitJoinOptions): Promise<Record<string, string>> {
  const challenge = parseJoinChallenge(await o.fetchChallenge());
  const counter = await solveJoinProof({ ...o, challenge });
  return { [ADMISSION_HEADER]: admissionHeaderValue(challenge.challenge, counter) };
}
