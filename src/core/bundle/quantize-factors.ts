import { OptionError } from '../errors';
import { FLOAT16_MAX, INT8_FACTOR_MAX } from './factor-encoding';

/** Item factors as `int8` rows: `values[i·k + d] · scales[i]` approximates the float factor. */
export interface Int8Factors {
  readonly values: Int8Array;
  readonly scales: Float32Array;
}

/**
 * Quantizes `factors` (`rows × k`, row-major) to int8 with one scale per row: the row's largest
 * |v| maps to ±127, so every row keeps its own resolution (a popular item's long vector and a
 * cold item's short one are both stored to within 0.4 % of their largest component). All-zero
 * rows get scale 0.
 */
export function quantizeInt8Rows(factors: Float32Array, k: number): Int8Factors {
  const rows = factors.length / k;
  const values = new Int8Array(factors.length);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const at = r * k;
    let maxAbs = 0;
    for (let d = 0; d < k; d++) maxAbs = Math.max(maxAbs, Math.abs(factors[at + d]!));
    if (!(maxAbs > 0)) continue;
    const scale = Math.fround(maxAbs / INT8_FACTOR_MAX);
    scales[r] = scale;
    for (let d = 0; d < k; d++) {
      const q = Math.round(factors[at + d]! / scale);
      values[at + d] = Math.max(-INT8_FACTOR_MAX, Math.min(INT8_FACTOR_MAX, q));
    }
  }
  return { values, scales };
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** The IEEE half-precision bits of `value` (round to nearest even; NaN and ±∞ kept). */
export function float16Bits(value: number): number {
  F32[0] = value;
  const x = U32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp32 = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exp32 === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const exp = exp32 - 127 + 15;
  if (exp >= 0x1f) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - exp;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    return sign | (half + (rest > halfway || (rest === halfway && half & 1) ? 1 : 0));
  }
  const half = sign | (exp << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (and overflows to ∞ at the top).
  return half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0);
}

/**
 * `factors` as half-precision bits.
 *
 * @throws OptionError when a value is beyond ±65504 (half precision would store ∞); such a model
 *   must be written as `float32`.
 */
export function toFloat16(factors: Float32Array): Uint16Array {
  const out = new Uint16Array(factors.length);
  for (let i = 0; i < factors.length; i++) {
    const v = factors[i]!;
    if (!(Math.abs(v) <= FLOAT16_MAX)) {
      throw new OptionError(
        `Item factor ${String(v)} at position ${i} does not fit half precision (|v| ≤ ${FLOAT16_MAX}); write this model with float32 item factors.`,
      );
    }
    out[i] = float16Bits(v);
  }
  return out;
}
