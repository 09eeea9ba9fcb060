import { chromium, type Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { BROWSER_PREBUNDLED_DEPS, CHROMIUM_ARGS } from '../../vitest.config';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import { loadMl100k } from '../ml100k';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Runs one in-page bench in a fresh browser (a GPU process left busy slows the next start). */
async function inFreshBrowser(
  url: string,
  name: string,
  args: unknown[],
  log: (m: string) => void,
): Promise<Record<string, number | string>> {
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const page = await browser.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') log(`[page] ${msg.text()}`);
    });
    await page.goto(url);
    await page.waitForFunction(() => window.hearthBenchReady === true, undefined, {
      timeout: 60_000,
    });
    return await page.evaluate(([n, a]) => window.hearthBench(n as string, a as unknown[]), [
      name,
      args,
    ] as const);
  } finally {
    await browser?.close();
  }
}

/**
 * Browser benchmarks in headless Chromium (Debian's, with WebGPU on SwiftShader when there is no
 * GPU): IndexedDB ingest/read-back of 1M events, per-backend training, cold start, track latency
 * and long tasks. Serves the bench page with Vite's dev server.
 */
async function run(ctx: BenchContext): Promise<BenchResults> {
  let server: ViteDevServer | null = null;
  const results: BenchResults = {};
  try {
    server = await createServer({
      root: process.cwd(),
      logLevel: 'error',
      server: { port: 0, host: '127.0.0.1' },
      // Pre-bundle TF.js and idb up front: discovering them mid-run reloads the page.
      optimizeDeps: { include: [...BROWSER_PREBUNDLED_DEPS] },
    });
    await server.listen();
    const address = server.httpServer?.address();
    const port = typeof address === 'object' && address ? address.port : 5173;
    const url = `http://127.0.0.1:${port}/bench/browser/bench.html`;
    ctx.log(`browser: bench page at ${url}`);
    Object.assign(results, await inFreshBrowser(url, 'storage', [], ctx.log));
    ctx.log(`browser: storage done (ingest ${results['browser.ingest1M.ms']} ms)`);
    Object.assign(results, await inFreshBrowser(url, 'runtime', [], ctx.log));
    ctx.log('browser: runtime done');
    let data: unknown = null;
    if (ctx.ml100kDir) {
      const { dataset } = await loadMl100k(ctx.ml100kDir);
      data = {
        users: Array.from(dataset.columns.users),
        items: Array.from(dataset.columns.items),
        numUsers: dataset.userVocab.size,
        numItems: dataset.itemVocab.size,
      };
    }
    Object.assign(results, await inFreshBrowser(url, 'training', [data], ctx.log));
    ctx.log('browser: training done');
  } finally {
    await server?.close();
  }
  return results;
}

/** Bench section: the browser runtime in headless Chromium. */
export const section: BenchSection = { title: 'Browser (headless Chromium)', run };
