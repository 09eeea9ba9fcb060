import { OptionError } from '../errors';
import type { CsrMatrix } from '../data/csr-matrix';
import type { UserScorer } from '../models/scorer';
import { auc, hitRateAtK, ndcgAtK, recallAtK, reciprocalRank } from './metrics';
import type { Split } from './split';
import { topKIndices } from './top-k-indices';

/** Options of {@link evaluateScorer}. */
export interface EvaluateOptions {
  /** Cut-offs, e.g. `[10, 20]`. */
  readonly ks: readonly number[];
  /** Compute AUC (one sort per user). Default true. */
  readonly auc?: boolean;
  /**
   * Called with each evaluated user's NDCG at the smallest cut-off, so two scorers can be compared
   * user by user (paired differences) on the same split.
   */
  readonly onUserNdcg?: (user: number, ndcg: number) => void;
}

/** Metric name → value, e.g. `recall@10`, `ndcg@10`, `hr@10`, `coverage@10`, `novelty@10`, `mrr`, `auc`. */
export type MetricValues = Record<string, number>;

/**
 * Scores every item for each user with test items, excludes the user's training items, and
 * averages Recall@K, NDCG@K, HR@K, MRR and AUC over those users; coverage@K is the share of the
 * catalog that appears in any top-K list; novelty@K the mean self-information −log₂(pop/users) of
 * recommended items (popularity from the training matrix).
 */
export function evaluateScorer(
  scorer: UserScorer,
  split: Split,
  options: EvaluateOptions,
): MetricValues {
  const ks = [...new Set(options.ks)].sort((a, b) => a - b);
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k <= 0)) {
    throw new OptionError(`k values must be positive integers (got ${options.ks.join(',')}).`);
  }
  const maxK = ks[ks.length - 1]!;
  const { train, test } = split;
  const n = train.cols;
  const popularity = itemPopularity(train);
  const users = train.rows;
  const scores = new Float32Array(n);
  const candidate = new Uint8Array(n);
  const isTest = new Uint8Array(n);
  const sums: MetricValues = {};
  const covered = ks.map(() => new Uint8Array(n));
  let evaluated = 0;
  for (let u = 0; u < test.rows; u++) {
    const tStart = test.indptr[u]!;
    const tEnd = test.indptr[u + 1]!;
    if (tEnd === tStart) continue;
    evaluated++;
    scorer.scoreUser(u, scores);
    candidate.fill(1);
    for (let p = train.indptr[u]!; p < train.indptr[u + 1]!; p++) candidate[train.indices[p]!] = 0;
    for (let p = tStart; p < tEnd; p++) isTest[test.indices[p]!] = 1;
    const testCount = tEnd - tStart;
    const ranked = topKIndices(scores, candidate, maxK);
    for (let j = 0; j < ks.length; j++) {
      const k = ks[j]!;
      add(sums, `recall@${k}`, recallAtK(ranked, isTest, testCount, k));
      const ndcg = ndcgAtK(ranked, isTest, testCount, k);
      add(sums, `ndcg@${k}`, ndcg);
      if (j === 0) options.onUserNdcg?.(u, ndcg);
      add(sums, `hr@${k}`, hitRateAtK(ranked, isTest, k));
      let novelty = 0;
      const limit = Math.min(k, ranked.length);
      for (let r = 0; r < limit; r++) {
        const item = ranked[r]!;
        covered[j]![item] = 1;
        novelty += -Math.log2(Math.max(popularity[item]!, 1) / Math.max(users, 1));
      }
      add(sums, `novelty@${k}`, limit > 0 ? novelty / limit : 0);
    }
    add(sums, 'mrr', reciprocalRank(scores, candidate, isTest));
    if (options.auc !== false) add(sums, 'auc', auc(scores, candidate, isTest));
    for (let p = tStart; p < tEnd; p++) isTest[test.indices[p]!] = 0;
  }
  const out: MetricValues = {};
  for (const [key, value] of Object.entries(sums)) out[key] = evaluated > 0 ? value / evaluated : 0;
  ks.forEach((k, j) => {
    let c = 0;
    for (let i = 0; i < n; i++) c += covered[j]![i]!;
    out[`coverage@${k}`] = n > 0 ? c / n : 0;
  });
  return out;
}

function add(sums: MetricValues, key: string, value: number): void {
  sums[key] = (sums[key] ?? 0) + value;
}

/** Distinct training users per item. */
function itemPopularity(train: CsrMatrix): Float32Array {
  const pop = new Float32Array(train.cols);
  for (let p = 0; p < train.indices.length; p++) pop[train.indices[p]!]! += 1;
  return pop;
}
