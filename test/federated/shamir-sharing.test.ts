import { describe, expect, it } from 'vitest';
import { createRng, shuffleInPlace } from '../../src/core/random';
import {
  SHAMIR_PRIME,
  combineShares,
  createShareCombiner,
  interpolateAt,
  shareBytes,
  splitSecret,
  type Share,
} from '../../src/federated/shamir-sharing';

const secretOf = (seed: number, length = 32): Uint8Array => {
  const rng = createRng(seed);
  return Uint8Array.from({ length }, () => rng.int(256));
};

describe('Shamir secret sharing over GF(2^26 − 5)', () => {
  it('uses a prime modulus', () => {
    for (let d = 2; d * d <= SHAMIR_PRIME; d++) expect(SHAMIR_PRIME % d).not.toBe(0);
    expect(SHAMIR_PRIME).toBeGreaterThan(2 ** 24);
  });

  it('any t of n shares recover the secret (random subsets, several sizes)', () => {
    const rng = createRng(7);
    for (const [n, t, length] of [
      [3, 2, 32],
      [5, 3, 32],
      [10, 6, 1],
      [17, 9, 33],
      [40, 21, 32],
    ] as const) {
      const secret = secretOf(n * 31 + t, length);
      const points = Array.from({ length: n }, (_, j) => 3 * j + 1 + rng.int(2));
      const shares = splitSecret({ secret, points, threshold: t });
      expect(shares.every((s) => s.share.length === shareBytes(length))).toBe(true);
      for (let trial = 0; trial < 5; trial++) {
        const subset = shuffleInPlace(shares.slice(), rng).slice(0, t + rng.int(n - t + 1));
        expect(Array.from(combineShares(subset, t, length))).toEqual(Array.from(secret));
      }
    }
  });

  it('t − 1 shares are consistent with every secret (perfect hiding)', () => {
    const t = 4;
    const points = [1, 2, 3, 4, 5, 6];
    const secret = secretOf(1);
    const shares = splitSecret({ secret, points, threshold: t });
    const seen = shares.slice(0, t - 1);
    // For any other secret, some polynomial of degree t − 1 passes through (0, other) and the
    // t − 1 shares seen: build its share at a 4th point and check it reconstructs `other`.
    for (let k = 0; k < 5; k++) {
      const other = secretOf(100 + k);
      const otherAsShare: Share = { x: 0, share: encodeAsShare(other) };
      const forged: Share = { x: 6, share: interpolateAt([otherAsShare, ...seen], 6) };
      expect(Array.from(combineShares([...seen, forged], t, 32))).toEqual(Array.from(other));
    }
    // The real 4th share gives back the real secret.
    expect(Array.from(combineShares([...seen, shares[5]!], t, 32))).toEqual(Array.from(secret));
  });

  it('fewer than t shares cannot reconstruct, and mixed-up shares are detected', () => {
    const secret = secretOf(2);
    const points = [1, 2, 3, 4, 5];
    const shares = splitSecret({ secret, points, threshold: 3, rng: createRng(1) });
    expect(() => combineShares(shares.slice(0, 2), 3, 32)).toThrow(/needs 3 shares/);
    // A share from another secret's split breaks interpolation to 24-bit chunks.
    const foreign = splitSecret({ secret: secretOf(3), points, threshold: 3, rng: createRng(2) });
    expect(() => combineShares([shares[0]!, shares[1]!, foreign[2]!], 3, 32)).toThrow(
      /inconsistent/,
    );
  });

  it('a combiner reuses its Lagrange weights across secrets', () => {
    const points = [2, 5, 9];
    const combiner = createShareCombiner(points);
    for (let k = 0; k < 3; k++) {
      const secret = secretOf(10 + k);
      const shares = splitSecret({ secret, points: [1, 2, 5, 9], threshold: 3 });
      const byPoint = new Map(shares.map((s) => [s.x, s.share]));
      const got = combiner.combine(
        points.map((x) => byPoint.get(x)!),
        32,
      );
      expect(Array.from(got)).toEqual(Array.from(secret));
    }
  });

  it('seeded coefficients are reproducible and shares look unrelated to the secret', () => {
    const a = splitSecret({
      secret: new Uint8Array(32),
      points: [1, 2],
      threshold: 2,
      rng: createRng(5),
    });
    const b = splitSecret({
      secret: new Uint8Array(32),
      points: [1, 2],
      threshold: 2,
      rng: createRng(5),
    });
    expect(Array.from(a[0]!.share)).toEqual(Array.from(b[0]!.share));
    // An all-zero secret still has non-zero shares.
    expect(a[0]!.share.some((v) => v !== 0)).toBe(true);
  });

  it('rejects bad options', () => {
    const secret = secretOf(4);
    expect(() => splitSecret({ secret, points: [1, 1], threshold: 2 })).toThrow(/twice/);
    expect(() => splitSecret({ secret, points: [0, 1], threshold: 2 })).toThrow(/point/);
    expect(() => splitSecret({ secret, points: [1, 2], threshold: 3 })).toThrow(/threshold/);
    const bad = new Uint8Array(shareBytes(32)).fill(255);
    expect(() => createShareCombiner([1]).combine([bad], 32)).toThrow(/not below/);
  });
});

/** A secret written as a share (its chunks as field elements): the polynomial's value at 0. */
function encodeAsShare(secret: Uint8Array): Uint8Array {
  const chunks = Math.ceil(secret.length / 3);
  const out = new Uint8Array(chunks * 4);
  const view = new DataView(out.buffer);
  for (let c = 0; c < chunks; c++) {
    let v = 0;
    for (let b = 0; b < 3; b++) v += (secret[c * 3 + b] ?? 0) * 256 ** b;
    view.setUint32(4 * c, v, true);
  }
  return out;
}
