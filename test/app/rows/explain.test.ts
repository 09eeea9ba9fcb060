import { describe, expect, it } from 'vitest';
import type { EventType } from '../../../src/core/data/types';
import type { RankedItem } from '../../../src/core/serve/rank-items';
import {
  describeSource,
  explainItem,
  isFallback,
  type ExplanationContext,
} from '../../../src/app/rows/explain';
import { enteredIds } from '../../../src/app/rows/use-row';
import { nextIndex } from '../../../src/app/rows/use-roving-focus';

const TITLES: Record<string, string> = { a: 'Oak Desk', b: 'Aster Lamp', c: 'Linen Throw' };
const ACTIONS: Record<string, EventType> = { a: 'view', b: 'cart', c: 'purchase' };

function ctx(source: ExplanationContext['source']): ExplanationContext {
  return { source, titleOf: (id) => TITLES[id] ?? id, actionOf: (id) => ACTIONS[id] };
}

const item = (...reasons: [string, number][]): RankedItem => ({
  index: 0,
  id: 'x',
  score: 1,
  reasons: reasons.map(([itemId, weight], itemIndex) => ({ itemId, weight, itemIndex })),
});

describe('explainItem', () => {
  it('names what the visitor did with the reason items of a personal row', () => {
    expect(explainItem(item(['a', 1]), ctx('personal'))).toBe('Because you viewed Oak Desk');
    expect(explainItem(item(['b', 1]), ctx('personal'))).toBe(
      'Because you put Aster Lamp in your cart',
    );
    expect(explainItem(item(['c', 0.7], ['a', 0.3]), ctx('personal'))).toBe(
      'Because you bought Linen Throw (70%) and viewed Oak Desk (30%)',
    );
    expect(explainItem(item(['zz', 1]), ctx('personal'))).toBe('Because you looked at zz');
  });

  it('summarises reasons beyond two', () => {
    expect(explainItem(item(['a', 0.5], ['b', 0.3], ['c', 0.2]), ctx('similar'))).toBe(
      'Similar to Oak Desk (50%) and Aster Lamp (30%) and 1 more',
    );
  });

  it('words each source', () => {
    expect(explainItem(item(['a', 1]), ctx('co-occurrence'))).toBe('Often bought with Oak Desk');
    expect(explainItem(item(['a', 1]), ctx('fallback-category'))).toBe('Same category as Oak Desk');
    expect(explainItem(item(), ctx('trending'))).toBe('Trending with shoppers right now');
    expect(explainItem(item(), ctx('fallback-popularity'))).toBe('Popular with shoppers');
    expect(explainItem(item(), ctx('none'))).toBe('Recommended for this page');
  });
});

describe('row sources', () => {
  it('labels personal rows and says which fallback filled in', () => {
    expect(describeSource('for-you', 'personal')).toBe(
      'Personalised on this device from your events',
    );
    expect(describeSource('for-you', 'fallback-trending')).toBe(
      'Fallback: not enough data about your history yet, showing what is trending',
    );
    expect(describeSource('bought-together', 'fallback-similar')).toContain('about these items');
    expect(isFallback('fallback-category')).toBe(true);
    expect(isFallback('none')).toBe(true);
    expect(isFallback('personal')).toBe(false);
  });
});

describe('row refreshes and keyboard movement', () => {
  const row = (...ids: string[]) => ({
    type: 'for-you' as const,
    source: 'personal' as const,
    items: ids.map((id, index) => ({ index, id, score: 1, reasons: [] })),
    unknownItems: [],
  });

  it('marks only the items that entered the row', () => {
    expect([...enteredIds(row('a', 'b'), row('b', 'c', 'd'))]).toEqual(['c', 'd']);
    expect([...enteredIds(undefined, row('a'))]).toEqual([]);
    expect([...enteredIds(row('a', 'b'), row('b', 'a'))]).toEqual([]);
  });

  it('moves within bounds and ignores other keys', () => {
    expect(nextIndex('ArrowRight', 0, 3)).toBe(1);
    expect(nextIndex('ArrowRight', 2, 3)).toBe(2);
    expect(nextIndex('ArrowLeft', 0, 3)).toBe(0);
    expect(nextIndex('End', 0, 3)).toBe(2);
    expect(nextIndex('Home', 2, 3)).toBe(0);
    expect(nextIndex('Enter', 1, 3)).toBeNull();
    expect(nextIndex('ArrowRight', 0, 0)).toBeNull();
  });
});
