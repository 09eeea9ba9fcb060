/**
 * The Hearth model file format: one compact, versioned binary file holding JSON metadata and
 * raw tensors, protected by a checksum.
 *
 * Layout of format versions 1 and 2 (all integers are unsigned 32-bit little-endian; offsets in
 * bytes). Version 2 only adds the dtypes `int8` and `uint16` (quantized tensors); a writer
 * declares the lowest version that holds its tensors, so files without them stay readable by
 * version-1 readers.
 *
 * | offset | size | content                                                              |
 * | ------ | ---- | -------------------------------------------------------------------- |
 * | 0      | 4    | magic `HRTH` (`48 52 54 48`)                                         |
 * | 4      | 4    | format version (1 or 2)                                              |
 * | 8      | 4    | total file length `T`, including the trailing checksum              |
 * | 12     | 4    | header length `H`                                                    |
 * | 16     | H    | header: UTF-8 JSON, see below                                        |
 * | 16 + H | 0–7  | zero padding so the data section starts at `D = align8(16 + H)`      |
 * | D      | …    | tensor bytes, little-endian, each tensor 8-byte aligned              |
 * | T − 4  | 4    | CRC-32 (IEEE) of bytes `0 … T − 5`                                   |
 *
 * The header JSON is `{"header": <caller metadata object>, "tensors": [<entry>, …]}` where each
 * directory entry is `{"name", "dtype", "shape"?, "offset", "length"}`:
 * - `dtype` is one of {@link MODEL_TENSOR_DTYPES};
 * - `offset` is the byte offset of the tensor from the start of the data section `D` (so the
 *   directory does not depend on its own length), a multiple of 8;
 * - `length` is the number of elements (bytes = `length × bytesPerElement`);
 * - `shape`, when present, lists non-negative integer dimensions whose product is `length`.
 *
 * Tensors must not overlap and must end before the checksum. Writers place them in order, each at
 * the next 8-byte boundary, with zero padding; readers accept any non-overlapping aligned layout.
 * Recording `T` up front lets a reader report truncation precisely before computing the checksum;
 * a file longer than `T` is rejected as corrupt.
 */

import type { JsonObject } from './json-value';

/** Magic bytes at the start of every Hearth model file: ASCII `HRTH`. */
export const MODEL_FILE_MAGIC: readonly number[] = [0x48, 0x52, 0x54, 0x48];

/** Newest format version this build writes and reads. */
export const MODEL_FILE_VERSION = 2;

/** Oldest format version this build still reads. */
export const MIN_MODEL_FILE_VERSION = 1;

/** Bytes in the fixed prefix: magic, version, total length, header length. */
export const MODEL_FILE_PREFIX_BYTES = 16;

/** Bytes in the trailing CRC-32. */
export const MODEL_FILE_CHECKSUM_BYTES = 4;

/** Smallest possible file: the prefix and the checksum (a file that small is still invalid: no header). */
export const MODEL_FILE_MIN_BYTES = MODEL_FILE_PREFIX_BYTES + MODEL_FILE_CHECKSUM_BYTES;

/** Largest file the 32-bit length fields can describe. */
export const MODEL_FILE_MAX_BYTES = 0xffffffff;

/** Alignment of the data section and of every tensor, in bytes. */
export const MODEL_FILE_ALIGNMENT = 8;

/** Element types a tensor may have. */
export const MODEL_TENSOR_DTYPES = [
  'float32',
  'int32',
  'uint8',
  'float64',
  'int8',
  'uint16',
] as const;

/** Element type of a stored tensor. */
export type ModelTensorDType = (typeof MODEL_TENSOR_DTYPES)[number];

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<ModelTensorDType, number>> = {
  float32: 4,
  int32: 4,
  uint8: 1,
  float64: 8,
  int8: 1,
  uint16: 2,
};

/** The first format version that may hold each dtype (older readers reject the others). */
export const DTYPE_MIN_VERSION: Readonly<Record<ModelTensorDType, number>> = {
  float32: 1,
  int32: 1,
  uint8: 1,
  float64: 1,
  int8: 2,
  uint16: 2,
};

/** A tensor's data as stored in a model file. */
export type ModelTensor =
  Float32Array | Int32Array | Uint8Array | Float64Array | Int8Array | Uint16Array;

/** What a model file holds. */
export interface ModelFileContent {
  /** Arbitrary JSON metadata (model kind, options, id tables…). */
  readonly header: JsonObject;
  /** Named tensors. Decoded tensors each own a fresh, aligned `ArrayBuffer`. */
  readonly tensors: Readonly<Record<string, ModelTensor>>;
  /** Optional shapes of some tensors (dimensions whose product is the tensor's length). */
  readonly shapes?: Readonly<Record<string, readonly number[]>>;
}

/** One entry of the tensor directory inside the header JSON. */
export interface ModelTensorEntry {
  readonly name: string;
  readonly dtype: ModelTensorDType;
  readonly shape?: readonly number[];
  /** Byte offset from the start of the data section; a multiple of {@link MODEL_FILE_ALIGNMENT}. */
  readonly offset: number;
  /** Number of elements. */
  readonly length: number;
}

/** Rounds `n` up to the next multiple of {@link MODEL_FILE_ALIGNMENT}. */
export function alignModelFileOffset(n: number): number {
  return Math.ceil(n / MODEL_FILE_ALIGNMENT) * MODEL_FILE_ALIGNMENT;
}
