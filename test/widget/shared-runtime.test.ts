import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RowRequest, RowResult } from '../../src/core/serve/row-types';
import type { Recommender, RecommenderEvent, TrackEvent } from '../../src/worker/recommender-types';
import {
  MEMORY_HISTORY_LIMIT,
  NO_MODEL_MESSAGE,
  createWidgetRuntime,
  disposeSharedRuntime,
  peekSharedRuntime,
  sharedRuntime,
  type WidgetRuntimeEvent,
} from '../../src/widget/shared-runtime';

/** A recommender that records calls; `catalogItems` / `models` say what the device already has. */
function fakeRecommender(o: { catalogItems?: number; models?: number; failReady?: Error } = {}) {
  const calls = {
    recommend: [] as RowRequest[],
    track: [] as TrackEvent[],
    imported: [] as string[],
    erased: 0,
    disposed: 0,
  };
  const listeners = new Set<(e: RecommenderEvent) => void>();
  const ready = o.failReady ? Promise.reject(o.failReady) : Promise.resolve();
  ready.catch(() => undefined);
  const r = {
    ready: () => ready,
    recommend: async (request: RowRequest): Promise<RowResult> => {
      calls.recommend.push(request);
      return { type: request.type, source: 'trending', items: [], unknownItems: [] };
    },
    track: async (event: TrackEvent) => {
      calls.track.push(event);
      for (const l of listeners) l({ type: 'history-changed', events: calls.track.length });
    },
    storage: async () => ({ catalogItems: o.catalogItems ?? 0, models: o.models ?? 0 }),
    importCatalog: async (input: string) => {
      calls.imported.push(input);
      return {};
    },
    eraseAll: async () => {
      calls.erased++;
      return { remainingDatabases: [], remainingCaches: [] };
    },
    on: (l: (e: RecommenderEvent) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    dispose: () => {
      calls.disposed++;
    },
  } as unknown as Recommender;
  return { r, calls, emit: (e: RecommenderEvent) => listeners.forEach((l) => l(e)) };
}

const okFetch = (body: string) => vi.fn(async () => new Response(body));

afterEach(() => disposeSharedRuntime());

describe('createWidgetRuntime', () => {
  it('passes the model URL (absolute) but imports the catalog itself when the device has none', async () => {
    const fake = fakeRecommender();
    const create = vi.fn(() => fake.r);
    const runtime = createWidgetRuntime({
      modelSrc: '/m/model.hearth',
      catalogSrc: '/m/catalog.json',
      dbName: 'db1',
      createRecommender: create,
      fetch: okFetch('[{"id":"a","title":"A"},{"id":"b"}]'),
    });
    expect(create).toHaveBeenCalledWith({
      dbName: 'db1',
      modelUrl: 'http://localhost/m/model.hearth',
    });
    expect(runtime.sources).toEqual({
      modelSrc: 'http://localhost/m/model.hearth',
      catalogSrc: 'http://localhost/m/catalog.json',
    });
    const events: WidgetRuntimeEvent[] = [];
    runtime.on((e) => events.push(e));
    await runtime.ready();
    // Rows do not wait for the import; it follows in the background and announces itself.
    await vi.waitFor(() => expect(events).toEqual([{ type: 'catalog-changed' }]));
    expect(fake.calls.imported).toEqual(['{"id":"a","title":"A"}\n{"id":"b"}']);
    expect((await runtime.catalog()).get('a')?.title).toBe('A');
  });

  it('does not import a catalog the device already has, and downloads it once', async () => {
    const fake = fakeRecommender({ catalogItems: 5 });
    const fetch = okFetch('{"id":"a"}');
    const runtime = createWidgetRuntime({
      catalogSrc: '/c.jsonl',
      createRecommender: () => fake.r,
      fetch,
    });
    await runtime.ready();
    await runtime.catalog();
    await runtime.catalog();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.calls.imported).toEqual([]);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('keeps events in memory without consent and folds them into for-you rows only', async () => {
    const fake = fakeRecommender();
    const runtime = createWidgetRuntime({ createRecommender: () => fake.r });
    const events: WidgetRuntimeEvent[] = [];
    runtime.on((e) => events.push(e));
    await runtime.track({ itemId: 'a', type: 'view' });
    await runtime.track({ itemId: 'b', type: 'cart' });
    expect(fake.calls.track).toEqual([]);
    expect(events).toEqual([
      { type: 'history-changed', events: 1 },
      { type: 'history-changed', events: 2 },
    ]);
    await runtime.recommend({ type: 'for-you', history: [{ itemId: 'x' }], k: 3 });
    await runtime.recommend({ type: 'trending', k: 3 });
    expect(fake.calls.recommend[0]).toEqual({
      type: 'for-you',
      k: 3,
      history: [{ itemId: 'x' }, { itemId: 'a', type: 'view' }, { itemId: 'b', type: 'cart' }],
    });
    expect(fake.calls.recommend[1]).toEqual({ type: 'trending', k: 3 });
  });

  it('caps the memory history', async () => {
    const fake = fakeRecommender();
    const runtime = createWidgetRuntime({ createRecommender: () => fake.r });
    for (let i = 0; i < MEMORY_HISTORY_LIMIT + 5; i++)
      await runtime.track({ itemId: `i${i}`, type: 'view' });
    await runtime.recommend({ type: 'for-you', history: [], k: 1 });
    const history = (fake.calls.recommend[0] as unknown as { history: { itemId: string }[] })
      .history;
    expect(history).toHaveLength(MEMORY_HISTORY_LIMIT);
    expect(history[0]!.itemId).toBe('i5');
  });

  it('stores events with consent and announces consent changes', async () => {
    const fake = fakeRecommender();
    const runtime = createWidgetRuntime({ createRecommender: () => fake.r });
    const events: WidgetRuntimeEvent[] = [];
    runtime.on((e) => events.push(e));
    runtime.setConsent('granted');
    runtime.setConsent('granted');
    await runtime.track({ itemId: 'a', type: 'purchase' });
    expect(fake.calls.track).toEqual([{ itemId: 'a', type: 'purchase' }]);
    expect(events).toEqual([
      { type: 'consent-changed', consent: 'granted' },
      { type: 'history-changed', events: 1 },
    ]);
  });

  it('refuses malformed events', async () => {
    const runtime = createWidgetRuntime({ createRecommender: () => fakeRecommender().r });
    await expect(runtime.track({ itemId: '', type: 'view' })).rejects.toMatchObject({
      code: 'INVALID_ROW',
    });
    await expect(runtime.track({ itemId: 'a', type: 'like' as 'view' })).rejects.toThrow(
      /type must be one of/,
    );
  });

  it('erase wipes memory and storage, then starts a fresh recommender', async () => {
    const first = fakeRecommender();
    const second = fakeRecommender();
    const made = [first, second];
    const runtime = createWidgetRuntime({ createRecommender: () => made.shift()!.r });
    await runtime.track({ itemId: 'a', type: 'view' });
    const events: WidgetRuntimeEvent[] = [];
    runtime.on((e) => events.push(e));
    expect(await runtime.erase()).toEqual({ remainingDatabases: [], remainingCaches: [] });
    expect(first.calls).toMatchObject({ erased: 1, disposed: 1 });
    await runtime.recommend({ type: 'for-you', history: [], k: 2 });
    expect(second.calls.recommend).toEqual([{ type: 'for-you', history: [], k: 2 }]);
    expect(events).toEqual([{ type: 'history-changed', events: 0 }]);
    // Events of the old recommender no longer reach subscribers.
    first.emit({ type: 'model-changed', version: 9, source: 'loaded' });
    expect(events).toHaveLength(1);
  });

  it('rejects rows when the model cannot load, and contains failing listeners', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const fake = fakeRecommender({ failReady: new Error('no model') });
    const runtime = createWidgetRuntime({ createRecommender: () => fake.r });
    await expect(runtime.recommend({ type: 'trending', k: 1 })).rejects.toThrow('no model');
    const seen: string[] = [];
    runtime.on(() => {
      throw new Error('listener bug');
    });
    runtime.on((e) => seen.push(e.type));
    await runtime.track({ itemId: 'a', type: 'view' });
    expect(seen).toEqual(['history-changed']);
    expect(error).toHaveBeenCalledTimes(1);
    error.mockRestore();
  });
});

describe('sharedRuntime', () => {
  it('creates one runtime per page, shared across callers, until disposed', () => {
    const create = vi.fn(() => fakeRecommender().r);
    expect(peekSharedRuntime()).toBeNull();
    const a = sharedRuntime({ modelSrc: '/a.hearth', createRecommender: create });
    const b = sharedRuntime({ modelSrc: '/b.hearth', createRecommender: create });
    expect(b).toBe(a);
    expect(a.sources.modelSrc).toBe('http://localhost/a.hearth');
    expect(create).toHaveBeenCalledTimes(1);
    disposeSharedRuntime();
    expect(peekSharedRuntime()).toBeNull();
    expect(sharedRuntime({ createRecommender: create })).not.toBe(a);
  });
});

describe('setupProblem', () => {
  it('reports no-model once when the page names no model and the device has none', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const runtime = createWidgetRuntime({ createRecommender: () => fakeRecommender().r });
    const problem = await runtime.setupProblem();
    expect(problem).toEqual({ code: 'no-model', message: NO_MODEL_MESSAGE });
    expect(problem?.message).toMatch(/npx hearth-recs train .*model-src=/);
    await runtime.setupProblem();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain('No model');
    warn.mockRestore();
  });

  it('has nothing to say with a model file, a stored model, or a runtime that failed', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const withSrc = createWidgetRuntime({
      modelSrc: '/m.hearth',
      createRecommender: () => fakeRecommender().r,
    });
    const stored = createWidgetRuntime({
      createRecommender: () => fakeRecommender({ models: 1 }).r,
    });
    const broken = createWidgetRuntime({
      createRecommender: () => fakeRecommender({ failReady: new Error('no storage') }).r,
    });
    expect(await withSrc.setupProblem()).toBeNull();
    expect(await stored.setupProblem()).toBeNull();
    expect(await broken.setupProblem()).toBeNull();
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('checks again after the model changes (e.g. the device trained one)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const device = { models: 0 };
    const fake = fakeRecommender();
    (fake.r as { storage: () => Promise<unknown> }).storage = async () => ({ ...device });
    const runtime = createWidgetRuntime({ createRecommender: () => fake.r });
    expect((await runtime.setupProblem())?.code).toBe('no-model');
    device.models = 1;
    expect((await runtime.setupProblem())?.code).toBe('no-model');
    fake.emit({ type: 'model-changed', version: 1, source: 'trained' });
    expect(await runtime.setupProblem()).toBeNull();
    warn.mockRestore();
  });
});

describe('recommender', () => {
  it('is the one recommender rows come from, replaced after erase', async () => {
    const first = fakeRecommender();
    const second = fakeRecommender();
    const made = [first, second];
    const create = vi.fn(() => made.shift()!.r);
    const runtime = sharedRuntime({ createRecommender: create });
    expect(sharedRuntime().recommender).toBe(first.r);
    await runtime.erase();
    expect(runtime.recommender).toBe(second.r);
    expect(create).toHaveBeenCalledTimes(2);
  });
});
