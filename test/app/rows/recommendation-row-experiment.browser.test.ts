import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RowResult } from '../../../src/core/serve/row-types';
import { RecommendationRow } from '../../../src/app/rows/recommendation-row';
import { toProduct } from '../../../src/app/storefront/product';
import type { RecommendedRow, RowExperiment } from '../../../src/worker/recommender-types';
import { createFakeRecommender, fakeBinding } from '../fake-recommender';
import { cleanup, render } from '../render';

afterEach(cleanup);

const ROW: RowResult = {
  type: 'popular',
  source: 'popularity',
  items: ['a', 'b', 'c'].map((id, index) => ({ index, id, score: 1, reasons: [] })),
  unknownItems: [],
};

/** A row served under `experiment` (a holdout's empty), with the exposures it records. */
async function rowUnder(experiment: RowExperiment | undefined, above = 0) {
  const row: RecommendedRow = experiment
    ? { ...ROW, ...(experiment.holdout && { items: [] }), experiment }
    : ROW;
  const recordExposure = vi.fn(() => Promise.resolve());
  const recommender = createFakeRecommender({
    recommend: () => Promise.resolve(row),
    recordExposure,
  });
  const spacer = document.createElement('div');
  spacer.style.height = `${above}px`;
  document.body.append(spacer);
  const rendered = await render(
    createElement(RecommendationRow, {
      binding: fakeBinding(recommender),
      request: { type: 'popular', k: 3 },
      title: 'Popular',
      productOf: (id: string) => toProduct({ id, title: id, price: 10 }),
      actionOf: () => undefined,
    }),
  );
  return { ...rendered, recordExposure, spacer };
}

describe('RecommendationRow under an experiment arm', () => {
  it('records one exposure at the first card impression', async () => {
    const { container, recordExposure } = await rowUnder({
      experimentId: 'e1',
      armId: 'variant',
      holdout: false,
    });
    await vi.waitFor(() => expect(container.querySelectorAll('li.rec-card')).toHaveLength(3));
    await vi.waitFor(() => expect(recordExposure).toHaveBeenCalledTimes(1));
    expect(recordExposure).toHaveBeenCalledWith({ experimentId: 'e1', armId: 'variant' });
    await new Promise((r) => setTimeout(r, 200));
    expect(recordExposure).toHaveBeenCalledTimes(1);
  });

  it('renders an empty, zero-height place for a holdout and records the exposure once seen', async () => {
    const { container, recordExposure, spacer } = await rowUnder(
      { experimentId: 'e1', armId: 'holdout', holdout: true },
      3000,
    );
    const place = (): HTMLElement | null => container.querySelector('[data-holdout="e1"]');
    await vi.waitFor(() => expect(place()).not.toBeNull());
    expect(container.querySelector('section, h2, h3')).toBeNull();
    expect(place()!.getBoundingClientRect().height).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(recordExposure).not.toHaveBeenCalled();
    place()!.scrollIntoView();
    await vi.waitFor(() => expect(recordExposure).toHaveBeenCalledTimes(1));
    expect(recordExposure).toHaveBeenCalledWith({ experimentId: 'e1', armId: 'holdout' });
    window.scrollTo(0, 0);
    spacer.remove();
  });

  it('records nothing for a row outside any experiment', async () => {
    const { container, recordExposure } = await rowUnder(undefined);
    await vi.waitFor(() => expect(container.querySelectorAll('li.rec-card')).toHaveLength(3));
    await new Promise((r) => setTimeout(r, 300));
    expect(recordExposure).not.toHaveBeenCalled();
  });
});
