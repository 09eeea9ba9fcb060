import { describe, expect, it } from 'vitest';
import type { SparseNeighbors } from '../../../src/core/models/sparse-neighbors';
import {
  addContentScores,
  buildContentIndex,
  contentSimilarity,
} from '../../../src/core/serve/content-similarity';
import type { Catalog } from '../../../src/core/serve/filters';
import { itemToItemScores, pairSimilarity } from '../../../src/core/serve/item-to-item-scores';
import { itemNorms } from '../../../src/core/serve/similarity';
import { handBuiltModel } from './serve-fixtures';

const catalog: Catalog = [
  { id: 'a', category: ['Home', 'Kitchen', 'Knives'], tags: ['steel', 'chef'] },
  { id: 'b', category: ['Home', 'Kitchen', 'Pans'], tags: ['steel'] },
  { id: 'c', category: ['Home', 'Garden'], tags: ['chef', 'steel'] },
  { id: 'd', category: ['Toys'] },
  { id: 'e' },
];

describe('content similarity', () => {
  const index = buildContentIndex(catalog, 5);

  it('averages category-path overlap and tag Jaccard over the facets the anchor has', () => {
    const out = new Float32Array(5);
    expect(addContentScores(index, 0, 2, out, new Uint8Array(index.tagCount))).toBe(true);
    // b: path 2/3, tags 1/2; c: path 1/3, tags 2/2; d: nothing shared; e: no content.
    const expected = [1, (2 / 3 + 1 / 2) / 2, (1 / 3 + 1) / 2, 0, 0].map((x) => 2 * x);
    expected.forEach((x, i) => expect(out[i]).toBeCloseTo(x, 6));
    for (let i = 0; i < 5; i++) expect(2 * contentSimilarity(index, 0, i)).toBeCloseTo(out[i]!, 6);
  });

  it('uses only the category when the anchor has no tags, and nothing without content', () => {
    expect(contentSimilarity(index, 3, 0)).toBe(0);
    expect(contentSimilarity(index, 1, 0)).toBeCloseTo((2 / 3 + 1 / 2) / 2, 6);
    const out = new Float32Array(5);
    expect(addContentScores(index, 4, 1, out, new Uint8Array(index.tagCount))).toBe(false);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('itemToItemScores', () => {
  const table = handBuiltModel([
    [1, 0],
    [0.8, 0.6],
    [0, 1],
    [-1, 0],
    [0, 0],
  ]);
  const coOccurrence: SparseNeighbors = {
    numItems: 5,
    indptr: Int32Array.from([0, 2, 2, 2, 2, 2]),
    indices: Int32Array.from([2, 1]),
    scores: Float32Array.from([0.5, 0.25]),
  };
  const sources = {
    table,
    norms: itemNorms(table),
    coOccurrence,
    content: buildContentIndex(catalog, 5),
  };
  const marker = { tags: new Uint8Array(0) };

  it('adds weighted cosine, co-occurrence and content, and matches pairSimilarity', () => {
    const weights = { embedding: 1, coOccurrence: 2, content: 0.5 };
    const out = new Float32Array(5);
    expect(itemToItemScores(sources, weights, [{ item: 0, share: 1 }], out, marker)).toBe(3);
    expect(out[1]).toBeCloseTo(0.8 + 2 * 0.25 + 0.5 * ((2 / 3 + 1 / 2) / 2), 6);
    expect(out[2]).toBeCloseTo(0 + 2 * 0.5 + 0.5 * ((1 / 3 + 1) / 2), 6);
    expect(out[3]).toBeCloseTo(-1, 6);
    expect(out[4]).toBe(0);
    for (let i = 0; i < 5; i++) {
      expect(pairSimilarity(sources, weights, 0, i)).toBeCloseTo(out[i]!, 5);
    }
  });

  it('weights several anchors by their shares and reports when nothing had evidence', () => {
    const weights = { embedding: 1, coOccurrence: 0, content: 0 };
    const out = new Float32Array(5);
    const anchors = [
      { item: 0, share: 0.75 },
      { item: 2, share: 0.25 },
    ];
    itemToItemScores(sources, weights, anchors, out, marker);
    expect(out[1]).toBeCloseTo(0.75 * 0.8 + 0.25 * 0.6, 6);
    expect(itemToItemScores(sources, weights, [{ item: 4, share: 1 }], out, marker)).toBe(0);
  });
});
