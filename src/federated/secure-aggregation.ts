/**
 * Secure aggregation by pairwise additive masks (Bonawitz et al. 2017, without the double-masking
 * and secret-sharing layer). Browser-safe: Web Crypto for key agreement, ChaCha20 for the masks.
 *
 * Every pair of cohort members (u, v) agrees on a seed s_uv (ECDH P-256 → HKDF-SHA-256 salted with
 * the round id). Client u uploads x_u + Σ_{v>u} PRG(s_uv) − Σ_{v<u} PRG(s_uv) mod 2^bits; the masks
 * cancel exactly in the modular sum over the cohort, so the server learns only Σ x_u.
 *
 * Dropouts: if v never uploads, its pairs' masks do not cancel. Each survivor u then reveals s_uv for
 * the dropped v only, and the server subtracts those masks ({@link removeDroppedMasks}). Gap: with
 * no self-mask, a malicious server that falsely declares v dropped could collect every s_uv and
 * unmask v's upload; an honest-but-curious server that follows the protocol (and rejects v's late
 * upload once unmasking started) learns only the sum. Survivors that also vanish during unmasking
 * make the round fail (no model update, nothing revealed).
 */
import { OptionError } from '../core/errors';
import { ringAddInPlace, ringSubInPlace, type RingBits } from './quantize';

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** Writes the 16-word ChaCha20 block for (key, counter, zero nonce) into `out`. */
function chachaBlock(
  key: Uint32Array,
  counter: number,
  state: Uint32Array,
  out: Uint32Array,
): void {
  state.set(SIGMA, 0);
  state.set(key, 4);
  state[12] = counter;
  state[13] = 0;
  state[14] = 0;
  state[15] = 0;
  out.set(state);
  const x = out;
  for (let r = 0; r < 10; r++) {
    for (const [a, b, c, d] of QUARTER_ROUNDS) {
      x[a] = (x[a]! + x[b]!) | 0;
      x[d] = rotl(x[d]! ^ x[a]!, 16);
      x[c] = (x[c]! + x[d]!) | 0;
      x[b] = rotl(x[b]! ^ x[c]!, 12);
      x[a] = (x[a]! + x[b]!) | 0;
      x[d] = rotl(x[d]! ^ x[a]!, 8);
      x[c] = (x[c]! + x[d]!) | 0;
      x[b] = rotl(x[b]! ^ x[c]!, 7);
    }
  }
  for (let j = 0; j < 16; j++) out[j] = (out[j]! + state[j]!) >>> 0;
}

const QUARTER_ROUNDS: readonly (readonly [number, number, number, number])[] = [
  [0, 4, 8, 12],
  [1, 5, 9, 13],
  [2, 6, 10, 14],
  [3, 7, 11, 15],
  [0, 5, 10, 15],
  [1, 6, 11, 12],
  [2, 7, 8, 13],
  [3, 4, 9, 14],
];

/**
 * `length` pseudo-random ring elements from a 32-byte seed (ChaCha20 keystream; 16-bit rings use
 * both halves of each word). Deterministic: both ends of a pair derive the same mask.
 */
export function maskStream(seed: Uint8Array, length: number, bits: RingBits): Uint32Array {
  if (seed.length !== 32) throw new OptionError(`A mask seed has 32 bytes (got ${seed.length}).`);
  const key = new Uint32Array(8);
  const view = new DataView(seed.buffer, seed.byteOffset, 32);
  for (let j = 0; j < 8; j++) key[j] = view.getUint32(4 * j, true);
  const out = new Uint32Array(length);
  const state = new Uint32Array(16);
  const block = new Uint32Array(16);
  const perBlock = bits === 32 ? 16 : 32;
  for (let start = 0, counter = 0; start < length; start += perBlock, counter++) {
    chachaBlock(key, counter, state, block);
    const end = Math.min(length, start + perBlock);
    for (let j = start; j < end; j++) {
      const t = j - start;
      out[j] = bits === 32 ? block[t]! : (block[t >> 1]! >>> ((t & 1) * 16)) & 0xffff;
    }
  }
  return out;
}

/** A peer's slot and the seed this client shares with it. */
export interface PeerSeed {
  readonly slot: number;
  readonly seed: Uint8Array;
}

/** This client's total mask: + PRG(s) for peers with a larger slot, − PRG(s) for smaller ones. */
export function pairwiseMask(o: {
  readonly slot: number;
  readonly peers: readonly PeerSeed[];
  readonly length: number;
  readonly bits: RingBits;
}): Uint32Array {
  const mask = new Uint32Array(o.length);
  for (const peer of o.peers) {
    if (peer.slot === o.slot) throw new OptionError(`Slot ${o.slot} cannot mask against itself.`);
    const stream = maskStream(peer.seed, o.length, o.bits);
    if (peer.slot > o.slot) ringAddInPlace(mask, stream, o.bits);
    else ringSubInPlace(mask, stream, o.bits);
  }
  return mask;
}

/** A seed revealed by survivor `survivor` for its pair with the dropped slot `dropped`. */
export interface RevealedSeed {
  readonly survivor: number;
  readonly dropped: number;
  readonly seed: Uint8Array;
}

/** Removes, in place, the masks a survivor's upload still carries for its pairs with dropped slots. */
export function removeDroppedMasks(
  sum: Uint32Array,
  revealed: readonly RevealedSeed[],
  bits: RingBits,
): void {
  for (const r of revealed) {
    const stream = maskStream(r.seed, sum.length, bits);
    // The survivor added +PRG when the dropped slot was larger: take it back out, and vice versa.
    if (r.dropped > r.survivor) ringSubInPlace(sum, stream, bits);
    else ringAddInPlace(sum, stream, bits);
  }
}

/** Base64 of bytes (browser-safe). */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** Bytes of a base64 string; throws `OptionError` on malformed input. */
export function base64ToBytes(text: string): Uint8Array {
  let raw: string;
  try {
    raw = atob(text);
  } catch {
    throw new OptionError('The value is not valid base64.');
  }
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/** A per-round ECDH key pair; the private key never leaves the device (non-extractable). */
export interface MaskingKeyPair {
  /** Raw uncompressed P-256 point, base64: goes into the join request. */
  readonly publicKey: string;
  readonly privateKey: CryptoKey;
}

function subtle(): SubtleCrypto {
  const s = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!s)
    throw new OptionError(
      'Secure aggregation needs Web Crypto (crypto.subtle) in a secure context.',
    );
  return s;
}

/** Generates a fresh masking key pair for one round. */
export async function generateMaskingKeyPair(): Promise<MaskingKeyPair> {
  const pair = (await subtle().generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const raw = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  return { publicKey: bytesToBase64(raw), privateKey: pair.privateKey };
}

/** The 32-byte seed this client shares with the holder of `peerPublicKey` in round `roundId`. */
export async function deriveMaskSeed(
  privateKey: CryptoKey,
  peerPublicKey: string,
  roundId: string,
): Promise<Uint8Array> {
  const s = subtle();
  const peer = await s.importKey(
    'raw',
    base64ToBytes(peerPublicKey) as Uint8Array<ArrayBuffer>,
    { name: 'ECDH', namedCurve: 'P-256' },
    false,
    [],
  );
  const shared = await s.deriveBits({ name: 'ECDH', public: peer }, privateKey, 256);
  const hkdfKey = await s.importKey('raw', shared, 'HKDF', false, ['deriveBits']);
  const enc = new TextEncoder();
  const bits = await s.deriveBits(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: enc.encode(roundId),
      info: enc.encode('hearth-secagg-v1'),
    },
    hkdfKey,
    256,
  );
  return new Uint8Array(bits);
}

/** Seeds with every other participant of the round (for {@link pairwiseMask}). */
export async function deriveCohortSeeds(o: {
  readonly privateKey: CryptoKey;
  readonly slot: number;
  readonly participants: readonly { readonly slot: number; readonly publicKey: string }[];
  readonly roundId: string;
}): Promise<PeerSeed[]> {
  const peers = o.participants.filter((p) => p.slot !== o.slot);
  return Promise.all(
    peers.map(async (p) => ({
      slot: p.slot,
      seed: await deriveMaskSeed(o.privateKey, p.publicKey, o.roundId),
    })),
  );
}
