import { describe, expect, it } from 'vitest';
import { InteractionLogBuilder } from '../../../src/core/data/interaction-log';
import type { InteractionColumns } from '../../../src/core/data/interaction-log';
import { eventTypeCode } from '../../../src/core/data/types';
import { OptionError } from '../../../src/core/errors';
import { DEFAULT_TRENDING_HALF_LIFE_MS, fitTrending } from '../../../src/core/models/trending';

type Row = [item: number, type: string, timestamp: number];

function columnsOf(rows: readonly Row[]): InteractionColumns {
  const builder = new InteractionLogBuilder();
  for (const [item, type, timestamp] of rows) {
    builder.push(
      0,
      item,
      eventTypeCode(type as Parameters<typeof eventTypeCode>[0]),
      NaN,
      timestamp,
    );
  }
  return builder.build();
}

describe('fitTrending', () => {
  const H = 1000;
  const rows: Row[] = [
    [0, 'view', 9000], // one half-life old, weight 1 → 0.5
    [1, 'purchase', 10_000], // age 0, weight 8 → 8
    [1, 'dismiss', 10_000], // never adds
    [2, 'view', NaN], // untimed: age 0 → 1
    [2, 'view', 12_000], // after now: age 0 → 1
    [3, 'click', 8000], // two half-lives, weight 2 → 0.5
  ];

  it('decays each event by 2^(−age / halfLife) with the default weights', () => {
    const model = fitTrending(columnsOf(rows), { halfLifeMs: H, now: 10_000 });
    expect(model.numItems).toBe(4);
    expect(model.now).toBe(10_000);
    expect(Array.from(model.scores)).toEqual([0.5, 8, 2, 0.5].map(Math.fround));
    const out = new Float32Array(4);
    model.scoreUser(0, out);
    expect(out).toEqual(model.scores);
  });

  it('defaults now to the latest timestamp and the half-life to a week', () => {
    const model = fitTrending(
      columnsOf([
        [0, 'view', 0],
        [1, 'view', DEFAULT_TRENDING_HALF_LIFE_MS],
      ]),
    );
    expect(model.now).toBe(DEFAULT_TRENDING_HALF_LIFE_MS);
    expect(Array.from(model.scores)).toEqual([0.5, 1]);
  });

  it('overrides the weights of the named types; dismissals and non-positive weights add nothing', () => {
    const model = fitTrending(columnsOf(rows), {
      halfLifeMs: H,
      now: 10_000,
      weights: { view: 3, purchase: -1, dismiss: 5 },
    });
    expect(Array.from(model.scores)).toEqual([1.5, 0, 6, 0.5]);
  });

  it('counts untimed data as weighted popularity', () => {
    const model = fitTrending(
      columnsOf([
        [0, 'view', NaN],
        [0, 'cart', NaN],
        [1, 'click', NaN],
      ]),
      {
        numItems: 3,
      },
    );
    expect(model.now).toBeNaN();
    expect(Array.from(model.scores)).toEqual([5, 2, 0]);
  });

  it('rejects bad options', () => {
    const columns = columnsOf(rows);
    expect(() => fitTrending(columns, { halfLifeMs: 0 })).toThrow(OptionError);
    expect(() => fitTrending(columns, { now: NaN })).toThrow(OptionError);
    expect(() => fitTrending(columns, { weights: { like: 1 } })).toThrow(/weights\.like/);
    expect(() => fitTrending(columns, { weights: { view: NaN } })).toThrow(OptionError);
  });
});
