import { DataError } from '../../errors';

/** Text encodings the parsers read. `latin1` is ISO-8859-1 (MovieLens `u.item`). */
export type TextEncoding = 'utf-8' | 'latin1';

/** Incremental bytes-to-text decoder that rejects binary input. */
export interface ChunkDecoder {
  /** Decodes the next chunk; a multi-byte character split across chunks is carried over. */
  decode(chunk: string | Uint8Array): string;
  /** Flushes what is left at the end of the input. */
  end(): string;
}

const UNREADABLE_HINT =
  'Save the file as UTF-8 text (CSV, TSV or JSON Lines) and import it again; ' +
  'compressed, spreadsheet (.xlsx) and UTF-16 files are not read.';

/** The error raised for binary or undecodable input. */
export function unreadableInputError(detail: string): DataError {
  return new DataError(
    'UNREADABLE_INPUT',
    `The input is not readable text: ${detail}. ${UNREADABLE_HINT}`,
  );
}

/** Creates a decoder. UTF-8 is decoded strictly; NUL characters mark input as binary. */
export function createChunkDecoder(encoding: TextEncoding): ChunkDecoder {
  if (encoding === 'latin1') {
    return {
      decode: (chunk) => checked(typeof chunk === 'string' ? chunk : latin1(chunk)),
      end: () => '',
    };
  }
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  // Bytes of a character cut by the chunk boundary. Whole characters are decoded in one-shot mode,
  // which is several times faster than TextDecoder's streaming mode.
  let carry: Uint8Array | null = null;

  const decodeBytes = (bytes: Uint8Array): string => {
    try {
      return utf8.decode(bytes);
    } catch {
      throw unreadableInputError('it contains bytes that are not valid UTF-8');
    }
  };

  const flush = (): string => {
    if (carry === null) return '';
    const rest = carry;
    carry = null;
    return decodeBytes(rest);
  };

  return {
    decode(chunk) {
      if (typeof chunk === 'string') return checked(flush() + chunk);
      let bytes = chunk;
      if (carry !== null) {
        bytes = new Uint8Array(carry.length + chunk.length);
        bytes.set(carry);
        bytes.set(chunk, carry.length);
        carry = null;
      }
      const cut = completeLength(bytes);
      if (cut < bytes.length) carry = bytes.slice(cut);
      return checked(decodeBytes(cut < bytes.length ? bytes.subarray(0, cut) : bytes));
    },
    end() {
      return checked(flush());
    },
  };
}

function checked(text: string): string {
  if (text.includes('\u0000'))
    throw unreadableInputError('it contains NUL characters, so it looks binary');
  return text;
}

/** Length of the prefix of `bytes` that does not end inside a UTF-8 multi-byte sequence. */
function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = bytes[i]!;
    if ((b & 0xc0) === 0x80) continue;
    if (b < 0xc0) return n;
    const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return n - i < needed ? i : n;
  }
  // Only continuation bytes at the end: invalid however the input continues, so let it fail now.
  return n;
}

const LATIN1_BLOCK = 8192;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
let utf16: TextDecoder | null = null;

/** ISO-8859-1: every byte is the code point of the same value. */
function latin1(bytes: Uint8Array): string {
  if (LITTLE_ENDIAN) {
    // Widening to UTF-16 code units and decoding natively is exact and far faster than
    // String.fromCharCode; TextDecoder('latin1') would mean windows-1252 instead.
    const wide = new Uint16Array(bytes.length);
    wide.set(bytes);
    utf16 ??= new TextDecoder('utf-16le');
    return utf16.decode(wide);
  }
  let out = '';
  for (let start = 0; start < bytes.length; start += LATIN1_BLOCK) {
    out += String.fromCharCode(...bytes.subarray(start, start + LATIN1_BLOCK));
  }
  return out;
}
