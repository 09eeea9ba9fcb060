import AxeBuilder from '@axe-core/playwright';
import {
  expect,
  test,
  type APIRequestContext,
  type BrowserContext,
  type Locator,
  type Page,
} from '@playwright/test';
import { publishDocsImage } from './docs-images';
import { formatBytes } from '../src/app/format';

/**
 * Federated learning end to end, through the real demo app: `scripts/serve-demo.mjs` (the
 * Playwright web server) runs `vite preview` with `/v1` proxied to the built aggregation server
 * (cohorts of 2, fresh state). Three fresh browser profiles open the shop and click products; two
 * opt in on the privacy page and press "Contribute now"; the server aggregates their round, and
 * both receive and serve the new global model while their rows stay personal. Every request of
 * every page and of its Web Worker is captured: no body carries the raw history (item ids,
 * timestamps, event types), and the third visitor, who never opts in, sends nothing to `/v1/`.
 */

/** The demo's deployment token (DEMO_FEDERATED_TOKEN in src/app/runtime/demo-config.ts). */
const TOKEN = 'hearth-demo-federated-token';
/** DEMO_FEDERATED_REFRESH_MS: how often a consented page checks for a newer global model. */
const REFRESH_MS = 5_000;
const SWITCH_NAME = "Contribute to the shop's shared model (federated learning)";

interface Captured {
  readonly method: string;
  readonly url: URL;
  readonly contentType: string;
  readonly body: Buffer | null;
}

interface RawEvent {
  readonly itemId: string;
  readonly type: string;
  readonly timestamp: number;
}

interface Visitor {
  readonly page: Page;
  /** Every request of the context (pages and their workers), in order. */
  readonly captured: Captured[];
  /** The visitor's events as stored on the device (the activity list). */
  readonly history: readonly RawEvent[];
}

const main = (page: Page): Locator => page.getByRole('navigation', { name: 'Main' });
const row = (page: Page, type: string): Locator => page.locator(`section[data-row="${type}"]`);
const cards = (page: Page, type: string): Locator => row(page, type).locator('li.rec-card');
const consentSwitch = (page: Page): Locator =>
  page.getByRole('switch', { name: SWITCH_NAME, exact: true });
const isApi = (r: Captured): boolean => r.url.pathname.startsWith('/v1/');

/** The aggregation server's model version, asked through the preview's `/v1` proxy. */
async function serverModelVersion(request: APIRequestContext): Promise<number> {
  const res = await request.get('/v1/status', { headers: { Authorization: `Bearer ${TOKEN}` } });
  if (!res.ok()) {
    throw new Error(
      `No aggregation server behind /v1 (HTTP ${res.status()}): is a plain \`vite preview\` already serving this port? Stop it, or set HEARTH_E2E_PORT.`,
    );
  }
  return ((await res.json()) as { modelVersion: number }).modelVersion;
}

/**
 * A new visitor: opens product `productId`, clicks the first similar product (a view, a click
 * and a view), reads back the stored events, and goes to the privacy page.
 */
async function visitor(context: BrowserContext, productId: string): Promise<Visitor> {
  const captured: Captured[] = [];
  context.on('request', (request) => {
    captured.push({
      method: request.method(),
      url: new URL(request.url()),
      contentType: request.headers()['content-type'] ?? '',
      body: request.postDataBuffer(),
    });
  });
  const page = await context.newPage();
  await page.goto(`/#/p/${productId}`);
  await expect(page.getByTestId('runtime-status')).toContainText('Model v', { timeout: 60_000 });
  await expect(cards(page, 'similar').first()).toBeVisible({ timeout: 60_000 });
  await cards(page, 'similar').first().getByRole('link').click();
  await expect(page.getByTestId('history-count')).toHaveText('3');
  const activity = page.getByRole('list', { name: 'Recent events, newest first' });
  await expect(activity.getByRole('listitem')).toHaveCount(3);
  const history = await activity.getByRole('listitem').evaluateAll((items) =>
    items.map((li) => ({
      itemId: decodeURIComponent(/#\/p\/(.+)$/.exec(li.querySelector('a')!.href)![1]!),
      type: [...li.querySelector('.event-type')!.classList]
        .find((c) => c.startsWith('event-type--'))!
        .slice('event-type--'.length),
      timestamp: Date.parse(li.querySelector('time')!.dateTime),
    })),
  );
  await main(page).getByRole('link', { name: 'Privacy' }).click();
  await expect(consentSwitch(page)).not.toBeChecked();
  await expect(page.getByTestId('fl-consent')).toHaveText(
    'Off: you have not opted in (it starts off).',
  );
  return { page, captured, history };
}

/** Text and binary forms in which the raw history could leak into a request body. */
function leakNeedles(events: readonly RawEvent[]): { name: string; bytes: Buffer }[] {
  const needles: { name: string; bytes: Buffer }[] = [];
  for (const e of events) {
    const seconds = Math.floor(e.timestamp / 1000);
    const f64 = Buffer.alloc(8);
    f64.writeDoubleLE(e.timestamp);
    const i64 = Buffer.alloc(8);
    i64.writeBigInt64LE(BigInt(e.timestamp));
    const f64s = Buffer.alloc(8);
    f64s.writeDoubleLE(seconds);
    const u32s = Buffer.alloc(4);
    u32s.writeUInt32LE(seconds);
    needles.push(
      { name: `item id ${e.itemId}`, bytes: Buffer.from(e.itemId) },
      { name: `timestamp ${e.timestamp}`, bytes: Buffer.from(String(e.timestamp)) },
      { name: `timestamp ${seconds} s`, bytes: Buffer.from(String(seconds)) },
      { name: `timestamp ${e.timestamp} (float64)`, bytes: f64 },
      { name: `timestamp ${e.timestamp} (int64)`, bytes: i64 },
      { name: `timestamp ${seconds} s (float64)`, bytes: f64s },
      { name: `timestamp ${seconds} s (uint32)`, bytes: u32s },
      { name: `event type ${e.type}`, bytes: Buffer.from(`"${e.type}"`) },
    );
  }
  return needles;
}

/** Axe violations of impact serious or critical on the current page. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target).join(', ')}`);
}

test('two opted-in visitors train the shared model from the privacy page; raw events never leave; no consent, no traffic @docs', async ({
  browser,
  request,
}, info) => {
  const before = await serverModelVersion(request);
  const contexts = await Promise.all([0, 1, 2].map(() => browser.newContext()));
  try {
    const [a, b, c] = await Promise.all(
      ['p0001', 'p0777', 'p1500'].map((id, i) => visitor(contexts[i]!, id)),
    );
    const optedIn = [a!, b!];

    // Opt in and contribute, one after the other: the second update completes the cohort of 2.
    for (const v of optedIn) {
      await expect(v.page.getByRole('button', { name: 'Contribute now' })).toBeDisabled();
      await consentSwitch(v.page).check();
      await expect(v.page.getByTestId('fl-consent')).toContainText('On since');
      await expect(v.page.getByTestId('fl-outcome')).toContainText('Federated learning is on');
      await v.page.getByRole('button', { name: 'Contribute now' }).click();
      await expect(v.page.getByTestId('fl-last-attempt')).toContainText(
        'Contributed: the server acknowledged the update',
        { timeout: 30_000 },
      );
      await expect(v.page.getByTestId('fl-updates')).toHaveText('1');
      await expect(v.page.getByTestId('fl-pending')).toHaveText('0');
    }

    // Both receive the aggregated model and serve it; the header and a notice say so.
    for (const v of optedIn) {
      await expect(v.page.getByTestId('fl-global-version')).toHaveText(`v${before + 1}`, {
        timeout: 3 * REFRESH_MS + 10_000,
      });
      await expect(v.page.getByTestId('fl-global')).toContainText('serving your rows as model v');
      await expect(v.page.getByTestId('runtime-status')).toContainText(
        "from the shop's federated model",
      );
      await expect(v.page.getByTestId('runtime-notice')).toContainText(
        "from the shop's federated model is now serving your rows (your history stayed on this device).",
      );
      // The total that "left this device" is the worker's federated bytes (the page sent none),
      // and matches the request bodies the browser actually sent to /v1/.
      const sent = v.captured.filter(isApi).reduce((sum, r) => sum + (r.body?.byteLength ?? 0), 0);
      expect(sent).toBeGreaterThan(0);
      await expect(v.page.getByTestId('fl-bytes-sent')).toHaveText(formatBytes(sent));
      await expect(v.page.getByTestId('fl-total-bytes-sent')).toHaveText(formatBytes(sent));
      await expect(v.page.getByTestId('page-bytes-sent')).toHaveText('0 B');
      await expect(v.page.getByTestId('bytes-sent')).toHaveText(formatBytes(sent));
    }
    expect(await serverModelVersion(request)).toBe(before + 1);

    // The section alone, from a full-page render (an element shot would slide under the sticky
    // header).
    await a!.page.bringToFront();
    await a!.page.evaluate(() => window.scrollTo(0, 0));
    const box = (await a!.page.getByTestId('federated').boundingBox())!;
    const shot = info.outputPath('privacy-federated.png');
    await a!.page.screenshot({ path: shot, fullPage: true, clip: box, animations: 'disabled' });
    await info.attach('privacy-federated', { path: shot, contentType: 'image/png' });
    publishDocsImage({ shot, name: 'demo-federated' });
    expect(await seriousViolations(a!.page)).toEqual([]);

    // Opting out is immediate: nothing queued, and from now on no request at all.
    await consentSwitch(a!.page).uncheck();
    await expect(a!.page.getByTestId('fl-outcome')).toHaveText(
      'Federated learning is off: this device sends nothing more to the server. No contribution was waiting in the queue.',
    );
    await expect(a!.page.getByRole('button', { name: 'Contribute now' })).toBeDisabled();
    const optedOutAt = Date.now();
    const apiCallsAtOptOut = a!.captured.filter(isApi).length;

    // The rows stay personal: the global model replaced the item side, the history stayed.
    for (const v of optedIn) {
      await main(v.page).getByRole('link', { name: 'Shop' }).click();
      await expect(v.page.getByTestId('history-count')).toHaveText('3');
      await expect(row(v.page, 'for-you')).toHaveAttribute('data-source', 'personal');
      await expect(cards(v.page, 'for-you').first()).toContainText('Because you');
    }

    await main(b!.page).getByRole('link', { name: 'Train' }).click();
    await expect(b!.page.getByTestId('model-origin')).toContainText("the shop's federated model");

    // The visitor who never opted in: nothing to contribute, nothing sent, all along.
    await expect(c!.page.getByRole('button', { name: 'Contribute now' })).toBeDisabled();
    await expect(c!.page.getByTestId('fl-requests')).toHaveText('0');
    await expect(c!.page.getByTestId('bytes-sent')).toHaveText('0 B');
    expect(c!.captured.filter(isApi).map((r) => `${r.method} ${r.url.pathname}`)).toEqual([]);
    expect(c!.captured.filter((r) => r.method !== 'GET' || r.body)).toEqual([]);

    // After a full refresh interval, the opted-out visitor has still sent nothing more.
    await a!.page.waitForTimeout(Math.max(0, optedOutAt + REFRESH_MS + 1_000 - Date.now()));
    expect(a!.captured.filter(isApi).length).toBe(apiCallsAtOptOut);

    const needles = leakNeedles([a!, b!, c!].flatMap((v) => v.history));
    optedIn.forEach((v, i) => {
      const api = v.captured.filter(isApi);
      // The worker's requests are captured too: the model download, the join and the update.
      expect(api.some((r) => r.method === 'GET' && r.url.pathname === '/v1/model')).toBe(true);
      expect(
        api.filter(
          (r) => r.method === 'POST' && /^\/v1\/rounds\/[^/]+\/update$/.test(r.url.pathname),
        ),
        `visitor ${i}`,
      ).toHaveLength(1);
      for (const r of v.captured) {
        const where = `visitor ${i}: ${r.method} ${r.url.pathname}`;
        if (!isApi(r)) {
          // Everything else is a download of the shop's public files.
          expect(r.method, where).toBe('GET');
          expect(r.body, where).toBeNull();
          continue;
        }
        if (!r.body) continue;
        for (const needle of needles) {
          expect(r.body.includes(needle.bytes), `${where} contains ${needle.name}`).toBe(false);
        }
        // Only two kinds of body: the small JSON join message and the binary update frame.
        if (r.url.pathname === '/v1/rounds/join') {
          expect(Object.keys(JSON.parse(r.body.toString('utf8')) as object).sort(), where).toEqual([
            'protocol',
          ]);
        } else {
          expect(r.url.pathname, where).toMatch(/^\/v1\/rounds\/[^/]+\/update$/);
          expect(r.contentType, where).toBe('application/octet-stream');
        }
      }
    });
  } finally {
    await Promise.all(contexts.map((ctx) => ctx.close()));
  }
});

test('without a reachable server the contribution waits in the queue; opting out drops it', async ({
  browser,
}) => {
  const context = await browser.newContext();
  try {
    // The server is down: every /v1/ request (the worker's included) fails at the network level.
    const refused: string[] = [];
    await context.route('**/v1/**', async (route) => {
      refused.push(`${route.request().method()} ${new URL(route.request().url()).pathname}`);
      await route.abort('connectionrefused');
    });
    const errors: string[] = [];
    const { page } = await visitor(context, 'p0042');
    page.on('pageerror', (e) => errors.push(e.message));
    await consentSwitch(page).check();
    await page.getByRole('button', { name: 'Contribute now' }).click();
    await expect(page.getByTestId('fl-last-attempt')).toContainText('Queued', { timeout: 30_000 });
    await expect(page.getByTestId('fl-pending')).toHaveText('1');
    await expect(page.getByTestId('fl-updates')).toHaveText('0');
    await expect(page.getByTestId('fl-global')).toHaveText('none yet');
    expect(refused.length).toBeGreaterThan(0);

    await consentSwitch(page).uncheck();
    await expect(page.getByTestId('fl-outcome')).toHaveText(
      'Federated learning is off: this device sends nothing more to the server. 1 queued contribution was dropped.',
    );
    await expect(page.getByTestId('fl-pending')).toHaveText('0');
    // The shop keeps working on the model it has.
    await main(page).getByRole('link', { name: 'Shop' }).click();
    await expect(row(page, 'for-you')).toHaveAttribute('data-source', 'personal');
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
