// Browser consumer: the widget usage bundled by esbuild (`--bundle --format=esm`). esbuild does not copy
// `new URL('…', import.meta.url)` assets, so this is the one documented extra line:
// `npx hearth-recs copy-assets --out public/browser` — the package's references
// (`../../browser/…` from the bundle) then resolve to `/browser/` on the site. Opened in Chromium:
// rows render, the worker loads, no console errors, and a training run on TF.js WASM loads the
// copied .wasm files (no fallback).
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  elementRowsReady,
  expectNoErrors,
  serveStatic,
  shopPage,
  trainShopModel,
  visit,
} from './browser-harness.mjs';
import { check, createConsumerProject, run } from './pack-once.mjs';
import { TRAIN_CHECK } from './vite-app.mjs';

const PAGE = shopPage({ head: '<script type="module" src="/app.js"></script>' });

/** @type {import('./browser-harness.mjs').BrowserConsumer} */
export const esbuildConsumer = {
  name: 'esbuild',
  setup: (tarball) =>
    createConsumerProject({
      name: 'esbuild',
      tarball,
      dependencies: { esbuild: '>=0.25' },
      files: { 'src/index.js': `import 'hearth-recs/widget';\n${TRAIN_CHECK}` },
    }),
  async verify(browser, { dir }) {
    const site = join(dir, 'public');
    await run(
      'npx',
      ['esbuild', 'src/index.js', '--bundle', '--format=esm', '--outfile=public/app.js'],
      { cwd: dir },
    );
    await run('npx', ['hearth-recs', 'copy-assets', '--out', 'public/browser'], { cwd: dir });
    await trainShopModel(dir, 'public/model');
    await copyFile(join(dir, 'data/interactions.csv'), join(site, 'model/interactions.csv'));
    await writeFile(join(site, 'index.html'), PAGE);
    const server = await serveStatic(site);
    try {
      const visited = await visit(browser, server.url, { ready: elementRowsReady });
      check(
        visited.workers.some((w) => w.startsWith(`${server.url}browser/hearth.worker.js`)),
        `esbuild: the worker did not start from /browser/ (${visited.workers.join(', ') || 'none'})`,
      );
      const trained = await visited.page.evaluate(() => window.hearthTrainCheck());
      check(
        trained.computePath === 'wasm' && trained.fallbacks.length === 0,
        `esbuild: training did not run on WASM: ${JSON.stringify(trained)}`,
      );
      expectNoErrors('esbuild page', visited.errors);
      console.log('esbuild: rows rendered, worker started from /browser/, trained on wasm');
      await visited.context.close();
    } finally {
      await server.close();
    }
  },
};
