import { describe, expect, it } from 'vitest';
import {
  createAggregateAccumulator,
  reportNoiseMultiplier,
  visitorContribution,
} from '../../src/core/experiments';
import { createRng } from '../../src/core/random';
import { deviceArmSettings } from '../../src/federated/experiment-device-rules';
import {
  addOutcome,
  enrollDevice,
  exposeDevice,
  markReported,
  reportDue,
  visitorStateOf,
  type DeviceExperimentRecord,
} from '../../src/federated/experiment-device-state';
import {
  isAttributed,
  metricIncrements,
  prePeriodValues,
} from '../../src/federated/experiment-outcomes';
import { REPORT_ID_PATTERN } from '../../src/federated/experiment-protocol';
import {
  buildExperimentReport,
  periodEnd,
  randomReportId,
  reportPeriodOf,
} from '../../src/federated/experiment-report';
import { at, deviceExperiment } from './experiment-fixtures';

const DAY = 24 * 3600 * 1000;
const WINDOW = { windowMs: 7 * DAY };
const definition = deviceExperiment();
const ids = ['row-click', 'add-to-cart', 'revenue'];
const noPrice = (): undefined => undefined;

function enrolled(now: number): DeviceExperimentRecord {
  return enrollDevice({
    experimentId: definition.id,
    version: 1,
    armId: 'diverse',
    metricIds: ids,
    preValues: { revenue: 40 },
    now,
  });
}

describe('device rules', () => {
  it('refuses a metric or a setting the device cannot run, naming the field', () => {
    expect(() =>
      deviceArmSettings(deviceExperiment({ primaryMetric: { id: 'dwell', kind: 'mean' } })),
    ).toThrow(/primaryMetric\.id "dwell" is not a metric this device measures/);
    const arms = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 1, settings: { filters: 'x' } },
    ];
    expect(() => deviceArmSettings(deviceExperiment({ arms }))).toThrow(
      /arms\[1\]\.settings\.filters is not a setting this device applies \(it applies modelUrl, diversity, source, exploration, inStockOnly, minPrice, maxPrice\)/,
    );
    const badSource = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 1, settings: { source: 'random' } },
    ];
    expect(() => deviceArmSettings(deviceExperiment({ arms: badSource }))).toThrow(
      /arms\[1\]\.settings\.source must be one of model, popular, trending/,
    );
    expect(deviceArmSettings(definition)).toEqual([
      { holdout: false },
      { holdout: false, diversity: 0.3 },
      { holdout: true },
    ]);
  });
});

describe('outcome attribution', () => {
  it('maps events to metrics; revenue defaults to price × quantity, 0 without a price', () => {
    expect(
      metricIncrements({ itemId: 'a', type: 'click', timestamp: 0, via: 'row' }, noPrice),
    ).toEqual({ click: 1, 'row-click': 1 });
    expect(metricIncrements({ itemId: 'a', type: 'click', timestamp: 0 }, noPrice)).toEqual({
      click: 1,
    });
    const price = (id: string): number | undefined => (id === 'a' ? 20 : undefined);
    expect(
      metricIncrements({ itemId: 'a', type: 'purchase', timestamp: 0, value: 3 }, price),
    ).toEqual({ purchase: 1, revenue: 60 });
    expect(
      metricIncrements({ itemId: 'a', type: 'purchase', timestamp: 0, revenue: 7.5 }, price),
    ).toEqual({ purchase: 1, revenue: 7.5 });
    expect(metricIncrements({ itemId: 'b', type: 'purchase', timestamp: 0 }, price)).toEqual({
      purchase: 1,
      revenue: 0,
    });
  });

  it('counts outcomes only after the first exposure, within the window, before the stop', () => {
    const w = { firstExposureAt: 100, lastExposureAt: 1000, windowMs: 500 };
    expect(isAttributed(99, w)).toBe(false);
    expect(isAttributed(100, w)).toBe(true);
    expect(isAttributed(1500, w)).toBe(true);
    expect(isAttributed(1501, w)).toBe(false);
    expect(isAttributed(800, { ...w, stopAt: 800 })).toBe(false);
    expect(isAttributed(500, { firstExposureAt: null, lastExposureAt: null, windowMs: 1e9 })).toBe(
      false,
    );
  });

  it('reads the CUPED pre-period from the 14 days before assignment only', () => {
    const assignedAt = at('2026-03-20');
    const price = (): number => 10;
    const history = [
      { itemId: 'a', type: 'purchase' as const, timestamp: assignedAt - 15 * DAY },
      { itemId: 'a', type: 'purchase' as const, timestamp: assignedAt - 3 * DAY, value: 2 },
      { itemId: 'a', type: 'click' as const, timestamp: assignedAt - DAY },
      { itemId: 'a', type: 'cart' as const, timestamp: assignedAt + 1 },
    ];
    expect(prePeriodValues(ids, history, assignedAt, price)).toEqual({
      'row-click': 1,
      'add-to-cart': 0,
      revenue: 20,
    });
  });

  it('ignores outcomes before exposure and outside the window in the device record', () => {
    let r = enrolled(at('2026-03-05', 9));
    r = addOutcome(r, { 'row-click': 1 }, at('2026-03-05', 10), at('2026-03-05', 10), WINDOW);
    expect(r.values['row-click']).toBe(0);
    r = exposeDevice(r, at('2026-03-05', 11));
    r = addOutcome(r, { 'row-click': 1 }, at('2026-03-05', 12), at('2026-03-05', 12), WINDOW);
    expect(r.values['row-click']).toBe(1);
    const late = at('2026-03-13', 12);
    expect(addOutcome(r, { 'row-click': 1 }, late, late, WINDOW)).toBe(r);
  });
});

describe('period reports', () => {
  it('a report closes each past period that changed; the sum of reports telescopes', () => {
    const accumulator = createAggregateAccumulator({ definition });
    let r = enrolled(at('2026-03-05', 9));
    const sent: string[] = [];
    const close = (now: number, final = false): void => {
      if (!reportDue(r, now, final)) return;
      const report = buildExperimentReport({
        definition,
        armId: r.armId,
        previous: r.reported,
        current: visitorStateOf(r),
        period: r.openPeriod ?? '',
      });
      for (const arm of report.arms) accumulator.add(arm);
      sent.push(report.period);
      r = markReported(r, final);
    };
    const step = (now: number, change: () => DeviceExperimentRecord): void => {
      close(now);
      r = change();
    };
    step(at('2026-03-05', 10), () => exposeDevice(r, at('2026-03-05', 10)));
    step(at('2026-03-05', 11), () =>
      addOutcome(
        r,
        { 'row-click': 1, revenue: 120 },
        at('2026-03-05', 11),
        at('2026-03-05', 11),
        WINDOW,
      ),
    );
    expect(reportDue(r, at('2026-03-05', 23), false)).toBe(false);
    // Nothing happens on the 6th: no report for it.
    step(at('2026-03-07', 8), () => exposeDevice(r, at('2026-03-07', 8)));
    step(at('2026-03-07', 9), () =>
      addOutcome(
        r,
        { 'add-to-cart': 1, revenue: 900 },
        at('2026-03-07', 9),
        at('2026-03-07', 9),
        WINDOW,
      ),
    );
    close(at('2026-03-09', 1));
    expect(sent).toEqual(['2026-03-05', '2026-03-07']);
    expect(reportDue(r, at('2026-03-10'), false)).toBe(false);
    const total = visitorContribution({
      definition,
      armId: 'diverse',
      previous: null,
      current: visitorStateOf(r),
    });
    const diverse = accumulator.snapshot().arms[1];
    expect(diverse).toEqual(total);
    expect(diverse).toMatchObject({ visitors: 1, exposedVisitors: 1 });
    expect(diverse?.metrics['revenue']).toMatchObject({ sum: 500, sumSquares: 250000 });
  });

  it('carries only the contract fields, a fresh 128-bit id, and no noise without privacy', () => {
    const r = exposeDevice(enrolled(at('2026-03-05')), at('2026-03-05'));
    const options = {
      definition,
      armId: r.armId,
      previous: null,
      current: visitorStateOf(r),
      period: '2026-03-05',
    };
    const report = buildExperimentReport(options);
    expect(Object.keys(report).sort()).toEqual(
      ['arms', 'experimentId', 'period', 'protocol', 'reportId', 'version'].sort(),
    );
    expect(report.reportId).toMatch(REPORT_ID_PATTERN);
    expect(buildExperimentReport(options).reportId).not.toBe(report.reportId);
    expect(report.arms.map((a) => a.armId)).toEqual(['diverse']);
    expect(Object.keys(report.arms[0] ?? {}).sort()).toEqual(
      ['armId', 'exposedVisitors', 'metrics', 'visitors'].sort(),
    );
    expect(JSON.stringify(report)).not.toMatch(/unit|itemId|timestamp|visitorId/);
    expect(randomReportId()).toMatch(REPORT_ID_PATTERN);
  });

  it('with privacy, noises every arm block and says the multiplier', () => {
    const noisy = deviceExperiment({ privacy: { epsilon: 2 } });
    const r = exposeDevice(enrolled(at('2026-03-05')), at('2026-03-05'));
    const report = buildExperimentReport({
      definition: noisy,
      armId: 'diverse',
      previous: null,
      current: visitorStateOf(r),
      period: '2026-03-05',
      rng: createRng(7),
    });
    expect(report.arms.map((a) => a.armId)).toEqual(['control', 'diverse', 'holdout']);
    expect(report.noiseMultiplier).toBe(reportNoiseMultiplier(noisy));
    expect(report.noiseMultiplier).toBeGreaterThan(0);
    // Every counted slot is noised: no arm shows an exact 0/1 visitor count.
    for (const arm of report.arms) {
      expect(Number.isInteger(arm.visitors)).toBe(false);
      expect(arm.metrics['revenue']?.covariate).toBeDefined();
      expect(arm.metrics['row-click']?.covariate).toBeUndefined();
    }
  });

  it('cuts periods at UTC midnight', () => {
    expect(reportPeriodOf(Date.parse('2026-03-05T23:59:59Z'))).toBe('2026-03-05');
    expect(periodEnd('2026-03-05')).toBe(Date.parse('2026-03-06T00:00:00Z'));
  });
});
