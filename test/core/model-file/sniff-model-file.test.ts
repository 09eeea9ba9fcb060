import { describe, expect, it } from 'vitest';
import { encodeModelFile } from '../../../src/core/model-file/encode-model-file';
import { sniffModelFile } from '../../../src/core/model-file/sniff-model-file';

describe('sniffModelFile', () => {
  const file = encodeModelFile({ header: { kind: 'test' }, tensors: { a: new Float32Array(3) } });

  it('reads the declared version and length', () => {
    expect(sniffModelFile(file)).toEqual({ version: 1, byteLength: file.length });
    expect(sniffModelFile(file.slice().buffer)).toEqual({ version: 1, byteLength: file.length });
  });

  it('reads the prefix of a truncated or future file without validating it', () => {
    expect(sniffModelFile(file.subarray(0, 16))).toEqual({ version: 1, byteLength: file.length });
    const future = file.slice();
    new DataView(future.buffer).setUint32(4, 7, true);
    expect(sniffModelFile(future)?.version).toBe(7);
  });

  it('reads a prefix that starts at an odd offset of a larger buffer', () => {
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 3);
    expect(sniffModelFile(padded.subarray(3))).toEqual({ version: 1, byteLength: file.length });
  });

  it('returns null for other data and for inputs shorter than the prefix', () => {
    expect(sniffModelFile(new Uint8Array(0))).toBeNull();
    expect(sniffModelFile(file.subarray(0, 15))).toBeNull();
    expect(sniffModelFile(new TextEncoder().encode('PK\u0003\u0004 not a model file'))).toBeNull();
  });
});
