import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RowResult } from '../../../src/core/serve/row-types';
import { RecommendationRow } from '../../../src/app/rows/recommendation-row';
import { toProduct, type Product } from '../../../src/app/storefront/product';
import { createFakeRecommender, fakeBinding } from '../fake-recommender';
import { cleanup, perform, render } from '../render';

afterEach(cleanup);

const TITLES: Record<string, string> = {
  a: 'Oak Desk',
  b: 'Aster Lamp',
  c: 'Linen Throw',
  d: 'Clay Vase',
};
const productOf = (id: string): Product => toProduct({ id, title: TITLES[id] ?? id, price: 10 });

const item = (id: string, index: number, reasons: string[] = []) => ({
  index,
  id,
  score: 1 - index / 10,
  reasons: reasons.map((itemId, i) => ({ itemIndex: i, itemId, weight: 1 / reasons.length })),
});

const FALLBACK: RowResult = {
  type: 'for-you',
  source: 'fallback-popularity',
  items: [item('a', 0), item('b', 1), item('c', 2)],
  unknownItems: [],
};

const PERSONAL: RowResult = {
  type: 'for-you',
  source: 'personal',
  items: [item('b', 1, ['a']), item('d', 3, ['a']), item('c', 2, ['a'])],
  unknownItems: [],
};

function setup(hide?: string[]) {
  let answer = FALLBACK;
  const recommender = createFakeRecommender({ recommend: () => Promise.resolve(answer) });
  const binding = fakeBinding(recommender);
  const onActivate = vi.fn();
  const element = createElement(RecommendationRow, {
    binding,
    request: { type: 'for-you', history: [], k: 3 },
    title: 'Recommended for you',
    productOf,
    actionOf: (id: string) => (id === 'a' ? 'view' : undefined),
    hrefOf: (id: string) => `#/p/${id}`,
    onActivate,
    ...(hide && { hide }),
  });
  return {
    recommender,
    onActivate,
    element,
    setAnswer: (row: RowResult) => (answer = row),
  };
}

const cardIds = (root: HTMLElement): string[] =>
  [...root.querySelectorAll<HTMLElement>('li.rec-card')].map((li) => li.dataset['itemId'] ?? '');

describe('RecommendationRow', () => {
  it('renders a fallback row with its source and an explanation per card', async () => {
    const { element } = setup();
    const { container } = await render(element);
    await vi.waitFor(() => expect(cardIds(container)).toEqual(['a', 'b', 'c']));
    const section = container.querySelector('section')!;
    expect(section.dataset['source']).toBe('fallback-popularity');
    expect(section.textContent).toContain('Fallback: not enough data about your history yet');
    expect(container.querySelector('h2')?.textContent).toBe('Recommended for you');
    const first = container.querySelector<HTMLAnchorElement>('li.rec-card a')!;
    expect(first.getAttribute('href')).toBe('#/p/a');
    expect(first.textContent).toContain('Oak Desk');
    const why = document.getElementById(first.getAttribute('aria-describedby')!);
    expect(why?.textContent).toBe('Popular with shoppers');
  });

  it('refetches after a history change and marks the items that entered', async () => {
    const { element, recommender, setAnswer } = setup();
    const { container } = await render(element);
    await vi.waitFor(() => expect(cardIds(container)).toEqual(['a', 'b', 'c']));
    setAnswer(PERSONAL);
    await perform(() => recommender.emit({ type: 'history-changed', events: 1 }));
    await vi.waitFor(() => expect(cardIds(container)).toEqual(['b', 'd', 'c']));
    const section = container.querySelector('section')!;
    expect(section.dataset['source']).toBe('personal');
    expect(section.dataset['changes']).toBe('1');
    const fresh = [...container.querySelectorAll<HTMLElement>('li.rec-card--new')].map(
      (li) => li.dataset['itemId'],
    );
    expect(fresh).toEqual(['d']);
    expect(section.textContent).toContain('Updated after your last click: 1 new');
    expect(container.querySelector('li[data-item-id="b"] .rec-card__why')?.textContent).toBe(
      'Because you viewed Oak Desk',
    );
    expect(recommender.requests).toHaveLength(2);
  });

  it('is one tab stop; arrow keys, Home and End move focus between cards', async () => {
    const { element } = setup();
    const { container } = await render(element);
    await vi.waitFor(() => expect(cardIds(container)).toHaveLength(3));
    const links = [...container.querySelectorAll<HTMLAnchorElement>('li.rec-card a')];
    expect(links.map((l) => l.tabIndex)).toEqual([0, -1, -1]);
    await perform(() => links[0]!.focus());
    const press = (key: string) =>
      perform(() => {
        document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      });
    await press('ArrowRight');
    expect(document.activeElement).toBe(links[1]);
    expect(links.map((l) => l.tabIndex)).toEqual([-1, 0, -1]);
    await press('End');
    expect(document.activeElement).toBe(links[2]);
    await press('ArrowRight');
    expect(document.activeElement).toBe(links[2]);
    await press('Home');
    expect(document.activeElement).toBe(links[0]);
  });

  it('reports the clicked product (the storefront tracks it as a click)', async () => {
    const { element, onActivate } = setup();
    const { container } = await render(element);
    await vi.waitFor(() => expect(cardIds(container)).toHaveLength(3));
    const link = container.querySelector<HTMLAnchorElement>('li[data-item-id="b"] a')!;
    // Keep the test page where it is: only the handler matters here.
    link.addEventListener('click', (event) => event.preventDefault());
    await perform(() => link.click());
    expect(onActivate).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'b', title: 'Aster Lamp' }),
    );
  });

  it('never shows hidden items (the product on the page)', async () => {
    const { element, recommender } = setup(['b']);
    const { container } = await render(element);
    await vi.waitFor(() => expect(cardIds(container)).toEqual(['a', 'c']));
    expect(recommender.requests[0]).toEqual({ type: 'for-you', history: [], k: 3 });
  });

  it('shows a failing row as an alert with the message', async () => {
    const recommender = createFakeRecommender({
      recommend: () => Promise.reject(new Error('the model file is corrupt')),
    });
    const { container } = await render(
      createElement(RecommendationRow, {
        binding: fakeBinding(recommender),
        request: { type: 'trending', k: 3 },
        title: 'Trending now',
        productOf,
        actionOf: () => undefined,
      }),
    );
    await vi.waitFor(() =>
      expect(container.querySelector('[role="alert"]')?.textContent).toContain(
        'Could not load “Trending now”: the model file is corrupt',
      ),
    );
  });
});
