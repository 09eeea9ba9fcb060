import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExperimentsPage } from '../../../src/app/experiments-panel/experiments-page';
import { installNetworkMeter } from '../../../src/app/runtime/network-meter';
import { AppServicesContext, type AppServices } from '../../../src/app/runtime/use-hearth';
import { demoExperiment } from '../../../src/core/demo-data/demo-experiment';
import {
  analyzeExperiment,
  type ArmAggregate,
  type ExperimentDefinition,
} from '../../../src/core/experiments';
import type { ExperimentsStatus } from '../../../src/worker/recommender-types';
import { createFakeRecommender, fakeBinding } from '../fake-recommender';
import { cleanup, render } from '../render';

afterEach(async () => {
  await cleanup();
  vi.unstubAllGlobals();
});

/** Exposed visitors with `clicks` row clicks, `carts` carts and revenue of `buyers` × 20. */
function arm(
  armId: string,
  n: number,
  clicks: number,
  carts: number,
  buyers: number,
): ArmAggregate {
  return {
    armId,
    visitors: n,
    exposedVisitors: n,
    metrics: {
      'row-click': { sum: clicks, sumSquares: clicks },
      'add-to-cart': { sum: carts, sumSquares: carts },
      revenue: {
        sum: buyers * 20,
        sumSquares: buyers * 400,
        covariate: { sum: buyers * 10, sumSquares: buyers * 100, sumProducts: buyers * 200 },
      },
    },
  };
}

const DEVICE: ExperimentsStatus = {
  configured: true,
  consent: true,
  pendingReports: 0,
  lastReport: null,
  experiments: [
    {
      experimentId: 'demo-model-tuning',
      version: 1,
      state: 'assigned',
      armId: 'defaults',
      holdout: false,
      exposed: true,
      firstExposureAt: 1,
      lastExposureAt: 2,
      period: '2026-12-07',
      values: { 'row-click': 1 },
      periodValues: { 'row-click': 1 },
      preValues: {},
      lastReport: null,
      pendingReports: 0,
      nextReportAt: null,
    },
  ],
};

/** The page against a server answering with `definition` and an analysis of `arms`. */
async function page(definition: ExperimentDefinition, arms: ArmAggregate[] | 'down') {
  const fetch = vi.fn((url: string, _init?: RequestInit) => {
    if (arms === 'down') {
      return Promise.resolve(
        Response.json({ error: { reason: 'bad-gateway', message: 'no server' } }, { status: 502 }),
      );
    }
    const body = url.endsWith('/analysis')
      ? analyzeExperiment({
          definition,
          aggregates: { experimentId: definition.id, version: definition.version, arms },
          asOf: '2026-12-07T12:00:00Z',
        })
      : { protocol: 1, experiments: [definition] };
    return Promise.resolve(Response.json(body));
  });
  vi.stubGlobal('fetch', fetch);
  const binding = fakeBinding(
    createFakeRecommender({ experiments: () => Promise.resolve(DEVICE) }),
  );
  const target = { fetch: (() => Promise.resolve(new Response('ok'))) as typeof globalThis.fetch };
  const meter = installNetworkMeter({ target, origin: location.origin });
  const services: AppServices = {
    storefront: binding,
    workbench: () => binding,
    meter,
    experiments: true,
  };
  const rendered = await render(
    createElement(AppServicesContext.Provider, { value: services }, createElement(ExperimentsPage)),
  );
  return { ...rendered, fetch };
}

const text = (root: ParentNode, testId: string): string =>
  root.querySelector(`[data-testid="${testId}"]`)?.textContent ?? '';

describe('ExperimentsPage', () => {
  it('shows what is missing, the arms with this device marked, and every comparison', async () => {
    const definition = demoExperiment('/demo/');
    const { container, fetch } = await page(definition, [
      arm('control', 45, 5, 2, 1),
      arm('defaults', 44, 6, 2, 1),
      arm('holdout', 10, 0, 1, 0),
    ]);
    await vi.waitFor(() =>
      expect(text(container, 'experiment-status')).toContain('Not enough data'),
    );
    expect(fetch).toHaveBeenCalledWith('/v1/experiments', expect.anything());
    expect(fetch).toHaveBeenCalledWith(
      '/v1/experiments/demo-model-tuning/analysis',
      expect.anything(),
    );
    const init = fetch.mock.calls[0]![1]!;
    expect(new Headers(init.headers).get('Authorization')).toBe(
      'Bearer hearth-demo-federated-token',
    );
    expect(text(container, 'experiment-reasons')).toContain('1000');
    await vi.waitFor(() =>
      expect(text(container, 'experiment-device-arm')).toContain('In arm “defaults”'),
    );
    const rows = [...container.querySelectorAll('[data-testid="experiment-arms"] tbody tr')];
    expect(rows.map((r) => r.getAttribute('data-arm'))).toEqual(['control', 'defaults', 'holdout']);
    expect(rows[1]!.textContent).toContain('this device');
    expect(rows[0]!.textContent).toContain('11.1%'); // 5 of 45 exposed clicked a row
    const comparisons = container.querySelectorAll(
      '[data-testid="experiment-comparisons"] tbody tr',
    );
    expect(comparisons).toHaveLength(6);
    expect(container.querySelector('.verdict--withheld')).not.toBeNull();
  });

  it('reads a verdict once the experiment is ready', async () => {
    const definition = {
      ...demoExperiment('/demo/'),
      minimumSamplePerArm: 100,
      minimumRuntimeDays: 1,
    };
    const { container } = await page(definition, [
      arm('control', 4500, 450, 225, 90),
      arm('defaults', 4500, 675, 225, 90),
      arm('holdout', 1000, 20, 50, 20),
    ]);
    await vi.waitFor(() => expect(text(container, 'experiment-status')).toContain('Ready'));
    const decisions = text(container, 'experiment-decisions');
    expect(decisions).toContain('defaults: better on row-click with no guardrail worse — ship it.');
    expect(decisions).toContain(
      'holdout: row-click is lower without recommendations — they pay off.',
    );
    expect(
      container.querySelector('[data-comparison="defaults/row-click"] .verdict--better'),
    ).not.toBeNull();
  });

  it('says what went wrong when the server does not answer', async () => {
    const { container } = await page(demoExperiment('/demo/'), 'down');
    await vi.waitFor(() =>
      expect(container.querySelector('[role="alert"]')?.textContent).toContain(
        'HTTP 502: no server',
      ),
    );
  });
});
