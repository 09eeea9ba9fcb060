import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle } from '../../../src/core/bundle/bundle-file';
import { decodeServingBundle } from '../../../src/core/bundle/decode-bundle';
import type { ModelBundle } from '../../../src/core/bundle/model-bundle';
import { trainModelBundle } from '../../../src/core/bundle/train-bundle';
import { crc32, decodeModelFile, sniffModelFile } from '../../../src/core/model-file';
import { smallBundleData } from '../../fixtures/synthetic';
import { editBundleFile, expectModelFileError } from './edit-bundle-file';

const { dataset, catalog } = smallBundleData();
let bundle: ModelBundle;
let int8: Uint8Array;

beforeAll(async () => {
  bundle = await trainModelBundle({ dataset, catalog, mf: { factors: 8, epochs: 3 } });
  int8 = encodeBundle(bundle, { itemFactors: 'int8' });
});

function rowMaxAbs(factors: Float32Array, k: number, row: number): number {
  let max = 0;
  for (let d = 0; d < k; d++) max = Math.max(max, Math.abs(factors[row * k + d]!));
  return max;
}

describe('int8 item factors', () => {
  it('round-trip within half a quantization step of every row, the rest exactly', () => {
    const back = decodeBundle(int8);
    const k = bundle.mf.factors;
    const original = bundle.mf.itemFactors;
    let worst = 0;
    for (let i = 0; i < bundle.itemIds.length; i++) {
      const step = rowMaxAbs(original, k, i) / 127;
      for (let d = 0; d < k; d++) {
        const error = Math.abs(back.mf.itemFactors[i * k + d]! - original[i * k + d]!);
        expect(error).toBeLessThanOrEqual(step / 2 + 1e-7);
        worst = Math.max(worst, error);
      }
    }
    expect(worst).toBeGreaterThan(0); // really quantized
    expect(Array.from(back.mf.itemBias)).toEqual(Array.from(bundle.mf.itemBias));
    expect(back.itemIds).toEqual(bundle.itemIds);
    expect(Array.from(back.popularity)).toEqual(Array.from(bundle.popularity));
    expect(back.contentTower).not.toBeNull();
  });

  it('are a version-2 file of bundle schema 2, smaller than float32', () => {
    const float32 = encodeBundle(bundle);
    expect(sniffModelFile(float32)?.version).toBe(1);
    expect(decodeModelFile(float32).header['schema']).toBe(1);
    expect(sniffModelFile(int8)?.version).toBe(2);
    const { header, tensors } = decodeModelFile(int8);
    expect(header['schema']).toBe(2);
    expect(header['itemFactorEncoding']).toBe('int8');
    expect(tensors['mf.itemFactors']).toBeInstanceOf(Int8Array);
    const n = bundle.itemIds.length;
    const k = bundle.mf.factors;
    // 3 bytes saved per value; 4 bytes per row on its scale, ~150 on the header entries.
    expect(float32.length - int8.length).toBeGreaterThanOrEqual(3 * n * k - 4 * n - 150);
  });

  it('re-encode to the same bytes: quantizing dequantized factors is a no-op', () => {
    expect(encodeBundle(decodeBundle(int8), { itemFactors: 'int8' })).toEqual(int8);
  });

  it('serve the same rows up to quantization: an all-zero row stays zero', () => {
    const k = bundle.mf.factors;
    const itemFactors = Float32Array.from(bundle.mf.itemFactors);
    itemFactors.fill(0, 0, k);
    const zeroRow = { ...bundle, mf: { ...bundle.mf, itemFactors } };
    const back = decodeServingBundle(encodeBundle(zeroRow, { itemFactors: 'int8' }));
    expect(Array.from(back.mf.itemFactors.subarray(0, k))).toEqual(new Array(k).fill(0));
  });
});

describe('float16 item factors', () => {
  it('round-trip within half-precision rounding', () => {
    const bytes = encodeBundle(bundle, { itemFactors: 'float16' });
    const { header, tensors } = decodeModelFile(bytes);
    expect(header['itemFactorEncoding']).toBe('float16');
    expect(tensors['mf.itemFactors']).toBeInstanceOf(Uint16Array);
    const back = decodeBundle(bytes);
    bundle.mf.itemFactors.forEach((v, i) => {
      const error = Math.abs(back.mf.itemFactors[i]! - v);
      expect(error).toBeLessThanOrEqual(Math.max(Math.abs(v) * 2 ** -11, 2 ** -25));
    });
    expect(encodeBundle(back, { itemFactors: 'float16' })).toEqual(bytes);
  });

  it('refuses factors beyond half precision instead of writing ∞', () => {
    const itemFactors = Float32Array.from(bundle.mf.itemFactors);
    itemFactors[3] = 70000;
    const big = { ...bundle, mf: { ...bundle.mf, itemFactors } };
    expect(() => encodeBundle(big, { itemFactors: 'float16' })).toThrow(/float32/);
    expect(decodeBundle(encodeBundle(big, { itemFactors: 'int8' })).mf.itemFactors[3]).toBe(70000);
  });
});

describe('older files still load', () => {
  it('a schema-1 file written by the encoder before quantization decodes and re-encodes byte for byte', () => {
    const old = new Uint8Array(
      readFileSync(new URL('../../fixtures/bundle-v1.hearth', import.meta.url)),
    );
    expect(sniffModelFile(old)?.version).toBe(1);
    const back = decodeBundle(old);
    expect(back.itemIds).toHaveLength(40);
    expect(back.mf.factors).toBe(4);
    expect(back.mf.itemFactors).toBeInstanceOf(Float32Array);
    expect(encodeBundle(back)).toEqual(old);
  });
});

describe('damaged quantized payloads are refused, naming what is wrong', () => {
  const expectCorrupt = (bytes: Uint8Array, message: RegExp): void => {
    expect(expectModelFileError(() => decodeServingBundle(bytes), 'MODEL_FILE_CORRUPT')).toMatch(
      message,
    );
  };

  it('an unknown encoding names the header field', () => {
    const bad = editBundleFile(int8, (h) => {
      h['itemFactorEncoding'] = 'int4';
    });
    expectCorrupt(bad, /itemFactorEncoding is "int4"/);
  });

  it('an encoding in a schema-1 bundle', () => {
    const bad = editBundleFile(int8, (h) => {
      h['schema'] = 1;
    });
    expectCorrupt(bad, /itemFactorEncoding in a schema-1 bundle/);
  });

  it('missing or mis-sized scales name the scales tensor', () => {
    const missing = editBundleFile(int8, (_h, t) => {
      delete t['mf.itemFactorScales'];
    });
    expectCorrupt(missing, /mf\.itemFactorScales is missing \(itemFactorEncoding int8\)/);
    const short = editBundleFile(int8, (_h, t) => {
      t['mf.itemFactorScales'] = (t['mf.itemFactorScales'] as Float32Array).subarray(1);
    });
    expectCorrupt(short, /mf\.itemFactorScales is not float32 with one scale per item/);
  });

  it('a negative or non-finite scale names the tensor, row and item', () => {
    for (const value of [-0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const bad = editBundleFile(int8, (_h, t) => {
        const scales = Float32Array.from(t['mf.itemFactorScales'] as Float32Array);
        scales[2] = value;
        t['mf.itemFactorScales'] = scales;
      });
      expectCorrupt(
        bad,
        new RegExp(`"mf\\.itemFactorScales" holds .* row 2 \\(item "${bundle.itemIds[2]}"\\)`),
      );
    }
  });

  it('the int8 value −128 (never written) names its row and column', () => {
    const bad = editBundleFile(int8, (_h, t) => {
      const values = Int8Array.from(t['mf.itemFactors'] as Int8Array);
      values[bundle.mf.factors + 1] = -128;
      t['mf.itemFactors'] = values;
    });
    expectCorrupt(bad, /int8 value -128 at row 1, column 1/);
  });

  it('factors of the wrong dtype or length for the declared encoding', () => {
    const asFloat = editBundleFile(int8, (_h, t) => {
      t['mf.itemFactors'] = new Float32Array((t['mf.itemFactors'] as Int8Array).length);
    });
    expectCorrupt(asFloat, /mf\.itemFactors is not int8 \(itemFactorEncoding int8\)/);
    const short = editBundleFile(int8, (_h, t) => {
      t['mf.itemFactors'] = (t['mf.itemFactors'] as Int8Array).subarray(8);
    });
    expectCorrupt(short, /mf\.itemFactors has \d+ values, expected \d+ items × 8 factors/);
  });

  it('scales next to float32 or float16 factors', () => {
    const bad = editBundleFile(encodeBundle(bundle, { itemFactors: 'float16' }), (_h, t) => {
      t['mf.itemFactorScales'] = new Float32Array(bundle.itemIds.length);
    });
    expectCorrupt(bad, /mf\.itemFactorScales is present \(itemFactorEncoding float16\)/);
  });

  it('a half-precision ∞ or NaN names the item', () => {
    const f16 = encodeBundle(bundle, { itemFactors: 'float16' });
    for (const bits of [0x7c00, 0xfe00]) {
      const bad = editBundleFile(f16, (_h, t) => {
        const values = Uint16Array.from(t['mf.itemFactors'] as Uint16Array);
        values[bundle.mf.factors * 3] = bits;
        t['mf.itemFactors'] = values;
      });
      expectCorrupt(bad, new RegExp(`row 3, column 0 \\(item "${bundle.itemIds[3]}"\\)`));
    }
  });

  it('an int8 tensor in a version-1 container', () => {
    const v1 = int8.slice();
    const view = new DataView(v1.buffer);
    view.setUint32(4, 1, true);
    view.setUint32(v1.length - 4, crc32(v1.subarray(0, v1.length - 4)), true);
    expect(expectModelFileError(() => decodeModelFile(v1), 'MODEL_FILE_CORRUPT')).toMatch(
      /"mf\.itemFactors" has dtype int8, which format version 1 cannot hold/,
    );
  });
});
