import { describe, expect, it } from 'vitest';
import type { RowRequest, RowResult } from '../../src/core/serve/row-types';
import { armSettingsOf } from '../../src/federated/experiment-device-rules';
import { serveUnderArm } from '../../src/worker/experiment-rows';

const experiment = { experimentId: 'rows-v2', armId: 'treatment', holdout: false };

/** A fake source ranking items i0, i1, … and remembering the requests it got. */
function rankedSource(): { serve: (r: RowRequest) => RowResult; seen: RowRequest[] } {
  const seen: RowRequest[] = [];
  return {
    seen,
    serve(request) {
      seen.push(request);
      const items = Array.from({ length: request.k }, (_, i) => ({
        index: i,
        id: `i${i}`,
        score: 100 - i,
        reasons: [],
      }));
      return { type: request.type, source: 'popularity', items, unknownItems: [] };
    },
  };
}

/** A seeded stand-in for Math.random. */
function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

describe('arm settings on rows', () => {
  it('reads exploration and filters, naming a bad value', () => {
    const settings = armSettingsOf(
      { id: 'a', weight: 1, settings: { exploration: 0.3, inStockOnly: true, maxPrice: 50 } },
      1,
    );
    expect(settings.exploration).toBe(0.3);
    expect(settings.filters).toEqual({ inStockOnly: true, maxPrice: 50 });
    expect(() => armSettingsOf({ id: 'a', weight: 1, settings: { exploration: 2 } }, 1)).toThrow(
      /arms\[1\]\.settings\.exploration must be a number in \[0, 1\]/,
    );
    expect(() => armSettingsOf({ id: 'a', weight: 1, settings: { minPrice: -1 } }, 1)).toThrow(
      /arms\[1\]\.settings\.minPrice/,
    );
    expect(() => armSettingsOf({ id: 'a', weight: 1, settings: { boost: 1 } }, 1)).toThrow(
      /applies modelUrl, diversity, source, exploration, inStockOnly, minPrice, maxPrice/,
    );
  });

  it('applies the arm filters where the request sets none, and keeps the request’s own', () => {
    const source = rankedSource();
    const settings = armSettingsOf(
      { id: 'a', weight: 1, settings: { inStockOnly: true, maxPrice: 50 } },
      0,
    );
    serveUnderArm(
      { type: 'popular', k: 4, filters: { maxPrice: 20 } },
      settings,
      experiment,
      source.serve,
    );
    expect(source.seen[0]?.filters).toEqual({ inStockOnly: true, maxPrice: 20 });
  });

  it('explores: keeps the top item, gives the share of later places to items from beyond the top k', () => {
    const source = rankedSource();
    const settings = armSettingsOf({ id: 'a', weight: 1, settings: { exploration: 0.5 } }, 0);
    const k = 9;
    const row = serveUnderArm(
      { type: 'popular', k },
      settings,
      experiment,
      source.serve,
      seeded(3),
    );
    expect(source.seen[0]?.k).toBe(4 * k);
    expect(row.items).toHaveLength(k);
    expect(row.items[0]?.id).toBe('i0');
    const beyond = row.items.filter((item) => item.index >= k);
    expect(beyond).toHaveLength(4); // round(0.5 × 8)
    const kept = row.items.filter((item) => item.index < k).map((item) => item.index);
    expect(kept).toEqual([0, 1, 2, 3, 4]); // the ranking's own order, top first
    expect(new Set(row.items.map((item) => item.id)).size).toBe(k);
    expect(row.experiment).toEqual(experiment);
  });

  it('does not explore a one-item row or at exploration 0', () => {
    const source = rankedSource();
    const none = armSettingsOf({ id: 'a', weight: 1, settings: { exploration: 0 } }, 0);
    const one = armSettingsOf({ id: 'a', weight: 1, settings: { exploration: 1 } }, 0);
    serveUnderArm({ type: 'popular', k: 5 }, none, experiment, source.serve);
    serveUnderArm({ type: 'popular', k: 1 }, one, experiment, source.serve);
    expect(source.seen.map((r) => r.k)).toEqual([5, 1]);
  });
});
