import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import '../../src/widget/index';
import type { HearthRecsElement } from '../../src/widget/hearth-recs-element';
import { sharedRuntime } from '../../src/widget/shared-runtime';
import { createWorkerRecommender } from '../../src/worker/worker-client';
import type {
  ExperimentExposure,
  RowExperiment,
  TrackEvent,
} from '../../src/worker/recommender-types';
import { experimentRecommender } from './experiment-recommender';
import {
  cleanUpWidgets,
  forgetDatabaseLater,
  mount,
  widgetFixture,
  type WidgetFixture,
} from './widget-fixtures';

let fx: WidgetFixture;

beforeAll(async () => {
  fx = await widgetFixture();
});

afterEach(async () => {
  await cleanUpWidgets();
});

const WAIT = { timeout: 15_000, interval: 20 };

interface Spied {
  readonly exposures: ExperimentExposure[];
  readonly tracked: TrackEvent[];
}

/** The page's runtime on a real worker whose rows are served under `experiment` (if any). */
function runtimeUnder(experiment: RowExperiment | undefined): Spied {
  const spied: Spied = { exposures: [], tracked: [] };
  const dbName = `hearth-widget-exp-${Date.now()}-${Math.random()}`;
  forgetDatabaseLater(dbName);
  sharedRuntime({
    modelSrc: fx.modelSrc,
    catalogSrc: fx.catalogSrc,
    dbName,
    consent: 'granted',
    createRecommender: (config) =>
      experimentRecommender(createWorkerRecommender(config), experiment, spied),
  });
  return spied;
}

function recs(before = ''): HearthRecsElement {
  return mount<HearthRecsElement>(
    `${before}<hearth-recs type="popular" limit="4" model-src="${fx.modelSrc}" catalog-src="${fx.catalogSrc}"></hearth-recs>`,
    'hearth-recs',
  );
}

const cards = (el: HearthRecsElement): HTMLElement[] => [
  ...el.shadowRoot!.querySelectorAll<HTMLElement>('[part="card"]'),
];

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('<hearth-recs> under an experiment arm', () => {
  it('records one exposure at the first card impression and tracks card clicks as row clicks', async () => {
    const spied = runtimeUnder({ experimentId: 'e1', armId: 'variant', holdout: false });
    const el = recs();
    await vi.waitFor(() => expect(el.dataset.state).toBe('ready'), WAIT);
    await vi.waitFor(() => expect(spied.exposures).toHaveLength(1), WAIT);
    expect(spied.exposures[0]).toMatchObject({ experimentId: 'e1', armId: 'variant' });
    expect(el.view?.experiment).toEqual({ experimentId: 'e1', armId: 'variant', holdout: false });

    const card = cards(el)[1]!;
    card.click();
    await vi.waitFor(() => expect(spied.tracked).toHaveLength(1), WAIT);
    expect(spied.tracked[0]).toEqual({ itemId: card.dataset.itemId, type: 'click', via: 'row' });
    // More impressions of the same row (all four cards were visible) add no exposure.
    await settle(200);
    expect(spied.exposures).toHaveLength(1);
  });

  it('renders nothing for a holdout arm and records the exposure when its place is visible', async () => {
    const spied = runtimeUnder({ experimentId: 'e1', armId: 'holdout', holdout: true });
    const el = recs('<div style="height:3000px">content above the row</div>');
    await vi.waitFor(() => expect(el.dataset.state).toBe('holdout'), WAIT);
    expect(cards(el)).toHaveLength(0);
    expect(el.shadowRoot!.querySelector<HTMLElement>('[part="row"]')!.hidden).toBe(true);
    expect(el.getBoundingClientRect().height).toBe(0);
    // Below the fold: not seen yet.
    await settle(300);
    expect(spied.exposures).toHaveLength(0);

    el.scrollIntoView();
    await vi.waitFor(() => expect(spied.exposures).toHaveLength(1), WAIT);
    expect(spied.exposures[0]).toMatchObject({ experimentId: 'e1', armId: 'holdout' });
    window.scrollTo(0, 0);
  });

  it('changes nothing for rows without an experiment: no exposure is recorded', async () => {
    const spied = runtimeUnder(undefined);
    const el = recs();
    await vi.waitFor(() => expect(el.dataset.state).toBe('ready'), WAIT);
    expect(el.view?.experiment).toBeUndefined();
    await settle(300);
    expect(spied.exposures).toHaveLength(0);
  });
});
