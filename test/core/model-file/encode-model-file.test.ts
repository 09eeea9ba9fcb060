import { describe, expect, it } from 'vitest';
import { OptionError } from '../../../src/core/errors';
import { crc32 } from '../../../src/core/model-file/crc32';
import { decodeModelFile } from '../../../src/core/model-file/decode-model-file';
import { encodeModelFile } from '../../../src/core/model-file/encode-model-file';
import type { ModelFileContent, ModelTensor } from '../../../src/core/model-file/model-file-format';

const bytesOf = (array: ArrayBufferView): Uint8Array =>
  new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

function sampleContent(): ModelFileContent {
  const weird = new Float32Array([Number.NaN, Infinity, -Infinity, -0, 1.5e-45, 3.4e38, 0]);
  // A signalling NaN with a payload, set through bits: a JS number round trip would quiet it.
  new DataView(weird.buffer).setUint32(24, 0x7fa12345, true);
  return {
    header: {
      kind: 'ials',
      title: 'Café ☕ 日本語 🎬 "quoted" \\ \u0000 lone \ud800 surrogate',
      options: {
        factors: 3,
        regularization: 0.01,
        tags: ['a', 'ß'],
        nested: { ok: true, none: null },
      },
    },
    tensors: {
      itemFactors: Float32Array.from({ length: 15 }, (_, i) => i * 0.25 - 1),
      weird,
      counts: Int32Array.from([-2147483648, -1, 0, 1, 2147483647]),
      flags: Uint8Array.from([1, 0, 255]),
      empty: new Float32Array(0),
      emptyBytes: new Uint8Array(0),
      doubles: Float64Array.from([Math.PI, Number.NaN, -Infinity]),
      tail: Uint8Array.from([9]),
    },
    shapes: { itemFactors: [5, 3], empty: [0, 3], doubles: [3] },
  };
}

function expectSameBits(actual: ModelTensor | undefined, expected: ModelTensor): void {
  expect(actual).toBeDefined();
  expect(actual!.constructor).toBe(expected.constructor);
  expect([...bytesOf(actual!)]).toEqual([...bytesOf(expected)]);
}

describe('encodeModelFile layout', () => {
  const content = sampleContent();
  const file = encodeModelFile(content);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = view.getUint32(12, true);
  const headerJson = JSON.parse(new TextDecoder().decode(file.subarray(16, 16 + headerLength))) as {
    header: unknown;
    tensors: { name: string; dtype: string; offset: number; length: number; shape?: number[] }[];
  };
  const dataStart = Math.ceil((16 + headerLength) / 8) * 8;

  it('starts with the magic, version 1, the total length and the header length', () => {
    expect([...file.subarray(0, 4)]).toEqual([0x48, 0x52, 0x54, 0x48]);
    expect(new TextDecoder().decode(file.subarray(0, 4))).toBe('HRTH');
    expect(view.getUint32(4, true)).toBe(1);
    expect(view.getUint32(8, true)).toBe(file.length);
    expect(headerLength).toBeGreaterThan(0);
  });

  it('ends with the CRC-32 of everything before it', () => {
    expect(view.getUint32(file.length - 4, true)).toBe(crc32(file.subarray(0, file.length - 4)));
  });

  it('writes the tensor directory in insertion order with aligned offsets', () => {
    expect(headerJson.header).toEqual(content.header);
    expect(headerJson.tensors.map((entry) => entry.name)).toEqual(Object.keys(content.tensors));
    expect(headerJson.tensors[0]).toEqual({
      name: 'itemFactors',
      dtype: 'float32',
      shape: [5, 3],
      offset: 0,
      length: 15,
    });
    for (const entry of headerJson.tensors) expect(entry.offset % 8).toBe(0);
    expect(dataStart % 8).toBe(0);
    const tail = headerJson.tensors.at(-1)!;
    expect(dataStart + tail.offset + tail.length + 4).toBe(file.length);
  });

  it('stores tensor values little-endian at their offsets, with zero padding', () => {
    const first = new DataView(file.buffer, dataStart);
    expect(first.getFloat32(0, true)).toBe(-1);
    expect(first.getFloat32(4, true)).toBe(-0.75);
    const counts = headerJson.tensors.find((entry) => entry.name === 'counts')!;
    expect(first.getInt32(counts.offset, true)).toBe(-2147483648);
    expect(first.getInt32(counts.offset + 16, true)).toBe(2147483647);
    // itemFactors is 60 bytes, so bytes 60..63 of the data section are padding.
    expect([...file.subarray(dataStart + 60, dataStart + 64)]).toEqual([0, 0, 0, 0]);
    expect([...file.subarray(16 + headerLength, dataStart)].every((b) => b === 0)).toBe(true);
  });

  it('is deterministic', () => {
    expect([...encodeModelFile(sampleContent())]).toEqual([...file]);
  });

  it('returns a Uint8Array that owns its whole buffer', () => {
    expect(file.byteOffset).toBe(0);
    expect(file.buffer.byteLength).toBe(file.length);
  });
});

describe('encodeModelFile → decodeModelFile round trip', () => {
  it('restores header, tensors (bit-exact) and shapes', () => {
    const content = sampleContent();
    const decoded = decodeModelFile(encodeModelFile(content));
    expect(decoded.header).toEqual(content.header);
    expect(Object.keys(decoded.tensors)).toEqual(Object.keys(content.tensors));
    for (const [name, tensor] of Object.entries(content.tensors)) {
      expectSameBits(decoded.tensors[name], tensor);
    }
    expect(new DataView(decoded.tensors['weird']!.buffer).getUint32(24, true)).toBe(0x7fa12345);
    expect(Object.is(decoded.tensors['weird']![3], -0)).toBe(true);
    expect(decoded.shapes).toEqual(content.shapes);
  });

  it('returns tensors that each own a fresh aligned buffer, independent of the input', () => {
    const file = encodeModelFile(sampleContent());
    const decoded = decodeModelFile(file);
    const buffers = new Set<ArrayBufferLike>([file.buffer]);
    for (const tensor of Object.values(decoded.tensors)) {
      expect(tensor.byteOffset).toBe(0);
      expect(tensor.buffer.byteLength).toBe(tensor.byteLength);
      expect(buffers.has(tensor.buffer)).toBe(false);
      buffers.add(tensor.buffer);
    }
    const before = [...decoded.tensors['itemFactors']!];
    file.fill(0);
    expect([...decoded.tensors['itemFactors']!]).toEqual(before);
    const moved = structuredClone(decoded.tensors['counts']!, {
      transfer: [decoded.tensors['counts']!.buffer as ArrayBuffer],
    });
    expect([...moved]).toEqual([-2147483648, -1, 0, 1, 2147483647]);
    expect([...decoded.tensors['flags']!]).toEqual([1, 0, 255]);
  });

  it('decodes from an unaligned view, a Node Buffer and an ArrayBuffer', () => {
    const file = encodeModelFile(sampleContent());
    const shifted = new Uint8Array(file.length + 3);
    shifted.set(file, 3);
    const fromView = decodeModelFile(shifted.subarray(3));
    expectSameBits(fromView.tensors['doubles'], sampleContent().tensors['doubles']!);
    const fromBuffer = decodeModelFile(Buffer.from(file));
    expect(fromBuffer.tensors['flags']).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(fromBuffer.tensors['flags'])).toBe(false);
    const fromArrayBuffer = decodeModelFile(file.slice().buffer);
    expect(fromArrayBuffer.header).toEqual(sampleContent().header);
  });

  it('round-trips an empty model and omits shapes when none were given', () => {
    const decoded = decodeModelFile(encodeModelFile({ header: {}, tensors: {} }));
    expect(decoded).toEqual({ header: {}, tensors: {} });
    expect('shapes' in decoded).toBe(false);
  });

  it('keeps tensor names that are special object keys as own properties', () => {
    const tensors: Record<string, ModelTensor> = {};
    Object.defineProperty(tensors, '__proto__', {
      value: Int32Array.from([4]),
      enumerable: true,
    });
    tensors['constructor'] = Uint8Array.from([1]);
    tensors['名前 with spaces'] = Float32Array.from([2]);
    const decoded = decodeModelFile(encodeModelFile({ header: {}, tensors }));
    expect(Object.keys(decoded.tensors).sort()).toEqual(Object.keys(tensors).sort());
    expect(Object.getPrototypeOf(decoded.tensors)).toBe(Object.prototype);
    expect([...decoded.tensors['__proto__']!]).toEqual([4]);
  });

  it('round-trips a larger random tensor', () => {
    const big = new Float32Array(10_000);
    for (let i = 0; i < big.length; i++) big[i] = Math.sin(i) * 1e3;
    const decoded = decodeModelFile(
      encodeModelFile({ header: { n: big.length }, tensors: { big } }),
    );
    expectSameBits(decoded.tensors['big'], big);
  });
});

describe('encodeModelFile input checks', () => {
  const expectOptionError = (content: ModelFileContent, pattern: RegExp): void => {
    expect(() => encodeModelFile(content)).toThrow(OptionError);
    expect(() => encodeModelFile(content)).toThrow(pattern);
  };

  it('rejects headers that JSON cannot hold, naming the field', () => {
    expectOptionError(
      { header: { training: { lr: Number.NaN } }, tensors: {} },
      /header\.training\.lr is NaN/,
    );
    const withDate = { header: { when: new Date(0) } } as unknown as ModelFileContent;
    expectOptionError({ ...withDate, tensors: {} }, /header\.when/);
    const notObject = { header: [1, 2], tensors: {} } as unknown as ModelFileContent;
    expectOptionError(notObject, /plain JSON object/);
  });

  it('rejects unsupported tensor types, naming the tensor', () => {
    const content = {
      header: {},
      tensors: { bad: new Int16Array(2) },
    } as unknown as ModelFileContent;
    expectOptionError(content, /"bad" must be a Float32Array/);
    const plain = { header: {}, tensors: { list: [1, 2] } } as unknown as ModelFileContent;
    expectOptionError(plain, /"list"/);
  });

  it('rejects shapes that do not match their tensor', () => {
    const tensors = { m: new Float32Array(6) };
    expectOptionError(
      { header: {}, tensors, shapes: { m: [4, 2] } },
      /"m" is \[4, 2\] \(8 elements\) but the tensor has 6/,
    );
    expectOptionError({ header: {}, tensors, shapes: { m: [-2, -3] } }, /non-negative integers/);
    expectOptionError({ header: {}, tensors, shapes: { m: [2.5, 2.4] } }, /non-negative integers/);
    expectOptionError(
      { header: {}, tensors, shapes: { other: [1] } },
      /"other", but there is no such tensor/,
    );
  });
});
