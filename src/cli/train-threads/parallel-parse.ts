import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { BackendError, DataError, OptionError, type HearthErrorCode } from '../../core/errors';
import { parseInteractions, type InteractionParseOptions } from '../../core/data/parse';
import type { ParsedInteractions } from '../../core/data/parse';
import {
  mergeInteractionSlices,
  probeInteractionLayout,
  type InteractionSlice,
} from '../../core/data/parse/interaction-slices';
import { openInputFile } from '../read-input';
import { startThread } from './thread-executor';
import type { ParseSliceReply, ParseSliceRequest } from './thread-messages';

/** Files smaller than this are parsed in one pass: starting threads would cost more. */
export const DEFAULT_MIN_PARALLEL_PARSE_BYTES = 16 << 20;
/** Bytes read from the start of the file to find its layout (the first slice holds them all). */
export const DEFAULT_HEAD_BYTES = 1 << 20;
/** Bytes looked at, from a cut's target, for the next line break. */
const SCAN_BYTES = 1 << 16;
const NEWLINE = 0x0a;

/** Options of {@link parseInteractionFile}. */
export interface ParseInteractionFileOptions {
  readonly path: string;
  readonly options?: Omit<InteractionParseOptions, 'signal'>;
  /** Threads parsing slices of the file; 1 parses in this thread. */
  readonly threads: number;
  /** Smaller files are parsed in this thread. Default {@link DEFAULT_MIN_PARALLEL_PARSE_BYTES}. */
  readonly minBytes?: number;
  /**
   * Bytes read from the start to find the layout (header, columns); the first slice holds them.
   * Default {@link DEFAULT_HEAD_BYTES}.
   */
  readonly headBytes?: number;
  /** Told how many slices the file was parsed in (1: in one pass, in this thread). */
  readonly onSlices?: (slices: number) => void;
}

/**
 * Parses an interaction file on `threads` worker threads: the file is cut at line breaks into one
 * slice per thread, each thread reads and parses its slice, and the slices are merged so that ids,
 * rows, the report and its line numbers equal those of one parser reading the whole file. Files
 * the cut could misread are parsed in one pass instead: JSON Lines, a layout not settled by the
 * first megabyte, and quoted CSV fields (a quote may hold a line break) before the last slice.
 *
 * @throws DataError as {@link parseInteractions} does for the same file.
 */
export async function parseInteractionFile(
  o: ParseInteractionFileOptions,
): Promise<ParsedInteractions> {
  const options = o.options ?? {};
  const serial = (): Promise<ParsedInteractions> => {
    o.onSlices?.(1);
    return parseInteractions(openInputFile(o.path), options);
  };
  const size = fileSize(o.path);
  if (o.threads <= 1 || size === null || size < (o.minBytes ?? DEFAULT_MIN_PARALLEL_PARSE_BYTES)) {
    return serial();
  }
  const head = readHead(o.path, Math.min(size, o.headBytes ?? DEFAULT_HEAD_BYTES));
  const layout = head === null ? null : probeInteractionLayout({ head, options });
  if (head === null || layout === null) return serial();
  const cuts = sliceCuts(o.path, size, o.threads, head.length);
  if (cuts.length < 3) return serial();
  const quotes = layout.detected.layout.kind === 'delimited' && layout.detected.layout.quotes;
  const requests = cuts.slice(1).map((end, s): ParseSliceRequest => ({
    type: 'parse-slice',
    path: o.path,
    start: cuts[s]!,
    end,
    options,
    resume: s === 0 ? null : layout,
    stopAtQuote: quotes && s < cuts.length - 2,
  }));
  const replies = await Promise.all(requests.map(runSlice));
  const slices: InteractionSlice[] = [];
  for (const reply of replies) {
    if (reply.type === 'parse-failed') throw errorFromThread(reply);
    if (reply.type === 'quoted') return serial();
    slices.push(reply.slice);
  }
  o.onSlices?.(slices.length);
  return mergeInteractionSlices({
    slices,
    ...(options.maxReportedErrors !== undefined
      ? { maxReportedErrors: options.maxReportedErrors }
      : {}),
  });
}

/** Runs one slice on a thread of its own, which ends with the slice. */
async function runSlice(request: ParseSliceRequest): Promise<ParseSliceReply> {
  const worker = startThread();
  try {
    return await new Promise<ParseSliceReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`exited with code ${code}`)));
      worker.postMessage(request);
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      type: 'parse-failed',
      name: 'BackendError',
      code: 'BACKEND_FAILED',
      message: `A parsing thread failed (${reason}); run again with --threads 1 to parse in one thread.`,
    };
  } finally {
    void worker.terminate();
  }
}

/** The slice start offsets and the file's end: `threads` slices of about equal bytes. */
function sliceCuts(path: string, size: number, threads: number, headBytes: number): number[] {
  const fd = openSync(path, 'r');
  try {
    const cuts = [0];
    for (let s = 1; s < threads; s++) {
      const target = Math.max(Math.floor((size * s) / threads), headBytes, cuts[s - 1]!);
      const cut = nextLineStart(fd, target, size);
      if (cut >= size) break;
      if (cut > cuts[cuts.length - 1]!) cuts.push(cut);
    }
    cuts.push(size);
    return cuts;
  } finally {
    closeSync(fd);
  }
}

/** Offset just past the first line break at or after `from` (the file's size when none). */
function nextLineStart(fd: number, from: number, size: number): number {
  const buffer = Buffer.alloc(SCAN_BYTES);
  for (let at = from; at < size; at += SCAN_BYTES) {
    const read = readSync(fd, buffer, 0, Math.min(SCAN_BYTES, size - at), at);
    const nl = buffer.subarray(0, read).indexOf(NEWLINE);
    if (nl >= 0) return at + nl + 1;
    if (read === 0) break;
  }
  return size;
}

/** The first `bytes` of the file cut after its last line break, or null without one. */
function readHead(path: string, bytes: number): Uint8Array | null {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    const end = buffer.subarray(0, read).lastIndexOf(NEWLINE);
    return end < 0 ? null : new Uint8Array(buffer.buffer, buffer.byteOffset, end + 1);
  } finally {
    closeSync(fd);
  }
}

/** The file's size, or null when it is not a readable regular file (the one-pass parse says why). */
function fileSize(path: string): number | null {
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat.size : null;
  } catch {
    return null;
  }
}

/** The error a parsing thread reported, as the class and code it had there. */
function errorFromThread(reply: Extract<ParseSliceReply, { type: 'parse-failed' }>): Error {
  const code = reply.code as HearthErrorCode;
  if (reply.name === 'OptionError') return new OptionError(reply.message);
  if (reply.name === 'DataError') return new DataError(code, reply.message);
  if (reply.name === 'BackendError') return new BackendError(code, reply.message);
  return new Error(reply.message);
}
