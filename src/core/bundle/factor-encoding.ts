/**
 * How a bundle file stores its item factors. Training and serving always work on float32; the
 * encoding only changes the bytes on the wire and on disk.
 * - `float32`: 4 bytes per value, exact.
 * - `float16`: 2 bytes per value (IEEE half precision, round to nearest even; |v| ≤ 65504).
 * - `int8`: 1 byte per value plus one float32 scale per item row (symmetric, per-row max-abs
 *   scaling: v ≈ q·scale with q in [−127, 127]).
 */
export type FactorEncoding = 'float32' | 'float16' | 'int8';

/** Every {@link FactorEncoding}, smallest file first. */
export const FACTOR_ENCODINGS: readonly FactorEncoding[] = ['int8', 'float16', 'float32'];

/** Header field of a bundle naming its item factors' encoding (absent: `float32`). */
export const FACTOR_ENCODING_FIELD = 'itemFactorEncoding';

/** Tensor holding the per-row scales of `int8` item factors. */
export const FACTOR_SCALES_TENSOR = 'mf.itemFactorScales';

/** Largest |q| of an `int8` factor: the range is symmetric, so −128 never occurs. */
export const INT8_FACTOR_MAX = 127;

/** Largest finite half-precision value. */
export const FLOAT16_MAX = 65504;
