import type { InteractionParseOptions } from '../core/data/parse';
import type { DeviceLimits } from './import-capacity';

/** How far a sliced import has got. */
export interface ImportProgress {
  readonly bytesRead: number;
  /**
   * Bytes the input holds: a file's size or a download's `Content-Length`. For a stream or a
   * download of unknown length (or a compressed one, which decodes to more than it sends) the
   * bytes read so far, with {@link totalKnown} false.
   */
  readonly totalBytes: number;
  /** Whether {@link totalBytes} is the input's size (false: the length is not known). */
  readonly totalKnown: boolean;
  /** Events parsed and stored so far. */
  readonly events: number;
  /**
   * Events the whole input holds, estimated from the first slice's line length; while the
   * length is unknown, the events read so far.
   */
  readonly estimatedEvents: number;
}

/** Options of an interaction import: the parse options plus progress and device limits. */
export interface InteractionImportOptions extends InteractionParseOptions {
  /** Called after every stored slice of a `File`/`Blob`, `URL` or stream import. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Overrides the detected device limits (a page that knows its budget; tests). */
  readonly limits?: DeviceLimits;
}

/** What was done about an import that an earlier tab or worker left unfinished (closed, crashed). */
export interface InterruptedImport {
  /** Rows the interrupted import had stored, by its journal. */
  readonly journaledRows: number;
  /** Rows removed: all of the interrupted import's rows, or 0 when they could not be undone. */
  readonly removedRows: number;
  /**
   * False when its rows no longer matched the journal (the retention policy or a quota eviction
   * rewrote them since): they were kept rather than guessed at.
   */
  readonly undone: boolean;
  /** What happened and what to do, for the visitor or the developer. */
  readonly message: string;
}

/** A `File` or `Blob`: read slice by slice, never as one string. */
export interface SliceableInput {
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** Whether an import input can be read in slices (a `File` or `Blob`). */
export function isSliceable(input: unknown): input is SliceableInput {
  return (
    typeof input === 'object' &&
    input !== null &&
    typeof (input as { size?: unknown }).size === 'number' &&
    typeof (input as { slice?: unknown }).slice === 'function'
  );
}
