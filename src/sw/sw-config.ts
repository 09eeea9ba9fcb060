/** Name prefix of every Cache Storage cache Hearth's service worker creates. */
export const CACHE_PREFIX = 'hearth-offline-';

/** Version of the cache layout: a new layout starts a new cache and deletes the old one. */
const CACHE_LAYOUT = 'v1';

/** Default manifest file name, next to the service worker script. */
export const OFFLINE_MANIFEST_FILE = 'hearth-offline.json';

/**
 * The version manifest of a service worker at `scriptUrl`: its `manifest` query parameter
 * (relative to the script), else {@link OFFLINE_MANIFEST_FILE} next to the script.
 */
export function offlineManifestUrl(scriptUrl: string): string {
  const script = new URL(scriptUrl);
  const given = script.searchParams.get('manifest');
  return new URL(given !== null && given !== '' ? given : OFFLINE_MANIFEST_FILE, script).href;
}

/** The cache of the service worker registered for `scope` (one per scope on an origin). */
export function offlineCacheName(scope: string): string {
  return `${CACHE_PREFIX}${CACHE_LAYOUT}:${new URL(scope).pathname}`;
}
