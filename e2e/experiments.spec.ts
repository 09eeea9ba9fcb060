import { expect, test, type Page } from '@playwright/test';
import type { ExperimentDefinition } from '../src/core/experiments';
import type { ExperimentReport } from '../src/federated/experiment-protocol';
import {
  EXPERIMENTS_ORIGIN,
  startExperimentsDemo,
  writeExperimentsResult,
  type ExperimentsDemo,
} from './experiments-demo-server';

/**
 * The demo experiment end to end, on a demo server of its own (`scripts/serve-demo.mjs` with
 * `--experiments`; the shared e2e server runs none): a fresh visitor opts in on the privacy page
 * (the device joins the experiment from the next page load), sees a recommendation row under
 * their arm and clicks it; the experiment's stop then closes the
 * device's reporting period through the runtime's own timer (no test hook), and the device sends
 * its final report. Every request body of the page and its Web Worker is captured: the only body
 * sent is the `ExperimentReport` of per-arm sums, with no item id, event or unit id in it. The
 * report's bytes go to `test-results/experiments-e2e.json` (`uploadBytesPerDevicePeriod`, read by
 * the bench), and the Experiments page shows the server's analysis with this device's arm.
 */

const SWITCH_NAME = "Contribute to the shop's shared model (federated learning)";
/** How long after the server starts the experiment stops (the visit must be done by then). */
const STOP_AFTER_MS = 45_000;
const REPORT_KEYS = ['protocol', 'experimentId', 'version', 'period', 'reportId', 'arms'];
const ARM_KEYS = ['armId', 'visitors', 'exposedVisitors', 'metrics', 'noiseUnits'];

interface Captured {
  readonly method: string;
  readonly url: URL;
  readonly body: Buffer | null;
}

test.use({ baseURL: EXPERIMENTS_ORIGIN });

let demo: ExperimentsDemo | null = null;
let definition: ExperimentDefinition;
let stopAt = 0;

test.beforeAll(async () => {
  test.setTimeout(60_000);
  demo = await startExperimentsDemo(STOP_AFTER_MS);
  ({ definition, stopAt } = demo);
});

test.afterAll(async () => {
  await demo?.stop();
  demo = null;
});

/** The device's random unit id, read from its own database (it must never leave). */
async function unitId(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolveId, reject) => {
        const open = indexedDB.open('hearth-demo-store');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result
            .transaction('meta')
            .objectStore('meta')
            .get('experiments.unit-id');
          get.onerror = () => reject(get.error);
          get.onsuccess = () => {
            const value = get.result as unknown;
            open.result.close();
            resolveId(
              typeof value === 'string' ? value : String((value as { value?: unknown })?.value),
            );
          };
        };
      }),
  );
}

test('only per-arm aggregates leave: one experiment report per device-period, shown in the analysis', async ({
  browser,
}) => {
  test.setTimeout(STOP_AFTER_MS + 60_000);
  const context = await browser.newContext();
  const captured: Captured[] = [];
  context.on('request', (request) =>
    captured.push({
      method: request.method(),
      url: new URL(request.url()),
      body: request.postDataBuffer(),
    }),
  );
  const page = await context.newPage();

  // Opt in first, so the period's report may leave when it closes.
  await page.goto('/#/privacy');
  await expect(page.getByTestId('runtime-status')).toContainText('Model v', { timeout: 60_000 });
  await page.getByRole('switch', { name: SWITCH_NAME, exact: true }).check();
  await expect(page.getByTestId('fl-consent')).toContainText('On since');
  // The device joins the experiment from the next page load after the opt-in.
  await expect(page.getByTestId('experiment-consent')).toContainText('Not taking part');
  await page.reload();
  await expect(page.getByTestId('runtime-status')).toContainText('Model v', { timeout: 60_000 });
  await expect(page.getByTestId('experiment-consent')).toContainText('Reports are on');
  await expect(page.getByTestId('experiment-arm')).toContainText('In arm', { timeout: 20_000 });
  const armText = (await page.getByTestId('experiment-arm').textContent()) ?? '';
  const armId = /arm “([^”]+)”/.exec(armText)?.[1];
  expect(definition.arms.map((a) => a.id)).toContain(armId);

  // A visit: a product page, its similar row seen (the exposure), one card clicked (a row click).
  await page.goto('/#/p/p0001');
  const similar = page.locator('section[data-row="similar"] li.rec-card');
  await expect(similar.first()).toBeVisible({ timeout: 30_000 });
  const clicked = await similar.first().getAttribute('data-item-id');
  // Seen first (half a card in view records the exposure), then clicked.
  await similar.first().scrollIntoViewIfNeeded();
  await page.waitForTimeout(1_500);
  await similar.first().getByRole('link').click();
  await expect(page.getByTestId('history-count')).toHaveText('3');
  const visited = ['p0001', clicked!];
  const marginMs = stopAt - Date.now();
  expect(marginMs, 'the visit must end before the experiment stops').toBeGreaterThan(0);

  await page.goto('/#/privacy');
  await expect(page.getByTestId('experiment-exposure')).toContainText('first');
  await expect(page.getByTestId('experiment-period-values')).toContainText('row-click 1');

  // The stop closes the period: the device's own timer queues and sends the final report.
  const reports = (): Captured[] =>
    captured.filter((r) => r.method === 'POST' && r.url.pathname === '/v1/experiments/reports');
  await expect
    .poll(() => reports().length, { timeout: stopAt - Date.now() + 20_000 })
    .toBeGreaterThan(0);
  await expect(page.getByTestId('experiment-pending')).toHaveText('0', { timeout: 10_000 });

  // Every body that left: only experiment reports of per-arm sums.
  const bodies = captured.filter((r) => r.body !== null && r.body.byteLength > 0);
  expect(bodies.map((r) => `${r.method} ${r.url.pathname}`)).toEqual(
    reports().map(() => 'POST /v1/experiments/reports'),
  );
  const metricIds = [definition.primaryMetric, ...(definition.guardrailMetrics ?? [])].map(
    (m) => m.id,
  );
  const secret = await unitId(page);
  expect(secret).toMatch(/^[0-9a-f]{32}$/);
  for (const r of reports()) {
    const text = r.body!.toString('utf8');
    const report = JSON.parse(text) as ExperimentReport;
    for (const key of REPORT_KEYS) expect(report).toHaveProperty(key);
    expect(
      Object.keys(report).filter((k) => ![...REPORT_KEYS, 'noiseMultiplier'].includes(k)),
    ).toEqual([]);
    expect(report.experimentId).toBe(definition.id);
    expect(report.reportId).toMatch(/^[0-9a-f]{32}$/);
    expect(report.arms.length).toBeGreaterThan(0);
    for (const arm of report.arms) {
      expect(ARM_KEYS).toEqual(expect.arrayContaining(Object.keys(arm)));
      expect(metricIds).toEqual(expect.arrayContaining(Object.keys(arm.metrics)));
      for (const sums of Object.values(arm.metrics)) {
        for (const [key, value] of Object.entries(sums)) {
          expect(['sum', 'sumSquares', 'covariate']).toContain(key);
          if (key !== 'covariate') expect(typeof value).toBe('number');
        }
      }
    }
    // No visitor: no unit id, no item, no event, no timestamp of the visit.
    expect(text).not.toContain(secret);
    for (const id of visited) expect(text).not.toContain(id);
    for (const word of ['"view"', '"click"', 'itemId', 'userId', 'timestamp']) {
      expect(text).not.toContain(word);
    }
  }
  const own = reports().map((r) => JSON.parse(r.body!.toString('utf8')) as ExperimentReport);
  const mine = own.flatMap((report) => report.arms).find((arm) => arm.armId === armId);
  expect(mine?.exposedVisitors).toBe(1);
  expect(mine?.metrics['row-click']?.sum).toBe(1);

  // Bytes per device and reporting period (one period here), for the bench.
  const periods = new Map<string, number>();
  for (const r of reports()) {
    const { period } = JSON.parse(r.body!.toString('utf8')) as ExperimentReport;
    periods.set(period, (periods.get(period) ?? 0) + r.body!.byteLength);
  }
  const uploadBytesPerDevicePeriod = Math.max(...periods.values());
  writeExperimentsResult({
    uploadBytesPerDevicePeriod,
    reports: reports().map((r) => ({
      bytes: r.body!.byteLength,
      body: JSON.parse(r.body!.toString('utf8')) as unknown,
    })),
    experimentId: definition.id,
    arms: definition.arms.length,
    metrics: metricIds.length,
    visitEndedMsBeforeStop: marginMs,
    note: 'JSON request body bytes of POST /v1/experiments/reports (HTTP headers not counted)',
  });
  await expect(page.getByTestId('experiment-report-bytes')).toContainText(
    `${uploadBytesPerDevicePeriod} bytes`,
  );

  // The analysis the server computed from that report, on the Experiments page.
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Experiments' })
    .click();
  const view = page.locator(`section[data-experiment="${definition.id}"]`);
  await expect(view.getByTestId('experiment-status')).toContainText('Not enough data yet');
  await expect(view.getByTestId('experiment-device-arm')).toContainText(`arm “${armId}”`);
  const armRow = view.getByTestId('experiment-arms').locator(`tr[data-arm="${armId}"]`);
  await expect(armRow).toContainText('this device');
  await expect(armRow.locator('td').nth(2)).toHaveText('1');
  await expect(view.getByTestId('experiment-comparisons').locator('tbody tr')).toHaveCount(
    (definition.arms.length - 1) * metricIds.length,
  );
  await expect(view.getByTestId('experiment-reasons')).not.toBeEmpty();
  await context.close();
});
