import { describe, expect, it } from 'vitest';
import { eventTypeCode } from '../../src/core/data/types';
import { OptionError } from '../../src/core/errors';
import {
  complementNeighbours,
  DEMO_LEAVES,
  eventsToDataset,
  eventsToInteractions,
  generateCatalog,
  generateDemoData,
  simulateShoppers,
} from '../../src/core/demo-data';

const VIEW = eventTypeCode('view');
const CLICK = eventTypeCode('click');
const CART = eventTypeCode('cart');
const PURCHASE = eventTypeCode('purchase');
const DAY = 86_400_000;

describe('simulateShoppers', () => {
  const catalog = generateCatalog();
  const events = simulateShoppers({ catalog, shoppers: 1500 });
  const { users, items, types, timestamps, length } = events.columns;

  it('is deterministic for a seed and differs between seeds', () => {
    const again = simulateShoppers({ catalog, shoppers: 1500 });
    expect(again.columns.length).toBe(length);
    expect(Array.from(again.columns.items)).toEqual(Array.from(items));
    expect(Array.from(again.columns.timestamps)).toEqual(Array.from(timestamps));
    const other = simulateShoppers({ catalog, shoppers: 1500, seed: 8 });
    expect(Array.from(other.columns.items.subarray(0, 50))).not.toEqual(
      Array.from(items.subarray(0, 50)),
    );
  });

  it('makes 150k–250k events for the default 3,000 shoppers', () => {
    const { events: full, manifest } = generateDemoData();
    expect(full.userIds).toHaveLength(3000);
    expect(full.columns.length).toBeGreaterThan(150_000);
    expect(full.columns.length).toBeLessThan(250_000);
    expect(manifest.events).toBe(full.columns.length);
    expect(manifest.shoppers).toBe(3000);
    expect(manifest.products).toBe(2400);
  });

  it('references existing shoppers and products, in time order inside the window', () => {
    expect(events.itemIds).toEqual(catalog.items.map((item) => item.id));
    expect(events.endTime - events.startTime).toBe(90 * DAY);
    const seen = new Uint8Array(events.userIds.length);
    let badItems = 0;
    let outOfOrder = 0;
    for (let e = 0; e < length; e++) {
      if (items[e]! < 0 || items[e]! >= catalog.items.length) badItems++;
      if (e > 0 && timestamps[e]! < timestamps[e - 1]!) outOfOrder++;
      seen[users[e]!] = 1;
    }
    expect(badItems).toBe(0);
    expect(outOfOrder).toBe(0);
    expect(seen.every((s) => s === 1)).toBe(true);
    expect(timestamps[0]!).toBeGreaterThanOrEqual(events.startTime);
    expect(timestamps[length - 1]!).toBeLessThan(events.endTime);
    expect(timestamps.every((t) => t % 1000 === 0)).toBe(true);
  });

  it('follows the funnel: views > clicks > carts > purchases, and nothing bought unseen', () => {
    const counts = [0, 0, 0, 0];
    const stage = new Map<number, number>();
    for (let e = 0; e < length; e++) {
      const type = types[e]!;
      counts[type]!++;
      const key = users[e]! * catalog.items.length + items[e]!;
      const reached = stage.get(key) ?? -1;
      // A click needs a view, a cart a click, a purchase a cart — earlier, by the same shopper.
      if (type > VIEW && reached < type - 1)
        throw new Error(`row ${e}: type ${type} after ${reached}`);
      stage.set(key, Math.max(reached, type));
    }
    expect(counts[VIEW]).toBeGreaterThan(counts[CLICK]!);
    expect(counts[CLICK]).toBeGreaterThan(counts[CART]!);
    expect(counts[CART]).toBeGreaterThan(counts[PURCHASE]!);
    expect(counts[PURCHASE]).toBeGreaterThan(0.03 * length);
  });

  it('buys complements together far more often than other pairs of subcategories', () => {
    const leaves = DEMO_LEAVES.length;
    const shoppers = events.userIds.length;
    const bought = new Uint8Array(shoppers * leaves);
    for (let e = 0; e < length; e++) {
      if (types[e] === PURCHASE) bought[users[e]! * leaves + catalog.traits.leaf[items[e]!]!] = 1;
    }
    const buyers = new Float64Array(leaves);
    for (let u = 0; u < shoppers; u++)
      for (let l = 0; l < leaves; l++) buyers[l]! += bought[u * leaves + l]!;
    const lift = (a: number, b: number): number => {
      let both = 0;
      for (let u = 0; u < shoppers; u++) both += bought[u * leaves + a]! & bought[u * leaves + b]!;
      return (both * shoppers) / Math.max(1, buyers[a]! * buyers[b]!);
    };
    const neighbours = complementNeighbours();
    let complementLift = 0;
    let complementPairs = 0;
    let otherLift = 0;
    let otherPairs = 0;
    for (let a = 0; a < leaves; a++) {
      for (let b = a + 1; b < leaves; b++) {
        if (neighbours[a]!.includes(b)) {
          complementLift += lift(a, b);
          complementPairs++;
        } else {
          otherLift += lift(a, b);
          otherPairs++;
        }
      }
    }
    expect(complementLift / complementPairs).toBeGreaterThan(5 * (otherLift / otherPairs));
  });

  it('spikes the trending products in the last week', () => {
    expect(events.trending.length).toBe(6);
    const lastWeek = events.endTime - 7 * DAY;
    for (const item of events.trending) {
      let before = 0;
      let after = 0;
      for (let e = 0; e < length; e++) {
        if (items[e] !== item) continue;
        if (timestamps[e]! >= lastWeek) after++;
        else before++;
      }
      // Per week, the last one has several times the events of an average earlier week.
      expect(after, catalog.items[item]!.id).toBeGreaterThan(4 * ((before / 83) * 7) + 10);
    }
  });

  it('has a daily and weekly rhythm', () => {
    const hours = new Float64Array(24);
    const weekdays = new Float64Array(7);
    for (let e = 0; e < length; e++) {
      const date = new Date(timestamps[e]!);
      hours[date.getUTCHours()]!++;
      weekdays[date.getUTCDay()]!++;
    }
    expect(hours[20]!).toBeGreaterThan(5 * hours[4]!);
    expect(weekdays[6]!).toBeGreaterThan(1.15 * weekdays[2]!);
  });

  it('converts to an engine dataset and to Interaction rows', () => {
    const dataset = eventsToDataset(events);
    expect(dataset.userVocab.size).toBe(1500);
    expect(dataset.itemVocab.idAt(0)).toBe('p0001');
    const rows = eventsToInteractions(events);
    expect(rows).toHaveLength(length);
    expect(rows[0]).toEqual({
      userId: events.userIds[users[0]!],
      itemId: events.itemIds[items[0]!],
      type: 'view',
      timestamp: timestamps[0],
    });
  });

  it('rejects bad options with OptionError', () => {
    expect(() => simulateShoppers({ catalog, shoppers: 0 })).toThrow(OptionError);
    expect(() => simulateShoppers({ catalog, days: 3 })).toThrow(/days/);
    expect(() => simulateShoppers({ catalog, trending: -1 })).toThrow(/trending/);
  });
});
