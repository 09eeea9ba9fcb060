import { describe, expect, it } from 'vitest';
import { ModelFileError, type HearthErrorCode } from '../../../src/core/errors';
import { crc32 } from '../../../src/core/model-file/crc32';
import { decodeModelFile } from '../../../src/core/model-file/decode-model-file';
import { encodeModelFile } from '../../../src/core/model-file/encode-model-file';

/** Runs `decodeModelFile` and returns the error it throws; fails the test if it succeeds. */
function decodeError(bytes: Uint8Array | ArrayBuffer): ModelFileError {
  try {
    decodeModelFile(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    return error as ModelFileError;
  }
  throw new Error('decodeModelFile accepted an invalid file');
}

function expectCode(bytes: Uint8Array, code: HearthErrorCode, message?: RegExp): void {
  const error = decodeError(bytes);
  expect(error.code).toBe(code);
  if (message) expect(error.message).toMatch(message);
}

/** Writes the CRC-32 of everything before the last 4 bytes into them. */
function reseal(file: Uint8Array): Uint8Array {
  const at = file.length - 4;
  new DataView(file.buffer, file.byteOffset, file.length).setUint32(
    at,
    crc32(file.subarray(0, at)),
    true,
  );
  return file;
}

interface RawFileOptions {
  readonly version?: number;
  readonly header: string | Uint8Array;
  readonly dataBytes: number;
  readonly headerLength?: number;
}

/** Builds a file with a valid checksum around an arbitrary header, to reach the deeper checks. */
function rawFile({ version = 1, header, dataBytes, headerLength }: RawFileOptions): Uint8Array {
  const headerBytes = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const dataStart = Math.ceil((16 + headerBytes.length) / 8) * 8;
  const file = new Uint8Array(dataStart + dataBytes + 4);
  const view = new DataView(file.buffer);
  file.set([0x48, 0x52, 0x54, 0x48]);
  view.setUint32(4, version, true);
  view.setUint32(8, file.length, true);
  view.setUint32(12, headerLength ?? headerBytes.length, true);
  file.set(headerBytes, 16);
  return reseal(file);
}

/** A raw file whose JSON header holds `tensors` as its directory. */
function withDirectory(tensors: unknown, dataBytes = 64): Uint8Array {
  return rawFile({ header: JSON.stringify({ header: {}, tensors }), dataBytes });
}

const small = encodeModelFile({
  header: { kind: 'tiny', label: 'é' },
  tensors: {
    w: Float32Array.from([1, -2, Number.NaN]),
    ids: Int32Array.from([7]),
    raw: Uint8Array.from([1, 2, 3, 4, 5]),
  },
  shapes: { w: [3, 1] },
});

describe('decodeModelFile rejects damaged files', () => {
  it('accepts the intact sample, so the rejections below are meaningful', () => {
    expect([...decodeModelFile(small).tensors['raw']!]).toEqual([1, 2, 3, 4, 5]);
    expect(
      decodeModelFile(rawFile({ header: '{"header":{},"tensors":[]}', dataBytes: 0 })),
    ).toEqual({
      header: {},
      tensors: {},
    });
  });

  it('reports an empty input as truncated', () => {
    expectCode(new Uint8Array(0), 'MODEL_FILE_TRUNCATED', /empty/);
    expect(decodeError(new ArrayBuffer(0)).code).toBe('MODEL_FILE_TRUNCATED');
  });

  it('reports every proper prefix as truncated, with the byte counts once they are known', () => {
    for (let length = 0; length < small.length; length++) {
      const error = decodeError(small.subarray(0, length));
      expect(error.code).toBe('MODEL_FILE_TRUNCATED');
      if (length >= 12) {
        expect(error.message).toContain(
          `the file is incomplete (${length} of ${small.length} bytes)`,
        );
        expect(error.message).toContain('download or export it again');
      }
    }
  });

  it('reports bytes after the declared end as corrupt', () => {
    const longer = new Uint8Array(small.length + 1);
    longer.set(small);
    expectCode(longer, 'MODEL_FILE_CORRUPT', /1 unexpected bytes/);
  });

  it('detects every single-bit flip', () => {
    const codes = new Map<HearthErrorCode, number>();
    const copy = small.slice();
    for (let byte = 0; byte < copy.length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        copy[byte]! ^= 1 << bit;
        const { code } = decodeError(copy);
        codes.set(code, (codes.get(code) ?? 0) + 1);
        copy[byte]! ^= 1 << bit;
      }
    }
    expect([...codes.values()].reduce((a, b) => a + b, 0)).toBe(small.length * 8);
    // Most flips land in the header or data and are caught by the checksum.
    expect(codes.get('MODEL_FILE_CORRUPT')!).toBeGreaterThan(small.length * 6);
  });

  it('names a checksum mismatch', () => {
    const copy = small.slice();
    copy[copy.length - 10]! ^= 0x40;
    expectCode(copy, 'MODEL_FILE_CORRUPT', /checksum mismatch.*download or export it again/);
  });

  it('rejects data that is not a Hearth file', () => {
    expectCode(
      new TextEncoder().encode('{"header":{}}'),
      'MODEL_FILE_CORRUPT',
      /not a Hearth model file/,
    );
    expectCode(
      Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]),
      'MODEL_FILE_CORRUPT',
      /not a Hearth/,
    );
    expectCode(Uint8Array.from([0x48, 0x52]), 'MODEL_FILE_TRUNCATED');
    expectCode(Uint8Array.from([0x48, 0x00]), 'MODEL_FILE_CORRUPT', /not a Hearth/);
  });

  it('rejects newer and older format versions before looking further', () => {
    const newer = small.slice();
    new DataView(newer.buffer).setUint32(4, 3, true);
    expectCode(newer, 'MODEL_FILE_VERSION', /written by a newer Hearth.*version 3.*upgrade/);
    // Even truncated: the newer format may lay out its length differently.
    expectCode(newer.subarray(0, 10), 'MODEL_FILE_VERSION', /newer/);
    expectCode(reseal(newer), 'MODEL_FILE_VERSION', /newer/);
    const older = rawFile({ version: 0, header: '{"header":{},"tensors":[]}', dataBytes: 0 });
    expectCode(older, 'MODEL_FILE_VERSION', /version 0 is older/);
  });

  it('rejects impossible lengths in the prefix', () => {
    const tiny = small.slice();
    new DataView(tiny.buffer).setUint32(8, 19, true);
    expectCode(tiny, 'MODEL_FILE_CORRUPT', /impossible length of 19/);
    const header = '{"header":{},"tensors":[]}';
    expectCode(
      rawFile({ header, dataBytes: 0, headerLength: 1000 }),
      'MODEL_FILE_CORRUPT',
      /header length 1000/,
    );
  });
});

describe('decodeModelFile validates the header and tensor directory', () => {
  it('rejects a header that is not UTF-8 JSON or lacks its parts', () => {
    expectCode(
      rawFile({ header: '{"header":', dataBytes: 0 }),
      'MODEL_FILE_CORRUPT',
      /not valid UTF-8 JSON/,
    );
    const badUtf8 = Uint8Array.from([0x22, 0xff, 0x22]);
    expectCode(
      rawFile({ header: badUtf8, dataBytes: 0 }),
      'MODEL_FILE_CORRUPT',
      /not valid UTF-8 JSON/,
    );
    expectCode(rawFile({ header: '[1]', dataBytes: 0 }), 'MODEL_FILE_CORRUPT', /not a JSON object/);
    expectCode(
      rawFile({ header: '{"tensors":[]}', dataBytes: 0 }),
      'MODEL_FILE_CORRUPT',
      /no "header" object/,
    );
    expectCode(
      rawFile({ header: '{"header":{}}', dataBytes: 0 }),
      'MODEL_FILE_CORRUPT',
      /no "tensors" list/,
    );
  });

  it('accepts a hand-written directory with gaps and out-of-order entries', () => {
    const file = withDirectory([
      { name: 'b', dtype: 'uint8', offset: 40, length: 3 },
      { name: 'a', dtype: 'float64', offset: 8, length: 2, shape: [2] },
    ]);
    const decoded = decodeModelFile(file);
    expect(decoded.tensors['a']).toBeInstanceOf(Float64Array);
    expect(decoded.tensors['b']!.length).toBe(3);
    expect(decoded.shapes).toEqual({ a: [2] });
  });

  const cases: readonly (readonly [string, unknown, RegExp])[] = [
    [
      'unknown dtype',
      [{ name: 'x', dtype: 'int64', offset: 0, length: 1 }],
      /unknown dtype "int64"/,
    ],
    [
      'missing name',
      [{ dtype: 'uint8', offset: 0, length: 1 }],
      /tensors\[0\]\.name is not a string/,
    ],
    ['entry not an object', [7], /tensors\[0\] is not an object/],
    [
      'misaligned offset',
      [{ name: 'x', dtype: 'uint8', offset: 4, length: 1 }],
      /offset 4.*not 8-byte aligned/,
    ],
    [
      'negative length',
      [{ name: 'x', dtype: 'uint8', offset: 0, length: -1 }],
      /invalid offset or length/,
    ],
    [
      'fractional offset',
      [{ name: 'x', dtype: 'uint8', offset: 0.5, length: 1 }],
      /invalid offset or length/,
    ],
    [
      'string length',
      [{ name: 'x', dtype: 'uint8', offset: 0, length: '1' }],
      /invalid offset or length/,
    ],
    [
      'past the end',
      [{ name: 'x', dtype: 'float32', offset: 56, length: 3 }],
      /extends past the end of the data \(64 bytes\)/,
    ],
    [
      'huge length',
      [{ name: 'x', dtype: 'float64', offset: 0, length: 2 ** 52 }],
      /extends past the end/,
    ],
    [
      'overlap',
      [
        { name: 'a', dtype: 'float32', offset: 0, length: 4 },
        { name: 'b', dtype: 'uint8', offset: 8, length: 1 },
      ],
      /"a" and "b" overlap/,
    ],
    [
      'duplicate names',
      [
        { name: 'a', dtype: 'uint8', offset: 0, length: 1 },
        { name: 'a', dtype: 'uint8', offset: 8, length: 1 },
      ],
      /"a" appears twice/,
    ],
    [
      'bad shape',
      [{ name: 'x', dtype: 'uint8', offset: 0, length: 4, shape: [2, 3] }],
      /shape \[2, 3\] but 4 elements/,
    ],
    [
      'non-array shape',
      [{ name: 'x', dtype: 'uint8', offset: 0, length: 4, shape: 4 }],
      /invalid shape/,
    ],
  ];

  it.each(cases)('rejects a directory with %s', (_label, tensors, message) => {
    expectCode(withDirectory(tensors), 'MODEL_FILE_CORRUPT', message);
  });

  it('allows empty tensors to share an offset with their neighbour', () => {
    const decoded = decodeModelFile(
      withDirectory([
        { name: 'e', dtype: 'float32', offset: 8, length: 0 },
        { name: 'f', dtype: 'float32', offset: 8, length: 2 },
      ]),
    );
    expect(decoded.tensors['e']!.length).toBe(0);
    expect(decoded.tensors['f']!.length).toBe(2);
  });
});
