import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle } from '../../../src/core/bundle/bundle-file';
import { createBundleRecommender } from '../../../src/core/bundle/bundle-recommender';
import { decodeServingBundle } from '../../../src/core/bundle/decode-bundle';
import type { ModelBundle } from '../../../src/core/bundle/model-bundle';
import { trainModelBundle } from '../../../src/core/bundle/train-bundle';
import {
  DEFAULT_ITEM_TO_ITEM_WEIGHTS,
  type ItemToItemWeights,
} from '../../../src/core/serve/item-to-item-scores';
import { DEFAULT_SHORT_HISTORY } from '../../../src/core/serve/short-history-blend';
import type { ItemToItemChoice } from '../../../src/core/tune/tune-types';
import { smallBundleData } from '../../fixtures/synthetic';
import { editBundleFile, expectModelFileError } from './edit-bundle-file';

const { dataset, catalog } = smallBundleData();
/** Co-occurrence alone: a blend whose similar rows differ from the default's on this data. */
const CHOSEN: ItemToItemWeights = { embedding: 0, coOccurrence: 1, content: 0 };
let plain: ModelBundle;
let chosen: ModelBundle;

function choiceOf(weights: ItemToItemWeights): ItemToItemChoice {
  return { weights, candidates: [{ weights, hr: 0.5 }], validationUsers: 12, pairs: 99, ms: 1 };
}

beforeAll(async () => {
  plain = await trainModelBundle({ dataset, catalog, mf: { factors: 8, epochs: 3 } });
  chosen = { ...plain, tuning: { ...plain.tuning!, itemToItem: choiceOf(CHOSEN) } };
});

/** The similar row of every item (ids), as a recommender built from `bundle` serves it. */
function similarRows(bundle: ModelBundle, serve?: { itemToItem: ItemToItemWeights }): string[][] {
  const recommender = createBundleRecommender({ bundle, catalog, ...(serve && { serve }) });
  return bundle.itemIds
    .slice(0, 40)
    .map((itemId) =>
      recommender
        .recommend({ type: 'similar', itemId, k: 5, maxReasons: 0 })
        .items.map((i) => i.id),
    );
}

describe('item-to-item weights in the bundle', () => {
  it('round-trip through the model file (both decoders)', () => {
    const bytes = encodeBundle(chosen);
    expect(decodeBundle(bytes).tuning!.itemToItem).toEqual(chosen.tuning!.itemToItem);
    expect(decodeServingBundle(bytes).tuning!.itemToItem!.weights).toEqual(CHOSEN);
    const withBias = {
      ...chosen,
      tuning: { ...chosen.tuning!, itemToItem: choiceOf({ ...CHOSEN, itemBias: 0.5 }) },
    };
    expect(decodeBundle(encodeBundle(withBias)).tuning!.itemToItem!.weights.itemBias).toBe(0.5);
  });

  it('are what the runtime serves by default; an explicit option still overrides', () => {
    const served = similarRows(decodeBundle(encodeBundle(chosen)));
    const asDefault = similarRows(plain);
    expect(served).not.toEqual(asDefault);
    expect(served).toEqual(similarRows(plain, { itemToItem: CHOSEN }));
    const overridden = similarRows(chosen, { itemToItem: DEFAULT_ITEM_TO_ITEM_WEIGHTS });
    expect(overridden).toEqual(asDefault);
  });

  it('carry the short-history pivot that for-you serves with', () => {
    const withPivot = {
      ...chosen,
      tuning: { ...chosen.tuning!, itemToItem: { ...choiceOf(CHOSEN), shortHistoryPivot: 8 } },
    };
    const back = decodeServingBundle(encodeBundle(withPivot));
    expect(back.tuning!.itemToItem!.shortHistoryPivot).toBe(8);
    const forYou = (
      bundle: ModelBundle,
      serve?: { shortHistory: typeof DEFAULT_SHORT_HISTORY },
    ): number[] =>
      createBundleRecommender({ bundle, catalog, ...(serve && { serve }) })
        .recommend({
          type: 'for-you',
          history: [
            { itemId: bundle.itemIds[3]!, type: 'view' },
            { itemId: bundle.itemIds[9]!, type: 'view' },
          ],
          k: 10,
          maxReasons: 0,
        })
        .items.map((i) => i.score);
    expect(forYou(back)).not.toEqual(forYou(chosen));
    expect(forYou(back)).toEqual(
      forYou(chosen, { shortHistory: { ...DEFAULT_SHORT_HISTORY, pivot: 8 } }),
    );
    const bad = editBundleFile(encodeBundle(withPivot), (header) => {
      const tuning = header['tuning'] as { itemToItem: Record<string, unknown> };
      tuning.itemToItem['shortHistoryPivot'] = -3;
    });
    expectModelFileError(() => decodeServingBundle(bad), 'MODEL_FILE_CORRUPT');
  });

  it('a bundle from before the choice (no tuning.itemToItem) serves the default blend', () => {
    const old = editBundleFile(encodeBundle(chosen), (header) => {
      const tuning = header['tuning'] as Record<string, unknown>;
      delete tuning['itemToItem'];
    });
    const back = decodeBundle(old);
    expect(back.tuning).toBeDefined();
    expect(back.tuning!.itemToItem).toBeUndefined();
    expect(similarRows(back)).toEqual(similarRows(plain));
  });

  it('rejects weights a trained model never has, naming the field', () => {
    for (const bad of [-1, '1', 1e308, null]) {
      const bytes = editBundleFile(encodeBundle(chosen), (header) => {
        const tuning = header['tuning'] as { itemToItem: { weights: Record<string, unknown> } };
        tuning.itemToItem.weights['coOccurrence'] = bad;
      });
      const message = expectModelFileError(() => decodeServingBundle(bytes), 'MODEL_FILE_CORRUPT');
      expect(message).toContain('tuning.itemToItem.weights.coOccurrence');
    }
    const noWeights = editBundleFile(encodeBundle(chosen), (header) => {
      (header['tuning'] as Record<string, unknown>)['itemToItem'] = { candidates: [] };
    });
    expectModelFileError(() => decodeBundle(noWeights), 'MODEL_FILE_CORRUPT');
  });
});
