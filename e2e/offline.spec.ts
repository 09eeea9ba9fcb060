import { expect, test, type BrowserContext, type Page, type Response } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeBundle, encodeBundle } from '../src/core/bundle/bundle-file';

/**
 * Hearth's service worker in the demo (docs/offline.md): repeat visits download no unchanged
 * model or catalog byte, a reload without network shows the visitor's personal rows, and a new
 * model version is picked up by downloading that one file.
 */

const MODEL = '/demo/model/model.hearth';
const DATA = /\/demo\/(model\/model\.hearth|catalog\.jsonl|model\/catalog\.json)$/;
const SHIPPED_MODEL = 'dist/web/demo/model/model.hearth';
const SHIPPED_MANIFEST = 'dist/web/hearth-offline.json';

const row = (page: Page, type: string) => page.locator(`section[data-row="${type}"]`);
const cards = (page: Page, type: string) => row(page, type).locator('li.rec-card');

/** A response that crossed the network (not answered by the service worker), with its body size. */
interface NetworkFetch {
  readonly path: string;
  readonly bytes: number;
  /** Asked for by the service worker itself (a changed file), not by a page. */
  readonly bySw: boolean;
}

/** Records every response of `context` that came from the network rather than the service worker. */
function networkLog(context: BrowserContext): { fetches: NetworkFetch[]; stop(): void } {
  const fetches: NetworkFetch[] = [];
  const pending: Promise<void>[] = [];
  const onResponse = (response: Response): void => {
    if (response.fromServiceWorker()) return;
    const request = response.request();
    pending.push(
      request
        .sizes()
        .then((sizes) => {
          fetches.push({
            path: new URL(response.url()).pathname,
            bytes: sizes.responseBodySize,
            bySw: request.serviceWorker() !== null,
          });
        })
        .catch(() => undefined),
    );
  };
  context.on('response', onResponse);
  return { fetches, stop: () => context.off('response', onResponse) };
}

/** Opens the demo, waits for the model, and until the service worker keeps it and the app files. */
async function firstVisit(page: Page): Promise<void> {
  await page.goto('/#/');
  await expect(page.getByTestId('runtime-status')).toContainText('Model v1', { timeout: 60_000 });
  await expect
    .poll(
      () =>
        page.evaluate(async (model) => {
          if (navigator.serviceWorker.controller === null) return 'no controller';
          // The app's own scripts and styles, loaded before the worker took control, too.
          const loaded = performance
            .getEntriesByType('resource')
            .map((entry) => new URL(entry.name))
            .filter((url) => url.origin === location.origin && url.pathname.startsWith('/assets/'));
          const kept = await Promise.all(
            [new URL(model, location.href), ...loaded].map((url) => caches.match(url.href)),
          );
          return kept.every(Boolean) ? 'kept' : 'not kept';
        }, MODEL),
      { timeout: 30_000 },
    )
    .toBe('kept');
}

/** Clicks the first for-you card (a click and a view) and waits for the personal row. */
async function personalize(page: Page): Promise<string[]> {
  await cards(page, 'for-you').first().getByRole('link').click();
  await expect(page.getByTestId('history-count')).toHaveText('2');
  await page.goto('/#/');
  await expect(row(page, 'for-you')).toHaveAttribute('data-source', 'personal');
  await expect(cards(page, 'for-you').first()).toContainText('Because you');
  return cards(page, 'for-you').evaluateAll((els) =>
    els.map((el) => (el as HTMLElement).dataset['itemId'] ?? ''),
  );
}

test('repeat visit downloads no model or catalog byte; a reload offline shows personal rows', async ({
  page,
  context,
}) => {
  await firstVisit(page);
  const personal = await personalize(page);

  const log = networkLog(context);
  await page.reload();
  await expect(page.getByTestId('runtime-status')).toContainText('Model v1');
  await expect(row(page, 'for-you')).toHaveAttribute('data-source', 'personal');
  await expect(cards(page, 'for-you').first()).toBeVisible();
  log.stop();
  const data = log.fetches.filter((f) => DATA.test(f.path));
  expect(data, 'model and catalog files fetched from the network').toEqual([]);
  // Only the version manifest (a conditional request) and the image revalidations may travel.
  const other = log.fetches.filter(
    (f) =>
      f.path !== '/hearth-offline.json' &&
      !f.path.startsWith('/demo/images/') &&
      !f.path.startsWith('/v1/'),
  );
  expect(other, 'app shell, widget or worker files fetched again').toEqual([]);
  const bytes = log.fetches.reduce((sum, f) => sum + f.bytes, 0);
  test.info().annotations.push({
    type: 'repeat visit',
    description: `${log.fetches.length} network responses, ${bytes} body bytes (model/catalog: 0)`,
  });

  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.getByTestId('runtime-status')).toContainText('Model v1');
    await expect(page.getByTestId('history-count')).toHaveText('2');
    await expect(row(page, 'for-you')).toHaveAttribute('data-source', 'personal');
    await expect
      .poll(() =>
        cards(page, 'for-you').evaluateAll((els) =>
          els.map((el) => (el as HTMLElement).dataset['itemId'] ?? ''),
        ),
      )
      .toEqual(personal);
    // The privacy page says what the offline copy holds.
    await page.goto('/#/privacy');
    await expect(page.getByTestId('offline-status')).toContainText(
      /^\d+ files, [\d.]+ [KM]B, shop version [0-9a-f]{8}\. Reloads work without network/,
    );
  } finally {
    await context.setOffline(false);
  }
});

test('a new model version is picked up by downloading only the changed file', async ({
  page,
  context,
}) => {
  await firstVisit(page);

  // The merchant retrains: same catalog, new model file, new manifest version.
  const shipped = decodeBundle(readFileSync(SHIPPED_MODEL));
  const retrained = encodeBundle({
    ...shipped,
    createdAt: new Date(Date.UTC(2030, 0, 1)).toISOString(),
  });
  const manifest = JSON.parse(readFileSync(SHIPPED_MANIFEST, 'utf8')) as {
    version: string;
    files: Record<string, string>;
  };
  const hash = createHash('sha256').update(retrained).digest('hex').slice(0, 16);
  expect(hash).not.toBe(manifest.files['demo/model/model.hearth']);
  const next = {
    ...manifest,
    version: `${manifest.version}-next`,
    files: { ...manifest.files, 'demo/model/model.hearth': hash },
  };
  await context.route('**/hearth-offline.json', (route) => route.fulfill({ json: next }));
  await context.route(`**${MODEL}?*`, (route) =>
    route.fulfill({ body: Buffer.from(retrained), contentType: 'application/octet-stream' }),
  );

  const log = networkLog(context);
  await page.reload();
  await expect(page.getByTestId('runtime-status')).toContainText('Model v2', { timeout: 30_000 });
  log.stop();
  const downloaded = log.fetches.filter(
    (f) => f.path !== '/hearth-offline.json' && !f.path.startsWith('/demo/images/'),
  );
  expect(downloaded.map((f) => f.path)).toEqual([MODEL]);
  await expect(cards(page, 'for-you').first()).toBeVisible();
});

test('the script-tag shop opts in with one line and reloads offline with its personal rows', async ({
  page,
  context,
}) => {
  const forYou = page.locator('hearth-recs#for-you-row');
  const source = (): Promise<string | undefined> =>
    forYou.evaluate((el) => (el as HTMLElement).dataset['source']);
  await page.goto('/shop/');
  await page.getByLabel('Remember my activity on this device').check();
  await page.locator('#grid .grid-card').first().click();
  await expect.poll(source, { timeout: 60_000 }).toBe('personal');
  // hearth-offline.js registered the worker; it keeps the widget, the model and the catalog.
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          if (navigator.serviceWorker.controller === null) return 'no controller';
          const files = [
            '/widget/hearth-recs.js',
            '/demo/model/model.hearth',
            '/demo/model/catalog.json',
          ];
          const kept = await Promise.all(files.map((file) => caches.match(file)));
          return kept.every(Boolean) ? 'kept' : 'not kept';
        }),
      { timeout: 30_000 },
    )
    .toBe('kept');

  await context.setOffline(true);
  try {
    await page.goto('/shop/');
    await expect(page.locator('#product-title')).not.toHaveText(/Loading|could not be loaded/);
    await expect.poll(source, { timeout: 30_000 }).toBe('personal');
    await expect(forYou.locator('[part="card"]').first()).toBeVisible();
  } finally {
    await context.setOffline(false);
  }
});
