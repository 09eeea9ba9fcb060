import { describe, expect, it } from 'vitest';
import { trainModelBundle } from '../../../../src/core/bundle/train-bundle';
import { parseInteractions } from '../../../../src/core/data/parse';
import type { Item } from '../../../../src/core/data/types';
import { DataError, type HearthErrorCode } from '../../../../src/core/errors';
import { fitContentTower } from '../../../../src/core/models/content/content-tower';

const K = 4;

/** A titled catalog: every item has a title, a category and a price. */
const catalog: Item[] = Array.from({ length: 12 }, (_, i) => ({
  id: `p${i}`,
  title: `Garden ${i % 2 === 0 ? 'chair' : 'table'} number ${i}`,
  category: ['Home', i % 2 === 0 ? 'Chairs' : 'Tables'],
  price: 10 + i,
}));

function fit(items: readonly (Item | undefined)[], trainMask?: Uint8Array) {
  return () =>
    fitContentTower({
      items,
      itemFactors: new Float32Array(items.length * K).fill(0.1),
      itemBias: new Float32Array(items.length),
      factors: K,
      ...(trainMask && { trainMask }),
    });
}

function caught(run: () => unknown): DataError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('expected a DataError');
}

const code: HearthErrorCode = 'NOT_ENOUGH_DATA';

describe('fitContentTower without examples says what is missing', () => {
  it('one titled item with interactions: too little data, with the counts', () => {
    const error = caught(fit([catalog[0]!]));
    expect(error.code).toBe(code);
    expect(error.message).toContain('Too little data');
    expect(error.message).toContain('1 item with interactions');
    expect(error.message).toContain('at least 2');
    expect(error.message).not.toContain('give items titles');
  });

  it('no interactions at all', () => {
    const error = caught(fit(catalog.slice(0, 3), new Uint8Array(3)));
    expect(error.code).toBe(code);
    expect(error.message).toContain('None of the 3 items has interactions');
  });

  it('interactions only on items missing from the catalog', () => {
    const error = caught(fit([undefined, undefined, catalog[0]], Uint8Array.of(1, 1, 0)));
    expect(error.message).toContain('None of the 2 items with interactions is in the catalog');
  });

  it('items with interactions but no content', () => {
    const error = caught(fit([{ id: 'a' }, { id: 'b' }, { id: 'c' }]));
    expect(error.message).toContain('has a title, description, tags, category or price');
  });

  it('fits once enough items share a category', () => {
    const tower = fit(catalog)();
    expect(tower.fitInfo?.warmItems).toBe(catalog.length);
  });
});

describe('trainModelBundle after a single tracked event', () => {
  it.each([false, true])(
    'fails with NOT_ENOUGH_DATA naming the real cause (tune: %s), not titles or EASE',
    async (tune) => {
      const { dataset } = await parseInteractions('user,item,type\nlocal,p0,click\n');
      const error = await trainModelBundle({
        dataset,
        catalog,
        tune,
        mf: { factors: K, epochs: 1 },
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DataError);
      expect((error as DataError).code).toBe(code);
      expect((error as DataError).message).toMatch(/Too little data.*1 item with interactions/);
    },
  );

  it('trains a tuned bundle once a few items have interactions', async () => {
    const { dataset } = await parseInteractions(
      'user,item,type\nlocal,p0,click\nlocal,p1,view\nlocal,p2,view\n',
    );
    const bundle = await trainModelBundle({ dataset, catalog, tune: true });
    expect(bundle.contentTower).not.toBeNull();
  });
});
