import { createReadStream, statSync } from 'node:fs';
import { DataError } from '../core/errors';

/**
 * Opens a file as a stream of byte chunks for the streaming parsers; a missing or unreadable
 * path is a `DataError` naming the path.
 */
export function openInputFile(path: string): AsyncIterable<Uint8Array> {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new Error('not a regular file');
    size = stat.size;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataError('UNREADABLE_INPUT', `Cannot read "${path}" (${reason}); check the path.`);
  }
  if (size === 0) {
    throw new DataError('EMPTY_INPUT', `"${path}" is empty; give a file with at least one row.`);
  }
  return createReadStream(path, { highWaterMark: 1 << 20 });
}
