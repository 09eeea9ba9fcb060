import { DataError } from '../core/errors';
import type { ParseInput } from '../core/data/parse';

/**
 * Fetches `url` and returns the response when it succeeded.
 *
 * @throws DataError `UNREADABLE_INPUT` when the download fails or answers with an HTTP error.
 */
export async function fetchInput(url: URL): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new DataError(
      'UNREADABLE_INPUT',
      `Could not download ${url.href} (${detail}). Check the address and your connection, or import the file directly.`,
    );
  }
  if (!response.ok) {
    throw new DataError(
      'UNREADABLE_INPUT',
      `Could not download ${url.href}: HTTP ${response.status}. Check the address, or import the file directly.`,
    );
  }
  return response;
}

/**
 * Resolves an import source: a `URL` is fetched and streamed; anything else is parsed as given
 * (a string is file content, not an address).
 *
 * @throws DataError `UNREADABLE_INPUT` when the download fails.
 */
export async function resolveInput(input: ParseInput | URL): Promise<ParseInput> {
  if (!(input instanceof URL)) return input;
  return (await fetchInput(input)).body ?? new Uint8Array(0);
}
