/**
 * End-to-end encryption of the secret shares one member of a secure round sends another through
 * the server. Browser-safe (Web Crypto).
 *
 * Key: AES-256-GCM with HKDF-SHA-256(ECDH(c_u, c_v), salt = round id, info = "hearth-secagg-share-v1")
 * of the members' share-encryption key pairs — separate from the masking key pairs (whose private
 * scalars are secret-shared, so a server that reconstructs a dropped member's masking key must not
 * thereby read the shares sent to it), and with an `info` distinct from the mask seeds'. Nonce: 96
 * random bits. Associated data: round id, sender and recipient slots, so the server cannot replay a
 * ciphertext into another round or redirect it to another pair. Plaintext: the share of the
 * sender's self-mask seed b_u, then the share of its masking private scalar.
 */
import { deriveRoundSecret } from './secure-aggregation';
import { shareBytes } from './shamir-sharing';

/** HKDF `info` of share-encryption keys. */
export const SHARE_KEY_INFO = 'hearth-secagg-share-v1';
/** Bytes of each shared secret (self-mask seed, P-256 private scalar). */
export const SHARED_SECRET_BYTES = 32;
/** Bytes of one Shamir share of a {@link SHARED_SECRET_BYTES}-byte secret. */
export const SHARE_BYTES = shareBytes(SHARED_SECRET_BYTES);
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Bytes of one encrypted share pair: nonce, two shares, GCM tag. */
export const SHARE_CIPHERTEXT_BYTES = IV_BYTES + 2 * SHARE_BYTES + TAG_BYTES;

/** What one member holds of another's secrets. */
export interface SharePair {
  /** Share of the sender's self-mask seed b_u. */
  readonly selfMaskShare: Uint8Array;
  /** Share of the sender's masking private scalar. */
  readonly keyShare: Uint8Array;
}

/** The AES-GCM key of the pair (this device's share-encryption key, the peer's public one). */
export async function deriveShareKey(
  privateKey: CryptoKey,
  peerShareKey: string,
  roundId: string,
): Promise<CryptoKey> {
  const bytes = await deriveRoundSecret(privateKey, peerShareKey, roundId, SHARE_KEY_INFO);
  return globalThis.crypto.subtle.importKey(
    'raw',
    bytes as Uint8Array<ArrayBuffer>,
    'AES-GCM',
    false,
    ['encrypt', 'decrypt'],
  );
}

const associatedData = (roundId: string, from: number, to: number): Uint8Array<ArrayBuffer> =>
  new TextEncoder().encode(`${SHARE_KEY_INFO}|${roundId}|${from}|${to}`);

/** Encrypts `shares` from slot `from` to slot `to` (nonce from the platform CSPRNG). */
export async function encryptSharePair(o: {
  readonly key: CryptoKey;
  readonly roundId: string;
  readonly from: number;
  readonly to: number;
  readonly shares: SharePair;
}): Promise<Uint8Array> {
  const plain = new Uint8Array(2 * SHARE_BYTES);
  plain.set(o.shares.selfMaskShare, 0);
  plain.set(o.shares.keyShare, SHARE_BYTES);
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: associatedData(o.roundId, o.from, o.to) },
    o.key,
    plain,
  );
  const out = new Uint8Array(SHARE_CIPHERTEXT_BYTES);
  out.set(iv, 0);
  out.set(new Uint8Array(sealed), IV_BYTES);
  return out;
}

/** Decrypts a share pair sent from `from` to `to`; null when it is not authentic. */
export async function decryptSharePair(o: {
  readonly key: CryptoKey;
  readonly roundId: string;
  readonly from: number;
  readonly to: number;
  readonly ciphertext: Uint8Array;
}): Promise<SharePair | null> {
  if (o.ciphertext.length !== SHARE_CIPHERTEXT_BYTES) return null;
  let plain: ArrayBuffer;
  try {
    plain = await globalThis.crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: o.ciphertext.slice(0, IV_BYTES),
        additionalData: associatedData(o.roundId, o.from, o.to),
      },
      o.key,
      o.ciphertext.slice(IV_BYTES) as Uint8Array<ArrayBuffer>,
    );
  } catch {
    return null;
  }
  const bytes = new Uint8Array(plain);
  return {
    selfMaskShare: bytes.slice(0, SHARE_BYTES),
    keyShare: bytes.slice(SHARE_BYTES, 2 * SHARE_BYTES),
  };
}
