import type { ModelTensor } from '../model-file/model-file-format';
import {
  checkTensorValues,
  MAX_MODEL_PARAMETER,
  type TensorValueRule,
} from './check-bundle-values';
import { corrupt } from './decode-bundle';
import {
  FACTOR_ENCODINGS,
  FACTOR_ENCODING_FIELD,
  FACTOR_SCALES_TENSOR,
  INT8_FACTOR_MAX,
  type FactorEncoding,
} from './factor-encoding';

/** Where the item factors of a bundle file are and how to name a row in an error. */
export interface StoredFactors {
  readonly tensors: Readonly<Record<string, ModelTensor>>;
  /** The header's {@link FACTOR_ENCODING_FIELD} value (undefined when absent). */
  readonly encoding: unknown;
  readonly numItems: number;
  readonly factors: number;
  /** The per-item value rule (finite, ± {@link MAX_MODEL_PARAMETER}) with row names. */
  readonly rule: TensorValueRule;
}

const FACTORS_TENSOR = 'mf.itemFactors';

/** The declared encoding, or a `MODEL_FILE_CORRUPT` naming the header field. */
export function factorEncodingOf(value: unknown): FactorEncoding {
  if (value === undefined) return 'float32';
  if (FACTOR_ENCODINGS.includes(value as FactorEncoding)) return value as FactorEncoding;
  throw corrupt(`header field ${FACTOR_ENCODING_FIELD} is ${JSON.stringify(value)}`);
}

/**
 * The item factors of a bundle file as float32, whatever their stored encoding: `int8` rows are
 * multiplied by their scales and `float16` values widened, once, at load (every scoring, fold-in
 * and fine-tuning path then reads plain float32 rows). Every value is checked first.
 *
 * @throws ModelFileError `MODEL_FILE_CORRUPT` naming the field, tensor, row (item) and value: an
 *   unknown encoding, a tensor of the wrong dtype or length, a negative, non-finite or oversized
 *   scale, an int8 value of −128, a half-precision ∞/NaN, or scales without int8 factors.
 */
export function decodeItemFactors(o: StoredFactors): Float32Array {
  const encoding = factorEncodingOf(o.encoding);
  const length = o.numItems * o.factors;
  const stored = o.tensors[FACTORS_TENSOR];
  const int8 = encoding === 'int8';
  const [expected, dtype] = int8
    ? [Int8Array, 'int8']
    : encoding === 'float16'
      ? [Uint16Array, 'uint16']
      : [Float32Array, 'float32'];
  const scales = o.tensors[FACTOR_SCALES_TENSOR];
  const wrong = !(stored instanceof expected)
    ? `${FACTORS_TENSOR} is not ${dtype}`
    : stored.length !== length
      ? `${FACTORS_TENSOR} has ${stored.length} values, expected ${o.numItems} items × ${o.factors} factors`
      : int8 !== (scales !== undefined)
        ? `${FACTOR_SCALES_TENSOR} is ${int8 ? 'missing' : 'present'}`
        : int8 && !(scales instanceof Float32Array && scales.length === o.numItems)
          ? `${FACTOR_SCALES_TENSOR} is not float32 with one scale per item`
          : undefined;
  if (wrong !== undefined) throw corrupt(`${wrong} (${FACTOR_ENCODING_FIELD} ${encoding})`);
  if (stored instanceof Float32Array) {
    checkTensorValues(FACTORS_TENSOR, stored, o.rule);
    return stored;
  }
  const out = new Float32Array(length);
  if (stored instanceof Uint16Array) {
    for (let i = 0; i < length; i++) out[i] = float16Value(stored[i]!);
    // Widened values are checked like float32 factors (∞/NaN patterns, the range).
    checkTensorValues(FACTORS_TENSOR, out, o.rule);
    return out;
  }
  const rowScales = scales as Float32Array;
  checkTensorValues(FACTOR_SCALES_TENSOR, rowScales, {
    ...o.rule,
    min: 0,
    max: MAX_MODEL_PARAMETER / INT8_FACTOR_MAX,
    rowLength: 1,
  });
  const k = o.factors;
  for (let i = 0; i < length; i++) {
    const q = (stored as Int8Array)[i]!;
    if (q < -INT8_FACTOR_MAX) {
      const row = Math.floor(i / k);
      throw corrupt(
        `${FACTORS_TENSOR} holds the int8 value ${q} at row ${row}, column ${i - row * k}${o.rule.rowName ? ` (${o.rule.rowName(row)})` : ''}`,
      );
    }
    out[i] = q * rowScales[Math.floor(i / k)]!;
  }
  return out;
}

/** The number a half-precision bit pattern encodes. */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exp === 0) return sign * mantissa * 2 ** -24;
  if (exp === 0x1f) return mantissa !== 0 ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exp - 15);
}
