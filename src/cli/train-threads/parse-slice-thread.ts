import { open } from 'node:fs/promises';
import { HearthError } from '../../core/errors';
import { createInteractionRowParser } from '../../core/data/parse/parse-interactions';
import { interactionSliceOf } from '../../core/data/parse/interaction-slices';
import type { ParseSliceReply, ParseSliceRequest } from './thread-messages';

/** Bytes per read: large enough for few calls, small enough to parse one while reading the next. */
const READ_BYTES = 1 << 20;
const QUOTE = 0x22;

/**
 * Parses one slice of an interaction file in this thread: reads its byte range in chunks (the
 * next read runs while the current chunk is parsed) and returns the slice with the buffers to
 * transfer. Failures become a `parse-failed` reply naming the error's class and code.
 */
export async function parseSliceInThread(
  request: ParseSliceRequest,
): Promise<{ reply: ParseSliceReply; transfer: ArrayBuffer[] }> {
  try {
    const parser = createInteractionRowParser({
      options: request.options,
      ...(request.resume !== null ? { resume: request.resume } : {}),
    });
    const file = await open(request.path, 'r');
    try {
      let position = request.start;
      const readAt = async (at: number): Promise<Uint8Array> => {
        const length = Math.min(READ_BYTES, request.end - at);
        const buffer = new Uint8Array(length);
        const { bytesRead } = await file.read(buffer, 0, length, at);
        return bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
      };
      let next = position < request.end ? readAt(position) : null;
      while (next !== null) {
        const chunk = await next;
        if (chunk.length === 0) break;
        position += chunk.length;
        next = position < request.end ? readAt(position) : null;
        if (request.stopAtQuote && hasQuote(chunk)) {
          await next;
          return { reply: { type: 'quoted' }, transfer: [] };
        }
        parser.push(chunk);
      }
    } finally {
      await file.close();
    }
    const slice = interactionSliceOf(parser.finishSlice());
    const c = slice.columns;
    const transfer = [c.users, c.items, c.types, c.values, c.timestamps].map(
      (column) => column.buffer as ArrayBuffer,
    );
    return { reply: { type: 'parsed-slice', slice }, transfer };
  } catch (error) {
    return {
      reply: {
        type: 'parse-failed',
        name: error instanceof Error ? error.name : 'Error',
        code: error instanceof HearthError ? error.code : null,
        message: error instanceof Error ? error.message : String(error),
      },
      transfer: [],
    };
  }
}

/** Whether the bytes hold a `"` (Buffer's search is a memchr; a typed array's is far slower). */
function hasQuote(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(QUOTE) >= 0;
}
