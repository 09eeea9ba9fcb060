import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  dtypeOfTensor,
  HOST_IS_LITTLE_ENDIAN,
  readTensorBytes,
  swapByteOrder,
  writeTensorBytes,
} from '../../../src/core/model-file/tensor-bytes';

const bytesOf = (array: ArrayBufferView): Uint8Array =>
  new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/** Little-endian bytes of `values` as float32, written independently of host order. */
function float32Le(values: readonly number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return new Uint8Array(view.buffer);
}

describe('dtypeOfTensor', () => {
  it('recognizes the four supported typed arrays', () => {
    expect(dtypeOfTensor(new Float32Array(1))).toBe('float32');
    expect(dtypeOfTensor(new Int32Array(1))).toBe('int32');
    expect(dtypeOfTensor(new Uint8Array(1))).toBe('uint8');
    expect(dtypeOfTensor(new Float64Array(1))).toBe('float64');
  });

  it('recognizes typed arrays from another realm', () => {
    expect(dtypeOfTensor(runInNewContext('new Float32Array(2)'))).toBe('float32');
  });

  it('rejects everything else', () => {
    expect(dtypeOfTensor(new Int16Array(1))).toBeUndefined();
    expect(dtypeOfTensor(new Uint8ClampedArray(1))).toBeUndefined();
    expect(dtypeOfTensor(new DataView(new ArrayBuffer(4)))).toBeUndefined();
    expect(dtypeOfTensor([1, 2])).toBeUndefined();
    expect(dtypeOfTensor(null)).toBeUndefined();
  });
});

describe('swapByteOrder', () => {
  it('reverses each element and leaves a trailing partial element alone', () => {
    const bytes = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    swapByteOrder(bytes, 4);
    expect([...bytes]).toEqual([4, 3, 2, 1, 8, 7, 6, 5, 9]);
    const eight = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    swapByteOrder(eight, 8);
    expect([...eight]).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    const one = Uint8Array.from([1, 2]);
    swapByteOrder(one, 1);
    expect([...one]).toEqual([1, 2]);
  });
});

describe('tensor byte order', () => {
  it('runs on a little-endian host here, so the default path is a plain copy', () => {
    expect(HOST_IS_LITTLE_ENDIAN).toBe(true);
  });

  it('writes little-endian bytes from a simulated big-endian host', () => {
    const values = [1, -2.5, Number.NaN, 3e38];
    // What a big-endian host holds in memory for these values.
    const bigEndianMemory = float32Le(values);
    swapByteOrder(bigEndianMemory, 4);
    const tensor = new Float32Array(bigEndianMemory.buffer);
    const target = new Uint8Array(24);
    writeTensorBytes(target, 8, tensor, 'float32', false);
    expect([...target.subarray(8)]).toEqual([...float32Le(values)]);
    expect([...bigEndianMemory]).not.toEqual([...float32Le(values)]);
    expect(target.subarray(0, 8).every((b) => b === 0)).toBe(true);
  });

  it('reads little-endian bytes into host order on a simulated big-endian host', () => {
    const stored = new Uint8Array(20);
    stored.set(float32Le([1, -2.5, 0.125]), 4);
    const tensor = readTensorBytes(stored, 4, 'float32', 3, false);
    const hostBytes = bytesOf(tensor).slice();
    swapByteOrder(hostBytes, 4);
    expect([...hostBytes]).toEqual([...float32Le([1, -2.5, 0.125])]);
  });

  it('returns copies that own an aligned buffer, even from a Node Buffer', () => {
    const source = Buffer.alloc(13);
    source.set(float32Le([7, 8, 9]), 1);
    const tensor = readTensorBytes(source, 1, 'float32', 3);
    expect(tensor).toBeInstanceOf(Float32Array);
    expect([...tensor]).toEqual([7, 8, 9]);
    expect(tensor.byteOffset).toBe(0);
    expect(tensor.buffer.byteLength).toBe(12);
    source.fill(0);
    expect([...tensor]).toEqual([7, 8, 9]);
    const raw = readTensorBytes(source, 0, 'uint8', 5);
    expect(raw.buffer).not.toBe(source.buffer);
    expect(raw.buffer.byteLength).toBe(5);
  });
});
