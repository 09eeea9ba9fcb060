import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { DataError } from '../../core/errors';
import type { CliCommand } from '../cli-context';

/** `format` of the manifests this command writes (read by `hearth-sw.js`). */
export const OFFLINE_MANIFEST_FORMAT = 'hearth-offline/1';
/** Default manifest name, next to the service worker at the site's root. */
export const OFFLINE_MANIFEST_NAME = 'hearth-offline.json';
/** The service worker script: the browser updates it itself, so it never lists itself. */
const SERVICE_WORKER_NAME = 'hearth-sw.js';

/** Options of {@link buildOfflineManifest}. */
export interface OfflineManifestOptions {
  /** The folder the site serves (the manifest's paths are relative to the manifest's folder). */
  readonly dir: string;
  /** Where the manifest will be written (default `<dir>/hearth-offline.json`). */
  readonly out?: string;
  /** Only paths under these prefixes (relative to `dir`); default every file. */
  readonly include?: readonly string[];
  /** Paths under these prefixes are left out. */
  readonly exclude?: readonly string[];
  /** Prefixes cached when first used (stale-while-revalidate), e.g. product images. */
  readonly runtime?: readonly string[];
  /**
   * Prefixes of files named by their content (`hearth-recs train`'s `catalog-shards/`): cached when
   * first used and never asked for again, instead of being listed one by one.
   */
  readonly immutable?: readonly string[];
}

/** What {@link buildOfflineManifest} returns: the manifest and the bytes it covers. */
export interface OfflineManifestResult {
  readonly manifest: {
    readonly format: typeof OFFLINE_MANIFEST_FORMAT;
    readonly version: string;
    readonly files: Record<string, string>;
    readonly runtime: string[];
    readonly immutable: string[];
  };
  readonly bytes: number;
}

/** First 16 hex digits of the SHA-256 of `bytes` (the service worker computes the same). */
export function offlineContentHash(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

const toPosix = (path: string): string => path.split(sep).join('/');
const under = (path: string, prefixes: readonly string[]): boolean =>
  prefixes.some((prefix) => path === prefix || path.startsWith(prefix));

/**
 * The version manifest of a served folder: every file (dot folders, source maps, the service
 * worker and the manifest itself aside) named by the hash of its content.
 *
 * @throws DataError `UNREADABLE_INPUT` when `dir` is not a folder or no file matched.
 */
export function buildOfflineManifest(o: OfflineManifestOptions): OfflineManifestResult {
  const dir = resolve(o.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DataError(
      'UNREADABLE_INPUT',
      `--dir ${o.dir} is not a folder: give the folder your site serves.`,
    );
  }
  const out = resolve(o.out ?? join(dir, OFFLINE_MANIFEST_NAME));
  const files: Record<string, string> = {};
  let bytes = 0;
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const path of entries) {
    const inDir = toPosix(relative(dir, path));
    if (inDir.split('/').some((part) => part.startsWith('.')) || inDir.endsWith('.map')) continue;
    if (path === out || inDir.endsWith(SERVICE_WORKER_NAME)) continue;
    if (o.include && o.include.length > 0 && !under(inDir, o.include)) continue;
    if (o.exclude && under(inDir, o.exclude)) continue;
    if (under(inDir, [...(o.runtime ?? []), ...(o.immutable ?? [])])) continue;
    const content = readFileSync(path);
    files[toPosix(relative(dirname(out), path))] = offlineContentHash(content);
    bytes += content.length;
  }
  if (Object.keys(files).length === 0) {
    throw new DataError(
      'UNREADABLE_INPUT',
      `No file in ${o.dir} matched: check --include and --exclude.`,
    );
  }
  // Prefixes are relative to `dir` on the command line and to the manifest in the file.
  const fromManifest = (prefixes: readonly string[] = []): string[] =>
    prefixes.map(
      (p) => toPosix(relative(dirname(out), join(dir, p))) + (p.endsWith('/') ? '/' : ''),
    );
  const runtime = fromManifest(o.runtime);
  const immutable = fromManifest(o.immutable);
  const version = offlineContentHash(JSON.stringify({ files, runtime, immutable }));
  const manifest = { format: OFFLINE_MANIFEST_FORMAT, version, files, runtime, immutable } as const;
  return { manifest, bytes };
}

/** A comma-separated flag as a list (empty when not given). */
function listFlag(value: string | number | boolean | undefined): string[] {
  if (typeof value !== 'string') return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `hearth-recs offline-manifest`: the version manifest Hearth's service worker caches by. */
export const offlineManifestCommand: CliCommand = {
  name: 'offline-manifest',
  summary: 'Write hearth-offline.json: the files the service worker keeps offline, by content hash',
  flags: [
    {
      name: 'dir',
      type: 'string',
      required: true,
      description: 'Folder your site serves, e.g. public',
    },
    {
      name: 'out',
      type: 'string',
      description: `Manifest file (default <dir>/${OFFLINE_MANIFEST_NAME}, next to hearth-sw.js)`,
    },
    {
      name: 'include',
      type: 'string',
      description:
        'Comma-separated path prefixes to list, e.g. index.html,hearth/,model/ (default all)',
    },
    { name: 'exclude', type: 'string', description: 'Comma-separated path prefixes to leave out' },
    {
      name: 'runtime',
      type: 'string',
      description: 'Comma-separated prefixes cached on first use instead, e.g. images/',
    },
    {
      name: 'immutable',
      type: 'string',
      description:
        'Comma-separated prefixes of files named by content hash, cached on first use and never re-checked, e.g. model/catalog-shards/',
    },
  ],
  async run(flags, ctx) {
    const dir = String(flags['dir']);
    const out = resolve(
      typeof flags['out'] === 'string' ? flags['out'] : join(dir, OFFLINE_MANIFEST_NAME),
    );
    const { manifest, bytes } = buildOfflineManifest({
      dir,
      out,
      include: listFlag(flags['include']),
      exclude: listFlag(flags['exclude']),
      runtime: listFlag(flags['runtime']),
      immutable: listFlag(flags['immutable']),
    });
    writeFileSync(out, `${JSON.stringify(manifest, null, 1)}\n`);
    const count = Object.keys(manifest.files).length;
    const onFirstUse = [...manifest.runtime, ...manifest.immutable];
    ctx.stdout.write(
      `${out}: version ${manifest.version}, ${count} files (${(bytes / 1e6).toFixed(1)} MB)` +
        `${onFirstUse.length > 0 ? `, cached on first use: ${onFirstUse.join(', ')}` : ''}\n`,
    );
  },
};
