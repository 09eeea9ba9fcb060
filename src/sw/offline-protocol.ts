/**
 * Messages between pages and Hearth's service worker (`hearth-sw.js`). A page asks with
 * `postMessage(request, [port])` on a `MessageChannel` and reads the answer on the other port;
 * the worker tells every page about a new version with an {@link OfflineUpdate}.
 */

/** What a page may ask the service worker. */
export type OfflineRequest =
  /** The current manifest version and file hashes, once a running version check has finished. */
  | { readonly type: 'hearth-offline:status' }
  /**
   * Copies the listed files that the browser already downloaded (HTTP cache) into the offline
   * cache; a page sends it once its first load is over, with the URLs it loaded (`loaded`: its
   * own and its resources', which the worker may take from the HTTP cache whatever their request
   * mode was).
   */
  | { readonly type: 'hearth-offline:adopt'; readonly loaded: readonly string[] }
  /**
   * Checks for a new version now (what every page load does), for pages that stay open long:
   * answered with the status once the changed files are stored.
   */
  | { readonly type: 'hearth-offline:check' }
  /** Deletes the offline cache (public files only; the next visit downloads them again). */
  | { readonly type: 'hearth-offline:clear' };

/** The service worker's answer to a `status` or `adopt` request. */
export interface OfflineStatus {
  readonly type: 'hearth-offline:status';
  /** Version of the manifest in use; null while none could be read yet. */
  readonly version: string | null;
  /** Absolute URL → content hash of every file the manifest lists. */
  readonly files: Readonly<Record<string, string>>;
  /** Files held in the offline cache now, and their bytes. */
  readonly cachedFiles: number;
  readonly cachedBytes: number;
}

/** The answer to a `clear` request. */
export interface OfflineCleared {
  readonly type: 'hearth-offline:cleared';
}

/** Sent to every open page when a new manifest version was found and its changed files stored. */
export interface OfflineUpdate {
  readonly type: 'hearth-offline:updated';
  readonly version: string;
  /** Absolute URLs whose content changed (only these were downloaded again). */
  readonly changed: readonly string[];
}

/** Response header under which the offline cache keeps each file's content hash. */
export const HASH_HEADER = 'x-hearth-content-hash';
