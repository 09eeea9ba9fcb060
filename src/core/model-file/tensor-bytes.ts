import { DTYPE_BYTES, type ModelTensor, type ModelTensorDType } from './model-file-format';
import { HOST_IS_LITTLE_ENDIAN, swapByteOrder } from './read-tensor-bytes';

// Reading tensors (all a model load needs) lives in `read-tensor-bytes.ts`; writing them is only
// needed to save a model.
export { HOST_IS_LITTLE_ENDIAN, readTensorBytes, swapByteOrder } from './read-tensor-bytes';

const DTYPE_BY_TAG: Readonly<Record<string, ModelTensorDType>> = {
  Float32Array: 'float32',
  Int32Array: 'int32',
  Uint8Array: 'uint8',
  Float64Array: 'float64',
  Int8Array: 'int8',
  Uint16Array: 'uint16',
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
