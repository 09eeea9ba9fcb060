import { describe, expect, it } from 'vitest';
import type { SparseNeighbors } from '../../../src/core/models/sparse-neighbors';
import { createNeighborMixer } from '../../../src/core/serve/neighbor-scores';

/** Row i lists the history items that speak for item i: 2 ← {0: 0.5, 1: 0.25}, 3 ← {1: 1}. */
const lists: SparseNeighbors = {
  numItems: 4,
  indptr: Int32Array.from([0, 0, 0, 2, 3]),
  indices: Int32Array.from([0, 1, 1]),
  scores: Float32Array.from([0.5, 0.25, 1]),
};

describe('createNeighborMixer', () => {
  it('mixes neighbour scores into MF scores, each history item scaled by its weight', () => {
    const mix = createNeighborMixer({ lists, mfWeight: 0.5, neighborWeight: 2 });
    const plain = Float32Array.from([1, 1, 1, 1]);
    mix(plain, [0, 1]);
    expect(Array.from(plain)).toEqual([0.5, 0.5, 0.5 + 2 * 0.75, 0.5 + 2 * 1]);
    const weighted = Float32Array.from([1, 1, 1, 1]);
    mix(weighted, [0, 1], [0.5, 1.5]);
    expect(weighted[2]).toBeCloseTo(0.5 + 2 * (0.5 * 0.5 + 1.5 * 0.25), 6);
    expect(weighted[3]).toBeCloseTo(0.5 + 2 * 1.5, 6);
  });

  it('keeps the MF scores when the history has no neighbour evidence (and says so)', () => {
    const mix = createNeighborMixer({ lists, mfWeight: 0, neighborWeight: 1 });
    const scores = Float32Array.from([0.3, 0.1, 0.2, 0.4]);
    expect(mix(scores, [2, 3])).toBe(false);
    expect(Array.from(scores)).toEqual(Array.from(Float32Array.from([0.3, 0.1, 0.2, 0.4])));
    expect(mix(scores, [0])).toBe(true);
    expect(Array.from(scores)).toEqual([0, 0, 0.5, 0]);
  });
});
