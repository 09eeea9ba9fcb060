import { createElement, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  HearthRecs,
  useHearthRuntime,
  useRecommendations,
  type HearthRecsProps,
  type UseRecommendationsOptions,
  type UseRecommendationsResult,
} from '../../../src/widget/react';
import { sharedRuntime, type WidgetRuntime } from '../../../src/widget/shared-runtime';
import type { RecommendedItem } from '../../../src/widget/widget-types';
import {
  cleanUpWidgets,
  forgetDatabaseLater,
  freshRuntime,
  recordWorkers,
  widgetFixture,
  type WidgetFixture,
} from '../widget-fixtures';

const WAIT = { timeout: 15_000, interval: 20 };
let fx: WidgetFixture;
let root: Root | null = null;

beforeAll(async () => {
  fx = await widgetFixture();
});

afterEach(async () => {
  root?.unmount();
  root = null;
  vi.restoreAllMocks();
  await cleanUpWidgets();
});

function render(node: ReactNode): HTMLElement {
  const container = document.createElement('div');
  document.body.append(container);
  const r = createRoot(container);
  root = r;
  flushSync(() => r.render(node));
  return container;
}

function recs(props: HearthRecsProps): HTMLElement {
  freshRuntime({ modelSrc: fx.modelSrc, catalogSrc: fx.catalogSrc });
  return render(createElement(HearthRecs, props));
}

const region = (c: HTMLElement): HTMLElement => c.querySelector('section')!;
const ids = (c: HTMLElement): string[] =>
  [...c.querySelectorAll<HTMLElement>('li[data-item-id]')].map((li) => li.dataset.itemId!);

describe('<HearthRecs>', () => {
  it('renders a labelled region with a list of linked or button items', async () => {
    const c = recs({ type: 'trending', limit: 4 });
    expect(region(c).getAttribute('aria-busy')).toBe('true');
    await vi.waitFor(() => expect(region(c).dataset.status).toBe('ready'), WAIT);
    expect(region(c).getAttribute('role')).toBe('region');
    expect(region(c).getAttribute('aria-label')).toBe('Trending now');
    expect(region(c).dataset.source).toBe('trending');
    expect(c.querySelector('h2')?.textContent).toBe('Trending now');
    expect(ids(c)).toHaveLength(4);
    const first = c.querySelector<HTMLButtonElement>('li button')!;
    expect(first.tabIndex).toBe(0);
    expect(first.querySelector('img')?.alt).toBe(
      first.querySelector('.hearth-recs-title')?.textContent,
    );
  });

  it('applies classNames, translations, transformItems, itemComponent and headerComponent', async () => {
    const c = recs({
      type: 'popular',
      limit: 5,
      classNames: { root: 'r', list: 'l', item: 'i', title: 't', container: 'k' },
      translations: { title: 'Our bestsellers' },
      transformItems: (items: RecommendedItem[]) => items.slice(0, 2).reverse(),
      itemComponent: ({ item }) =>
        createElement('a', { href: `#${item.id}` }, `#${item.rank} ${item.title}`),
      headerComponent: ({ items, translations }) =>
        createElement('h3', { className: 'custom' }, `${translations.title} (${items.length})`),
    });
    await vi.waitFor(() => expect(region(c).dataset.status).toBe('ready'), WAIT);
    expect(region(c).className).toBe('hearth-recs r');
    expect(region(c).getAttribute('aria-label')).toBe('Our bestsellers');
    expect(c.querySelector('h3.custom')?.textContent).toBe('Our bestsellers (2)');
    expect(c.querySelector('ol')?.className).toBe('hearth-recs-list l');
    expect(c.querySelector('.k')).not.toBeNull();
    const links = [...c.querySelectorAll('li.i a')].map((a) => a.textContent);
    expect(links).toHaveLength(2);
    expect(links[0]).toMatch(/^#2 /);
    expect(links[1]).toMatch(/^#1 /);
  });

  it('tracks clicks (rows follow them) and calls onItemClick', async () => {
    const clicked: string[] = [];
    const c = recs({
      type: 'for-you',
      limit: 5,
      explain: true,
      onItemClick: (item) => clicked.push(item.id),
    });
    await vi.waitFor(() => expect(region(c).dataset.source).toMatch(/^fallback-/), WAIT);
    const target = c.querySelector<HTMLButtonElement>('li button')!;
    const id = target.closest('li')!.dataset.itemId!;
    target.click();
    expect(clicked).toEqual([id]);
    await vi.waitFor(() => expect(region(c).dataset.source).toBe('personal'), WAIT);
    expect(ids(c)).not.toContain(id);
    expect(c.querySelector('.hearth-recs-reason')?.textContent).toMatch(/^Because you viewed /);
  });

  it('moves focus with the arrow keys', async () => {
    const c = recs({ type: 'trending', limit: 3 });
    await vi.waitFor(() => expect(ids(c)).toHaveLength(3), WAIT);
    const buttons = [...c.querySelectorAll<HTMLButtonElement>('li button')];
    buttons[0]!.focus();
    buttons[0]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    expect(document.activeElement).toBe(buttons[1]);
    buttons[1]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    expect(document.activeElement).toBe(buttons[2]);
  });

  it('shows emptyComponent and logs once when the model cannot be loaded', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    freshRuntime({ modelSrc: '/missing/model.hearth', catalogSrc: fx.catalogSrc });
    const c = render(
      createElement(HearthRecs, {
        type: 'for-you',
        classNames: { emptyRoot: 'is-empty' },
        emptyComponent: () => createElement('p', { className: 'nothing' }, 'Nothing yet'),
      }),
    );
    await vi.waitFor(() => expect(region(c).dataset.status).toBe('error'), WAIT);
    expect(region(c).classList.contains('is-empty')).toBe(true);
    expect(c.querySelector('.nothing')?.textContent).toBe('Nothing yet');
    expect(c.querySelector('ol')).toBeNull();
    expect(error).toHaveBeenCalledTimes(1);
  });
});

describe('useRecommendations', () => {
  it('returns loading, then a fallback row, then the personal row after tracks', async () => {
    const seen: UseRecommendationsResult[] = [];
    function Probe(props: UseRecommendationsOptions): ReactNode {
      seen.push(useRecommendations(props));
      return null;
    }
    freshRuntime({ modelSrc: fx.modelSrc, catalogSrc: fx.catalogSrc });
    render(createElement(Probe, { type: 'for-you', limit: 5, consent: 'denied' }));
    expect(seen[0]).toMatchObject({ status: 'loading', items: [], source: null, error: null });
    await vi.waitFor(() => expect(seen.at(-1)?.status).toBe('ready'), WAIT);
    expect(seen.at(-1)!.source).toMatch(/^fallback-/);
    expect(seen.at(-1)!.items).toHaveLength(5);

    for (const itemId of ['i1', 'i5', 'i9']) await sharedRuntime().track({ itemId, type: 'cart' });
    await vi.waitFor(() => expect(seen.at(-1)?.source).toBe('personal'), WAIT);
    const personal = seen.at(-1)!.items;
    expect(
      personal.filter((item) => Number(item.id.slice(1)) % 4 === 1).length,
    ).toBeGreaterThanOrEqual(3);
    expect(personal.map((item) => item.rank)).toEqual([1, 2, 3, 4, 5]);
  });

  it('applies threshold and fallback: false', async () => {
    const last = new Map<string, UseRecommendationsResult>();
    function Probe(props: UseRecommendationsOptions): ReactNode {
      last.set(props.type, useRecommendations(props));
      return null;
    }
    freshRuntime({ modelSrc: fx.modelSrc, catalogSrc: fx.catalogSrc });
    render(
      createElement('div', null, [
        // A new visitor has no personal row: without fallback it is empty.
        createElement(Probe, { key: 'a', type: 'for-you', fallback: false }),
        // No trending score reaches +∞.
        createElement(Probe, {
          key: 'b',
          type: 'trending',
          limit: 10,
          threshold: Number.POSITIVE_INFINITY,
        }),
        createElement(Probe, { key: 'c', type: 'popular', limit: 10, threshold: 0 }),
      ]),
    );
    await vi.waitFor(() => {
      expect(last.get('for-you')).toMatchObject({ status: 'empty', source: 'none', items: [] });
      expect(last.get('trending')).toMatchObject({
        status: 'empty',
        source: 'trending',
        items: [],
      });
      expect(last.get('popular')?.status).toBe('ready');
    }, WAIT);
    expect(last.get('popular')!.items.length).toBeGreaterThan(0);
  });
});

describe('set-up hints and sharing the runtime', () => {
  it('marks data-problem="no-model" and warns once without modelSrc and a device model', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    freshRuntime({ catalogSrc: fx.catalogSrc });
    const seen: UseRecommendationsResult[] = [];
    function Probe(): ReactNode {
      seen.push(useRecommendations({ type: 'trending' }));
      return null;
    }
    const c = render(
      createElement('div', null, [
        createElement(HearthRecs, { key: 'a', type: 'for-you' }),
        createElement(Probe, { key: 'b' }),
      ]),
    );
    await vi.waitFor(() => expect(region(c).dataset.problem).toBe('no-model'), WAIT);
    await vi.waitFor(() => expect(seen.at(-1)?.problem?.code).toBe('no-model'), WAIT);
    expect(region(c).dataset.status).not.toBe('error');
    const hints = warn.mock.calls.map((m) => String(m[0])).filter((m) => m.includes('No model'));
    expect(hints).toHaveLength(1);
  });

  it('has no problem with a model', async () => {
    const c = recs({ type: 'popular' });
    await vi.waitFor(() => expect(region(c).dataset.status).toBe('ready'), WAIT);
    expect(region(c).dataset.problem).toBeUndefined();
  });

  it('useHearthRuntime gives your code the runtime (and the one worker) the rows use', async () => {
    const created = recordWorkers();
    forgetDatabaseLater('hearth');
    let mine: WidgetRuntime | null = null;
    function App(): ReactNode {
      mine = useHearthRuntime({ modelSrc: fx.modelSrc, catalogSrc: fx.catalogSrc });
      return createElement(HearthRecs, {
        type: 'popular',
        modelSrc: fx.modelSrc,
        catalogSrc: fx.catalogSrc,
      });
    }
    const c = render(createElement(App));
    await vi.waitFor(() => expect(region(c).dataset.status).toBe('ready'), WAIT);
    expect(mine).toBe(sharedRuntime());
    const report = await mine!.recommender.storage();
    expect(report.models).toBe(1);
    expect(created).toHaveLength(1);
    vi.unstubAllGlobals();
  });
});
