// Browser consumer (c): a Vite + React 19 app and a Vite + React 18 app (the `npm create vite` React
// template's files, default settings, no Hearth-specific configuration) that install the packed
// tarball and render `<HearthRecs>`. Each is built and served with `vite preview`, and run with the
// dev server (dependency pre-bundling on), in Chromium: rows render, the worker loads, no console
// errors, and a training run on TF.js WASM uses the .wasm files the bundler copied (no fallback).
// A React-free page importing `hearth-recs/widget` measures the widget's serve path in a default
// Vite build (budget 40 KB gzip; TF.js and the trainer must not be on it).
import { cp, copyFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  SERVE_PATH_BUDGET_KB,
  elementRowsReady,
  expectNoErrors,
  gzipOfScripts,
  kb,
  serveStatic,
  startServer,
  trainShopModel,
  visit,
} from './browser-harness.mjs';
import { check, createConsumerProject, run } from './pack-once.mjs';
import { reactAppFiles, reactRowReady, widgetOnlyFiles } from './vite-app.mjs';

const WIDGET_ONLY = 'widget-only';
/** The project's own Vite (not through npx, so stopping the server stops Vite itself). */
const VITE = 'node_modules/.bin/vite';

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** Opens the app at `url`: rows, the worker, no errors, and WASM training without fallback. */
async function checkApp(browser, url, label) {
  const visited = await visit(browser, url, { ready: reactRowReady });
  check(
    visited.workers.some((w) => /hearth\.worker/.test(w)),
    `${label}: the Hearth worker did not start (workers: ${visited.workers.join(', ') || 'none'})`,
  );
  const trained = await visited.page.evaluate(() => window.hearthTrainCheck());
  check(
    trained.computePath === 'wasm' && trained.fallbacks.length === 0,
    `${label}: training did not run on WASM: ${JSON.stringify(trained)}`,
  );
  expectNoErrors(label, visited.errors);
  await visited.context.close();
  console.log(`${label}: rows rendered, worker started, trained on wasm`);
}

async function checkProject(browser, react, dir) {
  const label = `vite + react ${react}`;
  await trainShopModel(dir, 'public/model');
  await copyFile(join(dir, 'data/interactions.csv'), join(dir, 'public/model/interactions.csv'));

  await run('npx', ['vite', 'build'], { cwd: dir });
  const assets = await readdir(join(dir, 'dist/assets'));
  for (const pattern of [/^hearth\.worker-.*\.js$/, /^hearth-training-.*\.js$/, /\.wasm$/]) {
    check(
      assets.some((f) => pattern.test(f)),
      `${label}: the build has no ${pattern} (${assets.join(', ')})`,
    );
  }
  const port = await freePort();
  const preview = await startServer(
    VITE,
    ['preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
    { cwd: dir, ready: /Local:\s+(http:\/\/\S+)/ },
  );
  try {
    await checkApp(browser, preview.match[1], `${label} (vite build + preview)`);
  } finally {
    await preview.stop();
  }

  const devPort = await freePort();
  const dev = await startServer(
    VITE,
    ['--port', String(devPort), '--strictPort', '--host', '127.0.0.1'],
    { cwd: dir, ready: /Local:\s+(http:\/\/\S+)/ },
  );
  try {
    await checkApp(browser, dev.match[1], `${label} (vite dev)`);
  } finally {
    await dev.stop();
  }
}

/** The widget's serve path in a default Vite build of a page that imports only the widget. */
async function measureServePath(browser, dir) {
  await run('npx', ['vite', 'build', WIDGET_ONLY], { cwd: dir });
  const out = join(dir, WIDGET_ONLY, 'dist');
  await cp(join(dir, 'public/model'), join(out, 'model'), { recursive: true });
  const server = await serveStatic(out);
  try {
    const visited = await visit(browser, server.url, { ready: elementRowsReady });
    expectNoErrors('widget-only page', visited.errors);
    // The catalog import loads the parsers chunk (lazy, like in `npm run size`); TF.js never.
    await visited.scriptLoaded(/hearth-parsers-/);
    await visited.page.waitForLoadState('networkidle');
    const served = gzipOfScripts(visited.scripts, server.url, out);
    console.log(
      `vite widget serve path: ${kb(served.total)} gzip of ${SERVE_PATH_BUDGET_KB} KB (${served.files.map((f) => `${f.path} ${kb(f.gzip)}`).join(', ')}; the parsers chunk is lazy)`,
    );
    check(
      served.files.some((f) => /hearth\.worker/.test(f.path)),
      'the widget-only page did not download the worker',
    );
    check(
      !served.files.some((f) => /hearth-training/.test(f.path)),
      'showing rows downloaded the training chunk (TF.js)',
    );
    check(
      served.total <= SERVE_PATH_BUDGET_KB * 1024,
      `the widget serve path is ${kb(served.total)} gzip, over ${SERVE_PATH_BUDGET_KB} KB`,
    );
    await visited.context.close();
  } finally {
    await server.close();
  }
}

/**
 * A Vite + React `react` app (18 or 19); with `measure`, it also measures the widget's serve path.
 *
 * @param {18 | 19} react
 * @param {{ measure?: boolean }} [options]
 * @returns {import('./browser-harness.mjs').BrowserConsumer}
 */
export function viteReactConsumer(react, options = {}) {
  const name = `vite-react${react}`;
  return {
    name,
    setup: (tarball) =>
      createConsumerProject({
        name,
        tarball,
        dependencies: {
          vite: '^8',
          '@vitejs/plugin-react': '^6',
          react: `^${react}`,
          'react-dom': `^${react}`,
        },
        files: { ...reactAppFiles(), ...widgetOnlyFiles(WIDGET_ONLY) },
      }),
    async verify(browser, { dir }) {
      await checkProject(browser, react, dir);
      if (options.measure) await measureServePath(browser, dir);
    },
  };
}
