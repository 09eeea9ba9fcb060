import { describe, expect, it } from 'vitest';
import { fitEase } from '../../../src/core/models/ease';
import type { SparseNeighbors } from '../../../src/core/models/sparse-neighbors';
import { fitPipeline } from '../../../src/core/tune/fit-pipeline';
import {
  EASE_LIST_LENGTHS,
  FAMILY_NEIGHBORS,
  LONGER_LIST_GAIN,
  easeCandidate,
  fitNeighbors,
  longerListWins,
} from '../../../src/core/tune/neighbor-families';
import { carveValidationSplit } from '../../../src/core/tune/validation-split';
import { plantedMatrix } from '../../fixtures/synthetic';

const FAST = { factors: 8, epochs: 4 } as const;

/** Longest row of a set of neighbour lists. */
function longestRow(lists: SparseNeighbors): number {
  let longest = 0;
  for (let i = 0; i < lists.numItems; i++) {
    longest = Math.max(longest, lists.indptr[i + 1]! - lists.indptr[i]!);
  }
  return longest;
}

/** Lists with no entries: no evidence for any item. */
function emptyLists(numItems: number): SparseNeighbors {
  return {
    numItems,
    indptr: new Int32Array(numItems + 1),
    indices: new Int32Array(0),
    scores: new Float32Array(0),
  };
}

describe('EASE list length', () => {
  it('takes longer lists only for a gain worth their bytes', () => {
    // The generated few-users set's validation: 0.1284 at 200, 0.1357 at 400.
    expect(longerListWins(0.1284, 0.1357)).toBe(true);
    // Sparse ratings: 0.2261 → 0.2277 is not worth twice the bytes.
    expect(longerListWins(0.2261, 0.2277)).toBe(false);
    expect(longerListWins(0.3, 0.3)).toBe(false);
    expect(longerListWins(0.3, 0.3 * (1 + LONGER_LIST_GAIN) + 1e-9)).toBe(true);
    // Tiny scores: the absolute floor still applies.
    expect(longerListWins(0.01, 0.0105)).toBe(false);
  });

  it('fits EASE lists of the requested length, the largest positive weights of the model', async () => {
    const train = plantedMatrix({ users: 60, items: 450, clusters: 2, pIn: 0.5, seed: 4 });
    const long = await fitNeighbors('ease', train, { neighbors: EASE_LIST_LENGTHS.at(-1)! });
    const short = await fitNeighbors('ease', train);
    expect(longestRow(short)).toBe(FAMILY_NEIGHBORS);
    expect(longestRow(long)).toBeGreaterThan(FAMILY_NEIGHBORS);
    expect(longestRow(long)).toBeLessThanOrEqual(EASE_LIST_LENGTHS.at(-1)!);
    expect(long).toEqual((await fitEase(train)).toNeighbors(EASE_LIST_LENGTHS.at(-1)!));
    expect(long.scores.every((w) => w > 0)).toBe(true);
  });

  it('chooses the length on validation, scored as served', async () => {
    const train = plantedMatrix({ users: 80, items: 60, seed: 6 });
    const split = carveValidationSplit(train, { seed: 1 });
    const ease = await fitEase(split.fit);
    const [short, long] = EASE_LIST_LENGTHS;
    // Only the longer lists carry evidence: they win, and the candidate says how long they are.
    const onlyLong = easeCandidate(
      split,
      { toNeighbors: (n) => (n === long ? ease.toNeighbors(n) : emptyLists(train.cols)) },
      8,
    );
    expect(onlyLong.neighbors).toBe(long);
    expect(onlyLong.easeLambdaShare).toBe(8);
    expect(onlyLong.score.mean).toBeGreaterThan(0.1);
    // The same lists at every length: the shorter ones stay (no gain for the bytes).
    const same = ease.toNeighbors(short!);
    const flat = easeCandidate(split, { toNeighbors: () => same }, 8);
    expect(flat.neighbors).toBe(short);
    expect(flat.score.mean).toBeCloseTo(onlyLong.score.mean, 2);
  });

  it('ships lists of the length the tuner recorded', async () => {
    const train = plantedMatrix({ users: 60, items: 450, clusters: 2, pIn: 0.5, seed: 4 });
    const fitted = await fitPipeline({ train, fixed: { ...FAST, family: 'ease' }, budgetMs: 1 });
    const { choice } = fitted;
    expect(EASE_LIST_LENGTHS).toContain(choice.neighbors);
    expect(fitted.neighbors).toEqual(
      await fitNeighbors('ease', train, {
        easeLambdaShare: choice.easeLambdaShare!,
        neighbors: choice.neighbors,
      }),
    );
  });
});
