import { HASH_HEADER } from './offline-protocol';

/** Response headers that describe the transfer, not the bytes the cache holds. */
const TRANSFER_HEADERS = ['content-encoding', 'content-length', 'transfer-encoding'];

/**
 * The response the offline cache stores for `bytes` (already decoded): the original status and
 * headers, minus transfer details, plus the content hash and the decoded length.
 */
export function storableResponse(bytes: ArrayBuffer, from: Response, hash: string): Response {
  const headers = new Headers(from.headers);
  for (const name of TRANSFER_HEADERS) headers.delete(name);
  headers.set('content-length', String(bytes.byteLength));
  headers.set(HASH_HEADER, hash);
  return new Response(bytes, { status: from.status, statusText: from.statusText, headers });
}

/** The URL to download a manifest entry from: a folder's `index.html` is asked for as the folder. */
export function fetchUrlOf(key: string): string {
  return key.endsWith('/index.html') ? key.slice(0, -'index.html'.length) : key;
}

/**
 * The copy of `url` the browser's HTTP cache holds, or null: what the page loaded before its
 * service worker took control. Without a network request, except for a file the page says it
 * loaded (`loadedByPage`) that the HTTP cache no longer holds.
 */
export async function fromHttpCache(
  fetchFn: typeof fetch,
  url: string,
  loadedByPage: boolean,
): Promise<Response | null> {
  try {
    const response = await fetchFn(url, { cache: 'only-if-cached', mode: 'same-origin' });
    if (response.ok) return response;
  } catch {
    // Not in the HTTP cache under a plain request's key.
  }
  if (!loadedByPage) return null;
  // Module scripts and stylesheets with `crossorigin` are cached under another key, which
  // `only-if-cached` (same-origin mode only) cannot read; the page did load them, so the HTTP
  // cache answers this one (stale or not) and the network only if it has dropped them since.
  const response = await fetchFn(url, { cache: 'force-cache' }).catch(() => null);
  return response?.ok ? response : null;
}

/** Bytes a cached response holds, from its length header (0 when unknown). */
export function storedBytes(response: Response | undefined): number {
  return Number(response?.headers.get('content-length') ?? 0) || 0;
}
