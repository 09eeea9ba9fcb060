import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { createRng } from '../src/core/random';
import { publishDocsImage } from './docs-images';

/**
 * End-to-end tests of the demo app (`index.html` → `src/app`) on the production build, in
 * Chromium with WebGPU on SwiftShader. Every test starts with an empty browser profile (a new
 * visitor). Screenshots go to test-results/; `npm run docs:screenshots` runs the tests tagged
 * @docs and copies a few to the README's images.
 */

const MOVIELENS = '../shared/data/ml-100k';

/** A clustered interaction log: each user clicks/buys items of one of `clusters` groups. */
function clusteredCsv(o: {
  users: number;
  items: number;
  perUser: number;
  clusters: number;
  seed: number;
}): string {
  const rng = createRng(o.seed);
  const size = Math.floor(o.items / o.clusters);
  const lines = ['user_id,item_id,event,timestamp'];
  for (let u = 0; u < o.users; u++) {
    const cluster = u % o.clusters;
    for (let j = 0; j < o.perUser; j++) {
      const item = cluster * size + rng.int(size);
      const event = rng.next() < 0.25 ? 'purchase' : 'click';
      lines.push(`u${u},i${item},${event},${1_700_000_000 + u * 1000 + j}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const SMALL_CSV = clusteredCsv({ users: 150, items: 80, perUser: 12, clusters: 4, seed: 7 });

/** A CSV with three good rows and four broken ones (lines 3, 4, 6, 7 of the file). */
const MALFORMED_CSV = [
  'user_id,item_id,event,timestamp',
  'u1,i1,click,1700000000',
  'u1,,click,1700000001',
  'u2,i2,teleport,1700000002',
  'u2,i3,purchase,1700000003',
  'just one field',
  'u3,i4,view,not-a-time',
  'u3,i5,view,1700000005',
].join('\n');

const main = (page: Page): Locator => page.getByRole('navigation', { name: 'Main' });
const row = (page: Page, type: string): Locator => page.locator(`section[data-row="${type}"]`);
const cards = (page: Page, type: string): Locator => row(page, type).locator('li.rec-card');

/** Item ids shown in a row. */
async function rowIds(page: Page, type: string): Promise<string[]> {
  return cards(page, type).evaluateAll((els) =>
    els.map((el) => (el as HTMLElement).dataset['itemId'] ?? ''),
  );
}

/** Opens the app at `hash` and waits until the storefront runtime serves a model. */
async function open(page: Page, hash = '#/'): Promise<void> {
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('runtime-status')).toContainText('Model v', { timeout: 60_000 });
}

/** Waits until a row has items and returns its ids. */
async function loadedRow(page: Page, type: string): Promise<string[]> {
  await expect(cards(page, type).first()).toBeVisible();
  return rowIds(page, type);
}

/** Waits until the row's items differ from `before` and returns them. */
async function changedRow(page: Page, type: string, before: string[]): Promise<string[]> {
  await expect.poll(() => rowIds(page, type)).not.toEqual(before);
  return rowIds(page, type);
}

/** Saves a screenshot under test-results (and, with `docsName`, for the README when asked). */
async function shoot(page: Page, info: TestInfo, name: string, docsName?: string): Promise<void> {
  // A background tab paints no frames: screenshots of it would wait (two-tab test).
  await page.bringToFront();
  await page.evaluate(() => window.scrollTo(0, 0));
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  await info.attach(name, { path, contentType: 'image/png' });
  if (docsName !== undefined) publishDocsImage({ shot: path, name: docsName });
}

/** Axe violations of impact serious or critical on the current page. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target).join(', ')}`);
}

/** Starts training with the given settings in the panel of the current page. */
async function train(
  page: Page,
  o: { backend: string; epochs: number; factors: number; evaluate?: boolean },
): Promise<void> {
  await page.getByLabel('Compute path').selectOption(o.backend);
  await page.getByLabel('Epochs', { exact: true }).fill(String(o.epochs));
  await page.getByLabel('Factors (embedding size)').selectOption(String(o.factors));
  await page.getByLabel(/Evaluate against popularity/).setChecked(o.evaluate ?? true);
  await page.getByRole('button', { name: 'Train on this device' }).click();
}

/** Adds the demo shoppers' events to the storefront (on the training page). */
async function loadDemoEvents(page: Page): Promise<void> {
  await page.getByRole('button', { name: "Add the demo shoppers' events" }).click();
  await expect(page.getByTestId('import-report')).toContainText('183,071 of 183,071 rows', {
    timeout: 60_000,
  });
}

test('a new visitor gets fallback rows that turn personal, change with every click and survive a reload @docs', async ({
  page,
}, info) => {
  await open(page);
  const firstForYou = await loadedRow(page, 'for-you');
  await expect(row(page, 'for-you')).toHaveAttribute('data-source', /^fallback-/);
  await expect(row(page, 'for-you')).toContainText('Fallback: not enough data');
  await loadedRow(page, 'trending');
  await expect(page.getByTestId('history-count')).toHaveText('0');

  // Click a recommendation: a click and a view are tracked, the product page opens.
  const firstCard = cards(page, 'for-you').first();
  const title = (await firstCard.locator('.rec-card__title').textContent()) ?? '';
  await firstCard.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByTestId('history-count')).toHaveText('2');
  await expect(row(page, 'for-you')).toHaveAttribute('data-source', 'personal');
  await loadedRow(page, 'similar');
  await expect(cards(page, 'similar').first()).toContainText(`Similar to ${title}`);
  await loadedRow(page, 'bought-together');
  await expect(cards(page, 'for-you').first()).toContainText('Because you');
  await expect(page.getByRole('img', { name: `Illustration of ${title}` })).toBeVisible();
  const afterOne = await rowIds(page, 'for-you');

  // A second click (from the similar row) changes the personal row on the next product page.
  await cards(page, 'similar').first().getByRole('link').click();
  await expect(page.getByTestId('history-count')).toHaveText('4');
  await changedRow(page, 'for-you', afterOne);
  await expect(row(page, 'for-you')).toContainText(/\d+ new/);
  await expect(row(page, 'for-you').locator('.badge--new').first()).toBeVisible();

  // Back home, the for-you row is personal and differs from the new visitor's.
  await main(page).getByRole('link', { name: 'Shop' }).click();
  await expect(row(page, 'for-you')).toHaveAttribute('data-source', 'personal');
  await changedRow(page, 'for-you', firstForYou);
  await expect(cards(page, 'for-you').first()).toContainText(/Because you (clicked on|viewed)/);
  // Read the ids only once the personal cards (with their reasons) are on screen: on a cold start
  // the previous fallback items can still be rendered for a moment after the source flips.
  const personal = await rowIds(page, 'for-you');
  const activity = page.getByRole('list', { name: 'Recent events, newest first' });
  await expect(activity.getByRole('listitem')).toHaveCount(4);
  await expect(activity).toContainText(`Viewed ${title}`);
  await expect(activity).toContainText(`Clicked ${title}`);
  await shoot(page, info, 'storefront', 'demo-storefront');

  // Reload: the history (IndexedDB) and the model are still there.
  await page.reload();
  await expect(page.getByTestId('runtime-status')).toContainText('Model v1');
  await expect(page.getByTestId('history-count')).toHaveText('4');
  await expect(row(page, 'for-you')).toHaveAttribute('data-source', 'personal');
  await expect.poll(() => rowIds(page, 'for-you')).toEqual(personal);
  await expect(activity.getByRole('listitem')).toHaveCount(4);
});

test('cart adds and checkout are tracked as cart and purchase events', async ({ page }) => {
  await open(page, '#/c/Home');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Home');
  const tile = page.getByRole('list', { name: 'Products in Home' }).getByRole('link').first();
  const title = (await tile.locator('.tile__title').textContent()) ?? '';
  await tile.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Added.' })).toBeVisible();
  await expect(main(page).getByRole('link', { name: /Cart \(1\)/ })).toBeVisible();
  await main(page).getByRole('link', { name: /Cart/ }).click();
  await expect(page.getByRole('list', { name: 'Items in your cart' })).toContainText(title);
  await loadedRow(page, 'bought-together');
  await page.getByLabel(`Quantity of ${title}`).fill('2');
  await expect(page.getByText(/for 2\s+items/)).toBeVisible();
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Thank you' })).toContainText(
    'order of 2 items',
  );
  const activity = page.getByRole('list', { name: 'Recent events, newest first' });
  await expect(activity).toContainText(`Bought ${title}`);
  await expect(activity).toContainText(`Added to cart ${title}`);
  await expect(main(page).getByRole('link', { name: /Cart \(0\)/ })).toBeVisible();
});

test('train on this device with WASM on the demo shoppers’ events, and cancel a run', async ({
  page,
}, info) => {
  await open(page, '#/train');
  await expect(page.getByTestId('model-origin')).toContainText('global model');
  await loadDemoEvents(page);

  // A long run, cancelled after its first epoch: the previous model keeps serving.
  await train(page, { backend: 'wasm', epochs: 40, factors: 32, evaluate: false });
  await expect(page.getByTestId('progress-text')).toContainText(/Epoch \d+ of 40 on wasm/, {
    timeout: 60_000,
  });
  await expect(page.getByRole('progressbar', { name: 'Training progress' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Training cancelled' })).toBeVisible();
  await expect(page.getByTestId('runtime-status')).toContainText('Model v1');

  // A short run with evaluation.
  await train(page, { backend: 'wasm', epochs: 4, factors: 32 });
  const report = page.getByTestId('train-report');
  await expect(report).toContainText('on wasm: 4 epochs', { timeout: 90_000 });
  await expect(page.getByTestId('chosen-path')).toHaveText('wasm');
  await expect(report.getByRole('row', { name: /WebGPU/ })).toContainText('skipped');
  await expect(report.getByRole('table').filter({ hasText: 'Recall@10' })).toContainText('NDCG@10');
  await expect(page.getByRole('img', { name: /Training loss over 4 of 4 epochs/ })).toBeVisible();
  await expect(page.getByTestId('runtime-status')).toContainText(
    'Model v2, trained on this device',
  );
  await expect(page.getByTestId('model-origin')).toHaveText('trained on this device');
  await shoot(page, info, 'training-wasm');

  // The shop now serves the new model; it survives a reload.
  await page.reload();
  await expect(page.getByTestId('runtime-status')).toContainText('Model v2');
  await expect(page.getByTestId('model-origin')).toHaveText('trained on this device');
});

test('train with WebGPU (SwiftShader) on a small imported CSV, then browse the results', async ({
  page,
}, info) => {
  await page.goto('/#/data');
  await page.getByLabel('Choose an interactions file').setInputFiles({
    name: 'small.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(SMALL_CSV),
  });
  await expect(page.getByTestId('accepted-rows')).toHaveText('1,800');
  await train(page, { backend: 'webgpu', epochs: 3, factors: 8 });
  const report = page.getByTestId('train-report');
  await expect(report).toContainText('on webgpu: 3 epochs', { timeout: 90_000 });
  await expect(page.getByTestId('chosen-path')).toHaveText('webgpu');
  await expect(report.getByRole('table').filter({ hasText: 'Recall@10' })).toBeVisible();

  // Pick a history: the for-you row explains itself with the picked items.
  const picks = page.getByRole('list', { name: /Most popular items/ }).getByRole('button');
  await picks.nth(0).click();
  await expect(picks.nth(0)).toHaveAttribute('aria-pressed', 'true');
  await expect(row(page, 'for-you')).toHaveAttribute('data-source', 'personal');
  await expect(cards(page, 'for-you').first()).toContainText('Because you clicked on');
  await loadedRow(page, 'similar');
  await shoot(page, info, 'bring-your-own-data-webgpu');
});

test('MovieLens 100K: u.data and u.item in, auto-chosen path, evaluated, browsable by title', async ({
  page,
}) => {
  test.skip(!existsSync(`${MOVIELENS}/u.data`), `MovieLens 100K not found at ${MOVIELENS}`);
  await page.goto('/#/data');
  await page.getByLabel('Choose an interactions file').setInputFiles(`${MOVIELENS}/u.data`);
  await expect(page.getByTestId('import-report')).toContainText(
    'Read as MovieLens: 100,000 of 100,000 rows imported, 0 rejected.',
  );
  await page.getByLabel('Catalog format').selectOption('movielens');
  await page.getByLabel('Choose a catalog file').setInputFiles(`${MOVIELENS}/u.item`);
  await expect(page.getByRole('region', { name: 'Catalog import report' })).toContainText(
    '1,682 of 1,682 rows',
  );
  await train(page, { backend: 'auto', epochs: 10, factors: 64 });
  await expect(page.getByTestId('train-report')).toContainText('10 epochs', { timeout: 90_000 });
  await expect(page.getByTestId('train-report')).toContainText(/Why: fastest warm-up/);
  await page.getByLabel('Find items').fill('star wars');
  await page
    .getByRole('list', { name: /Matching items/ })
    .getByRole('button', { name: /^Star Wars \(1977\)/ })
    .click();
  await expect(row(page, 'for-you')).toHaveAttribute('data-source', 'personal');
  await expect(cards(page, 'for-you').first()).toContainText(
    'Because you clicked on Star Wars (1977)',
  );
  await expect(row(page, 'similar').getByRole('heading')).toHaveText('Similar to Star Wars (1977)');
});

test('a malformed CSV gets a row-level report and its good rows are kept', async ({ page }) => {
  await page.goto('/#/data');
  await page.getByLabel('Choose an interactions file').setInputFiles({
    name: 'broken.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(MALFORMED_CSV),
  });
  const report = page.getByTestId('import-report');
  await expect(page.getByTestId('accepted-rows')).toHaveText('3');
  await expect(page.getByTestId('rejected-rows')).toHaveText('4');
  await expect(report).toContainText('The good rows were kept.');
  const lines = report.getByRole('table').getByRole('row');
  await expect(lines).toHaveCount(5);
  for (const line of ['3', '4', '6', '7']) {
    await expect(report.getByRole('cell', { name: line, exact: true })).toBeVisible();
  }
  await expect(report).toContainText('teleport');
  await expect(page.getByTestId('workbench-stored')).toContainText('3 events');

  // A file without a single good row: nothing is imported, and the reason is shown.
  await page.getByLabel('Choose an interactions file').setInputFiles({
    name: 'junk.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('user_id,item_id,event\nu1,,click\nu2,,view\n'),
  });
  await expect(page.getByTestId('import-error')).toContainText('Nothing was imported');
  await expect(page.getByTestId('workbench-stored')).toContainText('3 events');
});

test('erase everything leaves nothing behind and the rows fall back @docs', async ({
  page,
}, info) => {
  await open(page, '#/p/p0001');
  await loadedRow(page, 'similar');
  await cards(page, 'similar').first().getByRole('link').click();
  await expect(page.getByTestId('history-count')).toHaveText('3');

  await main(page).getByRole('link', { name: 'Privacy' }).click();
  await expect(page.getByTestId('storage-interactions')).toHaveText('3');
  await expect(page.getByTestId('storage-models')).toHaveText('1');
  await expect(page.getByTestId('bytes-sent')).toHaveText('0 B');
  await expect(page.getByTestId('storage-estimate')).toContainText('used of');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export shop data' }).click();
  expect((await download).suggestedFilename()).toMatch(/^hearth-shop-data-.*\.zip$/);
  // A zip whose events file is plain CSV with ISO times (stored entries: the text is readable).
  const archive = readFileSync((await (await download).path())!, 'latin1');
  expect(archive.startsWith('PK')).toBe(true);
  expect(archive).toContain('user_id,item_id,event,value,timestamp\n');
  expect(archive).toMatch(/,p0001,[a-z]+,[^,\n]*,\d{4}-\d\d-\d\dT/);
  await shoot(page, info, 'privacy', 'demo-privacy');

  await page.getByRole('button', { name: 'Erase everything' }).click();
  await expect(page.getByRole('button', { name: 'Yes, erase everything' })).toBeFocused();
  await page.getByRole('button', { name: 'Yes, erase everything' }).click();
  const proof = page.getByTestId('erase-proof');
  await expect(proof).toContainText('Erased: nothing remains.');
  await expect(proof).toContainText('database gone');
  // The earlier export's link would download the erased events: it is gone.
  await expect(page.getByTestId('export-link')).toHaveCount(0);
  await expect(page.getByTestId('export-erased')).toBeVisible();
  await expect(page.getByTestId('storage-interactions')).toHaveText('0');
  await expect(page.getByTestId('storage-checkpoints')).toHaveText('0');
  await expect(page.getByTestId('bytes-sent')).toHaveText('0 B');
  await shoot(page, info, 'privacy-after-erase');

  await main(page).getByRole('link', { name: 'Shop' }).click();
  await expect(page.getByTestId('history-count')).toHaveText('0');
  await loadedRow(page, 'for-you');
  await expect(row(page, 'for-you')).toHaveAttribute('data-source', /^fallback-/);
  await expect(page.getByText('Nothing yet. Open a product')).toBeVisible();
});

test('two tabs share one model: training in one swaps the model in the other; erasing resets both @docs', async ({
  context,
}, info) => {
  const first = await context.newPage();
  const second = await context.newPage();
  await open(first, '#/train');
  await open(second, '#/');
  await expect(second.getByTestId('runtime-status')).toContainText('Model v1');

  await loadDemoEvents(first);
  // Auto: software WebGPU/WebGL are skipped with their reason, WASM and typed are measured.
  await train(first, { backend: 'auto', epochs: 3, factors: 32 });
  const report = first.getByTestId('train-report');
  await expect(report).toContainText(/on (typed|wasm)( in \d+ workers?)?: 3 epochs/, {
    timeout: 90_000,
  });
  await expect(report).toContainText('Why: fastest warm-up');
  await expect(report.getByRole('row', { name: /WebGPU/ })).toContainText('skipped');
  await shoot(first, info, 'training-auto', 'demo-training');

  await expect(second.getByTestId('runtime-status')).toContainText(
    'Model v2, trained in another tab',
  );
  await expect(second.getByTestId('runtime-notice')).toContainText(
    'Model v2, trained in another tab, is now serving your rows.',
  );
  await cards(second, 'for-you').first().getByRole('link').click();
  await expect(second.getByTestId('history-count')).toHaveText('2');
  await expect(row(second, 'for-you')).toHaveAttribute('data-source', 'personal');

  // Erasing in the first tab resets the second to a new visitor's shop, without a reload.
  await main(first).getByRole('link', { name: 'Privacy' }).click();
  await first.getByRole('button', { name: 'Erase everything' }).click();
  await first.getByRole('button', { name: 'Yes, erase everything' }).click();
  await expect(first.getByTestId('erase-proof')).toContainText('Erased: nothing remains.');
  await expect(second.getByTestId('history-count')).toHaveText('0');
  await expect(second.getByTestId('runtime-status')).toContainText('Model v');
  await expect(row(second, 'for-you')).toHaveAttribute('data-source', /^fallback-/);
});

test('accessibility: no serious or critical axe violations; rows work from the keyboard', async ({
  page,
}) => {
  await open(page);
  await loadedRow(page, 'for-you');
  expect(await seriousViolations(page)).toEqual([]);

  // One tab stop per row; arrow keys move between its cards.
  const links = cards(page, 'for-you').getByRole('link');
  await links.first().focus();
  await expect(links.first()).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(links.nth(1)).toBeFocused();
  await page.keyboard.press('End');
  await expect(links.last()).toBeFocused();
  await page.keyboard.press('Home');
  await expect(links.first()).toBeFocused();
  await expect(links.nth(1)).toHaveAttribute('tabindex', '-1');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await loadedRow(page, 'similar');
  expect(await seriousViolations(page)).toEqual([]);

  for (const hash of ['#/c/Garden', '#/cart', '#/train', '#/data', '#/privacy']) {
    await page.goto(`/${hash}`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await page.waitForLoadState('networkidle');
    expect(await seriousViolations(page), hash).toEqual([]);
  }
});
