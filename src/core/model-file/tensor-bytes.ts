import { DTYPE_BYTES, type ModelTensor, type ModelTensorDType } from './model-file-format';

/** Whether this host stores multi-byte numbers little-endian (true on every mainstream CPU). */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const DTYPE_BY_TAG: Readonly<Record<string, ModelTensorDType>> = {
  Float32Array: 'float32',
  Int32Array: 'int32',
  Uint8Array: 'uint8',
  Float64Array: 'float64',
};

/**
 * The dtype of a supported typed array, or `undefined` for anything else. Uses the typed array's
 * tag rather than `instanceof` so arrays from another realm (iframe, vm) are recognized too.
 */
export function dtypeOfTensor(value: unknown): ModelTensorDType | undefined {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return undefined;
  const tag: unknown = (value as Uint8Array)[Symbol.toStringTag];
  return typeof tag === 'string' ? DTYPE_BY_TAG[tag] : undefined;
}

/** Reverses the byte order of every `elementBytes`-sized element of `bytes`, in place. */
export function swapByteOrder(bytes: Uint8Array, elementBytes: number): void {
  if (elementBytes === 1) return;
  const n = bytes.length - (bytes.length % elementBytes);
  for (let i = 0; i < n; i += elementBytes) {
    for (let a = i, b = i + elementBytes - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/**
 * Copies `tensor` into `target` at `offset` as little-endian bytes.
 * `hostLittleEndian` is a parameter only so tests can exercise the big-endian path.
 */
export function writeTensorBytes(
  target: Uint8Array,
  offset: number,
  tensor: ModelTensor,
  dtype: ModelTensorDType,
  hostLittleEndian: boolean = HOST_IS_LITTLE_ENDIAN,
): void {
  const source = new Uint8Array(tensor.buffer, tensor.byteOffset, tensor.byteLength);
  target.set(source, offset);
  if (!hostLittleEndian) {
    swapByteOrder(target.subarray(offset, offset + source.length), DTYPE_BYTES[dtype]);
  }
}

/**
 * Reads `length` elements of `dtype` stored little-endian at `bytes[offset…]` into a new typed
 * array that owns a fresh, aligned `ArrayBuffer` (safe to keep and to transfer).
 */
export function readTensorBytes(
  bytes: Uint8Array,
  offset: number,
  dtype: ModelTensorDType,
  length: number,
  hostLittleEndian: boolean = HOST_IS_LITTLE_ENDIAN,
): ModelTensor {
  const byteLength = length * DTYPE_BYTES[dtype];
  // Not `bytes.slice`: on a Node `Buffer` that returns a view, not a copy.
  const copy = new Uint8Array(byteLength);
  copy.set(bytes.subarray(offset, offset + byteLength));
  if (!hostLittleEndian) swapByteOrder(copy, DTYPE_BYTES[dtype]);
  const buffer = copy.buffer;
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'uint8':
      return copy;
    case 'float64':
      return new Float64Array(buffer);
  }
}
