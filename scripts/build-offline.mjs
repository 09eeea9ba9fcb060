// `npm run build:offline` (last step of `npm run build`): the demo's service worker
// (dist/web/hearth-sw.js) and its version manifest (dist/web/hearth-offline.json, written by
// `hearth-recs offline-manifest`: every served file by content hash; the product images are
// cached on first use instead of being listed one by one).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServiceWorker, SERVICE_WORKER_FILE } from './build-sw.mjs';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const WEB = join(REPO, 'dist/web');

if (!existsSync(join(WEB, 'index.html'))) {
  console.error('build:offline: dist/web is not built; run "npm run build:app" first.');
  process.exit(1);
}
const bytes = await buildServiceWorker(join(WEB, SERVICE_WORKER_FILE));
const manifest = spawnSync(
  process.execPath,
  [
    join(REPO, 'bin/hearth-recs.mjs'),
    'offline-manifest',
    ...['--dir', WEB],
    ...['--runtime', 'demo/images/'],
  ],
  { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' },
);
if (manifest.status !== 0) process.exit(manifest.status ?? 1);
console.log(
  `build:offline: ${SERVICE_WORKER_FILE} ${(bytes / 1024).toFixed(1)} KB; ${manifest.stdout.trim()}`,
);
