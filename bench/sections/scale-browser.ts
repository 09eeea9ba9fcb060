import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type BrowserServer } from 'playwright-core';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { BROWSER_PREBUNDLED_DEPS, CHROMIUM_ARGS } from '../../vitest.config';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import { samplePeakRss } from '../scale-browser/process-memory';
import type { ScaleBenchPage } from '../scale-browser/scale-browser-page';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'hearth-recs.mjs');
const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** `HEARTH_SCALE_BROWSER_EVENTS=1000000` for a quicker look (keys then say `browser1m`). */
const EVENTS = Number(process.env['HEARTH_SCALE_BROWSER_EVENTS'] ?? 10_000_000);
const ITEMS = 100_000;
/** Epochs per training run: a fixed small number, timed per epoch. */
const EPOCHS = 3;
const DATA_PATH = '/__scale-data/events.csv';

/**
 * Serves the generated log at {@link DATA_PATH} and sends COOP/COEP on every response, so the
 * bench page is cross-origin isolated (SharedArrayBuffer, helper workers).
 */
function scaleDataPlugin(file: string): Plugin {
  return {
    name: 'hearth-scale-browser-data',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
        if (req.url !== DATA_PATH) return next();
        res.setHeader('Content-Type', 'text/csv');
        res.setHeader('Content-Length', statSync(file).size);
        createReadStream(file).pipe(res);
      });
    },
  };
}

function generate(dir: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const args = [BIN, 'generate', '--items', String(ITEMS), '--events', String(EVENTS)];
    const child = spawn(process.execPath, [...args, '--out', dir], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolvePromise(performance.now() - started)
        : reject(new Error(`hearth-recs generate exited with ${code}`)),
    );
  });
}

/** Opens the bench page and waits for its script. */
async function openPage(context: BrowserContext, url: string, log: (m: string) => void) {
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') log(`[page] ${msg.text()}`);
  });
  page.on('pageerror', (error) => log(`[page] ${error.message}`));
  await page.goto(url);
  await page.waitForFunction(() => window.hearthScaleBenchReady === true, undefined, {
    timeout: 120_000,
  });
  return page;
}

const round = (ms: number | string | undefined): number => Math.round(Number(ms));

/**
 * Browser training at scale (issue #12): a generated log of {@link EVENTS} events over 100k
 * products, fetched as a Blob and imported into Hearth's worker (sliced read, parse, IndexedDB
 * chunks), then trained for {@link EPOCHS} epochs on the typed path on a cross-origin isolated
 * page, with helper workers and then in Hearth's worker alone (`trainingWorkers: 1`), in Debian's
 * headless Chromium. Peak RSS is the whole browser's (every process, GPU and browser included).
 */
export const section: BenchSection = {
  title: 'Scale: a 10M-event log imported and trained in the browser worker',
  async run(ctx: BenchContext): Promise<BenchResults> {
    const key = `scale.browser${EVENTS >= 1e6 ? `${EVENTS / 1e6}m` : `${EVENTS / 1e3}k`}`;
    const tmp = mkdtempSync(join(tmpdir(), 'hearth-scale-browser-'));
    let server: ViteDevServer | null = null;
    let browserServer: BrowserServer | null = null;
    try {
      const generateMs = await generate(tmp);
      const file = join(tmp, 'events.csv');
      ctx.log(`scale-browser: generated ${EVENTS} events in ${round(generateMs)} ms`);
      server = await createServer({
        root: ROOT,
        logLevel: 'error',
        server: { port: 0, host: '127.0.0.1' },
        optimizeDeps: { include: [...BROWSER_PREBUNDLED_DEPS] },
        plugins: [scaleDataPlugin(file)],
      });
      await server.listen();
      const address = server.httpServer?.address();
      const port = typeof address === 'object' && address ? address.port : 5173;
      const url = `http://127.0.0.1:${port}/bench/scale-browser/scale-browser.html`;
      browserServer = await chromium.launchServer({
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: CHROMIUM_ARGS,
      });
      const browser = await chromium.connect(browserServer.wsEndpoint());
      const pid = browserServer.process().pid ?? 0;
      const dbName = `hearth-scale-browser-${Date.now()}`;

      const page = await openPage(await browser.newContext(), url, ctx.log);
      const importPeak = samplePeakRss(pid);
      const imported = await page.evaluate(
        ([u, d]) => (window.hearthScaleBench as ScaleBenchPage).importLog(u, d),
        [DATA_PATH, dbName] as const,
      );
      const importRssMB = importPeak.stop();
      ctx.log(
        `scale-browser: import ${JSON.stringify(imported)}, browser peak RSS ${round(importRssMB)} MB`,
      );
      const trainPeak = samplePeakRss(pid);
      const multi = await page.evaluate(
        ([d, e]) => (window.hearthScaleBench as ScaleBenchPage).train(d, e, null),
        [dbName, EPOCHS] as const,
      );
      const trainRssMB = trainPeak.stop();
      const memoryMB = await page.evaluate(() =>
        Promise.race([
          (window.hearthScaleBench as ScaleBenchPage).memoryMB(),
          new Promise<number>((r) => setTimeout(() => r(-1), 60_000)),
        ]),
      );
      ctx.log(
        `scale-browser: isolated training ${JSON.stringify(multi)}, browser peak RSS ${round(trainRssMB)} MB`,
      );
      // The same isolated page and stored log, capped to Hearth's worker alone.
      const one = await page.evaluate(
        ([d, e]) => (window.hearthScaleBench as ScaleBenchPage).train(d, e, 1),
        [dbName, EPOCHS] as const,
      );
      ctx.log(`scale-browser: one-worker training ${JSON.stringify(one)}`);
      await page.close();
      await browser.close();
      return {
        [`${key}.events`]: EVENTS,
        [`${key}.fileMB`]: round(imported['fileMB']),
        [`${key}.ingestMs`]: round(imported['ingestMs']),
        [`${key}.acceptedRows`]: round(imported['accepted']),
        [`${key}.epochMs`]: round(multi['epochMs']),
        [`${key}.epochs`]: EPOCHS,
        [`${key}.trainWallMs`]: round(multi['wallMs']),
        [`${key}.workers`]: round(multi['workers']),
        [`${key}.oneWorkerEpochMs`]: round(one['epochMs']),
        [`${key}.oneWorkerWallMs`]: round(one['wallMs']),
        [`${key}.workerSpeedup`]: Number(
          (Number(one['epochMs']) / Number(multi['epochMs'])).toFixed(2),
        ),
        [`${key}.importPeakRssMB`]: round(importRssMB),
        [`${key}.trainPeakRssMB`]: round(trainRssMB),
        [`${key}.tabMemoryMB`]: memoryMB < 0 ? null : round(memoryMB),
        [`${key}.cores`]: round(imported['cores']),
      };
    } finally {
      await browserServer?.close();
      await server?.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
