import { describe, expect, it } from 'vitest';
import { float16Value } from '../../../src/core/bundle/dequantize-factors';
import {
  float16Bits,
  quantizeInt8Rows,
  toFloat16,
} from '../../../src/core/bundle/quantize-factors';
import { OptionError } from '../../../src/core/errors';

describe('float16Bits', () => {
  it('encodes known values exactly as IEEE half precision', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff],
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [0.1, 0x2e66],
      [Number.POSITIVE_INFINITY, 0x7c00],
      [65520, 0x7c00], // rounds up past the largest finite value
    ];
    for (const [value, bits] of cases) expect(float16Bits(value)).toBe(bits);
  });

  it('rounds to nearest, ties to even', () => {
    // 1 + 2^-11 is halfway between 1 and the next half 1 + 2^-10: ties go to the even mantissa.
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float16Bits(2 ** -25)).toBe(0x0000);
    expect(float16Bits(3 * 2 ** -25)).toBe(0x0002);
  });

  it('decodes back every finite pattern it produces (round trip of all 63,488 finite halves)', () => {
    const mismatches: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      if (((bits >>> 10) & 0x1f) === 0x1f) continue;
      if (float16Bits(float16Value(bits)) !== bits) mismatches.push(bits);
    }
    expect(mismatches).toEqual([]);
  });

  it('toFloat16 refuses values beyond ±65504', () => {
    expect(() => toFloat16(Float32Array.from([1, -70000]))).toThrow(OptionError);
    expect(() => toFloat16(Float32Array.from([Number.NaN]))).toThrow(/position 0/);
  });
});

describe('quantizeInt8Rows', () => {
  it('maps each row’s largest |v| to ±127 with its own scale', () => {
    const { values, scales } = quantizeInt8Rows(
      Float32Array.from([0.5, -1, 0.25, 100, 50, -100]),
      3,
    );
    expect(Array.from(values)).toEqual([64, -127, 32, 127, 64, -127]);
    expect(scales[0]).toBeCloseTo(1 / 127, 7);
    expect(scales[1]).toBeCloseTo(100 / 127, 5);
  });

  it('gives an all-zero row scale 0 and zero values', () => {
    const { values, scales } = quantizeInt8Rows(new Float32Array(4), 2);
    expect(Array.from(values)).toEqual([0, 0, 0, 0]);
    expect(Array.from(scales)).toEqual([0, 0]);
  });
});
