// Bundles Hearth's service worker (src/sw/hearth-sw.ts) into one classic script: the demo's
// `npm run build:offline` writes it to dist/web/hearth-sw.js, `npm run build:browser` to
// dist/browser/hearth-sw.js (the npm package; `hearth-recs copy-assets` copies it).
import { build } from 'esbuild';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** File name of the service worker wherever it is shipped. */
export const SERVICE_WORKER_FILE = 'hearth-sw.js';

/** Writes the minified service worker to `outFile`; resolves with its size in bytes. */
export async function buildServiceWorker(outFile) {
  const result = await build({
    entryPoints: [join(REPO, 'src/sw/hearth-sw.ts')],
    outfile: outFile,
    bundle: true,
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  return Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
}
