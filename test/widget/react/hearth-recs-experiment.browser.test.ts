import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HearthRecs, type HearthRecsProps } from '../../../src/widget/react';
import { createWidgetRuntime, type WidgetRuntime } from '../../../src/widget/shared-runtime';
import { createWorkerRecommender } from '../../../src/worker/worker-client';
import type { RowExperiment } from '../../../src/worker/recommender-types';
import { experimentRecommender, type ExperimentSpy } from '../experiment-recommender';
import {
  cleanUpWidgets,
  forgetDatabaseLater,
  widgetFixture,
  type WidgetFixture,
} from '../widget-fixtures';

const WAIT = { timeout: 15_000, interval: 20 };
let fx: WidgetFixture;
let root: Root | null = null;
let runtime: WidgetRuntime | null = null;

beforeAll(async () => {
  fx = await widgetFixture();
});

afterEach(async () => {
  root?.unmount();
  root = null;
  runtime?.dispose();
  runtime = null;
  await cleanUpWidgets();
});

/** Renders `<HearthRecs>` on a runtime whose rows are served under `experiment` (if any). */
function recsUnder(
  experiment: RowExperiment | undefined,
  props: Partial<HearthRecsProps> = {},
  before = '',
): { container: HTMLElement; spy: ExperimentSpy } {
  const spy: ExperimentSpy = { exposures: [], tracked: [] };
  const dbName = `hearth-react-exp-${Date.now()}-${Math.random()}`;
  forgetDatabaseLater(dbName);
  runtime = createWidgetRuntime({
    modelSrc: fx.modelSrc,
    catalogSrc: fx.catalogSrc,
    dbName,
    consent: 'granted',
    createRecommender: (config) =>
      experimentRecommender(createWorkerRecommender(config), experiment, spy),
  });
  const container = document.createElement('div');
  container.innerHTML = before;
  document.body.append(container);
  const r = createRoot(container.appendChild(document.createElement('div')));
  root = r;
  const element = createElement(HearthRecs, { type: 'popular', limit: 4, runtime, ...props });
  flushSync(() => r.render(element));
  return { container, spy };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('<HearthRecs> under an experiment arm', () => {
  it('records one exposure at the first item impression; clicks are tracked as row clicks', async () => {
    const onImpression = vi.fn();
    const { container, spy } = recsUnder(
      { experimentId: 'e1', armId: 'variant', holdout: false },
      { onImpression },
    );
    await vi.waitFor(() => expect(onImpression).toHaveBeenCalledTimes(4), WAIT);
    expect(spy.exposures).toEqual([{ experimentId: 'e1', armId: 'variant', holdout: false }]);
    const item = container.querySelector<HTMLElement>('li[data-item-id]')!;
    item.querySelector('button')!.click();
    await vi.waitFor(() => expect(spy.tracked).toHaveLength(1), WAIT);
    expect(spy.tracked[0]).toEqual({ itemId: item.dataset.itemId, type: 'click', via: 'row' });
  });

  it('renders an empty, zero-height place for a holdout and records the exposure when it is seen', async () => {
    const { container, spy } = recsUnder(
      { experimentId: 'e1', armId: 'holdout', holdout: true },
      { classNames: { root: 'padded' } },
      '<div style="height:3000px">content above the row</div>',
    );
    const place = (): HTMLElement | null => container.querySelector('[data-status="holdout"]');
    await vi.waitFor(() => expect(place()).not.toBeNull(), WAIT);
    expect(place()!.childNodes).toHaveLength(0);
    expect(place()!.getBoundingClientRect().height).toBe(0);
    expect(container.querySelector('section, h2, .padded')).toBeNull();
    await settle(300);
    expect(spy.exposures).toHaveLength(0);

    place()!.scrollIntoView();
    await vi.waitFor(() => expect(spy.exposures).toHaveLength(1), WAIT);
    expect(spy.exposures[0]).toMatchObject({ experimentId: 'e1', armId: 'holdout' });
    window.scrollTo(0, 0);
  });

  it('records nothing for a row without an experiment, even with onImpression', async () => {
    const onImpression = vi.fn();
    const { spy } = recsUnder(undefined, { onImpression });
    await vi.waitFor(() => expect(onImpression).toHaveBeenCalledTimes(4), WAIT);
    await settle(200);
    expect(spy.exposures).toHaveLength(0);
  });
});
