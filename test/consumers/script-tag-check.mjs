// Browser consumer (d): a plain HTML page with the package's script-tag widget, copied out of the installed
// package with `npx hearth-recs copy-assets`, the inline `window.Hearth` stub before the module
// script, and a `Hearth.track` call from an inline classic script. Served by a tiny static server
// and opened in Chromium: rows render, the worker loads, no console errors, and the for-you row is
// personalised by the views tracked before the widget loaded; also with the widget on another
// origin (a CDN: the worker starts through a same-origin blob module).
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  elementRow,
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

/** The stub the README documents (`HEARTH_STUB_SNIPPET` in src/widget/hearth-global.ts). */
const STUB =
  "window.Hearth=window.Hearth||{q:[],track(e){this.q.push(['track',e])},setConsent(c){this.q.push(['setConsent',c])}};";

/** Views of three Garden items (p1, p5, p9: category index 1). */
const TRACKED = ['p1', 'p5', 'p9'];

const page = (tracking) =>
  shopPage({
    type: 'for-you',
    head: `<script>${STUB}</script>\n    <script type="module" src="/hearth/hearth-recs.js"></script>`,
    body: tracking
      ? `<script>${TRACKED.map((id) => `Hearth.track({ itemId: '${id}', type: 'view' });`).join(' ')}</script>`
      : '',
  });

/** @type {import('./browser-harness.mjs').BrowserConsumer} */
export const scriptTagConsumer = {
  name: 'script-tag',
  setup: (tarball) => createConsumerProject({ name: 'script-tag', tarball }),
  async verify(browser, { dir }) {
    const site = join(dir, 'site');
    const copied = await run('npx', ['hearth-recs', 'copy-assets', '--out', 'site/hearth'], {
      cwd: dir,
    });
    check(/copied \d+ files/.test(copied.stdout), `copy-assets said: ${copied.stdout}`);
    await trainShopModel(dir, 'site/model');
    await writeFile(join(site, 'index.html'), page(true));
    await writeFile(join(site, 'plain.html'), page(false));
    // The documented alternative: serve node_modules/hearth-recs/dist/browser as it is.
    await cp(join(dir, 'node_modules/hearth-recs/dist/browser'), join(site, 'npm-path'), {
      recursive: true,
    });
    await writeFile(
      join(site, 'npm-path.html'),
      page(true).replace('/hearth/hearth-recs.js', '/npm-path/hearth-recs.js'),
    );
    // The unpkg / jsDelivr case: the widget on another origin (served with CORS, like a CDN).
    const cdn = await serveStatic(join(dir, 'node_modules/hearth-recs/dist/browser'), {
      cors: true,
    });
    await writeFile(
      join(site, 'cdn.html'),
      page(true).replace('/hearth/hearth-recs.js', `${cdn.url}hearth-recs.js`),
    );
    const server = await serveStatic(site);
    try {
      await checkPages(browser, server.url, site);
    } finally {
      await server.close();
      await cdn.close();
    }
  },
};

/** The plain page, then the tracked pages: personalised rows, the worker, no training chunk. */
async function checkPages(browser, url, site) {
  const plain = await visit(browser, `${url}plain.html`, { ready: elementRowsReady });
  expectNoErrors('plain page', plain.errors);
  const before = await elementRow(plain.page);
  await plain.context.close();

  for (const path of ['index.html', 'npm-path.html', 'cdn.html']) {
    const tracked = await visit(browser, `${url}${path}`, {
      ready: () => document.querySelector('hearth-recs')?.dataset.source === 'personal',
    });
    expectNoErrors(path, tracked.errors);
    check(
      tracked.workers.some((w) => /hearth\.worker\.js|^blob:/.test(w)),
      `${path}: the Hearth worker did not start (workers: ${tracked.workers.join(', ')})`,
    );
    const after = await elementRow(tracked.page);
    const garden = after.ids.filter((id) => Number(id.slice(1)) % 4 === 1).length;
    check(
      after.ids.length > 0 && after.ids.every((id) => !TRACKED.includes(id)),
      `${path}: the for-you row shows viewed items: ${after.ids.join(', ')}`,
    );
    check(
      garden > after.ids.length / 2 && after.ids.join() !== before.ids.join(),
      `${path}: the row did not follow the tracked Garden views: ${after.ids.join(', ')} (before: ${before.ids.join(', ')})`,
    );
    // A first visit imports the page's catalog into the worker: the parsers chunk, never TF.js.
    await tracked.scriptLoaded(/hearth-parsers\.js/);
    await tracked.page.waitForLoadState('networkidle');
    const served = gzipOfScripts(tracked.scripts, url, site);
    const sizes = served.files.map((f) => `${f.path} ${kb(f.gzip)}`).join(', ');
    console.log(
      `script-tag: ${path} personalised (${garden}/${after.ids.length} Garden items; without tracking: ${before.source})` +
        (served.files.length > 0 ? `; serve path ${kb(served.total)} gzip (${sizes})` : ''),
    );
    check(
      !served.files.some((f) => /hearth-training/.test(f.path)),
      `${path}: showing rows downloaded the training chunk`,
    );
    await tracked.context.close();
  }
}
