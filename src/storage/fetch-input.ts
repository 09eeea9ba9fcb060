import { DataError } from '../core/errors';
import type { ParseInput } from '../core/data/parse';

/**
 * Resolves an import source: a `URL` is fetched and streamed; anything else is parsed as given
 * (a string is file content, not an address).
 *
 * @throws DataError `UNREADABLE_INPUT` when the download fails.
 */
export async function resolveInput(input: ParseInput | URL): Promise<ParseInput> {
  if (!(input instanceof URL)) return input;
  let response: Response;
  try {
    response = await fetch(input);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new DataError(
      'UNREADABLE_INPUT',
      `Could not download ${input.href} (${detail}). Check the address and your connection, or import the file directly.`,
    );
  }
  if (!response.ok) {
    throw new DataError(
      'UNREADABLE_INPUT',
      `Could not download ${input.href}: HTTP ${response.status}. Check the address, or import the file directly.`,
    );
  }
  return response.body ?? new Uint8Array(0);
}
