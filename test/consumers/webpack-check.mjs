// Browser consumer (e): the script-tag widget usage (`import 'hearth-recs/widget'` and a `<hearth-recs>`
// element) bundled by webpack 5 with no configuration file (`webpack --mode production`), served
// statically and opened in Chromium: rows render, the prebuilt worker loads from the assets
// webpack copied, no console errors, TF.js stays off the page's download, and a training run on
// TF.js WASM uses the .wasm files webpack emitted.
import { copyFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  elementRowsReady,
  expectNoErrors,
  gzipOfScripts,
  kb,
  serveStatic,
  shopPage,
  trainShopModel,
  visit,
} from './browser-harness.mjs';
import { check, createConsumerProject, run } from './pack-once.mjs';
import { TRAIN_CHECK } from './vite-app.mjs';

const PAGE = shopPage({ head: '<script src="main.js" defer></script>', models: 'model/' });

/** @type {import('./browser-harness.mjs').BrowserConsumer} */
export const webpackConsumer = {
  name: 'webpack',
  setup: (tarball) =>
    createConsumerProject({
      name: 'webpack',
      tarball,
      dependencies: { webpack: '^5', 'webpack-cli': '^6' },
      files: { 'src/index.js': `import 'hearth-recs/widget';\n${TRAIN_CHECK}` },
    }),
  async verify(browser, { dir }) {
    await run('npx', ['webpack', '--mode', 'production'], { cwd: dir });
    const out = join(dir, 'dist');
    const emitted = await readdir(out);
    check(
      emitted.filter((f) => f.endsWith('.wasm')).length === 3,
      `webpack did not emit the three .wasm files (${emitted.join(', ')})`,
    );
    await trainShopModel(dir, 'dist/model');
    await writeFile(join(out, 'index.html'), PAGE);
    await copyFile(join(dir, 'data/interactions.csv'), join(out, 'model/interactions.csv'));
    const server = await serveStatic(out);
    try {
      const visited = await visit(browser, server.url, { ready: elementRowsReady });
      expectNoErrors('webpack page', visited.errors);
      check(visited.workers.length === 1, `expected one worker, got ${visited.workers.join(', ')}`);
      const served = gzipOfScripts(visited.scripts, server.url, out);
      check(
        served.files.every((f) => f.gzip < 100 * 1024),
        `webpack page downloaded TF.js-sized code: ${served.files.map((f) => `${f.path} ${kb(f.gzip)}`).join(', ')}`,
      );
      const trained = await visited.page.evaluate(() => window.hearthTrainCheck());
      check(
        trained.computePath === 'wasm' && trained.fallbacks.length === 0,
        `webpack: training did not run on WASM: ${JSON.stringify(trained)}`,
      );
      expectNoErrors('webpack page after training', visited.errors);
      console.log(
        `webpack: rows rendered, worker ${visited.workers[0]?.split('#')[0]}, trained on wasm; page + worker ${kb(served.total)} gzip`,
      );
      await visited.context.close();
    } finally {
      await server.close();
    }
  },
};
