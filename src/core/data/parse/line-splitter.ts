import type { FieldSpans } from './field-spans';

/**
 * Reads one record at a time from a growing text buffer into a reused {@link FieldSpans}.
 */
export interface RecordReader {
  /**
   * Reads the record starting at `pos` (< `text.length`) into `out` and returns the offset just
   * past it, or -1 when the buffer ends inside the record and more text may follow (`final` is
   * false). Sets `out.error` instead of fields when the record is malformed as a whole.
   */
  read(text: string, pos: number, final: boolean, out: FieldSpans): number;
}

const NEWLINE = 10;
const CR = 13;

/**
 * Offset of the end of the physical line starting at `pos` (the `\n`, or `text.length`), or -1
 * when no newline follows and more text may come.
 */
export function findLineEnd(text: string, pos: number, final: boolean): number {
  const nl = text.indexOf('\n', pos);
  if (nl >= 0) return nl;
  return final ? text.length : -1;
}

/** End of a line's content: drops the `\r` of a CRLF line ending. */
function contentEnd(text: string, start: number, lineEnd: number): number {
  return lineEnd > start && text.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
}

/** Marks the record as one physical line and returns the offset after it. */
function finishLine(text: string, lineEnd: number, out: FieldSpans): number {
  out.lines = lineEnd < text.length && text.charCodeAt(lineEnd) === NEWLINE ? 1 : 0;
  return lineEnd < text.length ? lineEnd + 1 : lineEnd;
}

/** Whole lines as single fields (JSON Lines). */
export function createLineReader(): RecordReader {
  return {
    read(text, pos, final, out) {
      const lineEnd = findLineEnd(text, pos, final);
      if (lineEnd < 0) return -1;
      out.reset(text);
      out.add(pos, contentEnd(text, pos, lineEnd), false);
      return finishLine(text, lineEnd, out);
    },
  };
}

/** Fields separated by any run of spaces or tabs; leading and trailing blanks ignored. */
export function createWhitespaceReader(): RecordReader {
  return {
    read(text, pos, final, out) {
      const lineEnd = findLineEnd(text, pos, final);
      if (lineEnd < 0) return -1;
      out.reset(text);
      const end = contentEnd(text, pos, lineEnd);
      let p = pos;
      while (p < end) {
        let c = text.charCodeAt(p);
        if (c === 32 || c === 9) {
          p++;
          continue;
        }
        const start = p;
        while (p < end && (c = text.charCodeAt(p)) !== 32 && c !== 9) p++;
        out.add(start, p, false);
      }
      return finishLine(text, lineEnd, out);
    },
  };
}

/** Fields separated by a literal multi-character separator such as MovieLens 1M's `::`. */
export function createSeparatorReader(separator: string): RecordReader {
  const step = separator.length;
  return {
    read(text, pos, final, out) {
      const lineEnd = findLineEnd(text, pos, final);
      if (lineEnd < 0) return -1;
      out.reset(text);
      const end = contentEnd(text, pos, lineEnd);
      let start = pos;
      for (;;) {
        const hit = text.indexOf(separator, start);
        if (hit < 0 || hit >= end) break;
        out.add(start, hit, false);
        start = hit + step;
      }
      out.add(start, end, false);
      return finishLine(text, lineEnd, out);
    },
  };
}

/** A carriage return not followed by a line feed: a classic Mac OS (CR-only) line ending. */
const LONE_CR = /\r(?!\n)/g;

/**
 * Returns a chunk filter that turns CR-only line endings into `\n`, so every reader sees LF or
 * CRLF. A `\r` at the end of a chunk is held back until the next one shows whether a `\n`
 * follows; `final` flushes it.
 */
export function createLineEndingNormalizer(): (text: string, final: boolean) => string {
  let heldCr = false;
  return (text, final) => {
    if (heldCr) {
      text = `\r${text}`;
      heldCr = false;
    }
    if (!final && text.charCodeAt(text.length - 1) === CR) {
      text = text.slice(0, -1);
      heldCr = true;
    }
    return text.indexOf('\r') < 0 ? text : text.replace(LONE_CR, '\n');
  };
}

/** Offset of the next line break (`\n`, `\r\n` or a lone `\r`) at or after `from`, or -1. */
export function findLineBreak(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  const cr = text.indexOf('\r', from);
  if (cr < 0 || (nl >= 0 && nl < cr)) return nl;
  return cr;
}
