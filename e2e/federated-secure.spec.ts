import {
  expect,
  test,
  type BrowserContext,
  type Locator,
  type Page,
  type Route,
} from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatBytes } from '../src/app/format';
import { spawnServer, type SpawnedServer } from '../src/server/spawn-server';

/**
 * Secure aggregation end to end, through the real demo app in two browsers: the test starts its
 * own aggregation server in `--aggregation secure` mode (cohorts of exactly 2) and routes every
 * `/v1/` request of two fresh browser profiles — their pages' and their Web Workers' — to it
 * instead of the preview's proxy (which reaches the plain-mode server of `scripts/serve-demo.mjs`).
 * Both visitors click products, opt in on the privacy page and press "Contribute now" together; in
 * each Web Worker the participant runs the whole Bonawitz round (Web Crypto ECDH / HKDF / AES-GCM
 * key exchange and share relay, masked upload, unmasking answer), and both end up serving the
 * aggregated model. The captured traffic shows each device took every step, and no request body
 * carries the visitors' item ids.
 */

/** The demo's deployment token (DEMO_FEDERATED_TOKEN in src/app/runtime/demo-config.ts). */
const TOKEN = 'hearth-demo-federated-token';
/** DEMO_FEDERATED_REFRESH_MS: how often a consented page checks for a newer global model. */
const REFRESH_MS = 5_000;
/** Each secure phase's longest duration; phases end early once every member acted. */
const ROUND_SECONDS = 5;
const SERVER_ENTRY = 'dist/server/hearth-server.mjs';
/** The global model the demo app downloads: the server starts from the same one. */
const DEMO_MODEL = 'dist/web/demo/model/model.hearth';
const SWITCH_NAME = "Contribute to the shop's shared model (federated learning)";

/** One `/v1/` request as it left the browser, and what the secure server answered. */
interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly body: Buffer | null;
  readonly status: number;
}

interface Visitor {
  readonly name: string;
  readonly page: Page;
  /** Every `/v1/` request of the context (the page and its Web Worker), in order. */
  readonly exchanges: Exchange[];
  /** Console errors, page errors and uncaught worker errors, for failure messages. */
  readonly problems: string[];
  /** Item ids of the visitor's events as stored on the device (the activity list). */
  readonly itemIds: readonly string[];
}

const main = (page: Page): Locator => page.getByRole('navigation', { name: 'Main' });
const similarCards = (page: Page): Locator =>
  page.locator('section[data-row="similar"]').locator('li.rec-card');
const consentSwitch = (page: Page): Locator =>
  page.getByRole('switch', { name: SWITCH_NAME, exact: true });
const contributeButton = (page: Page): Locator =>
  page.getByRole('button', { name: 'Contribute now' });

/** Forwards a browser request to the secure server (method, headers, body) and returns its answer. */
async function forward(route: Route, serverUrl: string, exchanges: Exchange[]): Promise<void> {
  const request = route.request();
  const url = new URL(request.url());
  const response = await route.fetch({
    url: new URL(`${url.pathname}${url.search}`, serverUrl).href,
    maxRedirects: 0,
    timeout: 30_000,
  });
  exchanges.push({
    method: request.method(),
    path: url.pathname,
    body: request.postDataBuffer(),
    status: response.status(),
  });
  await route.fulfill({ response });
}

/**
 * A new visitor whose `/v1/` traffic goes to `serverUrl`: opens product `productId`, clicks the
 * first similar product (a view, a click and a view), reads back the stored item ids, and goes to
 * the privacy page.
 */
async function visitor(
  context: BrowserContext,
  name: string,
  productId: string,
  serverUrl: string,
): Promise<Visitor> {
  const exchanges: Exchange[] = [];
  const problems: string[] = [];
  // Context-wide routes also see the requests of the pages' dedicated workers (the participant).
  await context.route('**/v1/**', (route) => forward(route, serverUrl, exchanges));
  context.on('weberror', (e) => problems.push(`weberror: ${e.error().message}`));
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('worker', (worker) => {
    worker.on('console', (m) => {
      if (m.type() === 'error') problems.push(`worker console: ${m.text()}`);
    });
  });
  await page.goto(`/#/p/${productId}`);
  await expect(page.getByTestId('runtime-status')).toContainText('Model v', { timeout: 60_000 });
  await expect(similarCards(page).first()).toBeVisible({ timeout: 60_000 });
  await similarCards(page).first().getByRole('link').click();
  await expect(page.getByTestId('history-count')).toHaveText('3');
  const activity = page.getByRole('list', { name: 'Recent events, newest first' });
  await expect(activity.getByRole('listitem')).toHaveCount(3);
  const itemIds = await activity
    .getByRole('listitem')
    .evaluateAll((items) =>
      items.map((li) => decodeURIComponent(/#\/p\/(.+)$/.exec(li.querySelector('a')!.href)![1]!)),
    );
  await main(page).getByRole('link', { name: 'Privacy' }).click();
  await consentSwitch(page).check();
  await expect(page.getByTestId('fl-consent')).toContainText('On since');
  await expect(contributeButton(page)).toBeEnabled();
  return { name, page, exchanges, problems, itemIds };
}

/** The secure server's status, asked directly. */
async function serverStatus(server: SpawnedServer): Promise<{
  modelVersion: number;
  roundsCompleted: number;
  round: { aggregation: string } | null;
}> {
  const res = await fetch(new URL('/v1/status', server.url), {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Awaited<ReturnType<typeof serverStatus>>;
}

const posts = (v: Visitor, step: string): Exchange[] =>
  v.exchanges.filter(
    (e) => e.method === 'POST' && new RegExp(`^/v1/rounds/[^/]+/${step}$`).test(e.path),
  );

test('two visitors contribute to a secure-aggregation round from the privacy page, in their Web Workers', async ({
  browser,
}) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-e2e-secure-'));
  const server = await spawnServer({
    entry: SERVER_ENTRY,
    args: [
      ...['--data-dir', dataDir, '--token', TOKEN, '--model', DEMO_MODEL],
      ...['--host', '127.0.0.1', '--port', '0', '--aggregation', 'secure'],
      ...['--min-cohort', '2', '--max-cohort', '2', '--round-seconds', String(ROUND_SECONDS)],
      // Devices refuse rounds without DP noise (their own privacy floor: noise multiplier ≥ 0.6).
      ...['--noise-multiplier', '1'],
      // Both browsers reach the server from the test process's address.
      ...['--rate', '100', '--burst', '1000'],
    ],
  });
  const serverLog: string[] = [];
  server.child.stdout?.on('data', (d: Buffer) => serverLog.push(d.toString()));
  server.child.stderr?.on('data', (d: Buffer) => serverLog.push(d.toString()));
  const contexts = await Promise.all([0, 1].map(() => browser.newContext()));
  let visitors: Visitor[] = [];
  const diagnostics = (): string =>
    [
      ...visitors.map(
        (v) =>
          `${v.name}: ${v.exchanges.map((e) => `${e.method} ${e.path} → ${e.status}`).join(', ')}; ${v.problems.join(' | ')}`,
      ),
      `server: ${serverLog.join('').trim()}`,
    ].join('\n');
  try {
    const before = await serverStatus(server);
    expect(before.round?.aggregation).toBe('secure');
    expect(before.modelVersion).toBe(0);

    visitors = await Promise.all([
      visitor(contexts[0]!, 'visitor A', 'p0001', server.url),
      visitor(contexts[1]!, 'visitor B', 'p0777', server.url),
    ]);

    // Both press "Contribute now" together: the cohort of 2 forms and runs all five phases.
    await Promise.all(visitors.map((v) => contributeButton(v.page).click()));
    for (const v of visitors) {
      await expect(v.page.getByTestId('fl-last-attempt')).toContainText(
        'Contributed: the server acknowledged the update',
        { timeout: 60_000 },
      );
      await expect(v.page.getByTestId('fl-updates')).toHaveText('1');
      await expect(v.page.getByTestId('fl-pending')).toHaveText('0');
    }

    // Both receive the securely aggregated model and serve it.
    for (const v of visitors) {
      await expect(v.page.getByTestId('fl-global-version')).toHaveText('v1', {
        timeout: 2 * REFRESH_MS + 10_000,
      });
      await expect(v.page.getByTestId('fl-global')).toContainText('serving your rows as model v');
      await expect(v.page.getByTestId('runtime-status')).toContainText(
        "from the shop's federated model",
      );
    }
    const after = await serverStatus(server);
    expect(after.roundsCompleted).toBeGreaterThanOrEqual(1);
    expect(after.modelVersion).toBe(1);
    expect(after.round?.aggregation).toBe('secure');

    const itemIds = [...new Set(visitors.flatMap((v) => v.itemIds))];
    expect(itemIds.length).toBeGreaterThanOrEqual(2);
    for (const v of visitors) {
      const where = (step: string): string => `${v.name}: ${step}`;
      // Every step of the secure round went through the routed /v1/ traffic, and succeeded.
      const joins = v.exchanges.filter((e) => e.method === 'POST' && e.path === '/v1/rounds/join');
      expect(joins, where('join')).toHaveLength(1);
      expect(
        Object.keys(JSON.parse(joins[0]!.body!.toString('utf8')) as object).sort(),
        where('join body'),
      ).toEqual(['protocol', 'publicKey', 'shareKey']);
      for (const step of ['shares', 'update', 'unmask']) {
        const sent = posts(v, step);
        expect(sent, where(step)).toHaveLength(1);
        expect(sent[0]!.status, where(step)).toBe(200);
      }
      expect(
        v.exchanges.some(
          (e) => e.method === 'GET' && /^\/v1\/rounds\/[^/]+\/shares\/\d+$/.test(e.path),
        ),
        where('share inbox'),
      ).toBe(true);
      // No request body names an item either visitor touched.
      for (const e of v.exchanges) {
        if (!e.body) continue;
        for (const id of itemIds) {
          expect(e.body.includes(id), `${v.name}: ${e.method} ${e.path} contains ${id}`).toBe(
            false,
          );
        }
      }
      // The routed traffic is the worker's: its participant counted exactly these bodies, and the
      // page itself sent nothing.
      const sent = v.exchanges.reduce((sum, e) => sum + (e.body?.byteLength ?? 0), 0);
      await expect(v.page.getByTestId('fl-bytes-sent')).toHaveText(formatBytes(sent));
      await expect(v.page.getByTestId('page-bytes-sent')).toHaveText('0 B');
      expect(v.problems, where('errors')).toEqual([]);
    }
  } catch (error) {
    // What each browser sent and saw, and what the server logged: the first thing to read.
    console.log(diagnostics());
    throw error;
  } finally {
    await Promise.all(
      contexts.map(async (ctx) => {
        // A model refresh may still be in flight to the server that is about to stop.
        await ctx.unrouteAll({ behavior: 'ignoreErrors' });
        await ctx.close();
      }),
    );
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
