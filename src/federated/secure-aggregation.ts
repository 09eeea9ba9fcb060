/**
 * Masking primitives of secure aggregation (Bonawitz et al. 2017). Browser-safe: Web Crypto for key
 * agreement, ChaCha20 for the masks.
 *
 * Every pair of neighbours (u, v) in the round's masking graph agrees on a seed s_uv (ECDH P-256 →
 * HKDF-SHA-256 salted with the round id). Client u also draws a fresh self-mask seed b_u and uploads
 * x_u + PRG(b_u) + Σ_{v>u} PRG(s_uv) − Σ_{v<u} PRG(s_uv) mod 2^bits. The pairwise masks cancel in
 * the modular sum over the survivors' neighbourhoods; the server removes the self-masks with the
 * b_u it reconstructs from survivors' shares, and the pairwise masks of members that dropped with
 * the seeds it recomputes from their reconstructed private keys ({@link removeDroppedMasks},
 * {@link importMaskingPrivateKey}). The protocol around these primitives (secret sharing, encrypted
 * share relay, who may reveal what) is in `secure-round-session.ts` and `src/server/secure-round.ts`.
 */
import { OptionError } from '../core/errors';
import type { RingBits } from './quantize';

const C0 = 0x61707865;
const C1 = 0x3320646e;
const C2 = 0x79622d32;
const C3 = 0x6b206574;

/**
 * Writes the ChaCha20 block (RFC 7539, zero nonce) for `key` and `counter` into `out`. Unrolled on
 * locals: the masks are the hot path of secure rounds on both ends (~140 M words/s in Node).
 */
function chachaBlock(key: Uint32Array, counter: number, out: Uint32Array): void {
  const k0 = key[0]!;
  const k1 = key[1]!;
  const k2 = key[2]!;
  const k3 = key[3]!;
  const k4 = key[4]!;
  const k5 = key[5]!;
  const k6 = key[6]!;
  const k7 = key[7]!;
  let x0 = C0;
  let x1 = C1;
  let x2 = C2;
  let x3 = C3;
  let x4 = k0;
  let x5 = k1;
  let x6 = k2;
  let x7 = k3;
  let x8 = k4;
  let x9 = k5;
  let x10 = k6;
  let x11 = k7;
  let x12 = counter;
  let x13 = 0;
  let x14 = 0;
  let x15 = 0;
  for (let r = 0; r < 10; r++) {
    // Column rounds.
    x0 = (x0 + x4) | 0;
    x12 ^= x0;
    x12 = (x12 << 16) | (x12 >>> 16);
    x8 = (x8 + x12) | 0;
    x4 ^= x8;
    x4 = (x4 << 12) | (x4 >>> 20);
    x0 = (x0 + x4) | 0;
    x12 ^= x0;
    x12 = (x12 << 8) | (x12 >>> 24);
    x8 = (x8 + x12) | 0;
    x4 ^= x8;
    x4 = (x4 << 7) | (x4 >>> 25);
    x1 = (x1 + x5) | 0;
    x13 ^= x1;
    x13 = (x13 << 16) | (x13 >>> 16);
    x9 = (x9 + x13) | 0;
    x5 ^= x9;
    x5 = (x5 << 12) | (x5 >>> 20);
    x1 = (x1 + x5) | 0;
    x13 ^= x1;
    x13 = (x13 << 8) | (x13 >>> 24);
    x9 = (x9 + x13) | 0;
    x5 ^= x9;
    x5 = (x5 << 7) | (x5 >>> 25);
    x2 = (x2 + x6) | 0;
    x14 ^= x2;
    x14 = (x14 << 16) | (x14 >>> 16);
    x10 = (x10 + x14) | 0;
    x6 ^= x10;
    x6 = (x6 << 12) | (x6 >>> 20);
    x2 = (x2 + x6) | 0;
    x14 ^= x2;
    x14 = (x14 << 8) | (x14 >>> 24);
    x10 = (x10 + x14) | 0;
    x6 ^= x10;
    x6 = (x6 << 7) | (x6 >>> 25);
    x3 = (x3 + x7) | 0;
    x15 ^= x3;
    x15 = (x15 << 16) | (x15 >>> 16);
    x11 = (x11 + x15) | 0;
    x7 ^= x11;
    x7 = (x7 << 12) | (x7 >>> 20);
    x3 = (x3 + x7) | 0;
    x15 ^= x3;
    x15 = (x15 << 8) | (x15 >>> 24);
    x11 = (x11 + x15) | 0;
    x7 ^= x11;
    x7 = (x7 << 7) | (x7 >>> 25);
    // Diagonal rounds.
    x0 = (x0 + x5) | 0;
    x15 ^= x0;
    x15 = (x15 << 16) | (x15 >>> 16);
    x10 = (x10 + x15) | 0;
    x5 ^= x10;
    x5 = (x5 << 12) | (x5 >>> 20);
    x0 = (x0 + x5) | 0;
    x15 ^= x0;
    x15 = (x15 << 8) | (x15 >>> 24);
    x10 = (x10 + x15) | 0;
    x5 ^= x10;
    x5 = (x5 << 7) | (x5 >>> 25);
    x1 = (x1 + x6) | 0;
    x12 ^= x1;
    x12 = (x12 << 16) | (x12 >>> 16);
    x11 = (x11 + x12) | 0;
    x6 ^= x11;
    x6 = (x6 << 12) | (x6 >>> 20);
    x1 = (x1 + x6) | 0;
    x12 ^= x1;
    x12 = (x12 << 8) | (x12 >>> 24);
    x11 = (x11 + x12) | 0;
    x6 ^= x11;
    x6 = (x6 << 7) | (x6 >>> 25);
    x2 = (x2 + x7) | 0;
    x13 ^= x2;
    x13 = (x13 << 16) | (x13 >>> 16);
    x8 = (x8 + x13) | 0;
    x7 ^= x8;
    x7 = (x7 << 12) | (x7 >>> 20);
    x2 = (x2 + x7) | 0;
    x13 ^= x2;
    x13 = (x13 << 8) | (x13 >>> 24);
    x8 = (x8 + x13) | 0;
    x7 ^= x8;
    x7 = (x7 << 7) | (x7 >>> 25);
    x3 = (x3 + x4) | 0;
    x14 ^= x3;
    x14 = (x14 << 16) | (x14 >>> 16);
    x9 = (x9 + x14) | 0;
    x4 ^= x9;
    x4 = (x4 << 12) | (x4 >>> 20);
    x3 = (x3 + x4) | 0;
    x14 ^= x3;
    x14 = (x14 << 8) | (x14 >>> 24);
    x9 = (x9 + x14) | 0;
    x4 ^= x9;
    x4 = (x4 << 7) | (x4 >>> 25);
  }
  out[0] = x0 + C0;
  out[1] = x1 + C1;
  out[2] = x2 + C2;
  out[3] = x3 + C3;
  out[4] = x4 + k0;
  out[5] = x5 + k1;
  out[6] = x6 + k2;
  out[7] = x7 + k3;
  out[8] = x8 + k4;
  out[9] = x9 + k5;
  out[10] = x10 + k6;
  out[11] = x11 + k7;
  out[12] = x12 + counter;
  out[13] = x13;
  out[14] = x14;
  out[15] = x15;
}

function seedKey(seed: Uint8Array): Uint32Array {
  if (seed.length !== 32) throw new OptionError(`A mask seed has 32 bytes (got ${seed.length}).`);
  const key = new Uint32Array(8);
  const view = new DataView(seed.buffer, seed.byteOffset, 32);
  for (let j = 0; j < 8; j++) key[j] = view.getUint32(4 * j, true);
  return key;
}

/**
 * `acc += sign · PRG(seed) mod 2^bits`, elementwise in place, without materializing the stream.
 * PRG is the ChaCha20 keystream of {@link maskStream}.
 */
export function accumulateMask(
  acc: Uint32Array,
  seed: Uint8Array,
  sign: 1 | -1,
  bits: RingBits,
): void {
  const key = seedKey(seed);
  const block = new Uint32Array(16);
  const length = acc.length;
  if (bits === 32) {
    for (let start = 0, counter = 0; start < length; start += 16, counter++) {
      chachaBlock(key, counter, block);
      const end = Math.min(length, start + 16);
      if (sign === 1) for (let j = start; j < end; j++) acc[j] = acc[j]! + block[j - start]!;
      else for (let j = start; j < end; j++) acc[j] = acc[j]! - block[j - start]!;
    }
    return;
  }
  for (let start = 0, counter = 0; start < length; start += 32, counter++) {
    chachaBlock(key, counter, block);
    const end = Math.min(length, start + 32);
    for (let j = start; j < end; j++) {
      const t = j - start;
      const m = (block[t >> 1]! >>> ((t & 1) * 16)) & 0xffff;
      acc[j] = (sign === 1 ? acc[j]! + m : acc[j]! - m) & 0xffff;
    }
  }
}

/**
 * `length` pseudo-random ring elements from a 32-byte seed (ChaCha20 keystream; 16-bit rings use
 * both halves of each word). Deterministic: both ends of a pair derive the same mask.
 */
export function maskStream(seed: Uint8Array, length: number, bits: RingBits): Uint32Array {
  const out = new Uint32Array(length);
  accumulateMask(out, seed, 1, bits);
  return out;
}

/** A peer's slot and the seed this client shares with it. */
export interface PeerSeed {
  readonly slot: number;
  readonly seed: Uint8Array;
}

/** This client's pairwise mask: + PRG(s) for peers with a larger slot, − PRG(s) for smaller ones. */
export function pairwiseMask(o: {
  readonly slot: number;
  readonly peers: readonly PeerSeed[];
  readonly length: number;
  readonly bits: RingBits;
}): Uint32Array {
  const mask = new Uint32Array(o.length);
  for (const peer of o.peers) {
    if (peer.slot === o.slot) throw new OptionError(`Slot ${o.slot} cannot mask against itself.`);
    accumulateMask(mask, peer.seed, peer.slot > o.slot ? 1 : -1, o.bits);
  }
  return mask;
}

/** The whole mask of an upload: PRG(selfSeed) plus the {@link pairwiseMask}. */
export function uploadMask(o: {
  readonly slot: number;
  readonly peers: readonly PeerSeed[];
  /** The client's 32-byte self-mask seed b_u. */
  readonly selfSeed: Uint8Array;
  readonly length: number;
  readonly bits: RingBits;
}): Uint32Array {
  const mask = pairwiseMask(o);
  accumulateMask(mask, o.selfSeed, 1, o.bits);
  return mask;
}

/** A pairwise seed between survivor `survivor` and the dropped slot `dropped`. */
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
    // The survivor added +PRG when the dropped slot was larger: take it back out, and vice versa.
    accumulateMask(sum, r.seed, r.dropped > r.survivor ? -1 : 1, bits);
  }
}

/** Removes, in place, the survivors' self-masks PRG(b_u) given their reconstructed seeds. */
export function removeSelfMasks(
  sum: Uint32Array,
  selfSeeds: readonly Uint8Array[],
  bits: RingBits,
): void {
  for (const seed of selfSeeds) accumulateMask(sum, seed, -1, bits);
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

/** A per-round ECDH P-256 key pair. */
export interface MaskingKeyPair {
  /** Raw uncompressed P-256 point, base64: goes into the join request. */
  readonly publicKey: string;
  readonly privateKey: CryptoKey;
}

/**
 * A masking key pair whose private scalar the device secret-shares among its neighbours, so the
 * server can recompute the pairwise seeds of a member that drops out (Bonawitz's s_u^SK).
 */
export interface ShareableMaskingKeyPair extends MaskingKeyPair {
  /** The 32-byte private scalar d (big-endian, as in JWK). Never sent in the clear. */
  readonly privateScalar: Uint8Array;
}

/** HKDF `info` of pairwise mask seeds. */
export const MASK_SEED_INFO = 'hearth-secagg-v1';

const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;
/** Bytes of a raw uncompressed P-256 public key (0x04 ‖ x ‖ y). */
export const P256_PUBLIC_KEY_BYTES = 65;

function subtle(): SubtleCrypto {
  const s = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!s)
    throw new OptionError(
      'Secure aggregation needs Web Crypto (crypto.subtle) in a secure context.',
    );
  return s;
}

function base64UrlOf(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function bytesOfBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return base64ToBytes(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
}

async function exportRawPublicKey(key: CryptoKey): Promise<string> {
  return bytesToBase64(new Uint8Array(await subtle().exportKey('raw', key)));
}

/** Generates a fresh key pair for one round (non-extractable: used for share encryption). */
export async function generateMaskingKeyPair(): Promise<MaskingKeyPair> {
  const pair = (await subtle().generateKey(ECDH_P256, false, ['deriveBits'])) as CryptoKeyPair;
  return { publicKey: await exportRawPublicKey(pair.publicKey), privateKey: pair.privateKey };
}

/** Generates a fresh masking key pair for one round, with its private scalar for secret sharing. */
export async function generateShareableMaskingKeyPair(): Promise<ShareableMaskingKeyPair> {
  const pair = (await subtle().generateKey(ECDH_P256, true, ['deriveBits'])) as CryptoKeyPair;
  const jwk = await subtle().exportKey('jwk', pair.privateKey);
  if (!jwk.d) throw new OptionError('Web Crypto exported a P-256 private key without its scalar.');
  const privateScalar = bytesOfBase64Url(jwk.d);
  if (privateScalar.length !== 32) {
    throw new OptionError(`A P-256 private scalar has 32 bytes (got ${privateScalar.length}).`);
  }
  return {
    publicKey: await exportRawPublicKey(pair.publicKey),
    privateKey: pair.privateKey,
    privateScalar,
  };
}

/** Imports a peer's raw P-256 public key; rejects anything that is not a point on the curve. */
export async function importPublicKey(publicKey: string): Promise<CryptoKey> {
  const raw = base64ToBytes(publicKey);
  if (raw.length !== P256_PUBLIC_KEY_BYTES || raw[0] !== 4) {
    throw new OptionError(
      `A public key is a raw uncompressed P-256 point of ${P256_PUBLIC_KEY_BYTES} bytes.`,
    );
  }
  return subtle().importKey('raw', raw as Uint8Array<ArrayBuffer>, ECDH_P256, false, []);
}

/**
 * Rebuilds a member's masking private key from its reconstructed scalar and its advertised public
 * key. Web Crypto checks that the scalar matches the point, so inconsistent shares fail here.
 */
export async function importMaskingPrivateKey(
  privateScalar: Uint8Array,
  publicKey: string,
): Promise<CryptoKey> {
  const raw = base64ToBytes(publicKey);
  if (raw.length !== P256_PUBLIC_KEY_BYTES || privateScalar.length !== 32) {
    throw new OptionError('A P-256 private scalar has 32 bytes and its public key 65.');
  }
  const jwk: JsonWebKey = {
    kty: 'EC',
    crv: 'P-256',
    x: base64UrlOf(raw.subarray(1, 33)),
    y: base64UrlOf(raw.subarray(33, 65)),
    d: base64UrlOf(privateScalar),
  };
  try {
    return await subtle().importKey('jwk', jwk, ECDH_P256, false, ['deriveBits']);
  } catch {
    throw new OptionError('The reconstructed private key does not match the member’s public key.');
  }
}

/**
 * 32 bytes shared by the holders of `privateKey` and `peerPublicKey` in round `roundId`:
 * HKDF-SHA-256(ECDH(·,·), salt = round id, info). Distinct `info` separates the uses of one pair.
 */
export async function deriveRoundSecret(
  privateKey: CryptoKey,
  peerPublicKey: string | CryptoKey,
  roundId: string,
  info: string,
): Promise<Uint8Array> {
  const s = subtle();
  const peer =
    typeof peerPublicKey === 'string' ? await importPublicKey(peerPublicKey) : peerPublicKey;
  const shared = await s.deriveBits({ name: 'ECDH', public: peer }, privateKey, 256);
  const hkdfKey = await s.importKey('raw', shared, 'HKDF', false, ['deriveBits']);
  const enc = new TextEncoder();
  const bits = await s.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: enc.encode(roundId), info: enc.encode(info) },
    hkdfKey,
    256,
  );
  return new Uint8Array(bits);
}

/** The 32-byte mask seed this client shares with the holder of `peerPublicKey` in round `roundId`. */
export function deriveMaskSeed(
  privateKey: CryptoKey,
  peerPublicKey: string | CryptoKey,
  roundId: string,
): Promise<Uint8Array> {
  return deriveRoundSecret(privateKey, peerPublicKey, roundId, MASK_SEED_INFO);
}

/** Seeds with the given participants other than `slot` (for {@link pairwiseMask}). */
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

/** 32 fresh bytes from the platform CSPRNG (self-mask seeds). */
export function randomSeed(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(32));
}
