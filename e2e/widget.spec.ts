import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { publishDocsImage } from './docs-images';

/**
 * End-to-end tests of the script-tag widget on the example storefront (`public/shop/`, plain HTML,
 * one `<script type="module" src="/widget/hearth-recs.js">`), on the production build. Every test
 * starts with an empty browser profile (a new visitor). Screenshots go to test-results/widget/;
 * `npm run docs:screenshots` runs the tests tagged @docs and copies two for the README.
 */

const SHOP = '/shop/';
const SHOTS = 'test-results/widget';
const ROW_IDS = ['similar-row', 'bought-together-row', 'for-you-row', 'trending-row'];

const rowEl = (page: Page, id: string): Locator => page.locator(`hearth-recs#${id}`);
/** Cards inside a row's shadow root (Playwright's CSS locators pierce open shadow roots). */
const cards = (page: Page, id: string): Locator => rowEl(page, id).locator('[part="card"]');

async function rowsReady(page: Page): Promise<void> {
  await page.waitForFunction(
    (ids) =>
      ids.every(
        (id) => (document.getElementById(id) as HTMLElement | null)?.dataset.state === 'ready',
      ),
    ROW_IDS,
    { timeout: 60_000 },
  );
}

async function rowView(page: Page, id: string): Promise<{ source: string; ids: string[] }> {
  return rowEl(page, id).evaluate((el) => ({
    source: (el as HTMLElement).dataset.source ?? '',
    ids: [...(el.shadowRoot?.querySelectorAll<HTMLElement>('[part="card"]') ?? [])].map(
      (c) => c.dataset.itemId ?? '',
    ),
  }));
}

async function shot(target: Page | Locator, name: string, docs = false): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const path = `${SHOTS}/${name}.png`;
  await target.screenshot({ path, animations: 'disabled' });
  if (docs) publishDocsImage({ shot: path, name });
}

test.describe('example storefront with <hearth-recs>', () => {
  test('one script tag renders all four rows, fallback first @docs', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(SHOP);
    // The rows need the one widget script; the second line is the opt-in to offline use.
    const scripts = page.locator('script[src*="widget"]');
    expect(await scripts.evaluateAll((els) => els.map((el) => el.getAttribute('src')))).toEqual([
      '/widget/hearth-recs.js',
      '/widget/hearth-offline.js',
    ]);
    await rowsReady(page);
    for (const id of ROW_IDS) await expect(cards(page, id).first()).toBeVisible();
    await expect(cards(page, 'for-you-row')).toHaveCount(8);
    expect((await rowView(page, 'for-you-row')).source).toMatch(/^fallback-/);
    expect((await rowView(page, 'trending-row')).source).toBe('trending');
    expect((await rowView(page, 'similar-row')).ids).not.toContain('p0001');
    await expect(
      rowEl(page, 'for-you-row').getByRole('region', { name: 'Recommended for you' }),
    ).toBeVisible();
    expect(errors).toEqual([]);
    await shot(page, 'widget-shop', true);
  });

  test('clicking products tracks events and the for-you row turns personal @docs', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(SHOP);
    await rowsReady(page);
    const before = await rowView(page, 'for-you-row');
    const tracked = await page.evaluate(() => {
      const events: string[] = [];
      window.Hearth?.on((e) => events.push(e.type));
      (window as unknown as { __events: string[] }).__events = events;
      return true;
    });
    expect(tracked).toBe(true);

    // Three products of the first department in the grid.
    const grid = page.locator('#grid .grid-card');
    for (const i of [0, 1, 2]) await grid.nth(i).click();
    await page.waitForFunction(
      () => (document.getElementById('for-you-row') as HTMLElement).dataset.source === 'personal',
      null,
      { timeout: 30_000 },
    );
    const after = await rowView(page, 'for-you-row');
    expect(after.ids).not.toEqual(before.ids);
    const history = await page.evaluate(
      () => (window as unknown as { __events: string[] }).__events,
    );
    expect(history.filter((t) => t === 'history-changed').length).toBeGreaterThanOrEqual(3);
    await expect(rowEl(page, 'for-you-row').locator('[part="reason"]').first()).toHaveText(
      /^Because you viewed /,
    );

    // A card of the widget: hearth-click reaches the page and the link opens the product.
    const clicked = page.evaluate(
      () =>
        new Promise<{ itemId: string; type: string; rank: number; source: string }>((resolve) =>
          document.addEventListener('hearth-click', (e) => resolve(e.detail), { once: true }),
        ),
    );
    const target = cards(page, 'for-you-row').nth(1);
    const targetId = await target.getAttribute('data-item-id');
    await target.click();
    expect(await clicked).toEqual({
      itemId: targetId,
      type: 'for-you',
      rank: 2,
      source: 'personal',
    });
    await expect(page).toHaveURL(new RegExp(`#product/${targetId}$`));
    await expect(rowEl(page, 'similar-row')).toHaveAttribute('item-id', targetId!);
    await rowEl(page, 'for-you-row').scrollIntoViewIfNeeded();
    await shot(rowEl(page, 'for-you-row'), 'widget-for-you', true);
  });

  test('consent keeps history across reloads; "Forget me" erases it at once', async ({ page }) => {
    await page.goto(SHOP);
    await rowsReady(page);
    await page.getByLabel('Remember my activity on this device').check();
    await page.locator('#grid .grid-card').nth(0).click();
    await page.waitForFunction(
      () => (document.getElementById('for-you-row') as HTMLElement).dataset.source === 'personal',
    );
    await page.goto(SHOP); // a new page load (without the product deep link, which tracks a view)
    await rowsReady(page);
    expect((await rowView(page, 'for-you-row')).source).toBe('personal');

    await page.getByRole('button', { name: 'Forget me' }).click();
    await expect(page.locator('#privacy-status')).toHaveText(/everything Hearth kept/);
    await page.waitForFunction(() =>
      (document.getElementById('for-you-row') as HTMLElement).dataset.source?.startsWith(
        'fallback-',
      ),
    );
  });

  test('without consent, history lives in the page only', async ({ page }) => {
    await page.goto(SHOP);
    await rowsReady(page);
    await page.locator('#grid .grid-card').nth(0).click();
    await page.waitForFunction(
      () => (document.getElementById('for-you-row') as HTMLElement).dataset.source === 'personal',
    );
    await page.goto(SHOP);
    await rowsReady(page);
    expect((await rowView(page, 'for-you-row')).source).toMatch(/^fallback-/);
  });

  test('no style leaks: host elements look the same with and without the widget, and host CSS stays out', async ({
    page,
  }) => {
    const HOST = [
      'body',
      '.site-header',
      '.brand',
      'h1',
      '#catalog-title',
      '.button',
      '.grid-card',
      '.grid-title',
      '.site-footer p',
    ];
    const PROPS = [
      'font-family',
      'font-size',
      'color',
      'background-color',
      'margin-top',
      'padding-top',
      'line-height',
      'border-top-width',
      'display',
    ];
    const hostStyles = (): Promise<string[]> =>
      page.evaluate(
        ({ selectors, props }) =>
          selectors.map((s) => {
            const el = document.querySelector(s);
            if (!el) return `${s}: missing`;
            const cs = getComputedStyle(el);
            return `${s}: ${props.map((p) => cs.getPropertyValue(p)).join('|')}`;
          }),
        { selectors: HOST, props: PROPS },
      );

    // Without the widget: the script is blocked, the elements stay unknown inline elements.
    await page.route('**/widget/hearth-recs.js', (route) => route.abort());
    await page.goto(SHOP);
    await expect(page.locator('#grid .grid-card').first()).toBeVisible();
    const without = await hostStyles();
    await page.unroute('**/widget/hearth-recs.js');

    await page.goto(SHOP);
    await rowsReady(page);
    expect(await hostStyles()).toEqual(without);

    // Hostile host CSS must not change the inside of a row.
    const inside = (): Promise<string[]> =>
      rowEl(page, 'trending-row').evaluate((el) => {
        const root = el.shadowRoot!;
        return [
          '[part="header"]',
          '[part="card"]',
          '[part="title"]',
          '[part="image"]',
          '[part="list"]',
        ].map((s) => {
          const cs = getComputedStyle(root.querySelector(s)!);
          return [
            cs.fontFamily,
            cs.fontSize,
            cs.color,
            cs.backgroundColor,
            cs.paddingLeft,
            cs.borderTopWidth,
            cs.letterSpacing,
            cs.lineHeight,
            cs.textTransform,
          ].join('|');
        });
      });
    const clean = await inside();
    await page.addStyleTag({
      content: `body { font-family: cursive; color: rgb(255, 0, 0); letter-spacing: 3px; line-height: 3; }
        h2 { font-size: 80px; color: rgb(0, 128, 0); }
        button { background: rgb(255, 0, 255); padding: 40px; }
        img { border: 10px solid rgb(0, 0, 255); }
        ul { padding-left: 120px; }
        * { text-transform: uppercase; font-family: fantasy; color: rgb(1, 2, 3); }`,
    });
    expect(await inside()).toEqual(clean);
  });

  test('axe finds no serious or critical violations on the host page', async ({ page }) => {
    await page.goto(SHOP);
    await rowsReady(page);
    const results = await new AxeBuilder({ page }).analyze();
    const severe = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(severe).toEqual([]);
  });

  test('keyboard: Tab reaches a row once, arrows move inside it', async ({ page }) => {
    await page.goto(SHOP);
    await rowsReady(page);
    const first = cards(page, 'trending-row').first();
    await first.focus();
    await page.keyboard.press('ArrowRight');
    await expect(cards(page, 'trending-row').nth(1)).toBeFocused();
    await page.keyboard.press('End');
    await expect(cards(page, 'trending-row').last()).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(cards(page, 'trending-row').last()).not.toBeFocused();
    await expect(page.locator('.site-footer a')).toBeFocused();
  });
});
