import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../src/core/model-file/crc32';
import { createRng } from '../../../src/core/random';

/** Bit-at-a-time CRC-32, the definition the table-driven version must match. */
function referenceCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function randomBytes(seed: number, length: number): Uint8Array {
  const rng = createRng(seed);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = rng.int(256);
  return bytes;
}

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('crc32', () => {
  it('matches the published check values', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('a'))).toBe(0xe8b7be43);
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('matches the bitwise definition for every length around the 8-byte stride', () => {
    const bytes = randomBytes(1, 300);
    for (let length = 0; length <= 40; length++) {
      expect(crc32(bytes.subarray(0, length))).toBe(referenceCrc32(bytes.subarray(0, length)));
    }
    expect(crc32(bytes)).toBe(referenceCrc32(bytes));
  });

  it('handles unaligned views and all-ones input', () => {
    const bytes = randomBytes(2, 100);
    for (let start = 1; start < 9; start++) {
      const view = bytes.subarray(start, start + 37);
      expect(crc32(view)).toBe(referenceCrc32(view));
    }
    const ones = new Uint8Array(64).fill(0xff);
    expect(crc32(ones)).toBe(referenceCrc32(ones));
  });

  it('continues a checksum across chunks', () => {
    const bytes = randomBytes(3, 1000);
    const whole = crc32(bytes);
    for (const cut of [0, 1, 7, 8, 9, 500, 999, 1000]) {
      expect(crc32(bytes.subarray(cut), crc32(bytes.subarray(0, cut)))).toBe(whole);
    }
  });

  it('always returns an unsigned 32-bit integer', () => {
    for (let seed = 10; seed < 20; seed++) {
      const value = crc32(randomBytes(seed, 33));
      expect(Number.isInteger(value) && value >= 0 && value <= 0xffffffff).toBe(true);
    }
  });
});
