import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../../../src/core/data/vocabulary';
import { itemNorms } from '../../../src/core/serve/similarity';
import {
  blendShortHistory,
  itemToItemShare,
  recentAnchors,
  recencyWeights,
  RECENCY_FLOOR,
} from '../../../src/core/serve/short-history-blend';
import { handBuiltModel } from './serve-fixtures';

const options = { pivot: 2, recencyDecay: 0.5, maxAnchors: 2, foldInDecay: 1 };

describe('short-history blend', () => {
  it('gives item-to-item similarity a share that fades with the history length', () => {
    expect(itemToItemShare(1, options)).toBeCloseTo(2 / 3, 10);
    expect(itemToItemShare(2, options)).toBe(0.5);
    expect(itemToItemShare(1000, options)).toBe(0);
    expect(itemToItemShare(0, options)).toBe(0);
    expect(itemToItemShare(1, { ...options, pivot: 0 })).toBe(0);
  });

  it('anchors on the most recent positive items, latest first, with decaying shares', () => {
    const ids = Vocabulary.from(['a', 'b', 'c']);
    const history = [
      { itemId: 'a' },
      { itemId: 'b' },
      { itemId: 'zzz' },
      { itemId: 'c' },
      { itemId: 'a' },
    ];
    const anchors = recentAnchors(history, ids, new Set([0, 1, 2]), options);
    expect(anchors.map((x) => x.item)).toEqual([0, 2]);
    expect(anchors[0]!.share).toBeCloseTo(2 / 3, 10);
    expect(anchors[1]!.share).toBeCloseTo(1 / 3, 10);
    expect(recentAnchors(history, ids, new Set([1]), options).map((x) => x.item)).toEqual([1]);
  });

  it('moves fold-in weight to recent items and keeps the total', () => {
    const ids = Vocabulary.from(['a', 'b', 'c']);
    const history = [{ itemId: 'a' }, { itemId: 'b' }, { itemId: 'c' }];
    const weights = [1, 1, 2];
    recencyWeights(history, ids, [0, 1, 2], weights, { ...options, foldInDecay: 0.5 });
    // Factors 0.25 (a, two steps back), 0.5 (b), 1 (c), rescaled to the total of 4.
    const scale = 4 / (0.25 + 0.5 + 2);
    expect(weights[0]).toBeCloseTo(0.25 * scale, 10);
    expect(weights[1]).toBeCloseTo(0.5 * scale, 10);
    expect(weights[2]).toBeCloseTo(2 * scale, 10);
    const long = Array.from({ length: 40 }, (_, i) => ({ itemId: `x${i}` }));
    const longIds = Vocabulary.from(long.map((e) => e.itemId));
    const flat = long.map(() => 1);
    recencyWeights(
      long,
      longIds,
      long.map((_, i) => i),
      flat,
      { ...options, foldInDecay: 0.5 },
    );
    expect(flat[0]! / flat[39]!).toBeCloseTo(RECENCY_FLOOR, 10);
    const same = [1, 1, 2];
    recencyWeights(history, ids, [0, 1, 2], same, options);
    expect(same).toEqual([1, 1, 2]);
  });

  it('lifts the neighbours of the history over a popular item, and attributes them', () => {
    const table = handBuiltModel([
      [1, 0],
      [0.9, 0.1],
      [0, 1],
      [0.1, 0.9],
    ]);
    // Fold-in scores dominated by item 2's popularity.
    const scores = Float32Array.from([0.3, 0.2, 0.9, 0.1]);
    const sources = { table, norms: itemNorms(table) };
    const weights = { embedding: 1, coOccurrence: 0, content: 0 };
    const buffers = { similarity: new Float32Array(0), tags: new Uint8Array(0) };
    const blend = blendShortHistory(
      scores,
      0.75,
      [{ item: 0, share: 1 }],
      sources,
      weights,
      buffers,
    );
    expect(blend).not.toBeNull();
    expect(scores[1]!).toBeGreaterThan(scores[2]!);
    expect(blend!.itemToItemEvidence(0, 1)).toBeGreaterThan(0);
    expect(blend!.itemToItemEvidence(3, 1)).toBe(0);
    const none = blendShortHistory(scores, 0.75, [], sources, weights, buffers);
    expect(none).toBeNull();
  });
});
