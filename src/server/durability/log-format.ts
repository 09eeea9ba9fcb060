/**
 * On-disk format of a round log and the rules that tell a torn tail (a crash mid-append: cut it)
 * from corruption (anything else: refuse to start). See docs/server-durability.md.
 *
 * Format v1: a 20-byte header `[magic "HLOG"][u32 version = 1][u32 round][u32 salt][u32 CRC-32 of
 * the 16 bytes before]`, then records `[u32 length][u32 CRC-32(salt ‖ length ‖ body)][body]`, all
 * little-endian. The CRC covers the length, so zero-filled space is never a valid (empty) record,
 * and it is keyed by the log's random salt, so record-shaped bytes inside an uploaded payload never
 * pass as a record when the scanner looks for intact records after damage.
 * Legacy logs (written before v1) have no header and records `[u32 length][u32 CRC-32(body)][body]`.
 */
import { crc32 } from '../../core/model-file';

/** Bytes of the v1 header. */
export const LOG_HEADER_BYTES = 20;
/** Bytes of a record's frame (length and checksum). */
export const FRAME_BYTES = 8;
/** Largest record body a log accepts; a longer length field is corruption. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;
/** Sector size assumed for unwritten-sector detection (the smallest in use; 4 KiB is a multiple). */
export const SECTOR_BYTES = 512;

const MAGIC = 0x474f4c48; // "HLOG" little-endian
const VERSION = 1;
/** Most body bytes checksummed while looking for intact records after damage. */
const RESYNC_BUDGET = 512 * 1024 * 1024;

/** Identity of a log: its format, the round it belongs to, and the salt of its checksums. */
export interface LogHeader {
  readonly version: 0 | 1;
  /** Round number written in the header (v1), or null for legacy logs. */
  readonly round: number | null;
  readonly salt: number;
}

/** One intact record and its byte offset in the file. */
export interface ScannedRecord {
  readonly offset: number;
  readonly body: Uint8Array;
}

/** What a scan found after the last intact record. */
export type LogEnd =
  | { readonly kind: 'clean' }
  /** A crash mid-append: `bytes` unacknowledged bytes from `offset` on, safe to cut. */
  | { readonly kind: 'torn'; readonly offset: number; readonly bytes: number }
  /** Damage a crash cannot cause, at `offset`. */
  | { readonly kind: 'corrupt'; readonly offset: number; readonly problem: string };

/** Result of {@link scanLog}. */
export interface LogScan {
  /** Null when the header itself is damaged (then `end` is `corrupt` at 0). */
  readonly header: LogHeader | null;
  readonly records: ScannedRecord[];
  /** End of the last intact record (where appends continue after a torn tail is cut). */
  readonly validLength: number;
  readonly end: LogEnd;
}

const u32 = (bytes: Uint8Array, at: number): number =>
  new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0, true);

/** Encodes the v1 header of a new log for `round` with checksum key `salt`. */
export function encodeLogHeader(round: number, salt: number): Uint8Array {
  const out = new Uint8Array(LOG_HEADER_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, round, true);
  view.setUint32(12, salt >>> 0, true);
  view.setUint32(16, crc32(out.subarray(0, 16)), true);
  return out;
}

function recordChecksum(header: LogHeader, lengthField: Uint8Array, body: Uint8Array): number {
  if (header.version === 0) return crc32(body);
  const salt = new Uint8Array(4);
  new DataView(salt.buffer).setUint32(0, header.salt, true);
  return crc32(body, crc32(lengthField, crc32(salt)));
}

/** Frames `body` as one record of a log with `header`. */
export function frameRecord(header: LogHeader, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_BYTES + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length, true);
  view.setUint32(4, recordChecksum(header, out.subarray(0, 4), body), true);
  out.set(body, FRAME_BYTES);
  return out;
}

/** The intact record at `at`, or null. */
function recordAt(bytes: Uint8Array, header: LogHeader, at: number): Uint8Array | null {
  if (at + FRAME_BYTES > bytes.length) return null;
  const length = u32(bytes, at);
  if (length > MAX_RECORD_BYTES || at + FRAME_BYTES + length > bytes.length) return null;
  const body = bytes.subarray(at + FRAME_BYTES, at + FRAME_BYTES + length);
  return recordChecksum(header, bytes.subarray(at, at + 4), body) === u32(bytes, at + 4)
    ? body
    : null;
}

/**
 * Offset of the first intact record starting after `from`; null if there is none; `too-costly` if
 * the bytes after `from` hold too many plausible lengths to check them all.
 */
function nextIntactRecord(
  bytes: Uint8Array,
  header: LogHeader,
  from: number,
): number | 'too-costly' | null {
  let budget = RESYNC_BUDGET;
  for (let at = from + 1; at + FRAME_BYTES <= bytes.length; at++) {
    const length = u32(bytes, at);
    if (length > MAX_RECORD_BYTES || at + FRAME_BYTES + length > bytes.length) continue;
    budget -= length;
    if (budget < 0) return 'too-costly';
    if (recordAt(bytes, header, at)) return at;
  }
  return null;
}

/** Start of the all-zero suffix of `bytes` (its length when the last byte is not zero). */
function zeroSuffixStart(bytes: Uint8Array): number {
  let z = bytes.length;
  while (z > 0 && bytes[z - 1] === 0) z--;
  return z;
}

/** How the damage at `offset` (no intact record there) ends the log. */
function classifyDamage(bytes: Uint8Array, header: LogHeader, offset: number): LogEnd {
  const rest = bytes.length - offset;
  if (rest < FRAME_BYTES) return { kind: 'torn', offset, bytes: rest };
  const length = u32(bytes, offset);
  if (length > MAX_RECORD_BYTES) {
    return {
      kind: 'corrupt',
      offset,
      problem: `the record length field says ${length} bytes, more than any record (${MAX_RECORD_BYTES})`,
    };
  }
  // A damaged body with an intact length: the next record starts right after it.
  const after = offset + FRAME_BYTES + length;
  const next =
    after < bytes.length && recordAt(bytes, header, after)
      ? after
      : nextIntactRecord(bytes, header, offset);
  if (next === 'too-costly') {
    // Never cut what could not be checked: a long damaged stretch is reported, not dropped.
    return {
      kind: 'corrupt',
      offset,
      problem: `the record there is damaged and the ${bytes.length - offset} bytes after it are too many to check for intact records`,
    };
  }
  if (next !== null) {
    return {
      kind: 'corrupt',
      offset,
      problem: `the record there is damaged (bad checksum or length) but intact records follow at byte ${next}`,
    };
  }
  const end = after;
  if (end > bytes.length) return { kind: 'torn', offset, bytes: rest };
  // A complete record with a bad checksum at the very end: a crash can leave one only as sectors
  // that were never written (zeros from a sector boundary to the end of the file).
  const zeros = zeroSuffixStart(bytes);
  if (zeros <= offset || Math.ceil(zeros / SECTOR_BYTES) * SECTOR_BYTES < end) {
    return { kind: 'torn', offset, bytes: rest };
  }
  return {
    kind: 'corrupt',
    offset,
    problem:
      'the last record is complete but fails its checksum (a flipped byte, not an interrupted write)',
  };
}

function readHeader(bytes: Uint8Array): LogHeader | LogEnd {
  if (bytes.length === 0) {
    return {
      kind: 'corrupt',
      offset: 0,
      problem: 'the log is empty, but every log starts with a header written before it is used',
    };
  }
  if (bytes.length >= 4 && u32(bytes, 0) === MAGIC) {
    if (bytes.length < LOG_HEADER_BYTES || crc32(bytes.subarray(0, 16)) !== u32(bytes, 16)) {
      return { kind: 'corrupt', offset: 0, problem: 'the log header is damaged' };
    }
    if (u32(bytes, 4) !== VERSION) {
      return {
        kind: 'corrupt',
        offset: 4,
        problem: `log format version ${u32(bytes, 4)} is not supported (this server reads ${VERSION})`,
      };
    }
    return { version: 1, round: u32(bytes, 8), salt: u32(bytes, 12) };
  }
  const legacy: LogHeader = { version: 0, round: null, salt: 0 };
  if (recordAt(bytes, legacy, 0)) return legacy;
  return {
    kind: 'corrupt',
    offset: 0,
    problem: 'the file starts with neither a log header nor an intact record',
  };
}

/**
 * Reads a log file's bytes: its header, its intact records, and how it ends — `clean`, a `torn`
 * tail (only ever the unacknowledged end of an interrupted append), or `corrupt`.
 */
export function scanLog(bytes: Uint8Array): LogScan {
  const header = readHeader(bytes);
  if ('kind' in header) return { header: null, records: [], validLength: 0, end: header };
  const records: ScannedRecord[] = [];
  let pos = header.version === 1 ? LOG_HEADER_BYTES : 0;
  for (;;) {
    if (pos === bytes.length) return { header, records, validLength: pos, end: { kind: 'clean' } };
    const body = recordAt(bytes, header, pos);
    if (!body)
      return { header, records, validLength: pos, end: classifyDamage(bytes, header, pos) };
    records.push({ offset: pos, body: body.slice() });
    pos += FRAME_BYTES + body.length;
  }
}
