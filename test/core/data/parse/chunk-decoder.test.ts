import { describe, expect, it } from 'vitest';
import { createChunkDecoder } from '../../../../src/core/data/parse/chunk-decoder';

describe('createChunkDecoder', () => {
  it('decodes latin-1 exactly, including the C1 range windows-1252 would remap', () => {
    const decoder = createChunkDecoder('latin1');
    expect(decoder.decode(new Uint8Array([0x41, 0x93, 0xe9, 0xff]))).toBe('A\u0093\u00e9\u00ff');
    expect(decoder.end()).toBe('');
  });

  it('carries UTF-8 characters split across chunks', () => {
    const decoder = createChunkDecoder('utf-8');
    const bytes = new TextEncoder().encode('a€🍕');
    const parts = [bytes.subarray(0, 2), bytes.subarray(2, 5), bytes.subarray(5)].map((b) =>
      decoder.decode(b),
    );
    expect(parts.join('') + decoder.end()).toBe('a€🍕');
    expect(parts[0]).toBe('a');
  });

  it('rejects NUL characters and invalid UTF-8 as unreadable', () => {
    expect(() => createChunkDecoder('utf-8').decode('a\u0000b')).toThrow(/NUL/);
    expect(() => createChunkDecoder('utf-8').decode(new Uint8Array([0xff, 0x41]))).toThrow(
      expect.objectContaining({ code: 'UNREADABLE_INPUT' }),
    );
  });
});
