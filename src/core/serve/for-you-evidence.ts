import type { HistoryExplainerOptions } from './explain';
import type { NeighborScoring } from './neighbor-scores';
import { neighborScore } from './row-sources';
import type { ShortHistoryScores } from './short-history-blend';

/**
 * How the for-you explainer splits a score that was mixed and blended after the fold-in: the
 * fold-in contributions count with the neighbour mix's MF weight, each history item's neighbour
 * scores with its recency factor, and a short-history blend rescales both and adds its own
 * item-to-item evidence — so a neighbour family (EASE, ItemKNN) explains its rows too.
 */
export function forYouEvidence(
  scoring: NeighborScoring | undefined,
  recencyOf: ReadonlyMap<number, number>,
  blend: ShortHistoryScores | null,
): Pick<HistoryExplainerOptions, 'contributionScale' | 'extraEvidence'> {
  const scale = blend?.foldInScale ?? 1;
  if (scoring === undefined) {
    return blend === null
      ? {}
      : { contributionScale: scale, extraEvidence: blend.itemToItemEvidence };
  }
  return {
    contributionScale: scale * scoring.mfWeight,
    extraEvidence: (h, i) =>
      scale *
        scoring.neighborWeight *
        (recencyOf.get(h) ?? 1) *
        neighborScore(scoring.lists, i, h) +
      (blend?.itemToItemEvidence(h, i) ?? 0),
  };
}
