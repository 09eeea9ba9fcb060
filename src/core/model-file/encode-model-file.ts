import { OptionError } from '../errors';
import { crc32 } from './crc32';
import { findNonJson, isJsonObject } from './json-value';
import {
  alignModelFileOffset,
  DTYPE_BYTES,
  DTYPE_MIN_VERSION,
  MODEL_FILE_CHECKSUM_BYTES,
  MODEL_FILE_MAGIC,
  MODEL_FILE_MAX_BYTES,
  MODEL_FILE_PREFIX_BYTES,
  type ModelFileContent,
  type ModelTensor,
  type ModelTensorDType,
  type ModelTensorEntry,
} from './model-file-format';
import { dtypeOfTensor, writeTensorBytes } from './tensor-bytes';

/**
 * Serializes `content` into a Hearth model file (layout in `model-file-format.ts`): tensors are
 * written little-endian in insertion order, each 8-byte aligned, followed by a CRC-32. The file
 * declares the lowest format version that holds its dtypes (1 unless it has `int8`/`uint16`
 * tensors), so older readers still load what they can.
 *
 * @throws OptionError when the header is not plain JSON (e.g. contains `NaN` or `undefined`), a
 *   tensor is not a Float32/Int32/Uint8/Float64/Int8/Uint16Array, a shape does not match its
 *   tensor, or the file would exceed 4 GiB.
 */
export function encodeModelFile(content: ModelFileContent): Uint8Array<ArrayBuffer> {
  if (!isJsonObject(content.header)) {
    throw new OptionError('Model file header must be a plain JSON object.');
  }
  const problem = findNonJson(content.header, 'header');
  if (problem !== undefined) {
    throw new OptionError(`Model file ${problem}; the header must be plain JSON.`);
  }

  const entries: ModelTensorEntry[] = [];
  const arrays: ModelTensor[] = [];
  let dataBytes = 0;
  let version = 1;
  for (const [name, tensor] of Object.entries(content.tensors)) {
    const dtype = dtypeOfTensor(tensor);
    if (dtype === undefined) {
      throw new OptionError(
        `Model file tensor "${name}" must be a Float32Array, Int32Array, Uint8Array, Float64Array, Int8Array or Uint16Array.`,
      );
    }
    version = Math.max(version, DTYPE_MIN_VERSION[dtype]);
    const shape = content.shapes?.[name];
    if (shape !== undefined) checkShape(name, shape, tensor.length);
    const offset = alignModelFileOffset(dataBytes);
    entries.push(makeEntry(name, dtype, shape, offset, tensor.length));
    arrays.push(tensor);
    dataBytes = offset + tensor.length * DTYPE_BYTES[dtype];
  }
  for (const name of Object.keys(content.shapes ?? {})) {
    if (!Object.hasOwn(content.tensors, name)) {
      throw new OptionError(`Model file shape given for "${name}", but there is no such tensor.`);
    }
  }

  const headerBytes = new TextEncoder().encode(
    JSON.stringify({ header: content.header, tensors: entries }),
  );
  const dataStart = alignModelFileOffset(MODEL_FILE_PREFIX_BYTES + headerBytes.length);
  const total = dataStart + dataBytes + MODEL_FILE_CHECKSUM_BYTES;
  if (total > MODEL_FILE_MAX_BYTES) {
    throw new OptionError(
      `Model file would be ${total} bytes; the format holds at most ${MODEL_FILE_MAX_BYTES}.`,
    );
  }

  // A fresh buffer is zero-filled, which provides the padding.
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(MODEL_FILE_MAGIC, 0);
  view.setUint32(4, version, true);
  view.setUint32(8, total, true);
  view.setUint32(12, headerBytes.length, true);
  out.set(headerBytes, MODEL_FILE_PREFIX_BYTES);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    writeTensorBytes(out, dataStart + entry.offset, arrays[i]!, entry.dtype);
  }
  const checksumAt = total - MODEL_FILE_CHECKSUM_BYTES;
  view.setUint32(checksumAt, crc32(out.subarray(0, checksumAt)), true);
  return out;
}

function checkShape(name: string, shape: readonly number[], length: number): void {
  let product = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw new OptionError(
        `Model file shape of "${name}" must list non-negative integers; got [${shape.join(', ')}].`,
      );
    }
    product *= dim;
  }
  if (product !== length) {
    throw new OptionError(
      `Model file shape of "${name}" is [${shape.join(', ')}] (${product} elements) but the tensor has ${length}.`,
    );
  }
}

function makeEntry(
  name: string,
  dtype: ModelTensorDType,
  shape: readonly number[] | undefined,
  offset: number,
  length: number,
): ModelTensorEntry {
  return shape === undefined
    ? { name, dtype, offset, length }
    : { name, dtype, shape: [...shape], offset, length };
}
