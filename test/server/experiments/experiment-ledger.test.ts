import { describe, expect, it } from 'vitest';
import {
  createAggregateAccumulator,
  reportNoiseMultiplier,
  type ExperimentDefinition,
} from '../../../src/core/experiments';
import { createRng } from '../../../src/core/random';
import { createExperimentLedger } from '../../../src/server/experiments/experiment-ledger';
import {
  NOW,
  noisyDefinition,
  noisyReport,
  plainDefinition,
  plainReport,
  plainReports,
} from './experiment-fixtures';

const ledger = (now = NOW) =>
  createExperimentLedger({ definitions: [plainDefinition, noisyDefinition], now: () => now });

/** A report as loose JSON, for breaking one field at a time. */
interface LooseMetric {
  [field: string]: unknown;
  covariate?: Record<string, unknown>;
}
interface LooseReport {
  [field: string]: unknown;
  arms: { [field: string]: unknown; metrics: Record<string, LooseMetric> }[];
}

/** The report with `edit` applied to a deep copy. */
function edited(edit: (report: LooseReport) => void): unknown {
  const report = JSON.parse(JSON.stringify(plainReport(createRng(7), 'control'))) as LooseReport;
  report.arms[0]!['exposedVisitors'] = 1;
  edit(report);
  return report;
}

describe('experiment ledger: checks', () => {
  const cases: [string, (r: LooseReport) => void, RegExp][] = [
    ['protocol', (r) => (r['protocol'] = 2), /protocol is 2; this server speaks protocol 1/],
    [
      'unknown experiment',
      (r) => (r['experimentId'] = 'nope'),
      /experimentId "nope" is not a running experiment; fetch/,
    ],
    ['old version', (r) => (r['version'] = 2), /version is 2 but the experiment runs version 3/],
    ['period format', (r) => (r['period'] = '2026-3-9'), /period must be a UTC day "YYYY-MM-DD"/],
    ['impossible day', (r) => (r['period'] = '2026-02-30'), /period is not a calendar day/],
    [
      'before start',
      (r) => (r['period'] = '2026-02-28'),
      /period 2026-02-28 is before the experiment started/,
    ],
    ['future', (r) => (r['period'] = '2026-03-12'), /period 2026-03-12 is in the future/],
    ['report id', (r) => (r['reportId'] = 'ABC'), /reportId must be 32 lowercase hex digits/],
    ['no arms', (r) => (r.arms = []), /arms must hold exactly one block/],
    ['unknown arm', (r) => (r.arms[0]!['armId'] = 'x'), /arms\[0\]\.armId "x" is not an arm/],
    [
      'non-finite',
      (r) => (r.arms[0]!.metrics['row-click']!.sum = 'NaN'),
      /arms\[0\]\.metrics\.row-click\.sum must be a finite number/,
    ],
    [
      'visitors 2',
      (r) => (r.arms[0]!['visitors'] = 2),
      /arms\[0\]\.visitors is 2, outside \[0, 1\]/,
    ],
    [
      'visitors ½',
      (r) => (r.arms[0]!['visitors'] = 0.5),
      /arms\[0\]\.visitors must be 0 or 1 without noise/,
    ],
    [
      'binomial above 1',
      (r) => (r.arms[0]!.metrics['row-click']!.sum = 2),
      /row-click\.sum is 2, outside \[0, 1\]/,
    ],
    [
      'negative difference',
      (r) => (r.arms[0]!.metrics['revenue']!.sum = -5),
      /revenue\.sum is -5, outside \[0, 100\]/,
    ],
    [
      'above the cap',
      (r) => (r.arms[0]!.metrics['revenue']!.covariate!.sumSquares = 10_001),
      /revenue\.covariate\.sumSquares is 10001, outside \[0, 10000\]/,
    ],
    [
      'missing metric',
      (r) => delete r.arms[0]!.metrics['revenue'],
      /arms\[0\]\.metrics\.revenue is missing/,
    ],
    [
      'extra metric',
      (r) => (r.arms[0]!.metrics['bounce'] = { sum: 0, sumSquares: 0 }),
      /arms\[0\]\.metrics\.bounce is not part of protocol 1/,
    ],
    [
      'missing covariate',
      (r) => delete r.arms[0]!.metrics['revenue']!.covariate,
      /revenue\.covariate is missing \(the metric uses CUPED\)/,
    ],
    [
      'extra field',
      (r) => (r['deviceId'] = 'd1'),
      /report\.deviceId is not part of protocol 1; remove it/,
    ],
    [
      'noise on an exact experiment',
      (r) => (r['noiseMultiplier'] = 3),
      /noiseMultiplier is 3 but this experiment's privacy setting fixes 0/,
    ],
  ];
  it.each(cases)('refuses %s with a 400 naming the field', (_, edit, message) => {
    const l = ledger();
    expect(() => l.ingest(edited(edit))).toThrow(message);
    try {
      l.ingest(edited(edit));
    } catch (error) {
      expect((error as { status: number }).status).toBe(400);
    }
    expect(l.status()[0]!.acceptedReports).toBe(0);
  });

  it('refuses a repeated arm and a noised report without every arm block', () => {
    const l = ledger();
    const rng = createRng(3);
    const noisy = noisyReport(rng, 'control');
    expect(() => l.ingest({ ...noisy, arms: noisy.arms.slice(0, 2) })).toThrow(
      /one noised block per arm \(3\)/,
    );
    expect(() =>
      l.ingest({ ...noisy, arms: [noisy.arms[0], noisy.arms[0], noisy.arms[1]] }),
    ).toThrow(/arms\[1\]\.armId repeats "control"/);
    expect(() => l.ingest({ ...noisy, noiseMultiplier: noisy.noiseMultiplier! * 1.001 })).toThrow(
      /noiseMultiplier is .* but this experiment's privacy setting fixes/,
    );
    const far = JSON.parse(JSON.stringify(noisy)) as LooseReport;
    far.arms[1]!['visitors'] = 1 + 13 * noisy.noiseMultiplier!;
    expect(() => l.ingest(far)).toThrow(
      /arms\[1\]\.visitors is .*bound ± 12 noise standard deviations/,
    );
  });

  it('refuses periods older than the retention window, whose ids it has forgotten', () => {
    const l = createExperimentLedger({
      definitions: [plainDefinition],
      retentionDays: 3,
      now: () => NOW,
    });
    expect(() => l.ingest(plainReport(createRng(1), 'control', { period: '2026-03-06' }))).toThrow(
      /more than 3 days old/,
    );
    expect(l.ingest(plainReport(createRng(1), 'control', { period: '2026-03-07' })).status).toBe(
      'accepted',
    );
  });

  it('refuses an invalid definition, naming it and the field', () => {
    const bad = { ...plainDefinition, arms: [plainDefinition.arms[0]!] } as ExperimentDefinition;
    expect(() => createExperimentLedger({ definitions: [noisyDefinition, bad] })).toThrow(
      /definitions\[1\]: Experiment definition: arms must list at least two arms/,
    );
    const uncapped = {
      ...noisyDefinition,
      guardrailMetrics: [{ id: 'revenue', kind: 'mean' as const }],
    };
    expect(() => createExperimentLedger({ definitions: [uncapped] })).toThrow(
      /definitions\[0\]: .*guardrailMetrics\[0\]\.cap is needed with privacy/,
    );
  });
});

describe('experiment ledger: sums', () => {
  it('sums exactly what the reports hold, and counts a retried report once', () => {
    const l = ledger();
    const reports = plainReports(11, 60);
    const expected = createAggregateAccumulator({ definition: plainDefinition });
    for (const report of reports) {
      expect(l.ingest(report)).toEqual({ status: 'accepted' });
      expected.add(report.arms[0]!);
    }
    for (const report of reports.slice(0, 10))
      expect(l.ingest(report)).toEqual({ status: 'duplicate' });
    expect(l.aggregates(plainDefinition.id)).toEqual(expected.snapshot());
    expect(l.status()[0]).toMatchObject({ acceptedReports: 60, rememberedReportIds: 60 });
    const analysis = l.analysis(plainDefinition.id);
    expect(analysis.arms.map((a) => a.visitors)).toEqual([20, 20, 20]);
    // The analysis never runs past the stop.
    expect(l.analysis(plainDefinition.id, Date.parse('2026-04-30T00:00:00Z')).runtimeDays).toBe(19);
  });

  it('sums noise units per arm: Σ multiplier² of the noised reports', () => {
    const l = ledger();
    const rng = createRng(5);
    for (let i = 0; i < 7; i++)
      expect(l.ingest(noisyReport(rng, 'model-v2')).status).toBe('accepted');
    const multiplier = reportNoiseMultiplier(noisyDefinition);
    for (const arm of l.aggregates(noisyDefinition.id).arms) {
      expect(arm.noiseUnits).toBeCloseTo(7 * multiplier * multiplier, 9);
    }
    expect(l.aggregates(plainDefinition.id).arms[0]!.noiseUnits).toBeUndefined();
    expect(l.analysis(noisyDefinition.id).arms).toHaveLength(3);
  });

  it('forgets ids of periods past the window as the days go by', () => {
    let now = NOW;
    const l = createExperimentLedger({
      definitions: [plainDefinition],
      retentionDays: 2,
      now: () => now,
    });
    l.ingest(plainReport(createRng(2), 'control', { period: '2026-03-09' }));
    expect(l.status()[0]!.rememberedReportIds).toBe(1);
    now += 3 * 86_400_000;
    l.ingest(plainReport(createRng(3), 'control', { period: '2026-03-13' }));
    expect(l.status()[0]).toMatchObject({ acceptedReports: 2, rememberedReportIds: 1 });
  });

  it('answers 404 naming an unknown experiment', () => {
    expect(() => ledger().analysis('nope')).toThrow(/No experiment "nope" runs on this server/);
  });

  it('serves the definitions with a stable ETag', () => {
    const a = ledger();
    expect(a.document().experiments.map((d) => d.id)).toEqual(['rows-v2', 'rows-dp']);
    expect(a.etag()).toBe(ledger().etag());
    expect(a.etag()).not.toBe(createExperimentLedger({ definitions: [plainDefinition] }).etag());
  });
});
