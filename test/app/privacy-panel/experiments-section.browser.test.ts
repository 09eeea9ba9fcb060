import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExperimentsSection } from '../../../src/app/privacy-panel/experiments-section';
import { installNetworkMeter } from '../../../src/app/runtime/network-meter';
import { AppServicesContext } from '../../../src/app/runtime/use-hearth';
import type {
  DeviceExperimentStatus,
  ExperimentsStatus,
} from '../../../src/worker/recommender-types';
import { createFakeRecommender, fakeBinding } from '../fake-recommender';
import { cleanup, render } from '../render';

afterEach(cleanup);

const JSON_BODY =
  '{"protocol":1,"experimentId":"demo-model-tuning","version":1,"period":"2026-12-06","reportId":"00112233445566778899aabbccddeeff","arms":[{"armId":"defaults","visitors":1,"exposedVisitors":1,"metrics":{"row-click":{"sum":1,"sumSquares":1}}}]}';

const EXPERIMENT: DeviceExperimentStatus = {
  experimentId: 'demo-model-tuning',
  version: 1,
  state: 'assigned',
  armId: 'defaults',
  holdout: false,
  exposed: true,
  firstExposureAt: Date.parse('2026-12-06T10:00:00Z'),
  lastExposureAt: Date.parse('2026-12-06T11:00:00Z'),
  period: '2026-12-07',
  values: { 'row-click': 1, revenue: 24.5 },
  periodValues: { 'row-click': 0, revenue: 24.5 },
  preValues: { revenue: 12 },
  lastReport: {
    period: '2026-12-06',
    sentAt: Date.parse('2026-12-07T00:00:05Z'),
    json: JSON_BODY,
    bytes: JSON_BODY.length,
  },
  pendingReports: 1,
  nextReportAt: Date.parse('2026-12-08T00:00:00Z'),
};

async function section(status: ExperimentsStatus, experiments = true) {
  const asked = vi.fn(() => Promise.resolve(status));
  const binding = fakeBinding(createFakeRecommender({ experiments: asked }));
  const target = { fetch: (() => Promise.resolve(new Response('ok'))) as typeof fetch };
  const meter = installNetworkMeter({ target, origin: location.origin });
  const services = { storefront: binding, workbench: () => binding, meter, experiments };
  const rendered = await render(
    createElement(
      AppServicesContext.Provider,
      { value: services },
      createElement(ExperimentsSection, { binding }),
    ),
  );
  return { ...rendered, asked };
}

const text = (root: ParentNode, testId: string): string =>
  root.querySelector(`[data-testid="${testId}"]`)?.textContent ?? '';

describe('ExperimentsSection', () => {
  it('asks nothing where the storefront runs no experiment, and says consent lets it join', async () => {
    const { container, asked } = await section(
      { configured: false, consent: false, experiments: [], pendingReports: 0, lastReport: null },
      false,
    );
    await vi.waitFor(() =>
      expect(text(container, 'experiment-consent')).toContain('Not taking part'),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(asked).not.toHaveBeenCalled();
  });

  it('shows the arm, values, queue and the exact last report with its bytes', async () => {
    const { container } = await section({
      configured: true,
      consent: true,
      experiments: [EXPERIMENT],
      pendingReports: 1,
      lastReport: { ...EXPERIMENT.lastReport!, experimentId: 'demo-model-tuning' },
    });
    await vi.waitFor(() =>
      expect(text(container, 'experiment-arm')).toContain('In arm “defaults”'),
    );
    expect(text(container, 'experiment-consent')).toContain('Reports are on');
    expect(text(container, 'experiment-period-values')).toBe('row-click 0, revenue 24.50');
    expect(text(container, 'experiment-values')).toBe('row-click 1, revenue 24.50');
    expect(text(container, 'experiment-pre-values')).toBe('revenue 12');
    expect(text(container, 'experiment-pending')).toBe('1');
    expect(text(container, 'experiment-report-json')).toBe(JSON_BODY);
    expect(text(container, 'experiment-report-bytes')).toBe(`${JSON_BODY.length} bytes`);
    expect(container.textContent).toContain('under the arm’s id (this experiment adds no noise)');
  });

  it('says reports wait for consent, and when experiments are off', async () => {
    const waiting = await section({
      configured: true,
      consent: false,
      experiments: [{ ...EXPERIMENT, lastReport: null }],
      pendingReports: 1,
      lastReport: null,
    });
    await vi.waitFor(() =>
      expect(text(waiting.container, 'experiment-consent')).toContain('Reports are off'),
    );
    expect(waiting.container.textContent).toContain('No report sent for this experiment yet.');
    await waiting.unmount();

    const off = await section({
      configured: false,
      consent: false,
      experiments: [],
      pendingReports: 0,
      lastReport: null,
    });
    await vi.waitFor(() =>
      expect(off.container.textContent).toContain(
        'This storefront runs no experiments on this device.',
      ),
    );
  });
});
