/**
 * Time and bytes to a visitor's first personal row on a cold cache: the script-tag widget on a
 * plain page, a visitor whose three earlier views are queued before the widget loads, a
 * `for-you` row, over a shaped link. Measured in Debian's Chromium (headless).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../vitest.config';
import { startStaticServer, type LinkShape } from './static-server';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** 20 Mbit/s down, 40 ms round trip: the reference link. */
export const REFERENCE_LINK: LinkShape = { bytesPerSecond: 2_500_000, rttMs: 40 };

/** What one cold visit measured. */
export interface FirstRowVisit {
  /** From navigation start to the for-you row rendered from the visitor's own events. */
  readonly firstRowMs: number;
  /** Bytes on the wire (gzip where the server compresses) before that moment, all files. */
  readonly transferBytes: number;
  /** Of those, the model and catalog files (the `/model/` folder). */
  readonly modelCatalogBytes: number;
  /**
   * `performance.measureUserAgentSpecificMemory()` of the tab (page + its worker), MB, once the
   * page has stopped downloading (the full model swapped in after a head).
   */
  readonly tabMemoryMB: number | null;
  /** The same at the first personal row. */
  readonly tabMemoryAtFirstRowMB: number | null;
  /** Files fetched before the row, with their bytes. */
  readonly files: readonly { readonly path: string; readonly bytes: number }[];
  /** Items shown. */
  readonly rowItems: readonly string[];
}

/** The tab's memory (page + worker) in MB, or null where the browser cannot measure it. */
async function tabMemory(page: Page): Promise<number | null> {
  return page
    .evaluate(async () => {
      if (!crossOriginIsolated) return null;
      const m = await (
        performance as Performance & {
          measureUserAgentSpecificMemory(): Promise<{ bytes: number }>;
        }
      ).measureUserAgentSpecificMemory();
      return m.bytes / 2 ** 20;
    })
    .catch(() => null);
}

/** Resolves once no response has sent a byte for `quietMs` (or after `maxMs`). */
async function networkQuiet(
  served: readonly { readonly bytes: number }[],
  quietMs: number,
  maxMs: number,
): Promise<void> {
  const total = (): number => served.reduce((s, f) => s + f.bytes, 0) + served.length;
  const started = Date.now();
  let last = total();
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() - started < maxMs) {
    await new Promise((r) => setTimeout(r, 250));
    const now = total();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
}

function pageHtml(o: { history: readonly string[]; modelSrc: string; catalogSrc: string }): string {
  const track = o.history
    .map((id) => `Hearth.track({ itemId: ${JSON.stringify(id)}, type: 'view' });`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Scale bench</title>
<script>
window.Hearth = window.Hearth || { q: [], track(e) { this.q.push(['track', e]); },
  setConsent(c) { this.q.push(['setConsent', c]); } };
${track}
new MutationObserver(() => {
  const row = document.getElementById('for-you');
  if (!window.firstPersonalRow && row && row.dataset.state === 'ready' &&
      row.dataset.source && !row.dataset.source.startsWith('fallback-') && row.dataset.source !== 'none') {
    window.firstPersonalRow = performance.now();
  }
}).observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ['data-state', 'data-source'] });
</script>
<script type="module" src="/widget/hearth-recs.js"></script>
</head><body>
<hearth-recs id="for-you" type="for-you" limit="8" consent="granted"
  model-src="/model/${o.modelSrc}" catalog-src="/model/${o.catalogSrc}"></hearth-recs>
</body></html>`;
}

/**
 * One cold visit to a page serving `modelDir` with the built widget (`dist/browser`), with the
 * files `hearth-recs train` says to give `model-src` and `catalog-src` (the head of a large model,
 * the catalog index of a sharded catalog).
 */
export async function measureFirstRow(o: {
  readonly modelDir: string;
  readonly modelSrc: string;
  readonly catalogSrc: string;
  readonly history: readonly string[];
  readonly link?: LinkShape;
  readonly timeoutMs?: number;
}): Promise<FirstRowVisit> {
  const widgetDir = join(ROOT, 'dist', 'browser');
  if (!existsSync(join(widgetDir, 'hearth-recs.js'))) {
    throw new Error('dist/browser is not built: run `npm run build:browser` first.');
  }
  const pageDir = join(o.modelDir, '..', 'page');
  mkdirSync(pageDir, { recursive: true });
  writeFileSync(
    join(pageDir, 'index.html'),
    pageHtml({ history: o.history, modelSrc: o.modelSrc, catalogSrc: o.catalogSrc }),
  );
  const server = await startStaticServer(
    { '/widget/': widgetDir, '/model/': o.modelDir, '/': pageDir },
    o.link ?? REFERENCE_LINK,
  );
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, '--enable-blink-features=ForceEagerMeasureMemory'],
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.origin}/`);
    await page
      .waitForFunction(() => typeof window.firstPersonalRow === 'number', undefined, {
        timeout: o.timeoutMs ?? 180_000,
        polling: 20,
      })
      .catch((e: unknown) => {
        throw new Error(
          `No personal row: ${errors.join('; ') || String(e)} (state ${JSON.stringify(server.served.map((f) => f.path))})`,
        );
      });
    const files = server.served.map((f) => ({ path: f.path, bytes: f.bytes }));
    const firstRowMs = await page.evaluate(() => window.firstPersonalRow!);
    const rowItems = await page
      .locator('hearth-recs#for-you [part="card"]')
      .evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.itemId ?? ''));
    const tabMemoryAtFirstRowMB = await tabMemory(page);
    await networkQuiet(server.served, 3000, 180_000);
    const tabMemoryMB = await tabMemory(page);
    const sum = (list: typeof files) => list.reduce((s, f) => s + f.bytes, 0);
    return {
      firstRowMs,
      transferBytes: sum(files),
      modelCatalogBytes: sum(files.filter((f) => f.path.startsWith('/model/'))),
      tabMemoryMB,
      tabMemoryAtFirstRowMB,
      files,
      rowItems,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

declare global {
  interface Window {
    firstPersonalRow?: number;
  }
}
