import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random';
import { fromRing, ringAddInPlace, toRing, type RingBits } from '../../src/federated/quantize';
import {
  accumulateMask,
  base64ToBytes,
  bytesToBase64,
  deriveCohortSeeds,
  deriveMaskSeed,
  generateMaskingKeyPair,
  generateShareableMaskingKeyPair,
  importMaskingPrivateKey,
  maskStream,
  pairwiseMask,
  removeDroppedMasks,
  removeSelfMasks,
  uploadMask,
  type PeerSeed,
} from '../../src/federated/secure-aggregation';

/** Symmetric random pairwise seeds for `n` slots. */
function seedTable(n: number, seed: number): Uint8Array[][] {
  const rng = createRng(seed);
  const t: Uint8Array[][] = Array.from({ length: n }, () => new Array<Uint8Array>(n));
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const s = Uint8Array.from({ length: 32 }, () => rng.int(256));
      t[a]![b] = s;
      t[b]![a] = s;
    }
  }
  return t;
}

const peersOf = (t: Uint8Array[][], slot: number, members: readonly number[]): PeerSeed[] =>
  members.filter((s) => s !== slot).map((s) => ({ slot: s, seed: t[slot]![s]! }));

describe('maskStream (ChaCha20)', () => {
  it('matches the RFC 7539 keystream for the all-zero key and nonce', () => {
    const words = maskStream(new Uint8Array(32), 4, 32);
    // 76 b8 e0 ad a0 f1 3d 90 40 5d 6a e5 53 86 bd 28, read little-endian.
    expect(Array.from(words)).toEqual([0xade0b876, 0x903df1a0, 0xe56a5d40, 0x28bd8653]);
  });

  it('16-bit streams use both halves of each word', () => {
    const w = maskStream(new Uint8Array(32), 2, 32);
    const h = maskStream(new Uint8Array(32), 4, 16);
    expect(Array.from(h)).toEqual([w[0]! & 0xffff, w[0]! >>> 16, w[1]! & 0xffff, w[1]! >>> 16]);
  });

  it('matches RFC 7539 A.1 test vectors #1 and #2 (blocks 0 and 1 of the zero key)', () => {
    const words = maskStream(new Uint8Array(32), 32, 32);
    const hex = Array.from(words, (x) =>
      [0, 1, 2, 3].map((i) => ((x >>> (8 * i)) & 255).toString(16).padStart(2, '0')).join(''),
    ).join('');
    expect(hex.slice(0, 128)).toBe(
      '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586',
    );
    expect(hex.slice(128)).toBe(
      '9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f',
    );
  });

  it('accumulates exactly the keystream, with either sign, across partial blocks', () => {
    const seed = Uint8Array.from({ length: 32 }, (_, j) => j);
    for (const bits of [16, 32] as const) {
      for (const length of [1, 15, 16, 17, 31, 33, 100]) {
        const acc = new Uint32Array(length);
        accumulateMask(acc, seed, 1, bits);
        expect(Array.from(acc)).toEqual(Array.from(maskStream(seed, length, bits)));
        accumulateMask(acc, seed, -1, bits);
        expect(Array.from(acc)).toEqual(new Array(length).fill(0));
      }
    }
  });

  it('differs across seeds and spans blocks', () => {
    const a = maskStream(new Uint8Array(32), 40, 32);
    const b = maskStream(new Uint8Array(32).fill(1), 40, 32);
    expect(Array.from(a)).not.toEqual(Array.from(b));
    expect(new Set(a).size).toBe(40);
  });
});

describe('pairwise masks', () => {
  it.each([16, 32] as const)(
    'cancel exactly in the %i-bit modular sum of quantized updates',
    (bits: RingBits) => {
      const n = 6;
      const d = 257;
      const table = seedTable(n, 11);
      const members = [0, 1, 2, 3, 4, 5];
      const rng = createRng(4);
      const plain = new Uint32Array(d);
      const masked = new Uint32Array(d);
      for (const slot of members) {
        const q = Int32Array.from({ length: d }, () => rng.int(2001) - 1000);
        const ring = toRing(q, bits);
        ringAddInPlace(plain, ring, bits);
        const mask = pairwiseMask({ slot, peers: peersOf(table, slot, members), length: d, bits });
        const upload = ring.slice();
        ringAddInPlace(upload, mask, bits);
        // A single masked upload looks nothing like the update.
        expect(Array.from(upload)).not.toEqual(Array.from(ring));
        ringAddInPlace(masked, upload, bits);
      }
      expect(Array.from(fromRing(masked, bits))).toEqual(Array.from(fromRing(plain, bits)));
    },
  );

  it('survivors revealing their seeds with dropped peers recover the survivors’ exact sum', () => {
    const bits = 32;
    const d = 50;
    const members = [0, 1, 2, 3, 4];
    const dropped = [1, 3];
    const table = seedTable(members.length, 2);
    const rng = createRng(8);
    const truth = new Uint32Array(d);
    const sum = new Uint32Array(d);
    for (const slot of members) {
      if (dropped.includes(slot)) continue;
      const ring = toRing(
        Int32Array.from({ length: d }, () => rng.int(100) - 50),
        bits,
      );
      ringAddInPlace(truth, ring, bits);
      const upload = ring.slice();
      ringAddInPlace(
        upload,
        pairwiseMask({ slot, peers: peersOf(table, slot, members), length: d, bits }),
        bits,
      );
      ringAddInPlace(sum, upload, bits);
    }
    expect(Array.from(sum)).not.toEqual(Array.from(truth));
    const revealed = members
      .filter((s) => !dropped.includes(s))
      .flatMap((survivor) =>
        dropped.map((x) => ({ survivor, dropped: x, seed: table[survivor]![x]! })),
      );
    removeDroppedMasks(sum, revealed, bits);
    expect(Array.from(sum)).toEqual(Array.from(truth));
  });

  it('with self-masks, the sum cancels only after every survivor’s PRG(b_u) is removed', () => {
    const bits = 32;
    const d = 64;
    const members = [0, 1, 2, 3];
    const table = seedTable(members.length, 5);
    const rng = createRng(9);
    const selfSeeds = members.map(() => Uint8Array.from({ length: 32 }, () => rng.int(256)));
    const truth = new Uint32Array(d);
    const sum = new Uint32Array(d);
    for (const slot of members) {
      const ring = toRing(
        Int32Array.from({ length: d }, () => rng.int(100) - 50),
        bits,
      );
      ringAddInPlace(truth, ring, bits);
      const upload = ring.slice();
      ringAddInPlace(
        upload,
        uploadMask({
          slot,
          peers: peersOf(table, slot, members),
          selfSeed: selfSeeds[slot]!,
          length: d,
          bits,
        }),
        bits,
      );
      ringAddInPlace(sum, upload, bits);
    }
    expect(Array.from(sum)).not.toEqual(Array.from(truth));
    removeSelfMasks(sum, selfSeeds.slice(0, 3), bits);
    expect(Array.from(sum)).not.toEqual(Array.from(truth));
    removeSelfMasks(sum, selfSeeds.slice(3), bits);
    expect(Array.from(sum)).toEqual(Array.from(truth));
  });

  it('refuses a peer with its own slot', () => {
    expect(() =>
      pairwiseMask({
        slot: 1,
        peers: [{ slot: 1, seed: new Uint8Array(32) }],
        length: 1,
        bits: 16,
      }),
    ).toThrow(/itself/);
  });
});

describe('key agreement (ECDH P-256 + HKDF)', () => {
  it('both ends derive the same 32-byte seed, bound to the round id', async () => {
    const a = await generateMaskingKeyPair();
    const b = await generateMaskingKeyPair();
    const ab = await deriveMaskSeed(a.privateKey, b.publicKey, 'r1');
    const ba = await deriveMaskSeed(b.privateKey, a.publicKey, 'r1');
    expect(ab.length).toBe(32);
    expect(Array.from(ab)).toEqual(Array.from(ba));
    const other = await deriveMaskSeed(a.privateKey, b.publicKey, 'r2');
    expect(Array.from(other)).not.toEqual(Array.from(ab));
  });

  it('masks built from derived cohort seeds cancel', async () => {
    const keys = await Promise.all([0, 1, 2].map(() => generateMaskingKeyPair()));
    const participants = keys.map((k, slot) => ({ slot, publicKey: k.publicKey }));
    const sum = new Uint32Array(20);
    for (const [slot, k] of keys.entries()) {
      const peers = await deriveCohortSeeds({
        privateKey: k.privateKey,
        slot,
        participants,
        roundId: 'r9',
      });
      ringAddInPlace(sum, pairwiseMask({ slot, peers, length: 20, bits: 32 }), 32);
    }
    expect(Array.from(sum)).toEqual(new Array(20).fill(0));
  });

  it('a shareable key’s scalar rebuilds the private key; a wrong scalar is refused', async () => {
    const a = await generateShareableMaskingKeyPair();
    const b = await generateMaskingKeyPair();
    expect(a.privateScalar.length).toBe(32);
    const rebuilt = await importMaskingPrivateKey(a.privateScalar, a.publicKey);
    const direct = await deriveMaskSeed(a.privateKey, b.publicKey, 'r3');
    const again = await deriveMaskSeed(rebuilt, b.publicKey, 'r3');
    expect(Array.from(again)).toEqual(Array.from(direct));
    const other = await generateShareableMaskingKeyPair();
    await expect(importMaskingPrivateKey(other.privateScalar, a.publicKey)).rejects.toThrow(
      /does not match/,
    );
    await expect(
      deriveMaskSeed(a.privateKey, bytesToBase64(new Uint8Array(65)), 'r3'),
    ).rejects.toThrow();
  });

  it('base64 helpers round-trip and reject garbage', () => {
    const bytes = Uint8Array.of(0, 255, 17, 3);
    expect(Array.from(base64ToBytes(bytesToBase64(bytes)))).toEqual([0, 255, 17, 3]);
    expect(() => base64ToBytes('%%%')).toThrow(/base64/);
  });
});
