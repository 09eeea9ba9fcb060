import { describe, expect, it } from 'vitest';
import { InteractionLogBuilder } from '../../../src/core/data/interaction-log';
import type { InteractionColumns } from '../../../src/core/data/interaction-log';
import { EVENT_TYPES, eventTypeCode } from '../../../src/core/data/types';
import { DataError, OptionError } from '../../../src/core/errors';
import { fitCoOccurrence, MIN_INTENT_BASKETS } from '../../../src/core/models/co-occurrence';
import { assignBaskets } from '../../../src/core/models/session-baskets';
import { neighborsOf } from '../../../src/core/models/sparse-neighbors';

const VIEW = eventTypeCode('view');
const CART = eventTypeCode('cart');
const PURCHASE = eventTypeCode('purchase');
const DISMISS = eventTypeCode('dismiss');
const MIN = 60_000;

type Row = [user: number, item: number, type: number, timestamp: number];

function columnsOf(rows: readonly Row[]): InteractionColumns {
  const builder = new InteractionLogBuilder();
  for (const [user, item, type, timestamp] of rows) builder.push(user, item, type, NaN, timestamp);
  return builder.build();
}

/**
 * Rows deliberately out of order. Baskets (30 min gap): user 0 → A {0,1,2} (t 0–20 min),
 * B {0,3} (t 120–125 min); user 1 → C {0,1} (t 0–1 min), D {2,3} (untimed). User 2's item 4 at
 * t = 0 is alone: it shares a time, not a basket, with user 0.
 */
const ROWS: readonly Row[] = [
  [0, 1, CART, 10 * MIN],
  [1, 1, CART, 1 * MIN],
  [0, 3, CART, 125 * MIN],
  [1, 2, CART, NaN],
  [0, 0, CART, 0],
  [2, 4, CART, 0],
  [0, 2, PURCHASE, 20 * MIN],
  [1, 0, PURCHASE, 0],
  [0, 0, CART, 120 * MIN],
  [1, 3, PURCHASE, NaN],
  [0, 4, VIEW, 5 * MIN],
];

describe('assignBaskets', () => {
  const columns = columnsOf(ROWS);

  it('splits by user and by session gap, untimed rows in one basket per user', () => {
    const keep = new Uint8Array(columns.length).fill(1);
    keep[10] = 0; // the view
    const { basketOf, count } = assignBaskets(columns, keep, 30 * MIN);
    // Baskets are numbered user by user, in time order: A 0, B 1, C 2, D 3, user 2 → 4.
    expect(count).toBe(5);
    expect(Array.from(basketOf)).toEqual([0, 2, 1, 3, 0, 4, 0, 2, 1, 3, -1]);
  });

  it('starts a new basket at a gap of exactly sessionGapMs, not below', () => {
    const rows = columnsOf([
      [0, 0, CART, 0],
      [0, 1, CART, 999],
      [0, 2, CART, 1999],
    ]);
    const keep = new Uint8Array(3).fill(1);
    expect(Array.from(assignBaskets(rows, keep, 1000).basketOf)).toEqual([0, 0, 1]);
    expect(Array.from(assignBaskets(rows, keep, 1001).basketOf)).toEqual([0, 0, 0]);
    expect(Array.from(assignBaskets(rows, keep, Infinity).basketOf)).toEqual([0, 0, 0]);
  });
});

describe('fitCoOccurrence', () => {
  const columns = columnsOf(ROWS);
  const r6 = Math.sqrt(6);

  function list(model: ReturnType<typeof fitCoOccurrence>, item: number): [number, number][] {
    const { indices, scores } = neighborsOf(model.neighbors, item);
    return Array.from(indices, (j, k) => [j, scores[k]!]);
  }

  function expectList(actual: [number, number][], expected: [number, number][]): void {
    expect(actual.map(([j]) => j)).toEqual(expected.map(([j]) => j));
    actual.forEach(([, s], k) => expect(s).toBeCloseTo(expected[k]![1], 6));
  }

  // Support n = (3, 2, 2, 2, 1) over baskets A–D and user 2's; c01 = 2, c02 = c03 = c12 = c23 = 1.
  it('scores basket pairs by cosine, ties to the lower index', () => {
    const model = fitCoOccurrence(columns, {
      types: [CART, PURCHASE],
      minSupport: 1,
      shrinkage: 0,
    });
    expect(model.basketCount).toBe(5);
    expect(model.typesUsed).toEqual([CART, PURCHASE]);
    expect(Array.from(model.support)).toEqual([3, 2, 2, 2, 1]);
    expectList(list(model, 0), [
      [1, 2 / r6],
      [2, 1 / r6],
      [3, 1 / r6],
    ]);
    expectList(list(model, 1), [
      [0, 2 / r6],
      [2, 1 / 2],
    ]);
    expectList(list(model, 3), [
      [2, 1 / 2],
      [0, 1 / r6],
    ]);
    // Item 4 never shares a basket: user 2's cart and user 0's view are different baskets/types.
    expect(list(model, 4)).toEqual([]);
  });

  it('shrinks scores and drops pairs below minSupport', () => {
    const shrunk = fitCoOccurrence(columns, {
      types: [CART, PURCHASE],
      minSupport: 1,
      shrinkage: 2,
    });
    expectList(list(shrunk, 1), [
      [0, 2 / (r6 + 2)],
      [2, 1 / 4],
    ]);
    const supported = fitCoOccurrence(columns, {
      types: [CART, PURCHASE],
      minSupport: 2,
      shrinkage: 0,
    });
    expectList(list(supported, 0), [[1, 2 / r6]]);
    expect(list(supported, 2)).toEqual([]);
  });

  it('uses only the requested types and a longer gap merges sessions', () => {
    const withViews = fitCoOccurrence(columns, {
      types: [VIEW, CART, PURCHASE],
      minSupport: 1,
      shrinkage: 0,
    });
    // The view puts item 4 in basket A: n4 = 2, so 1 and 2 (n = 2) outrank 0 (n = 3).
    expectList(list(withViews, 4), [
      [1, 1 / 2],
      [2, 1 / 2],
      [0, 1 / r6],
    ]);
    const oneBasketPerUser = fitCoOccurrence(columns, {
      types: [CART, PURCHASE],
      sessionGapMs: Infinity,
      minSupport: 1,
      shrinkage: 0,
    });
    // User 0 now has one timed basket {0,1,2,3}; 1–3 co-occur there only.
    expect(oneBasketPerUser.basketCount).toBe(4);
    expect(list(oneBasketPerUser, 1).map(([j]) => j)).toContain(3);
  });

  it('falls back from cart+purchase to every type but dismiss when baskets are too few', () => {
    const rows: Row[] = [];
    const addUsers = (count: number): void => {
      for (let u = 0; u < count; u++) {
        rows.push(
          [u, 0, CART, 0],
          [u, 1, PURCHASE, MIN],
          [u, 2, VIEW, 2 * MIN],
          [u, 3, DISMISS, 3 * MIN],
        );
      }
    };
    addUsers(MIN_INTENT_BASKETS - 1);
    const few = fitCoOccurrence(columnsOf(rows), { shrinkage: 0 });
    expect(few.typesUsed).toEqual(EVENT_TYPES.map((_, c) => c).filter((c) => c !== DISMISS));
    expect(list(few, 2).map(([j]) => j)).toEqual([0, 1]);
    expect(list(few, 3)).toEqual([]);

    rows.length = 0;
    addUsers(MIN_INTENT_BASKETS);
    const enough = fitCoOccurrence(columnsOf(rows), { shrinkage: 0 });
    expect(enough.typesUsed).toEqual([CART, PURCHASE]);
    expect(list(enough, 0).map(([j]) => j)).toEqual([1]);
    expect(list(enough, 2)).toEqual([]);
  });

  it('rejects bad options and rows', () => {
    expect(() => fitCoOccurrence(columns, { sessionGapMs: 0 })).toThrow(OptionError);
    expect(() => fitCoOccurrence(columns, { types: [] })).toThrow(OptionError);
    expect(() => fitCoOccurrence(columns, { types: [EVENT_TYPES.length] })).toThrow(OptionError);
    expect(() => fitCoOccurrence(columns, { minSupport: 0 })).toThrow(OptionError);
    expect(() => fitCoOccurrence(columns, { numItems: 4 })).toThrow(/Row 5: item index 4/);
    expect(() => fitCoOccurrence(columnsOf([[0, -1, CART, 0]]))).toThrow(DataError);
  });
});
