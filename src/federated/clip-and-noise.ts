/**
 * L2 clipping and Gaussian noise for federated updates. Browser-safe. Noise for real uploads comes
 * from {@link createCryptoRng} (the OS CSPRNG); simulations and tests pass a seeded `createRng`.
 */
import { OptionError } from '../core/errors';
import { createNormalSampler, type Rng } from '../core/random';

/** Euclidean norm of `v`. */
export function l2Norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j]! * v[j]!;
  return Math.sqrt(s);
}

/**
 * Scales `v` in place so its L2 norm is at most `bound`. Returns the norm before clipping and the
 * factor applied (1 when it was already inside).
 */
export function clipInPlace(
  v: Float64Array | Float32Array,
  bound: number,
): { readonly norm: number; readonly factor: number } {
  if (!(bound > 0) || !Number.isFinite(bound)) {
    throw new OptionError(`The clipping bound must be a finite positive number (got ${bound}).`);
  }
  const norm = l2Norm(v);
  if (norm <= bound) return { norm, factor: 1 };
  const factor = bound / norm;
  for (let j = 0; j < v.length; j++) v[j]! *= factor;
  return { norm, factor };
}

/** Adds independent N(0, std²) to every entry of `v` in place. */
export function addGaussianNoise(v: Float64Array | Float32Array, std: number, rng: Rng): void {
  if (!(std >= 0) || !Number.isFinite(std)) {
    throw new OptionError(`The noise standard deviation must be finite and ≥ 0 (got ${std}).`);
  }
  if (std === 0) return;
  for (let j = 0; j < v.length; j++) v[j]! += std * rng.normal();
}

/** Adds independent `round(N(0, std²))` to every entry of the integer vector `q` in place. */
export function addRoundedGaussianNoise(q: Int32Array, std: number, rng: Rng): void {
  if (!(std >= 0) || !Number.isFinite(std)) {
    throw new OptionError(`The noise standard deviation must be finite and ≥ 0 (got ${std}).`);
  }
  if (std === 0) return;
  for (let j = 0; j < q.length; j++) q[j]! += Math.round(std * rng.normal());
}

/** Interface of the global Web Crypto object that {@link createCryptoRng} needs. */
interface RandomSource {
  getRandomValues<T extends ArrayBufferView>(array: T): T;
}

/**
 * A generator backed by the platform CSPRNG (`crypto.getRandomValues`, in browsers, workers and
 * Node ≥ 19), buffered 4 KiB at a time. Use it for noise that must stay secret from the server.
 */
export function createCryptoRng(source?: RandomSource): Rng {
  const crypto = source ?? (globalThis as { crypto?: RandomSource }).crypto;
  if (!crypto) {
    throw new OptionError(
      'No Web Crypto random source is available; pass one or use a seeded Rng.',
    );
  }
  const buffer = new Uint32Array(1024);
  let pos = buffer.length;
  const u32 = (): number => {
    if (pos === buffer.length) {
      crypto.getRandomValues(buffer);
      pos = 0;
    }
    return buffer[pos++]!;
  };
  // 53 random bits per double: the low bits of a 32-bit draw alone would quantize the tails.
  const next = (): number => (u32() * 2 ** 21 + (u32() >>> 11)) / 2 ** 53;
  return { next, int: (n) => Math.floor(next() * n), normal: createNormalSampler(next) };
}
