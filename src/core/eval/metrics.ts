/**
 * Ranking metrics for one user. `ranked` holds item indices in rank order (best first), `isTest`
 * marks held-out positives, `testCount` is the number of held-out positives.
 */

/** Recall@K = hits in the top K / number of test items. */
export function recallAtK(
  ranked: ArrayLike<number>,
  isTest: Uint8Array,
  testCount: number,
  k: number,
): number {
  if (testCount === 0) return 0;
  return hitsAtK(ranked, isTest, k) / testCount;
}

/** Number of test items among the first K ranked items. */
export function hitsAtK(ranked: ArrayLike<number>, isTest: Uint8Array, k: number): number {
  let hits = 0;
  const limit = Math.min(k, ranked.length);
  for (let r = 0; r < limit; r++) hits += isTest[ranked[r]!]!;
  return hits;
}

/** NDCG@K with binary gains; the ideal DCG places min(K, testCount) hits at the top. */
export function ndcgAtK(
  ranked: ArrayLike<number>,
  isTest: Uint8Array,
  testCount: number,
  k: number,
): number {
  if (testCount === 0) return 0;
  let dcg = 0;
  const limit = Math.min(k, ranked.length);
  for (let r = 0; r < limit; r++) if (isTest[ranked[r]!]) dcg += 1 / Math.log2(r + 2);
  let idcg = 0;
  const ideal = Math.min(k, testCount);
  for (let r = 0; r < ideal; r++) idcg += 1 / Math.log2(r + 2);
  return dcg / idcg;
}

/** Hit rate@K: 1 when at least one test item is in the top K. */
export function hitRateAtK(ranked: ArrayLike<number>, isTest: Uint8Array, k: number): number {
  return hitsAtK(ranked, isTest, k) > 0 ? 1 : 0;
}

/**
 * Reciprocal rank of the best-ranked test item over the full candidate list: 1 / (1 + number of
 * candidates scored strictly higher, ties broken by lower index first).
 */
export function reciprocalRank(
  scores: Float32Array,
  candidate: Uint8Array,
  isTest: Uint8Array,
): number {
  let best = -1;
  for (let i = 0; i < scores.length; i++) {
    if (isTest[i] && candidate[i] && (best < 0 || scores[i]! > scores[best]!)) best = i;
  }
  if (best < 0) return 0;
  const s = scores[best]!;
  let above = 0;
  for (let i = 0; i < scores.length; i++) {
    if (candidate[i] && (scores[i]! > s || (scores[i] === s && i < best))) above++;
  }
  return 1 / (1 + above);
}

/**
 * AUC: probability that a random test item scores above a random negative candidate (ties count
 * one half). Candidates are items not excluded; negatives are candidates that are not test items.
 * O(n log n) through one sort of the candidate scores.
 */
export function auc(scores: Float32Array, candidate: Uint8Array, isTest: Uint8Array): number {
  const idx: number[] = [];
  // NaN scores rank last (as −∞) so the sort stays consistent.
  for (let i = 0; i < scores.length; i++) if (candidate[i]) idx.push(i);
  const s = (i: number): number => (Number.isNaN(scores[i]!) ? -Infinity : scores[i]!);
  idx.sort((a, b) => s(a) - s(b) || a - b);
  let pos = 0;
  let neg = 0;
  let rankSum = 0;
  let r = 0;
  while (r < idx.length) {
    let end = r;
    while (end + 1 < idx.length && scores[idx[end + 1]!] === scores[idx[r]!]) end++;
    const avgRank = (r + end) / 2 + 1;
    for (let q = r; q <= end; q++) {
      if (isTest[idx[q]!]) {
        pos++;
        rankSum += avgRank;
      } else {
        neg++;
      }
    }
    r = end + 1;
  }
  if (pos === 0 || neg === 0) return 0.5;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
