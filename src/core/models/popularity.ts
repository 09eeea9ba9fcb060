import type { CsrMatrix } from '../data/csr-matrix';
import { itemSupport } from './item-support';
import type { UserScorer } from './scorer';

/**
 * Most-popular baseline: every user gets the same scores, the number of distinct training users
 * per item. Many items share a count, so rankings must break ties deterministically; Hearth's
 * rankers (top-N selection, evaluation) put the lower item index first among equal scores.
 */
export interface PopularityModel extends UserScorer {
  readonly kind: 'popularity';
  /** Distinct users per item (length `numItems`). */
  readonly counts: Float32Array;
}

/** Counts the distinct users (rows) of each item (column) of the training matrix. */
export function fitPopularity(matrix: CsrMatrix): PopularityModel {
  const counts = Float32Array.from(itemSupport(matrix));
  return {
    kind: 'popularity',
    numItems: matrix.cols,
    counts,
    scoreUser(_user, out) {
      out.set(counts);
    },
  };
}
