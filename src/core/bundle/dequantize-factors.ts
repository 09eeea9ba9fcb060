import { ModelFileError } from '../errors';
import type { ModelTensor } from '../model-file/model-file-format';
import {
  checkTensorValues,
  MAX_MODEL_PARAMETER,
  type TensorValueRule,
} from './check-bundle-values';
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

function inconsistent(detail: string): ModelFileError {
  return new ModelFileError(
    'MODEL_FILE_CORRUPT',
    `Cannot load model: ${detail}; train or export the model again.`,
  );
}

/** The declared encoding, or a `MODEL_FILE_CORRUPT` naming the header field. */
export function factorEncodingOf(value: unknown): FactorEncoding {
  if (value === undefined) return 'float32';
  if (FACTOR_ENCODINGS.includes(value as FactorEncoding)) return value as FactorEncoding;
  throw inconsistent(
    `header field ${FACTOR_ENCODING_FIELD} is ${JSON.stringify(value)}, expected one of ${FACTOR_ENCODINGS.join(', ')}`,
  );
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
  const expected = { float32: Float32Array, float16: Uint16Array, int8: Int8Array }[encoding];
  const dtype = { float32: 'float32', float16: 'uint16', int8: 'int8' }[encoding];
  if (!(stored instanceof expected)) {
    throw inconsistent(
      `tensor "${FACTORS_TENSOR}" must be ${dtype} for ${FACTOR_ENCODING_FIELD} ${encoding}, but it is missing or has another dtype`,
    );
  }
  if (stored.length !== length) {
    throw inconsistent(
      `tensor "${FACTORS_TENSOR}" has ${stored.length} values, expected ${o.numItems} items × ${o.factors} factors = ${length}`,
    );
  }
  if (encoding !== 'int8' && o.tensors[FACTOR_SCALES_TENSOR] !== undefined) {
    throw inconsistent(
      `tensor "${FACTOR_SCALES_TENSOR}" is present, but ${FACTOR_ENCODING_FIELD} is ${encoding} (scales belong to int8 factors)`,
    );
  }
  if (stored instanceof Float32Array) {
    checkTensorValues(FACTORS_TENSOR, stored, o.rule);
    return stored;
  }
  if (stored instanceof Uint16Array) return widenFloat16(stored, o);
  return dequantizeInt8(stored as Int8Array, o);
}

function rowLabel(o: StoredFactors, row: number): string {
  return o.rule.rowName ? ` (${o.rule.rowName(row)})` : '';
}

function dequantizeInt8(values: Int8Array, o: StoredFactors): Float32Array {
  const scales = o.tensors[FACTOR_SCALES_TENSOR];
  if (!(scales instanceof Float32Array) || scales.length !== o.numItems) {
    throw inconsistent(
      `tensor "${FACTOR_SCALES_TENSOR}" must be float32 with one scale per item (${o.numItems}) for int8 item factors, but it is missing or has another dtype or length`,
    );
  }
  checkTensorValues(FACTOR_SCALES_TENSOR, scales, {
    ...o.rule,
    min: 0,
    max: MAX_MODEL_PARAMETER / INT8_FACTOR_MAX,
    rowLength: 1,
  });
  const k = o.factors;
  const out = new Float32Array(values.length);
  for (let r = 0; r < o.numItems; r++) {
    const scale = scales[r]!;
    const at = r * k;
    for (let d = 0; d < k; d++) {
      const q = values[at + d]!;
      if (q < -INT8_FACTOR_MAX) {
        throw inconsistent(
          `tensor "${FACTORS_TENSOR}" holds the int8 value ${q} at row ${r}, column ${d}${rowLabel(o, r)}, outside [−${INT8_FACTOR_MAX}, ${INT8_FACTOR_MAX}]`,
        );
      }
      out[at + d] = q * scale;
    }
  }
  return out;
}

let halfTable: Float32Array | null = null;

/** float32 value of every half-precision bit pattern (256 KB, built on first use). */
function float16Table(): Float32Array {
  if (halfTable) return halfTable;
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) table[h] = float16Value(h);
  halfTable = table;
  return table;
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

function widenFloat16(bits: Uint16Array, o: StoredFactors): Float32Array {
  const table = float16Table();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  // The widened values are then checked like float32 factors (∞/NaN patterns, the range).
  checkTensorValues(FACTORS_TENSOR, out, o.rule);
  return out;
}
