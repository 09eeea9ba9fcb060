import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from '../../core/errors';
import type { CliCommand } from '../cli-context';

/** The script-tag entry every `dist/browser/` folder holds. */
export const BROWSER_ENTRY = 'hearth-recs.js';

/**
 * The package's `dist/browser/` folder: next to `dist/cli/` when the CLI runs bundled (installed
 * package), or the repository's `dist/browser/` when it runs from source.
 */
export function packagedBrowserDir(): string | null {
  const candidates = ['../browser/', '../../../dist/browser/'].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  return candidates.find((dir) => existsSync(join(dir, BROWSER_ENTRY))) ?? null;
}

/**
 * Copies the `from` folder (a `dist/browser/` build) into `out`; returns the number of files.
 *
 * @throws DataError `UNREADABLE_INPUT` when `from` is not a widget build.
 */
export function copyBrowserAssets(from: string | null, out: string): number {
  if (from === null || !existsSync(join(from, BROWSER_ENTRY))) {
    throw new DataError(
      'UNREADABLE_INPUT',
      'The widget build (dist/browser) is missing; in a clone of the repository run "npm run build:browser".',
    );
  }
  cpSync(from, out, { recursive: true });
  return readdirSync(from, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .length;
}

/** `hearth-recs copy-assets`: copies the script-tag widget into a folder the site serves. */
export const copyAssetsCommand: CliCommand = {
  name: 'copy-assets',
  summary: 'Copy the script-tag widget (entry, worker, training chunk, .wasm) into a served folder',
  flags: [
    {
      name: 'out',
      type: 'string',
      required: true,
      description: 'Folder to copy into (created if missing), e.g. public/hearth',
    },
  ],
  async run(flags, ctx) {
    const out = resolve(String(flags['out']));
    const count = copyBrowserAssets(packagedBrowserDir(), out);
    ctx.stdout.write(
      [
        `copied ${count} files to ${out}`,
        'Serve that folder (say at /hearth/) and add to your pages:',
        `  <script type="module" src="/hearth/${BROWSER_ENTRY}"></script>`,
        'With a bundler that does not copy the worker (esbuild), start the worker from there:',
        "  createWorkerRecommender(config, { workerUrl: '/hearth/hearth.worker.js' })",
        'Offline use and repeat visits (opt-in, docs/offline.md): serve hearth-sw.js from your site',
        "root, write its manifest with 'hearth-recs offline-manifest', and add after the widget:",
        '  <script type="module" src="/hearth/hearth-offline.js"></script>',
        '',
      ].join('\n'),
    );
  },
};
