import { DataError } from '../../errors';
import { jsonErrorDetail } from '../display-text';

/** Something that takes chunks and finishes (the catalog and interaction parsers). */
export interface ChunkSink<T> {
  push(chunk: string | Uint8Array): void;
  finish(): T;
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0xfeff, 0xef, 0xbb, 0xbf]);

/** First significant character code of a chunk (skipping whitespace and a UTF-8/UTF-16 BOM), or -1. */
function firstSignificant(chunk: string | Uint8Array): number {
  for (let i = 0; i < chunk.length; i++) {
    const c = typeof chunk === 'string' ? chunk.charCodeAt(i) : chunk[i]!;
    if (!WHITESPACE.has(c)) return c;
  }
  return -1;
}

/**
 * Lets a JSON Lines parser also read one JSON array of objects (what `hearth train` writes as
 * `catalog.json`): when the input starts with `[`, chunks are collected, the array parsed at the
 * end, and each element fed to `sink` as one JSON line — so the report's "line" is the element's
 * 1-based position. Other input streams through untouched.
 */
export function acceptJsonArray<T>(sink: ChunkSink<T>): ChunkSink<T> {
  let mode: 'undecided' | 'lines' | 'array' = 'undecided';
  const held: (string | Uint8Array)[] = [];
  return {
    push(chunk) {
      if (mode === 'lines') return sink.push(chunk);
      held.push(chunk);
      if (mode === 'array') return;
      const c = firstSignificant(chunk);
      if (c === -1) return;
      mode = c === 0x5b ? 'array' : 'lines';
      if (mode === 'lines') {
        for (const h of held.splice(0)) sink.push(h);
      }
    },
    finish() {
      if (mode !== 'array') {
        for (const h of held.splice(0)) sink.push(h);
        return sink.finish();
      }
      const decoder = new TextDecoder('utf-8');
      const text =
        held
          .map((h) => (typeof h === 'string' ? h : decoder.decode(h, { stream: true })))
          .join('') + decoder.decode();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
      } catch (error) {
        throw new DataError(
          'UNREADABLE_INPUT',
          `The input starts like a JSON array but is not valid JSON (${jsonErrorDetail(error)}); fix it or export JSON Lines.`,
        );
      }
      if (!Array.isArray(parsed)) {
        throw new DataError(
          'UNKNOWN_FORMAT',
          'Expected a JSON array of objects; use JSON Lines for anything else.',
        );
      }
      for (const element of parsed) sink.push(`${JSON.stringify(element) ?? 'null'}\n`);
      return sink.finish();
    },
  };
}
