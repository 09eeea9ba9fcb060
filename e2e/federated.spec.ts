import { expect, test, type BrowserContext, type Page, type Request } from '@playwright/test';
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer, type SpawnedServer } from '../src/server/spawn-server';

/**
 * Federated learning end to end: the built aggregation server (child process, cohort of 2) and
 * three fresh browser profiles running the participant code (an esbuild bundle of
 * src/federated/federated-participant.ts on a blank page). Two opt in, contribute and receive the
 * aggregated model; the third never opts in. Every request of every page is captured: no body
 * may carry the raw history (item ids, timestamps, event types), and the third page sends nothing.
 *
 * The page lives on a made-up origin; its `/v1/*` requests are forwarded to the real server from
 * the test (the server has no CORS, as in production where it shares the site's origin).
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER_ENTRY = join(ROOT, 'dist/server/hearth-server.mjs');
const ORIGIN = 'http://hearth-e2e.test';
const TOKEN = 'e2e-token-0123456789';
const NUM_ITEMS = 40;

/** The raw history of each visitor; ids and timestamps are distinctive so a leak is detectable. */
const HISTORIES = [
  [
    { itemId: 'sku-e2e-0003', type: 'view', timestamp: 1_712_345_678_901 },
    { itemId: 'sku-e2e-0011', type: 'purchase', timestamp: 1_712_345_679_902 },
    { itemId: 'sku-e2e-0017', type: 'cart', timestamp: 1_712_345_680_903 },
  ],
  [
    { itemId: 'sku-e2e-0005', type: 'click', timestamp: 1_712_345_681_904 },
    { itemId: 'sku-e2e-0011', type: 'view', timestamp: 1_712_345_682_905 },
    { itemId: 'sku-e2e-0029', type: 'purchase', timestamp: 1_712_345_683_906 },
  ],
  [
    { itemId: 'sku-e2e-0007', type: 'view', timestamp: 1_712_345_684_907 },
    { itemId: 'sku-e2e-0013', type: 'cart', timestamp: 1_712_345_685_908 },
  ],
] as const;

/** Page-side glue: an IndexedDB store holding the events, and the participant reading them. */
const HARNESS = `
import { createHearthStore } from './src/storage';
import { DEFAULT_EVENT_WEIGHTS } from './src/core/data/types';
import { createFederatedParticipant } from './src/federated/federated-participant';

let participant;
let model;
window.hearthE2E = {
  async setup({ serverUrl, token, events, numItems }) {
    const store = await createHearthStore({ dbName: 'hearth-fl-e2e' });
    await store.appendInteractions(events);
    participant = createFederatedParticipant({
      serverUrl,
      token,
      store,
      async getHistory() {
        // The site's catalog maps its ids to the global model's dense item indices.
        const rows = await store.recentInteractions(1000);
        return rows.map((e) => ({
          item: Number(e.itemId.slice(-4)) % numItems,
          weight: DEFAULT_EVENT_WEIGHTS[e.type],
        }));
      },
      getModel: () => model,
      onModel: (m) => { model = m; },
    });
  },
  grant: () => participant.consent.grant(),
  participate: async () => (await participant.participate()).status,
  async refresh() {
    await participant.refreshModel();
    return model ? model.version : -1;
  },
  stats: () => ({ ...participant.stats() }),
};
`;

interface Captured {
  readonly method: string;
  readonly url: string;
  readonly contentType: string;
  readonly body: Buffer | null;
}

let server: SpawnedServer;
let dataDir: string;
let bundle: string;

test.beforeAll(async () => {
  if (!existsSync(SERVER_ENTRY)) {
    execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }
  const out = await build({
    stdin: { contents: HARNESS, resolveDir: ROOT, loader: 'ts', sourcefile: 'fl-harness.ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  bundle = out.outputFiles[0]!.text;
  dataDir = mkdtempSync(join(tmpdir(), 'hearth-fl-e2e-'));
  server = await spawnServer({
    entry: SERVER_ENTRY,
    args: [
      ...['--data-dir', dataDir, '--token', TOKEN, '--port', '0'],
      ...['--items', String(NUM_ITEMS), '--factors', '4', '--seed', '7'],
      ...['--min-cohort', '2', '--max-cohort', '2', '--round-seconds', '120'],
      ...['--rate', '1000', '--burst', '1000'],
    ],
  });
});

test.afterAll(async () => {
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A fresh visitor: blank page on {@link ORIGIN}, `/v1/*` forwarded to the server, every request captured. */
async function visitor(
  context: BrowserContext,
  events: (typeof HISTORIES)[number],
): Promise<{ page: Page; captured: Captured[]; forwarded: string[] }> {
  const captured: Captured[] = [];
  const forwarded: string[] = [];
  await context.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/') {
      await route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>FL</title>' });
    } else if (url.pathname.startsWith('/v1/')) {
      forwarded.push(`${route.request().method()} ${url.pathname}`);
      const response = await route.fetch({ url: `${server.url}${url.pathname}${url.search}` });
      await route.fulfill({ response });
    } else {
      await route.fulfill({ status: 404, body: '' });
    }
  });
  const page = await context.newPage();
  page.on('request', (request: Request) => {
    captured.push({
      method: request.method(),
      url: request.url(),
      contentType: request.headers()['content-type'] ?? '',
      body: request.postDataBuffer(),
    });
  });
  await page.goto(`${ORIGIN}/`);
  await page.addScriptTag({ content: bundle });
  await page.evaluate((o) => window.hearthE2E.setup(o), {
    serverUrl: ORIGIN,
    token: TOKEN,
    events: [...events],
    numItems: NUM_ITEMS,
  });
  return { page, captured, forwarded };
}

declare global {
  interface Window {
    hearthE2E: {
      setup(o: {
        serverUrl: string;
        token: string;
        events: readonly { itemId: string; type: string; timestamp: number }[];
        numItems: number;
      }): Promise<void>;
      grant(): Promise<void>;
      participate(): Promise<string>;
      refresh(): Promise<number>;
      stats(): { requests: number; bytesSent: number; updatesSent: number };
    };
  }
}

test('two opted-in browsers train the shared model; raw history never leaves; no consent, no traffic', async ({
  browser,
}) => {
  const contexts = await Promise.all(HISTORIES.map(() => browser.newContext()));
  try {
    const [a, b, c] = await Promise.all(contexts.map((ctx, i) => visitor(ctx, HISTORIES[i]!)));
    const optedIn = [a!, b!];

    for (const v of optedIn) {
      await v.page.evaluate(() => window.hearthE2E.grant());
      expect(await v.page.evaluate(() => window.hearthE2E.refresh())).toBe(0);
    }
    // Both upload; the second upload fills the cohort of 2 and the server aggregates.
    expect(
      await Promise.all(optedIn.map((v) => v.page.evaluate(() => window.hearthE2E.participate()))),
    ).toEqual(['flushed', 'flushed']);
    for (const v of optedIn) {
      await expect
        .poll(() => v.page.evaluate(() => window.hearthE2E.refresh()), { timeout: 20_000 })
        .toBe(1);
      const stats = await v.page.evaluate(() => window.hearthE2E.stats());
      expect(stats.updatesSent).toBe(1);
      expect(stats.bytesSent).toBeGreaterThan(0);
    }

    // The third visitor never opts in: participating and refreshing send nothing.
    expect(await c!.page.evaluate(() => window.hearthE2E.participate())).toBe('no-consent');
    expect(await c!.page.evaluate(() => window.hearthE2E.refresh())).toBe(-1);
    expect(c!.forwarded).toEqual([]);
    expect(c!.captured.filter((r) => r.url.startsWith(`${ORIGIN}/v1/`))).toEqual([]);
    expect(c!.captured.filter((r) => r.method !== 'GET' || r.body)).toEqual([]);

    optedIn.forEach((v, i) => {
      const apiCalls = v.captured.filter((r) => r.url.startsWith(`${ORIGIN}/v1/`));
      expect(apiCalls.some((r) => r.method === 'POST' && r.url.endsWith('/update'))).toBe(true);
      const raw = HISTORIES.flat();
      const needles = [
        ...raw.map((e) => e.itemId),
        ...raw.map((e) => String(e.timestamp)),
        ...new Set(raw.map((e) => `"${e.type}"`)),
        'sku-e2e',
      ];
      for (const r of v.captured) {
        if (!r.body) continue;
        const text = r.body.toString('latin1');
        for (const needle of needles) expect(text, `${r.method} ${r.url}`).not.toContain(needle);
        // Only two kinds of body: the small JSON join message and the binary update frame.
        if (r.url.endsWith('/v1/rounds/join')) {
          expect(Object.keys(JSON.parse(r.body.toString('utf8')) as object).sort()).toEqual([
            'protocol',
          ]);
        } else {
          expect(r.url, `visitor ${i}`).toMatch(/\/v1\/rounds\/[^/]+\/update$/);
          expect(r.contentType).toBe('application/octet-stream');
        }
      }
    });
  } finally {
    await Promise.all(contexts.map((ctx) => ctx.close()));
  }
});
