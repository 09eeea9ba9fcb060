import type { InteractionParseOptions } from '../core/data/parse';
import type { DeviceLimits } from './import-capacity';

/** How far a sliced import has got. */
export interface ImportProgress {
  readonly bytesRead: number;
  readonly totalBytes: number;
  /** Events parsed and stored so far. */
  readonly events: number;
  /** Events the whole file holds, estimated from the first slice's line length. */
  readonly estimatedEvents: number;
}

/** Options of an interaction import: the parse options plus progress and device limits. */
export interface InteractionImportOptions extends InteractionParseOptions {
  /** Called after every stored slice of a `File`/`Blob` import. */
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Overrides the detected device limits (a page that knows its budget; tests). */
  readonly limits?: DeviceLimits;
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
