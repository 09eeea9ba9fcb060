/**
 * Fixed-point quantization of update vectors into the ring Z/2^bits, so that masked sums
 * (secure aggregation) are exact integer arithmetic. Browser-safe.
 *
 * A value v becomes the integer q = ⌊v/scale⌋ + Bernoulli(frac(v/scale)) (unbiased stochastic
 * rounding), clamped to ±clamp, and is sent modulo 2^bits little-endian. Sums of up to
 * ⌊(2^(bits−1) − 1) / clamp⌋ clients decode exactly as signed integers.
 */
import { OptionError } from '../core/errors';
import type { Rng } from '../core/random';

/** Ring widths Hearth uses: 16 bits for plain rounds, 32 for masked ones. */
export type RingBits = 16 | 32;

function checkBits(bits: number): asserts bits is RingBits {
  if (bits !== 16 && bits !== 32)
    throw new OptionError(`Ring width must be 16 or 32 bits (got ${bits}).`);
}

/** Unbiased stochastic rounding of `v / scale` to integers. */
export function quantizeStochastic(v: ArrayLike<number>, scale: number, rng: Rng): Int32Array {
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new OptionError(`The quantization scale must be finite and positive (got ${scale}).`);
  }
  const out = new Int32Array(v.length);
  for (let j = 0; j < v.length; j++) {
    const x = v[j]! / scale;
    const lo = Math.floor(x);
    const frac = x - lo;
    // Exact integers (most coordinates of a sparse update are 0) need no random draw.
    out[j] = frac === 0 ? lo : lo + (rng.next() < frac ? 1 : 0);
  }
  return out;
}

/** Clamps every entry to [−clamp, clamp] in place; returns how many entries were clamped. */
export function clampInPlace(q: Int32Array, clamp: number): number {
  let clamped = 0;
  for (let j = 0; j < q.length; j++) {
    const x = q[j]!;
    if (x > clamp) {
      q[j] = clamp;
      clamped++;
    } else if (x < -clamp) {
      q[j] = -clamp;
      clamped++;
    }
  }
  return clamped;
}

/** Multiplies integers by `scale`: the inverse of quantization (up to the rounding). */
export function dequantize(q: ArrayLike<number>, scale: number): Float64Array {
  const out = new Float64Array(q.length);
  for (let j = 0; j < q.length; j++) out[j] = q[j]! * scale;
  return out;
}

/** Integers reduced modulo 2^bits (two's complement), one `Uint32Array` entry each. */
export function toRing(q: Int32Array, bits: RingBits): Uint32Array {
  checkBits(bits);
  const out = new Uint32Array(q.length);
  const mask = bits === 32 ? 0xffffffff : 0xffff;
  for (let j = 0; j < q.length; j++) out[j] = (q[j]! & mask) >>> 0;
  return out;
}

/** Ring elements read as signed integers in [−2^(bits−1), 2^(bits−1)). */
export function fromRing(r: Uint32Array, bits: RingBits): Int32Array {
  checkBits(bits);
  if (bits === 32) return new Int32Array(r);
  const out = new Int32Array(r.length);
  for (let j = 0; j < r.length; j++) out[j] = (r[j]! << 16) >> 16;
  return out;
}

/** `acc = (acc + x) mod 2^bits`, elementwise in place. */
export function ringAddInPlace(acc: Uint32Array, x: Uint32Array, bits: RingBits): void {
  if (acc.length !== x.length)
    throw new OptionError(`Ring vectors differ in length (${acc.length} vs ${x.length}).`);
  if (bits === 32) for (let j = 0; j < acc.length; j++) acc[j] = (acc[j]! + x[j]!) >>> 0;
  else for (let j = 0; j < acc.length; j++) acc[j] = (acc[j]! + x[j]!) & 0xffff;
}

/** `acc = (acc − x) mod 2^bits`, elementwise in place. */
export function ringSubInPlace(acc: Uint32Array, x: Uint32Array, bits: RingBits): void {
  if (acc.length !== x.length)
    throw new OptionError(`Ring vectors differ in length (${acc.length} vs ${x.length}).`);
  if (bits === 32) for (let j = 0; j < acc.length; j++) acc[j] = (acc[j]! - x[j]!) >>> 0;
  else for (let j = 0; j < acc.length; j++) acc[j] = (acc[j]! - x[j]!) & 0xffff;
}

/** Packs ring elements little-endian, `bits / 8` bytes each. */
export function packRing(r: Uint32Array, bits: RingBits): Uint8Array {
  checkBits(bits);
  const bytes = new Uint8Array((r.length * bits) / 8);
  const view = new DataView(bytes.buffer);
  if (bits === 32) for (let j = 0; j < r.length; j++) view.setUint32(4 * j, r[j]!, true);
  else for (let j = 0; j < r.length; j++) view.setUint16(2 * j, r[j]! & 0xffff, true);
  return bytes;
}

/** Unpacks `bytes` (length must be a multiple of `bits / 8`) into ring elements. */
export function unpackRing(bytes: Uint8Array, bits: RingBits): Uint32Array {
  checkBits(bits);
  const width = bits / 8;
  if (bytes.length % width !== 0) {
    throw new OptionError(
      `Packed ring data of ${bytes.length} bytes is not a multiple of ${width}.`,
    );
  }
  const out = new Uint32Array(bytes.length / width);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bits === 32) for (let j = 0; j < out.length; j++) out[j] = view.getUint32(4 * j, true);
  else for (let j = 0; j < out.length; j++) out[j] = view.getUint16(2 * j, true);
  return out;
}

/** Largest per-client clamp such that the sum of `clients` clamped values decodes exactly. */
export function clampForCohort(bits: RingBits, clients: number): number {
  checkBits(bits);
  if (!(clients >= 1) || !Number.isInteger(clients)) {
    throw new OptionError(`The cohort size must be a positive integer (got ${clients}).`);
  }
  return Math.floor((2 ** (bits - 1) - 1) / clients);
}
