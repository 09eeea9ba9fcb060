/**
 * Shamir secret sharing (t-of-n) of short byte strings over the prime field GF(p), p = 2^26 − 5.
 * Browser-safe.
 *
 * A secret is cut into 3-byte chunks (each < 2^24 < p); every chunk gets its own random polynomial
 * of degree t − 1 with the chunk as constant term, and all chunks share the evaluation points, so a
 * share is one field element (4 bytes, little-endian) per chunk: 44 bytes for a 32-byte secret. Any
 * t shares recover the secret by Lagrange interpolation at 0; any t − 1 shares are consistent with
 * every secret (perfect hiding, see the tests). Evaluation points x are small positive integers
 * (Hearth uses slot + 1); p is prime and larger than any cohort, so distinct points stay distinct.
 *
 * Arithmetic is exact in doubles: field elements are < 2^26, so a product of two is < 2^52, and
 * Horner steps multiply by x ≤ 2^24.
 */
import { OptionError } from '../core/errors';
import type { Rng } from '../core/random';

/** The field modulus: 2^26 − 5, the largest prime below 2^26. */
export const SHAMIR_PRIME = 67_108_859;
/** Secret bytes per field element. */
const CHUNK_BYTES = 3;
/** Largest evaluation point (below p, and keeps Horner products exact). */
export const MAX_SHARE_POINT = 2 ** 24;

/** Bytes of one share of a `secretBytes`-byte secret. */
export function shareBytes(secretBytes: number): number {
  return Math.ceil(secretBytes / CHUNK_BYTES) * 4;
}

/** One share: the evaluation point and the packed field elements. */
export interface Share {
  readonly x: number;
  readonly share: Uint8Array;
}

const P = SHAMIR_PRIME;

const mulMod = (a: number, b: number): number => (a * b) % P;

function powMod(base: number, exp: number): number {
  let result = 1;
  let b = base % P;
  for (let e = exp; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = mulMod(result, b);
    b = mulMod(b, b);
  }
  return result;
}

/** Multiplicative inverse in GF(p) (Fermat). */
const invMod = (a: number): number => powMod(a, P - 2);

/** Uniform field elements from the platform CSPRNG (rejection sampling: exactly uniform). */
function cryptoFieldElements(count: number): Uint32Array {
  const out = new Uint32Array(count);
  const words = new Uint32Array(Math.max(16, count));
  // 2^32 / p ≈ 64: accept words below the largest multiple of p so `w % p` is exactly uniform.
  const limit = Math.floor(2 ** 32 / P) * P;
  let filled = 0;
  while (filled < count) {
    globalThis.crypto.getRandomValues(words);
    for (let j = 0; j < words.length && filled < count; j++) {
      if (words[j]! < limit) out[filled++] = words[j]! % P;
    }
  }
  return out;
}

function checkPoint(x: number, what: string): void {
  if (!Number.isInteger(x) || x < 1 || x > MAX_SHARE_POINT) {
    throw new OptionError(`${what} must be an integer in [1, ${MAX_SHARE_POINT}] (got ${x}).`);
  }
}

/** Field elements of a share, checking the length and that every element is below p. */
function readElements(share: Uint8Array, chunks: number): Uint32Array {
  if (share.length !== chunks * 4) {
    throw new OptionError(`A share has ${chunks * 4} bytes (got ${share.length}).`);
  }
  const view = new DataView(share.buffer, share.byteOffset, share.byteLength);
  const out = new Uint32Array(chunks);
  for (let c = 0; c < chunks; c++) {
    const v = view.getUint32(4 * c, true);
    if (v >= P) throw new OptionError(`Share element ${c} is ${v}, not below ${P}.`);
    out[c] = v;
  }
  return out;
}

function writeElements(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let c = 0; c < values.length; c++) view.setUint32(4 * c, values[c]!, true);
  return out;
}

/** Options of {@link splitSecret}. */
export interface SplitOptions {
  readonly secret: Uint8Array;
  /** Distinct evaluation points in [1, {@link MAX_SHARE_POINT}], one per holder. */
  readonly points: readonly number[];
  /** Shares needed to reconstruct (2 ≤ threshold ≤ points.length, or 1 for a trivial split). */
  readonly threshold: number;
  /** Coefficient randomness; default the platform CSPRNG. Seeded generators are for tests only. */
  readonly rng?: Rng;
}

/** Splits `secret` into one share per point; any `threshold` of them recover it. */
export function splitSecret(o: SplitOptions): Share[] {
  const n = o.points.length;
  if (!Number.isInteger(o.threshold) || o.threshold < 1 || o.threshold > n) {
    throw new OptionError(`The threshold must be an integer in [1, ${n}] (got ${o.threshold}).`);
  }
  const seen = new Set<number>();
  for (const x of o.points) {
    checkPoint(x, 'A share point');
    if (seen.has(x)) throw new OptionError(`Share point ${x} appears twice.`);
    seen.add(x);
  }
  const chunks = Math.ceil(o.secret.length / CHUNK_BYTES);
  const t = o.threshold;
  // coef[i * chunks + c]: coefficient of x^i of chunk c's polynomial; i = 0 is the secret chunk.
  const random =
    t > 1
      ? o.rng
        ? Uint32Array.from({ length: (t - 1) * chunks }, () => o.rng!.int(P))
        : cryptoFieldElements((t - 1) * chunks)
      : new Uint32Array(0);
  const coef = new Float64Array(t * chunks);
  for (let c = 0; c < chunks; c++) {
    let v = 0;
    for (let b = 0; b < CHUNK_BYTES; b++) v += (o.secret[c * CHUNK_BYTES + b] ?? 0) * 256 ** b;
    coef[c] = v;
  }
  coef.set(random, chunks);
  const acc = new Float64Array(chunks);
  return o.points.map((x) => {
    for (let c = 0; c < chunks; c++) acc[c] = coef[(t - 1) * chunks + c]!;
    for (let i = t - 2; i >= 0; i--) {
      const base = i * chunks;
      for (let c = 0; c < chunks; c++) acc[c] = (acc[c]! * x + coef[base + c]!) % P;
    }
    return { x, share: writeElements(acc) };
  });
}

/** Lagrange weights of `xs` for evaluation at `at` (Π_{j≠i} (at − x_j)/(x_i − x_j) mod p). */
function lagrangeWeights(xs: readonly number[], at: number): Float64Array {
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    let num = 1;
    let den = 1;
    for (let j = 0; j < xs.length; j++) {
      if (j === i) continue;
      num = mulMod(num, (((at - xs[j]!) % P) + P) % P);
      den = mulMod(den, (((xs[i]! - xs[j]!) % P) + P) % P);
    }
    out[i] = mulMod(num, invMod(den));
  }
  return out;
}

/**
 * The value at `at` of the polynomials through `points` (raw shares), as a share. With `at = 0` and
 * `threshold` points this is reconstruction; tests use other points to show that t − 1 shares fit
 * any secret.
 */
export function interpolateAt(points: readonly Share[], at: number): Uint8Array {
  const first = points[0];
  if (!first) throw new OptionError('Interpolation needs at least one share.');
  const chunks = first.share.length / 4;
  const xs = points.map((p) => p.x);
  if (new Set(xs).size !== xs.length) throw new OptionError('Shares must have distinct points.');
  const weights = lagrangeWeights(xs, at);
  const acc = new Float64Array(chunks);
  points.forEach((p, i) => {
    const values = readElements(p.share, chunks);
    const w = weights[i]!;
    for (let c = 0; c < chunks; c++) acc[c] = (acc[c]! + mulMod(w, values[c]!)) % P;
  });
  return writeElements(acc);
}

/** A reusable reconstruction for one set of points (the Lagrange weights at 0 are computed once). */
export interface ShareCombiner {
  /** Recovers a `secretBytes`-byte secret from shares given in the combiner's point order. */
  combine(shares: readonly Uint8Array[], secretBytes: number): Uint8Array;
}

/** A combiner for exactly these points (the first `threshold` holders that answered, say). */
export function createShareCombiner(points: readonly number[]): ShareCombiner {
  points.forEach((x) => checkPoint(x, 'A share point'));
  if (new Set(points).size !== points.length)
    throw new OptionError('Shares must have distinct points.');
  const weights = lagrangeWeights(points, 0);
  return {
    combine(shares, secretBytes) {
      if (shares.length !== points.length) {
        throw new OptionError(`Expected ${points.length} shares (got ${shares.length}).`);
      }
      const chunks = Math.ceil(secretBytes / CHUNK_BYTES);
      const acc = new Float64Array(chunks);
      shares.forEach((share, i) => {
        const values = readElements(share, chunks);
        const w = weights[i]!;
        for (let c = 0; c < chunks; c++) acc[c] = (acc[c]! + mulMod(w, values[c]!)) % P;
      });
      const out = new Uint8Array(secretBytes);
      for (let c = 0; c < chunks; c++) {
        let v = acc[c]!;
        // Honest shares interpolate to a 24-bit chunk; anything larger means inconsistent shares.
        if (v >= 256 ** CHUNK_BYTES) {
          throw new OptionError('The shares are inconsistent: they do not interpolate a secret.');
        }
        for (let b = 0; b < CHUNK_BYTES && c * CHUNK_BYTES + b < secretBytes; b++) {
          out[c * CHUNK_BYTES + b] = v % 256;
          v = Math.floor(v / 256);
        }
        if (v !== 0) {
          throw new OptionError('The shares are inconsistent: they do not interpolate a secret.');
        }
      }
      return out;
    },
  };
}

/** Recovers a secret from at least `threshold` shares (uses the first `threshold`). */
export function combineShares(
  shares: readonly Share[],
  threshold: number,
  secretBytes: number,
): Uint8Array {
  if (shares.length < threshold) {
    throw new OptionError(
      `Reconstruction needs ${threshold} shares; only ${shares.length} are available.`,
    );
  }
  const used = shares.slice(0, threshold);
  return createShareCombiner(used.map((s) => s.x)).combine(
    used.map((s) => s.share),
    secretBytes,
  );
}
