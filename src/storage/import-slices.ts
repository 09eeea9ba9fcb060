import { DataError, OptionError } from '../core/errors';
import { fetchInput } from './fetch-input';
import type { SliceableInput } from './import-options';

/** An import's input read one slice of bytes at a time. */
export interface ImportSlices {
  /**
   * Bytes the input holds when known beforehand: a file's size, a download's `Content-Length`
   * (compressed downloads read to more: then it stops being a bound, see {@link next}); null
   * for a stream of unknown length.
   */
  readonly totalBytes: number | null;
  /** The next slice (never empty), or null at the end. */
  next(): Promise<Uint8Array | null>;
  /** Stops reading (the rest of a download is not fetched). */
  cancel(): Promise<void>;
}

/** Slices of a `File` or `Blob`, `sliceBytes` each (`blob.slice().arrayBuffer()`). */
export function blobSlices(blob: SliceableInput, sliceBytes: number): ImportSlices {
  let start = 0;
  return {
    totalBytes: blob.size,
    async next() {
      if (start >= blob.size) return null;
      const end = Math.min(blob.size, start + sliceBytes);
      const bytes = new Uint8Array(await blob.slice(start, end).arrayBuffer());
      start = end;
      return bytes;
    },
    async cancel() {},
  };
}

/**
 * Slices of a byte stream (a download's body): the pieces it delivers are gathered into slices of
 * `sliceBytes` (the last may be shorter), so memory holds one slice and never the whole body.
 * Pieces may end anywhere, even inside a line or a character; the parser takes care of that.
 */
export function streamSlices(
  stream: ReadableStream<Uint8Array>,
  sliceBytes: number,
  totalBytes: number | null,
): ImportSlices {
  const reader = stream.getReader();
  let carried: Uint8Array | null = null;
  let done = false;
  return {
    totalBytes,
    async next() {
      const slice = new Uint8Array(sliceBytes);
      let filled = 0;
      while (filled < sliceBytes) {
        const piece = carried ?? (done ? null : await readPiece());
        carried = null;
        if (piece === null) break;
        const take = Math.min(piece.length, sliceBytes - filled);
        slice.set(piece.subarray(0, take), filled);
        filled += take;
        if (take < piece.length) carried = piece.subarray(take);
      }
      return filled === 0 ? null : slice.subarray(0, filled);
    },
    async cancel() {
      done = true;
      await reader.cancel().catch(() => undefined);
    },
  };

  async function readPiece(): Promise<Uint8Array | null> {
    for (;;) {
      const { done: ended, value } = await reader.read();
      if (ended) {
        done = true;
        return null;
      }
      if (!(value instanceof Uint8Array)) {
        throw new OptionError(
          'A stream of interactions must deliver bytes (Uint8Array chunks); pipe text through a TextEncoderStream first.',
        );
      }
      if (value.length > 0) return value;
    }
  }
}

/** Whether an input is a byte stream (`ReadableStream`), read in slices like a download. */
export function isByteStream(input: unknown): input is ReadableStream<Uint8Array> {
  return (
    typeof input === 'object' &&
    input !== null &&
    typeof (input as { getReader?: unknown }).getReader === 'function'
  );
}

/**
 * Slices of a download: `url` is fetched and its body read as a stream ({@link streamSlices}).
 * `Content-Length` gives the total when the body is not compressed (a compressed body's length
 * says nothing about the bytes it decodes to). A connection lost midway becomes a `DataError`
 * `UNREADABLE_INPUT` saying how far the download got.
 *
 * @throws DataError `UNREADABLE_INPUT` when the download fails or answers with an HTTP error.
 */
export async function downloadSlices(url: URL, sliceBytes: number): Promise<ImportSlices> {
  const response = await fetchInput(url);
  const encoding = response.headers.get('content-encoding');
  const length = Number(response.headers.get('content-length') ?? NaN);
  const totalBytes =
    (encoding === null || encoding === 'identity') && Number.isSafeInteger(length) && length >= 0
      ? length
      : null;
  if (response.body === null) return streamSlices(emptyStream(), sliceBytes, 0);
  const slices = streamSlices(response.body, sliceBytes, totalBytes);
  let bytesRead = 0;
  return {
    totalBytes,
    async next() {
      try {
        const slice = await slices.next();
        bytesRead += slice?.length ?? 0;
        return slice;
      } catch (error) {
        if (error instanceof OptionError) throw error;
        const detail = error instanceof Error ? error.message : String(error);
        throw new DataError(
          'UNREADABLE_INPUT',
          `The download of ${url.href} broke off after ${bytesRead.toLocaleString('en-US')} bytes (${detail}); nothing of it was kept. Check your connection and import it again.`,
        );
      }
    },
    cancel: () => slices.cancel(),
  };
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}
