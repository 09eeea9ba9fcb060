// Shared by the browser consumer tests (vite-react, script-tag, webpack): a small generated shop
// trained with the package's own CLI, a static file server, and a headless Chromium that opens a
// page and reports what a visitor would see (rows, the worker, console errors, downloaded code).
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO, check, run } from './pack-once.mjs';

/**
 * One browser consumer: `setup` installs its throw-away project (all run at once), `verify` builds,
 * serves and checks it in the shared browser.
 *
 * @typedef {{ dir: string, dispose: () => Promise<void> }} ConsumerProject
 * @typedef {{
 *   name: string,
 *   setup: (tarball: string) => Promise<ConsumerProject>,
 *   verify: (browser: import('playwright-core').Browser, project: ConsumerProject) => Promise<void>,
 * }} BrowserConsumer
 */

/** Debian's Chromium (CI installs it; Playwright's own browsers are not downloaded). */
export const CHROMIUM = process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium';

/** The widget serve-path budget (issue 9): what a page downloads to show rows, gzip. */
export const SERVE_PATH_BUDGET_KB = 40;

const ITEMS = 48;
const CATEGORIES = ['Kitchen', 'Garden', 'Books', 'Games'];

/**
 * Writes a small shop (48 items in 4 categories, 240 shoppers who mostly stay in one category) as
 * `data/interactions.csv` and `data/catalog.jsonl`, then trains it with `npx hearth-recs train`
 * into `modelDir` (relative to the project). Deterministic: no randomness.
 *
 * @param {string} dir consumer project
 * @param {string} modelDir where model.hearth and catalog.json go, e.g. `public/model`
 */
export async function trainShopModel(dir, modelDir) {
  await mkdir(join(dir, 'data'), { recursive: true });
  const catalog = Array.from({ length: ITEMS }, (_, i) => ({
    id: `p${i}`,
    title: `${CATEGORIES[i % 4]} item ${i}`,
    category: CATEGORIES[i % 4],
    price: 5 + i,
  }));
  const rows = ['user,item,type,timestamp'];
  for (let u = 0; u < 240; u++) {
    const home = u % 4;
    for (let k = 0; k < 8; k++) {
      // Mostly the shopper's own category, every fourth event elsewhere.
      const category = k % 4 === 3 ? (home + 1 + (u % 3)) % 4 : home;
      const item = category + 4 * ((u * 7 + k * 5) % (ITEMS / 4));
      rows.push(
        `u${u},p${item},${k % 3 === 0 ? 'purchase' : 'view'},${1_700_000_000 + u * 100 + k}`,
      );
    }
  }
  await writeFile(join(dir, 'data/interactions.csv'), `${rows.join('\n')}\n`);
  await writeFile(
    join(dir, 'data/catalog.jsonl'),
    `${catalog.map((c) => JSON.stringify(c)).join('\n')}\n`,
  );
  await run(
    'npx',
    [
      'hearth-recs',
      'train',
      '--interactions',
      'data/interactions.csv',
      '--items',
      'data/catalog.jsonl',
      '--out',
      modelDir,
      '--no-tune',
      '--quiet',
    ],
    { cwd: dir },
  );
  for (const file of ['model.hearth', 'catalog.json']) {
    check(existsSync(join(dir, modelDir, file)), `hearth-recs train wrote no ${modelDir}/${file}`);
  }
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.hearth': 'application/octet-stream',
  '.svg': 'image/svg+xml',
};

/**
 * Serves `root` over HTTP on a free port (`/` → `index.html`; unknown paths 404, never a fallback
 * page, so a missing file shows up as an error). With `cors`, any origin may read the files, as
 * from a CDN.
 *
 * @param {string} root
 * @param {{ cors?: boolean }} [options]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveStatic(root, options = {}) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
    if (file !== base && !file.startsWith(base + sep)) file = '';
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      ...(options.cors && { 'access-control-allow-origin': '*' }),
    });
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const address = server.address();
  check(address && typeof address === 'object', 'the static server did not start');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((r) => server.close(() => r(undefined))),
  };
}

/** Terminal colour codes, stripped before matching a server's output. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * Starts a long-running command (a dev or preview server) and resolves once its output matches
 * `ready`, with the match and a `stop` function.
 *
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ cwd: string, ready: RegExp, timeoutMs?: number }} options
 * @returns {Promise<{ match: RegExpExecArray, stop: () => Promise<void> }>}
 */
export function startServer(command, args, { cwd, ready, timeoutMs = 60_000 }) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${command} ${args.join(' ')} did not start:\n${output}`));
    }, timeoutMs);
    const onData = (d) => {
      output += d;
      const match = ready.exec(output.replace(ANSI, ''));
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        child.stdout.resume();
        child.stderr.resume();
        const exited = new Promise((r) => child.once('exit', () => r(undefined)));
        resolvePromise({
          match,
          stop: () => {
            child.kill();
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited ${code} before it was ready:\n${output}`));
    });
  });
}

/**
 * Opens Chromium (headless, the repository's playwright-core), runs `fn(browser)` and closes it.
 *
 * @template T
 * @param {(browser: import('playwright-core').Browser) => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function withChromium(fn) {
  const { chromium } = createRequire(join(REPO, 'package.json'))('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/**
 * Opens `url` in a fresh context and waits until `ready` (a function run in the page) returns
 * true. Collects console errors, uncaught errors, failed requests, the workers the page started,
 * and every script the page and its workers downloaded.
 *
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {{ ready: () => boolean, timeoutMs?: number }} options
 */
export async function visit(browser, url, { ready, timeoutMs = 60_000 }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  const workers = [];
  const scripts = new Set();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`failed request: ${r.url()}`));
  page.on('worker', (w) => {
    workers.push(w.url());
    w.on('console', (m) => {
      if (m.type() === 'error') errors.push(`worker console: ${m.text()}`);
    });
  });
  context.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
    const type = r.headers()['content-type'] ?? '';
    if (/javascript/.test(type) || /\.m?js(\?|#|$)/.test(r.url()))
      scripts.add(r.url().split('#')[0]);
  });
  await page.goto(url);
  try {
    await page.waitForFunction(ready, undefined, { timeout: timeoutMs });
  } catch (error) {
    const html = await page.content().catch(() => '');
    throw new Error(
      `${url}: not ready after ${timeoutMs} ms (${error instanceof Error ? error.message : error}).\n` +
        `errors: ${errors.join('\n') || 'none'}\npage: ${html.slice(0, 2000)}`,
    );
  }
  /** Waits until a downloaded script's URL matches `pattern` (the worker's lazy imports). */
  const scriptLoaded = async (pattern, timeoutMs = 20_000) => {
    const until = Date.now() + timeoutMs;
    while (![...scripts].some((u) => pattern.test(u))) {
      check(Date.now() < until, `${url}: no script matching ${pattern} was downloaded`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { context, page, errors, workers, scripts, scriptLoaded };
}

/**
 * Gzip size (level 9) of the scripts a visit downloaded, read from the built files under `root`
 * served at `baseUrl`. `total` is the serve path: every file but the parsers chunk, which the
 * worker loads lazily to import the catalog (`npm run size` counts it as lazy too).
 *
 * @param {Iterable<string>} scripts
 * @param {string} baseUrl
 * @param {string} root
 * @returns {{ total: number, files: { path: string, gzip: number }[] }}
 */
export function gzipOfScripts(scripts, baseUrl, root) {
  const files = [...scripts]
    .filter((u) => u.startsWith(baseUrl))
    .map((u) => {
      const path = decodeURIComponent(new URL(u).pathname);
      const bytes = readFileSync(join(root, path));
      return { path, gzip: gzipSync(bytes, { level: 9 }).length };
    });
  const total = files.filter((f) => !/hearth-parsers/.test(f.path)).reduce((s, f) => s + f.gzip, 0);
  return { total, files };
}

/**
 * A shop page with one `<hearth-recs>` row on the trained model.
 *
 * @param {{ head: string, type?: string, models?: string, body?: string }} options `head`: the
 *   script tags; `models`: the model folder's URL (default `/model/`); `body`: after the row
 * @returns {string}
 */
export function shopPage({ head, type = 'popular', models = '/model/', body = '' }) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <link rel="icon" href="data:," />
    <title>Shop</title>
    ${head}
  </head>
  <body>
    <hearth-recs type="${type}" limit="6" model-src="${models}model.hearth" catalog-src="${models}catalog.json"></hearth-recs>
    ${body}
  </body>
</html>
`;
}

/** `n` bytes as KB with one decimal. */
export const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** Throws listing `errors` when there are any. */
export function expectNoErrors(what, errors) {
  check(errors.length === 0, `${what}: ${errors.length} errors:\n${errors.join('\n')}`);
}

/** A page function: the first `<hearth-recs>` element shows cards. */
export function elementRowsReady() {
  const el = document.querySelector('hearth-recs');
  return (
    el?.dataset.state === 'ready' &&
    (el.shadowRoot?.querySelectorAll('[part="card"]').length ?? 0) > 0
  );
}

/** Item ids and source of the `<hearth-recs>` element matching `selector`. */
export async function elementRow(page, selector = 'hearth-recs') {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => ({
      source: el.dataset.source ?? '',
      ids: [...(el.shadowRoot?.querySelectorAll('[part="card"]') ?? [])].map(
        (c) => c.dataset.itemId ?? '',
      ),
    }));
}
