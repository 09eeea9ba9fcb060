import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../../../src/core/data/vocabulary';
import { createFoldInContext, foldInUser } from '../../../src/core/models/mf/fold-in';
import { createAnchorExplainer, createHistoryExplainer } from '../../../src/core/serve/explain';
import { handBuiltModel } from './serve-fixtures';

const ids = Vocabulary.from(['tent', 'stove', 'sleeping-bag', 'kettle', 'novel']);
// tent/sleeping-bag share a direction, stove/kettle another, the novel a third.
const model = handBuiltModel([
  [1, 0, 0],
  [0, 1, 0],
  [0.9, 0.1, 0],
  [0.1, 0.9, 0],
  [0, 0, 1],
]);

describe('createHistoryExplainer', () => {
  const history = [
    { item: 0, weight: 2 },
    { item: 1, weight: 1 },
  ];
  const fold = foldInUser(createFoldInContext(model), history, { explain: true });
  const explainer = createHistoryExplainer({
    historyItems: history.map((h) => h.item),
    contributions: fold.contributions,
    table: model,
    itemIds: ids,
  });

  it('names the history item each recommendation resembles as the main reason', () => {
    const forBag = explainer.reasonsFor(2);
    expect(forBag[0]).toMatchObject({ itemIndex: 0, itemId: 'tent' });
    expect(forBag[0]!.weight).toBeGreaterThan(0.8);
    const forKettle = explainer.reasonsFor(3);
    expect(forKettle[0]).toMatchObject({ itemIndex: 1, itemId: 'stove' });
  });

  it('gives shares that are positive, sorted and sum to at most 1', () => {
    const reasons = explainer.reasonsFor(2);
    expect(reasons).toHaveLength(2);
    expect(reasons[0]!.weight).toBeGreaterThanOrEqual(reasons[1]!.weight);
    expect(reasons.reduce((s, r) => s + r.weight, 0)).toBeCloseTo(1, 6);
  });

  it('gives no reasons for an item no history item pushes up', () => {
    expect(explainer.reasonsFor(4)).toEqual([]);
  });

  it('keeps at most maxReasons', () => {
    const one = createHistoryExplainer({
      historyItems: [0, 1],
      contributions: fold.contributions,
      table: model,
      itemIds: ids,
      maxReasons: 1,
    });
    expect(one.reasonsFor(2)).toHaveLength(1);
  });
});

describe('createAnchorExplainer', () => {
  it('names the anchor with full weight for a single anchor', () => {
    const explainer = createAnchorExplainer({ anchors: [4], itemIds: ids });
    expect(explainer.reasonsFor(0)).toEqual([{ itemIndex: 4, itemId: 'novel', weight: 1 }]);
  });

  it('weighs several anchors by their evidence and drops anchors without any', () => {
    const explainer = createAnchorExplainer({
      anchors: [0, 1, 4],
      itemIds: ids,
      anchorWeight: (anchor) => (anchor === 0 ? 3 : anchor === 1 ? 1 : 0),
    });
    expect(explainer.reasonsFor(2)).toEqual([
      { itemIndex: 0, itemId: 'tent', weight: 0.75 },
      { itemIndex: 1, itemId: 'stove', weight: 0.25 },
    ]);
  });
});
