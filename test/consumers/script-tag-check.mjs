// Consumer (d): a plain HTML page with the package's script-tag widget, copied out of the installed
// package with `npx hearth-recs copy-assets`, the inline `window.Hearth` stub before the module
// script, and a `Hearth.track` call from an inline classic script. Served by a tiny static server
// and opened in Chromium: rows render, the worker loads, no console errors, and the for-you row is
// personalised by the views tracked before the widget loaded.
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import {
  elementRow,
  elementRowsReady,
  expectNoErrors,
  gzipOfScripts,
  kb,
  serveStatic,
  trainShopModel,
  visit,
  withChromium,
} from './browser-harness.mjs';
import { check, createConsumerProject, packOnce, run } from './pack-once.mjs';

/** The stub the README documents (`HEARTH_STUB_SNIPPET` in src/widget/hearth-global.ts). */
const STUB =
  "window.Hearth=window.Hearth||{q:[],track(e){this.q.push(['track',e])},setConsent(c){this.q.push(['setConsent',c])}};";

/** Views of three Garden items (p1, p5, p9: category index 1). */
const TRACKED = ['p1', 'p5', 'p9'];

const page = (tracking) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Shop</title>
    <link rel="icon" href="data:," />
    <script>${STUB}</script>
    <script type="module" src="/hearth/hearth-recs.js"></script>
  </head>
  <body>
    <hearth-recs type="for-you" limit="6" model-src="/model/model.hearth" catalog-src="/model/catalog.json"></hearth-recs>
    <script>${tracking ? TRACKED.map((id) => `Hearth.track({ itemId: '${id}', type: 'view' });`).join(' ') : ''}</script>
  </body>
</html>
`;

const tarball = await packOnce();
const project = await createConsumerProject({ name: 'script-tag', tarball });
try {
  const site = join(project.dir, 'site');
  const copied = await run('npx', ['hearth-recs', 'copy-assets', '--out', 'site/hearth'], {
    cwd: project.dir,
  });
  check(/copied \d+ files/.test(copied.stdout), `copy-assets said: ${copied.stdout}`);
  await trainShopModel(project.dir, 'site/model');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(join(site, 'index.html'), page(true));
  await writeFile(join(site, 'plain.html'), page(false));
  // The documented alternative: serve node_modules/hearth-recs/dist/browser as it is.
  await cp(join(project.dir, 'node_modules/hearth-recs/dist/browser'), join(site, 'npm-path'), {
    recursive: true,
  });
  await writeFile(
    join(site, 'npm-path.html'),
    page(true).replace('/hearth/hearth-recs.js', '/npm-path/hearth-recs.js'),
  );
  const server = await serveStatic(site);
  try {
    await withChromium(async (browser) => {
      const plain = await visit(browser, `${server.url}plain.html`, { ready: elementRowsReady });
      expectNoErrors('plain page', plain.errors);
      const before = await elementRow(plain.page);
      await plain.context.close();

      for (const path of ['index.html', 'npm-path.html']) {
        const tracked = await visit(browser, `${server.url}${path}`, {
          ready: () => document.querySelector('hearth-recs')?.dataset.source === 'personal',
        });
        expectNoErrors(path, tracked.errors);
        check(
          tracked.workers.some((w) => /hearth\.worker\.js/.test(w)),
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
        const served = gzipOfScripts(tracked.scripts, server.url, site);
        console.log(
          `script-tag: ${path} personalised (${garden}/${after.ids.length} Garden items; without tracking: ${before.source}); serve path ${kb(served.total)} gzip (${served.files.map((f) => `${f.path} ${kb(f.gzip)}`).join(', ')})`,
        );
        check(
          !served.files.some((f) => /hearth-training/.test(f.path)),
          `${path}: showing rows downloaded the training chunk`,
        );
        await tracked.context.close();
      }
    });
  } finally {
    await server.close();
  }
} finally {
  await project.dispose();
}
