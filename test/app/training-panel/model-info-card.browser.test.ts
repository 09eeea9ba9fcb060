import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StoredModelInfo } from '../../../src/app/runtime/store-reader';
import { ModelInfoCard } from '../../../src/app/training-panel/model-info-card';
import { createFakeReader, createFakeRecommender, fakeBinding } from '../fake-recommender';
import { cleanup, render, textOf } from '../render';

afterEach(cleanup);

const info = (source: string): StoredModelInfo => ({
  version: 4,
  savedAt: Date.now(),
  bytes: 1_100_000,
  source,
  training: {
    computePath: 'typed',
    computeChoice: 'requested',
    epochs: 10,
    trainMs: 1500,
    finalLoss: 0.1,
    users: 3000,
    interactions: 183_071,
    coldItems: 0,
  },
});

async function card(source: string): Promise<HTMLElement> {
  const reader = createFakeReader({ modelInfo: () => Promise.resolve(info(source)) });
  const { container } = await render(
    createElement(ModelInfoCard, { binding: fakeBinding(createFakeRecommender(), reader) }),
  );
  await vi.waitFor(() =>
    expect(container.querySelector('[data-testid="model-info"]')).not.toBeNull(),
  );
  return container;
}

describe('ModelInfoCard', () => {
  it('names a federated model and says its training record is where its rounds started', async () => {
    const container = await card('federated');
    expect(textOf(container, '[data-testid="model-origin"]')).toBe(
      "the shop's federated model, aggregated from opted-in visitors' contributions",
    );
    expect(textOf(container, '[data-testid="model-info"]')).toContain(
      'First trained on183,071 events from 3,000 shoppers, then updated by federated rounds',
    );
  });

  it('keeps the plain training record for a model trained on this device', async () => {
    const container = await card('trained');
    expect(textOf(container, '[data-testid="model-origin"]')).toBe('trained on this device');
    expect(textOf(container, '[data-testid="model-info"]')).toContain(
      'Trained on183,071 events from 3,000 shoppers',
    );
    expect(textOf(container, '[data-testid="model-info"]')).not.toContain('federated');
  });
});
