import type { FieldSpans } from './field-spans';
import type { RecordReader } from './line-splitter';

/** Options of {@link createDelimitedReader}. */
export interface DelimitedReaderOptions {
  /** Single-character field delimiter, e.g. `,`, `\t`, `;` or `|`. */
  readonly delimiter: string;
  /** Honour RFC 4180 quoting (fields wrapped in `"`, with `""` for a quote). Default true. */
  readonly quotes?: boolean;
}

/**
 * Longest span a quoted field may cover. A stray opening quote would otherwise swallow the rest of
 * the file; past this the record is rejected and reading resumes on the next physical line.
 */
export const MAX_QUOTED_FIELD_CHARS = 1 << 20;

const NEWLINE = 10;
const CR = 13;
const QUOTE = 34;
const SPACE = 32;

/**
 * RFC 4180 record reader: quoted fields may contain delimiters, doubled quotes and newlines;
 * CRLF and LF line endings are both accepted. Field spans are recorded, never copied.
 */
export function createDelimitedReader(options: DelimitedReaderOptions): RecordReader {
  const delim = options.delimiter.charCodeAt(0);
  const quotes = options.quotes ?? true;

  /** Whether the field starting at `p` is quoted (only blanks before a `"`). */
  const quotedAt = (text: string, p: number, end: number): boolean => {
    while (p < end && text.charCodeAt(p) === SPACE) p++;
    return p < end && text.charCodeAt(p) === QUOTE;
  };

  /** Fast path for a record on one line without quoted fields: memchr for the line, then one pass. */
  const readLine = (text: string, pos: number, final: boolean, out: FieldSpans): number => {
    const nl = text.indexOf('\n', pos);
    if (nl < 0 && !final) return -1;
    const lineEnd = nl < 0 ? text.length : nl;
    if (quotes && quotedAt(text, pos, lineEnd)) return readQuoted(text, pos, final, out);
    out.reset(text);
    let start = pos;
    for (let j = pos; j < lineEnd; j++) {
      if (text.charCodeAt(j) !== delim) continue;
      out.add(start, j, false);
      start = j + 1;
      if (quotes && quotedAt(text, start, lineEnd)) return readQuoted(text, pos, final, out);
    }
    out.add(
      start,
      lineEnd > start && text.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd,
      false,
    );
    if (nl < 0) return text.length;
    out.lines = 1;
    return nl + 1;
  };

  /** General path: quoted fields may hold delimiters, doubled quotes and newlines. */
  const readQuoted = (text: string, pos: number, final: boolean, out: FieldSpans): number => {
    const len = text.length;
    out.reset(text);
    let i = pos;
    let lines = 0;
    for (;;) {
      let q = i;
      if (quotes) while (q < len && text.charCodeAt(q) === SPACE) q++;
      if (quotes && q < len && text.charCodeAt(q) === QUOTE) {
        let j = q + 1;
        for (;;) {
          if (j - pos > MAX_QUOTED_FIELD_CHARS) return rejectUnterminated(text, pos, final, out);
          if (j >= len) {
            return final ? rejectUnterminated(text, pos, final, out) : -1;
          }
          const c = text.charCodeAt(j);
          if (c === QUOTE) {
            if (j + 1 >= len && !final) return -1;
            if (j + 1 < len && text.charCodeAt(j + 1) === QUOTE) {
              j += 2;
              continue;
            }
            j++;
            break;
          }
          if (c === NEWLINE) lines++;
          j++;
        }
        while (j < len) {
          const c = text.charCodeAt(j);
          if (c === delim || c === NEWLINE) break;
          j++;
        }
        if (j >= len && !final) return -1;
        out.add(q, j, true);
        i = j;
      } else {
        let j = i;
        while (j < len) {
          const c = text.charCodeAt(j);
          if (c === delim || c === NEWLINE) break;
          j++;
        }
        if (j >= len && !final) return -1;
        const end = j > i && text.charCodeAt(j - 1) === CR ? j - 1 : j;
        out.add(i, end, false);
        i = j;
      }
      if (i >= len) {
        out.lines = lines;
        return len;
      }
      if (text.charCodeAt(i) === NEWLINE) {
        out.lines = lines + 1;
        return i + 1;
      }
      i++;
      if (i >= len && !final) return -1;
    }
  };

  return { read: readLine };
}

/** Rejects the record at `pos` as a whole and resumes after its first physical line. */
function rejectUnterminated(text: string, pos: number, final: boolean, out: FieldSpans): number {
  const nl = text.indexOf('\n', pos);
  if (nl < 0 && !final) return -1;
  out.reset(text);
  out.error = 'unterminated quoted field: a " opens a field but never closes it';
  if (nl < 0) return text.length;
  out.lines = 1;
  return nl + 1;
}
