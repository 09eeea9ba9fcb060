import {
  createChunkDecoder,
  unreadableInputError,
  type ChunkDecoder,
  type TextEncoding,
} from './chunk-decoder';
import { createDelimitedReader } from './delimited-parser';
import {
  detectFormat,
  SNIFF_LINES,
  type DetectedFormat,
  type InteractionFormat,
  type RecordLayout,
} from './detect-format';
import { FieldSpans } from './field-spans';
import {
  createLineEndingNormalizer,
  createLineReader,
  createSeparatorReader,
  findLineBreak,
  createWhitespaceReader,
  type RecordReader,
} from './line-splitter';

/** Receives the records of a {@link RecordStream}. */
export interface RecordSink {
  /**
   * Called once, before any row, with the detected format and the first two non-blank records
   * (`second` null when absent; both null for JSON Lines, never called when no record is readable). Returns true when the first record is a header,
   * which is then not passed to {@link RecordSink.row}. May throw (e.g. an unknown column).
   */
  begin(
    detected: DetectedFormat,
    first: readonly string[] | null,
    second: readonly string[] | null,
  ): boolean;
  /** One non-blank data record; `fields` is reused for the next record, so copy what you keep. */
  row(fields: FieldSpans, line: number): void;
  /** A record malformed as a whole (e.g. an unterminated quote). */
  reject(line: number, reason: string): void;
}

/** Options of {@link createRecordStream}. */
export interface RecordStreamOptions {
  readonly kind: 'interactions' | 'catalog';
  readonly format: InteractionFormat;
  readonly delimiter?: string;
  /** Byte encoding; default UTF-8, except latin-1 for a MovieLens catalog (`u.item`). */
  readonly encoding?: TextEncoding;
  readonly sink: RecordSink;
  /**
   * Continue a file from a line boundary in the middle (a slice of a file parsed in parallel):
   * the format found at the file's start. Nothing is sniffed, no header is looked for, no byte
   * order mark is dropped, and {@link RecordSink.begin} is not called; lines count from 1.
   */
  readonly resume?: DetectedFormat;
}

/** Incremental text-to-records driver: sniffs the format, decodes, splits and finds the header. */
export interface RecordStream {
  /** Adds a chunk; complete records in it are passed to the sink at once. */
  push(chunk: string | Uint8Array): void;
  /** Ends the input, flushes the last record and returns the detected format. */
  finish(): DetectedFormat;
  /** Physical lines read so far (after `finish`, the line breaks in the input). */
  readonly lines: number;
}

/** Sniffing stops after this many characters even without {@link SNIFF_LINES} complete lines. */
const SNIFF_MAX_CHARS = 1 << 16;

function createReader(layout: RecordLayout): RecordReader {
  switch (layout.kind) {
    case 'delimited':
      return createDelimitedReader({ delimiter: layout.delimiter, quotes: layout.quotes });
    case 'whitespace':
      return createWhitespaceReader();
    case 'separator':
      return createSeparatorReader(layout.separator);
    case 'lines':
      return createLineReader();
  }
}

function isBlankRecord(fields: FieldSpans): boolean {
  return fields.count === 0 || (fields.count === 1 && fields.isEmpty(0));
}

/**
 * Creates the driver shared by the interaction and catalog parsers. Chunks may split lines and
 * multi-byte characters anywhere; the records and line numbers seen by the sink do not depend on
 * how the input was chunked.
 */
export function createRecordStream(options: RecordStreamOptions): RecordStream {
  const { sink } = options;
  const spans = new FieldSpans();

  // Before the format is known, chunks are kept raw: the format decides the byte encoding.
  let sniffChunks: (string | Uint8Array)[] = [];
  let preview = '';
  let previewScanned = 0;
  let previewLines = 0;

  let detected: DetectedFormat | null = null;
  let decoder: ChunkDecoder | null = null;
  let reader: RecordReader | null = null;
  let pending = '';
  let pos = 0;
  let line = 1;
  let sawText = false;
  let begun = false;
  let failure: unknown = null;
  const normalizeLineEndings = createLineEndingNormalizer();

  const previewReady = (): boolean => {
    while (previewLines < SNIFF_LINES) {
      const nl = findLineBreak(preview, previewScanned);
      if (nl < 0) break;
      if (preview.slice(previewScanned, nl).trim() !== '') previewLines++;
      previewScanned = nl + 1;
    }
    return previewLines >= SNIFF_LINES || preview.length >= SNIFF_MAX_CHARS;
  };

  const start = (final: boolean): void => {
    if (preview.includes('\u0000'))
      throw unreadableInputError('it contains NUL characters, so it looks binary');
    const sample = final || previewScanned === 0 ? preview : preview.slice(0, previewScanned);
    const found =
      options.resume ??
      detectFormat(stripBom(sample), {
        kind: options.kind,
        format: options.format,
        ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
      });
    detected = found;
    const encoding =
      options.encoding ??
      (options.kind === 'catalog' && found.format === 'movielens' ? 'latin1' : 'utf-8');
    decoder = createChunkDecoder(encoding);
    reader = createReader(found.layout);
    const chunks = sniffChunks;
    sniffChunks = [];
    preview = '';
    for (const chunk of chunks) feed(decoder.decode(chunk), false);
  };

  const feed = (raw: string, final: boolean): void => {
    let text = normalizeLineEndings(raw, final);
    if (!sawText && text.length > 0) {
      sawText = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const nl = begun && pos < pending.length ? text.indexOf('\n') : -1;
    if (nl >= 0 && nl + 1 < text.length) {
      // Finish the record cut by the chunk boundary on its own, then read the new chunk in place:
      // a string joined from the rest and the chunk is slower to scan than the decoded chunk.
      pending = pending.slice(pos) + text.slice(0, nl + 1);
      pos = 0;
      drain(false);
      if (pos === pending.length) {
        pending = text;
        pos = nl + 1;
      } else {
        pending = pending.slice(pos) + text.slice(nl + 1);
        pos = 0;
      }
    } else {
      pending = pos > 0 ? pending.slice(pos) + text : pending + text;
      pos = 0;
    }
    if (pending.length > pos || final) drain(final);
  };

  const drain = (final: boolean): void => {
    const read = reader!;
    if (!begun && !begin(read, final)) return;
    const text = pending;
    const len = text.length;
    while (pos < len) {
      const next = read.read(text, pos, final, spans);
      if (next < 0) break;
      if (spans.error !== null) sink.reject(line, spans.error);
      else if (!isBlankRecord(spans)) sink.row(spans, line);
      line += spans.lines;
      pos = next;
    }
  };

  /** Looks ahead at the first two non-blank records; false when more text is needed first. */
  const begin = (read: RecordReader, final: boolean): boolean => {
    const found = detected!;
    if (found.layout.kind === 'lines') {
      sink.begin(found, null, null);
      begun = true;
      return true;
    }
    const records: string[][] = [];
    const earlyErrors: { line: number; reason: string }[] = [];
    let p = pos;
    let l = line;
    let afterFirst = pos;
    let afterFirstLine = line;
    while (records.length < 2 && p < pending.length) {
      const next = read.read(pending, p, final, spans);
      if (next < 0) return false;
      const recordLine = l;
      l += spans.lines;
      p = next;
      if (spans.error !== null) {
        if (records.length === 0) earlyErrors.push({ line: recordLine, reason: spans.error });
        continue;
      }
      if (isBlankRecord(spans)) continue;
      records.push(spans.toArray());
      if (records.length === 1) {
        afterFirst = p;
        afterFirstLine = l;
      }
    }
    if (records.length < 2 && !final) return false;
    begun = true;
    const first = records[0];
    if (first === undefined) {
      for (const e of earlyErrors) sink.reject(e.line, e.reason);
      pos = p;
      line = l;
    } else if (sink.begin(found, first, records[1] ?? null)) {
      // Malformed records before the header are skipped by the jump below, so report them here.
      for (const e of earlyErrors) sink.reject(e.line, e.reason);
      pos = afterFirst;
      line = afterFirstLine;
    }
    return true;
  };

  if (options.resume !== undefined) {
    start(false);
    sawText = true;
    begun = true;
  }

  const guard = (action: () => void): void => {
    if (failure !== null) throw failure;
    try {
      action();
    } catch (error) {
      failure = error;
      throw error;
    }
  };

  return {
    push(chunk) {
      guard(() => {
        if (decoder !== null) {
          feed(decoder.decode(chunk), false);
          return;
        }
        sniffChunks.push(chunk);
        const room = SNIFF_MAX_CHARS - preview.length;
        preview +=
          typeof chunk === 'string' ? chunk.slice(0, Math.max(0, room)) : previewBytes(chunk, room);
        if (previewReady()) start(false);
      });
    },
    finish() {
      guard(() => {
        if (decoder === null) start(true);
        feed(decoder!.end(), true);
      });
      return detected!;
    },
    get lines() {
      return line - 1;
    },
  };
}

/** ASCII view of bytes for sniffing: delimiters and digits are ASCII in every supported encoding. */
function previewBytes(bytes: Uint8Array, room: number): string {
  const n = Math.max(0, Math.min(bytes.length, room));
  let out = '';
  for (let i = 0; i < n; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

function stripBom(text: string): string {
  if (text.startsWith('\ufeff')) return text.slice(1);
  if (text.startsWith('\u00ef\u00bb\u00bf')) return text.slice(3);
  return text;
}
