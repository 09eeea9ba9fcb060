import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OptionError } from '../../../src/core/errors';
import {
  catalogToJsonl,
  createShopperChoice,
  eventsToCsv,
  generateCatalog,
  generateDemoData,
  runShoppers,
  simulateShoppers,
  type ShopperTaste,
} from '../../../src/core/demo-data';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

describe('demo data across the shopper-model refactor', () => {
  it('generates the same files as before the choice model was split out', () => {
    // Hashes recorded before shopper-taste.ts / shopper-choice.ts existed.
    const demo = generateDemoData({ seed: 11, shoppers: 800 });
    expect(sha(eventsToCsv(demo.events))).toBe('9424fc07e761c297');
    expect(sha(catalogToJsonl(demo.catalog.items))).toBe('f95b95437f0360ad');
    expect(sha(JSON.stringify(demo.manifest))).toBe('9673741b313cb68c');
  });

  it('streams the same large-catalog events (shelves) as before', () => {
    const catalog = generateCatalog({ seed: 3, products: 5000 });
    const out: number[] = [];
    runShoppers(
      { catalog, shoppers: 2000, shelf: 24 },
      { push: (u, i, t, _v, ts) => void out.push(u, i, t, ts) },
    );
    expect(sha(out.join(','))).toBe('89d924d25f49f696');
  });
});

describe('createShopperChoice', () => {
  const catalog = generateCatalog({ seed: 5 });
  const tastes = (): ShopperTaste[] => {
    const drawn: ShopperTaste[] = [];
    simulateShoppers({ catalog, shoppers: 40, onShopper: (_u, taste) => drawn.push(taste) });
    return drawn;
  };

  it('hands out every shopper taste once, in order, without changing the events', () => {
    const users: number[] = [];
    const events = simulateShoppers({ catalog, shoppers: 40, onShopper: (u) => users.push(u) });
    expect(users).toEqual(Array.from({ length: 40 }, (_, u) => u));
    expect(eventsToCsv(events)).toBe(eventsToCsv(simulateShoppers({ catalog, shoppers: 40 })));
  });

  it('is deterministic per seed: the same shoppers give the same chances', () => {
    const choice = createShopperChoice({ catalog });
    const row = [0, 5, 17, 230, 999, 1500, 2000, 2399];
    const first = tastes().map((taste) => choice.rowChances(taste, row));
    const again = tastes().map((taste) => createShopperChoice({ catalog }).rowChances(taste, row));
    expect(again).toEqual(first);
    expect(first[0]!.click).not.toEqual(first[1]!.click);
  });

  it('gives nested chances in [0, 1], nothing bought out of stock, and prices from the catalog', () => {
    const choice = createShopperChoice({ catalog });
    const row = Array.from({ length: 40 }, (_, r) => r * 60);
    for (const taste of tastes()) {
      const c = choice.rowChances(taste, row);
      row.forEach((i, r) => {
        expect(c.click[r]).toBeGreaterThanOrEqual(0);
        expect(c.click[r]).toBeLessThanOrEqual(1);
        expect(c.cart[r]).toBeLessThanOrEqual(c.click[r]!);
        expect(c.purchase[r]).toBeLessThanOrEqual(c.cart[r]!);
        if (!catalog.traits.inStock[i]) expect(c.purchase[r]).toBe(0);
        expect(c.price[r]).toBe(catalog.items[i]!.price);
      });
    }
  });

  it("clicks more on products of a shopper's favourite subcategory than of a neglected one", () => {
    const choice = createShopperChoice({ catalog });
    let favouredWins = 0;
    const all = tastes();
    for (const taste of all) {
      const weights = Array.from(taste.leafCdf, (c, l) => c - (l > 0 ? taste.leafCdf[l - 1]! : 0));
      const top = weights.indexOf(Math.max(...weights));
      const bottom = weights.indexOf(Math.min(...weights));
      const rowOf = (leaf: number): number[] => Array.from(catalog.itemsByLeaf[leaf]!).slice(0, 8);
      const sum = (leaf: number): number =>
        choice.rowChances(taste, rowOf(leaf)).click.reduce((s, x) => s + x, 0);
      if (sum(top) > sum(bottom)) favouredWins++;
    }
    expect(favouredWins).toBe(all.length);
  });

  it('names the row entry that is not a catalog index', () => {
    const choice = createShopperChoice({ catalog });
    const [taste] = tastes();
    expect(() => choice.rowChances(taste!, [1, 2400])).toThrow(OptionError);
    expect(() => choice.rowChances(taste!, [1, 2400])).toThrow(/row\[1\]/);
  });
});
