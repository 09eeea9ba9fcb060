import { describe, expect, it } from 'vitest';
import { createBundleRecommender } from '../../../src/core/bundle/bundle-recommender';
import { trainModelBundle } from '../../../src/core/bundle/train-bundle';
import type { CsrMatrix } from '../../../src/core/data/csr-matrix';
import type { InteractionDataset } from '../../../src/core/data/interaction-log';
import type { MfModel } from '../../../src/core/models/mf/mf-model';
import { DEFAULT_EVENT_WEIGHTS, type Item } from '../../../src/core/data/types';
import { DEFAULT_MF_OPTIONS, createTypedMfPath } from '../../../src/core/models/mf/train-typed';
import { createRng } from '../../../src/core/random';
import { DEFAULT_ITEM_TO_ITEM_WEIGHTS } from '../../../src/core/serve/item-to-item-scores';
import {
  CHOSEN_BLEND_SHORT_HISTORY_PIVOT,
  chooseItemToItemWeights,
  itemToItemGrid,
} from '../../../src/core/tune/item-to-item-choice';
import { datasetFromRows, type RowSpec } from '../../fixtures/synthetic';

const CATEGORIES = 60;
const PER_CATEGORY = 10;
const DAY_MS = 86_400_000;

/**
 * Visitors who open two items of a category, then two of another, …: the next item is a category
 * mate half the time, and nothing else links items. Events are a day apart (no basket holds two
 * items, so co-occurrence is empty) and each item is seen by about four visitors (MF cosine is
 * mostly noise): only the catalog (a tag per category; no category path, so the similar row's
 * same-category fallback has nothing either) predicts the next item.
 */
function categoryWalks(): { dataset: InteractionDataset; catalog: Item[] } {
  const rng = createRng(9);
  const rows: RowSpec[] = [];
  for (let u = 0; u < 240; u++) {
    const categories = new Set<number>();
    while (categories.size < 6) categories.add(rng.int(CATEGORIES));
    let t = 0;
    for (const c of categories) {
      const first = rng.int(PER_CATEGORY);
      const second = (first + 1 + rng.int(PER_CATEGORY - 1)) % PER_CATEGORY;
      for (const j of [first, second]) {
        rows.push({ user: `u${u}`, item: `c${c}-${j}`, type: 'view', timestamp: (t += DAY_MS) });
      }
    }
  }
  const catalog: Item[] = [];
  for (let c = 0; c < CATEGORIES; c++) {
    for (let j = 0; j < PER_CATEGORY; j++) catalog.push({ id: `c${c}-${j}`, tags: [`c${c}`] });
  }
  return { dataset: datasetFromRows(rows), catalog };
}

const fitMf = async (train: CsrMatrix): Promise<MfModel> =>
  (
    await createTypedMfPath().train(train, {
      ...DEFAULT_MF_OPTIONS,
      factors: 16,
      epochs: 4,
      seed: 3,
    })
  ).model;

describe('itemToItemGrid', () => {
  it('starts with the default and holds each source alone, without duplicates', () => {
    const grid = itemToItemGrid(true);
    expect(grid[0]).toEqual(DEFAULT_ITEM_TO_ITEM_WEIGHTS);
    for (const pure of [
      { embedding: 1, coOccurrence: 0, content: 0 },
      { embedding: 0, coOccurrence: 1, content: 0 },
      { embedding: 0, coOccurrence: 0, content: 1 },
    ]) {
      expect(grid).toContainEqual(pure);
    }
    const keys = grid.map((w) =>
      JSON.stringify([w.embedding, w.coOccurrence, w.content, w.itemBias ?? 0]),
    );
    expect(new Set(keys).size).toBe(grid.length);
    // Without a catalog no content weight is tried (beyond the default's own).
    expect(
      itemToItemGrid(false)
        .slice(1)
        .every((w) => w.content === 0),
    ).toBe(true);
  });
});

describe('chooseItemToItemWeights', () => {
  it('picks content alone when the other sources are noise for the next item', async () => {
    const { dataset, catalog } = categoryWalks();
    const choice = await chooseItemToItemWeights({
      dataset,
      catalog,
      eventWeights: DEFAULT_EVENT_WEIGHTS,
      fitMf,
      seed: 4,
    });
    expect(choice).not.toBeNull();
    expect(choice!.weights).toEqual({ embedding: 0, coOccurrence: 0, content: 1 });
    const hr = (w: object): number =>
      choice!.candidates.find((c) => JSON.stringify(c.weights) === JSON.stringify(w))!.hr;
    expect(hr(choice!.weights)).toBeGreaterThan(hr(DEFAULT_ITEM_TO_ITEM_WEIGHTS) + 0.05);
    expect(choice!.validationUsers).toBeGreaterThan(20);
    expect(choice!.pairs).toBe(choice!.validationUsers * 11);
  });

  it('returns null (the default stays) when no user has enough items to validate on', async () => {
    const rows: RowSpec[] = [];
    for (let u = 0; u < 30; u++) {
      for (let j = 0; j < 5; j++) rows.push({ user: `u${u}`, item: `i${(u + j) % 20}` });
    }
    const choice = await chooseItemToItemWeights({
      dataset: datasetFromRows(rows),
      eventWeights: DEFAULT_EVENT_WEIGHTS,
      fitMf,
      seed: 1,
    });
    expect(choice).toBeNull();
  });

  it('is made by tuned training, recorded in the bundle and served by default', async () => {
    const { dataset, catalog } = categoryWalks();
    const bundle = await trainModelBundle({
      dataset,
      catalog,
      tune: true,
      maxTrials: 2,
      mf: { factors: 16, epochs: 4, seed: 3 },
    });
    const chosen = bundle.tuning!.itemToItem!;
    expect(chosen.weights).toEqual({ embedding: 0, coOccurrence: 0, content: 1 });
    expect(chosen.candidates[0]!.weights).toEqual(DEFAULT_ITEM_TO_ITEM_WEIGHTS);
    expect(chosen.shortHistoryPivot).toBe(CHOSEN_BLEND_SHORT_HISTORY_PIVOT);
    // The similar row now shows the anchor's category mates first.
    const row = createBundleRecommender({ bundle, catalog }).recommend({
      type: 'similar',
      itemId: 'c7-0',
      k: 9,
      maxReasons: 0,
    });
    expect(row.items.map((i) => i.id).sort()).toEqual(
      Array.from({ length: 9 }, (_, j) => `c7-${j + 1}`).sort(),
    );
    const untuned = await trainModelBundle({ dataset, catalog, mf: { factors: 16, epochs: 4 } });
    expect(untuned.tuning!.itemToItem).toBeUndefined();
  });
});
