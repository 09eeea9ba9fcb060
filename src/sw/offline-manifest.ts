import { DataError } from '../core/errors';

/** `format` of a version manifest this service worker reads. */
export const OFFLINE_MANIFEST_FORMAT = 'hearth-offline/1';

/**
 * The version manifest (`hearth-offline.json`, written by `hearth-recs offline-manifest`): every
 * file the service worker keeps for offline use, named by the hash of its content. Paths are
 * relative to the manifest's own URL.
 */
export interface OfflineManifest {
  readonly format: typeof OFFLINE_MANIFEST_FORMAT;
  /** Hash of all the files' hashes: changes whenever any file changes. */
  readonly version: string;
  /** Path → content hash (first 16 hex digits of the SHA-256 of the file's bytes). */
  readonly files: Readonly<Record<string, string>>;
  /**
   * Path prefixes (e.g. `images/`) whose files are cached when first used and refreshed in the
   * background (stale-while-revalidate) instead of being listed one by one.
   */
  readonly runtime: readonly string[];
  /**
   * Path prefixes of files named by their content (e.g. `model/catalog-shards/`, whose names carry
   * a hash): cached when first used and never asked for again, since new content gets a new name.
   */
  readonly immutable?: readonly string[];
}

/** A manifest resolved against its URL: absolute URL → content hash. */
export interface ResolvedManifest {
  readonly version: string;
  readonly files: ReadonlyMap<string, string>;
  /** Absolute URL prefixes of {@link OfflineManifest.runtime}. */
  readonly runtime: readonly string[];
  /** Absolute URL prefixes of {@link OfflineManifest.immutable}. */
  readonly immutable: readonly string[];
}

const HASH = /^[0-9a-f]{16}$/;

/**
 * Checks a parsed `hearth-offline.json` and resolves its paths against `manifestUrl`.
 *
 * @throws DataError `UNREADABLE_INPUT` naming the field that is wrong.
 */
export function resolveOfflineManifest(value: unknown, manifestUrl: string): ResolvedManifest {
  const where = `The offline manifest ${manifestUrl}`;
  const fail = (what: string): never => {
    throw new DataError(
      'UNREADABLE_INPUT',
      `${where} ${what}; regenerate it with "hearth-recs offline-manifest".`,
    );
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('is not a JSON object');
  }
  const m = value as Partial<Record<keyof OfflineManifest, unknown>>;
  if (m.format !== OFFLINE_MANIFEST_FORMAT) {
    return fail(`has format ${JSON.stringify(m.format)}, expected "${OFFLINE_MANIFEST_FORMAT}"`);
  }
  if (typeof m.version !== 'string' || m.version === '') return fail('has no "version"');
  if (typeof m.files !== 'object' || m.files === null) return fail('has no "files" object');
  const files = new Map<string, string>();
  for (const [path, hash] of Object.entries(m.files)) {
    if (typeof hash !== 'string' || !HASH.test(hash)) {
      return fail(`lists "${path}" with hash ${JSON.stringify(hash)} (16 hex digits expected)`);
    }
    files.set(new URL(path, manifestUrl).href, hash);
  }
  const prefixes = (field: 'runtime' | 'immutable'): string[] => {
    const list = m[field] ?? [];
    if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || p === '')) {
      return fail(`has a "${field}" that is not a list of path prefixes`);
    }
    return list.map((p: string) => new URL(p, manifestUrl).href);
  };
  return {
    version: m.version,
    files,
    runtime: prefixes('runtime'),
    immutable: prefixes('immutable'),
  };
}

/** How a manifest keeps a file that it does not list: by one of its prefixes, or not at all. */
export function prefixKind(
  manifest: ResolvedManifest,
  url: string,
): 'runtime' | 'immutable' | null {
  if (manifest.immutable.some((prefix) => url.startsWith(prefix))) return 'immutable';
  if (manifest.runtime.some((prefix) => url.startsWith(prefix))) return 'runtime';
  return null;
}

/** URLs whose hash differs between two manifests, or that only `next` lists. */
export function changedFiles(previous: ResolvedManifest | null, next: ResolvedManifest): string[] {
  return [...next.files].filter(([url, hash]) => previous?.files.get(url) !== hash).map(([u]) => u);
}

/**
 * The manifest URL a request stands for: its URL without fragment, and a folder (`/shop/`) as its
 * `index.html`, which is how static servers answer it. A page's query string (`/?ref=mail`) names
 * the same page; a file's does not (it is another file to the server, and stays uncached).
 */
export function manifestKeyOf(requestUrl: string, navigation: boolean): string {
  const url = new URL(requestUrl);
  if (navigation) url.search = '';
  url.hash = '';
  if (url.pathname.endsWith('/')) url.pathname += 'index.html';
  return url.href;
}
