import { DTYPE_BYTES, type ModelTensor, type ModelTensorDType } from './model-file-format';

/** Whether this host stores multi-byte numbers little-endian (true on every mainstream CPU). */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

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
    case 'int8':
      return new Int8Array(buffer);
    case 'uint16':
      return new Uint16Array(buffer);
  }
}
