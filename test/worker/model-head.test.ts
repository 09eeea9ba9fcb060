import { afterEach, describe, expect, it } from 'vitest';
import { encodeBundle } from '../../src/core/bundle/bundle-file';
import { headOfBundle } from '../../src/core/bundle/head-bundle';
import { trainModelBundle } from '../../src/core/bundle/train-bundle';
import { createLocalRecommender } from '../../src/worker/local-recommender';
import type { Recommender, RecommenderEvent } from '../../src/worker/recommender-types';
import { plantedDataset } from '../fixtures/synthetic';
import { createMemoryStore } from './memory-store';

const started: Recommender[] = [];
afterEach(() => started.splice(0).forEach((r) => r.dispose()));

/** Serves the head at /m/model-head.hearth and the full model next to it (or a 503). */
async function files(o: { fullFails?: boolean; fullWaits?: Promise<void> } = {}) {
  const full = await trainModelBundle({ dataset: plantedDataset(), mf: { factors: 8, epochs: 3 } });
  const head = headOfBundle({ bundle: full, items: 8, fullModel: 'model.hearth' });
  const bodies = new Map([
    ['https://shop.example/m/model-head.hearth', encodeBundle(head, { itemFactors: 'int8' })],
    ['https://shop.example/m/model.hearth', encodeBundle(full, { itemFactors: 'int8' })],
  ]);
  const requests: string[] = [];
  const fetch = async (url: string): Promise<Response> => {
    requests.push(url);
    if (url.endsWith('/model.hearth')) await o.fullWaits;
    const body = bodies.get(url);
    if (!body || (o.fullFails && url.endsWith('/model.hearth')))
      return new Response('', { status: 503 });
    return new Response(body.slice().buffer);
  };
  return { full, head, requests, fetch };
}

function start(fetch: (url: string) => Promise<Response>, dbName: string) {
  const r = createLocalRecommender(
    { dbName, modelUrl: '/m/model-head.hearth', fineTuneAfterEvents: 0 },
    {
      createStore: createMemoryStore,
      fetch,
      baseUrl: 'https://shop.example/page',
      scheduleIdle: () => () => undefined,
    },
  );
  started.push(r);
  const events: RecommenderEvent[] = [];
  r.on((e) => events.push(e));
  return { r, events };
}

const popular = (r: Recommender) => r.recommend({ type: 'popular', k: 30 });

describe('a model head', () => {
  it('serves the head first, then stores and serves the full model it names', async () => {
    const { full, requests, fetch } = await files();
    const { r, events } = start(fetch, 'head-1');
    await r.ready();
    expect(events).toContainEqual({ type: 'model-changed', version: 1, source: 'loaded' });
    await expect.poll(() => events.filter((e) => e.type === 'model-changed').length).toBe(2);
    expect(events).toContainEqual({ type: 'model-changed', version: 2, source: 'loaded' });
    expect((await popular(r)).items.length).toBe(Math.min(30, full.itemIds.length));
    expect(requests).toEqual([
      'https://shop.example/m/model-head.hearth',
      'https://shop.example/m/model.hearth',
    ]);
    // The next start serves the stored full model and downloads nothing.
    const again = start(fetch, 'head-1');
    await again.r.ready();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(requests).toHaveLength(2);
  });

  it('does not replace a model the device got while the full model was on its way', async () => {
    let release: () => void = () => undefined;
    const waits = new Promise<void>((resolve) => (release = resolve));
    const { full, requests, fetch } = await files({ fullWaits: waits });
    const { r, events } = start(fetch, 'head-3');
    await r.ready();
    // A model of the device's own (here: 5 items, not a head) lands before the full model.
    const { head: _head, ...own } = headOfBundle({ bundle: full, items: 5, fullModel: 'x' });
    expect(await r.loadModel(encodeBundle(own))).toBe(2);
    release();
    await expect.poll(() => requests.length).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events.filter((e) => e.type === 'model-changed').map((e) => e.version)).toEqual([1, 2]);
    expect((await popular(r)).items).toHaveLength(5);
  });

  it('keeps serving the head when the full model cannot be loaded, and says so', async () => {
    const { fetch } = await files({ fullFails: true });
    const { r, events } = start(fetch, 'head-2');
    await r.ready();
    await expect
      .poll(() => events.find((e) => e.type === 'storage'))
      .toMatchObject({
        message: expect.stringMatching(/full model could not be loaded.*HTTP 503/),
      });
    expect((await popular(r)).items).toHaveLength(8);
  });
});
