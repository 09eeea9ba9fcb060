import type { CsrMatrix } from '../../../../../src/core/data/csr-matrix';
import { csrFromCoo } from '../../../../../src/core/data/csr-matrix';
import type { InteractionDataset } from '../../../../../src/core/data/interaction-log';
import { Vocabulary } from '../../../../../src/core/data/vocabulary';
import { evaluateScorer } from '../../../../../src/core/eval/evaluate';
import type { Split } from '../../../../../src/core/eval/split';
import { topKIndices } from '../../../../../src/core/eval/top-k-indices';
import { createMfScorer } from '../../../../../src/core/models/mf/mf-scorer';
import type { MfTrainOptions, MfTrainResult } from '../../../../../src/core/models/mf/mf-trainer';
import { createRng } from '../../../../../src/core/random';

// Pure helpers (no Node imports): shared by the Node tests and the browser tests.

/**
 * Seeded users × items matrix with planted clusters: user u and item i share cluster (index mod
 * `clusters`) with interaction probability `pIn`, else `pOut`. With `weighted`, entries carry
 * weights in [1, 4) instead of 1.
 */
export function plantedMatrix(
  users = 200,
  items = 150,
  clusters = 4,
  seed = 7,
  weighted = false,
  pIn = 0.25,
  pOut = 0.02,
): CsrMatrix {
  const rng = createRng(seed);
  const rows: number[] = [];
  const cols: number[] = [];
  const weights: number[] = [];
  for (let u = 0; u < users; u++) {
    for (let i = 0; i < items; i++) {
      if (rng.next() < (i % clusters === u % clusters ? pIn : pOut)) {
        rows.push(u);
        cols.push(i);
        weights.push(weighted ? 1 + 3 * rng.next() : 1);
      }
    }
  }
  return csrFromCoo(
    users,
    items,
    Int32Array.from(rows),
    Int32Array.from(cols),
    weighted ? Float32Array.from(weights) : null,
  );
}

/** Small, fast hyper-parameters for agreement tests. */
export const SMALL_OPTIONS: MfTrainOptions = Object.freeze({
  factors: 16,
  regularization: 0.01,
  regularizationExponent: 1,
  unobservedWeight: 0.1,
  userWeightExponent: 0.5,
  biasScale: 0.85,
  initScale: 0.1,
  epochs: 5,
  cgSteps: 3,
  seed: 3,
});

/** Largest absolute difference between two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Scores x_uᵀ v_i + b_i of every (user, item), users × items row-major. */
export function allScores(
  userFactors: Float32Array,
  itemFactors: Float32Array,
  itemBias: Float32Array,
  users: number,
  items: number,
  k: number,
): Float32Array {
  const out = new Float32Array(users * items);
  for (let u = 0; u < users; u++) {
    for (let i = 0; i < items; i++) {
      let s = itemBias[i]!;
      for (let d = 0; d < k; d++) s += userFactors[u * k + d]! * itemFactors[i * k + d]!;
      out[u * items + i] = s;
    }
  }
  return out;
}

/** A matrix as an interaction dataset (one row per stored pair, no timestamps) for the split protocols. */
export function datasetOf(m: CsrMatrix): InteractionDataset {
  const length = m.indices.length;
  const users = new Int32Array(length);
  for (let u = 0; u < m.rows; u++) users.fill(u, m.indptr[u]!, m.indptr[u + 1]!);
  return {
    userVocab: Vocabulary.from(Array.from({ length: m.rows }, (_, u) => `u${u}`)),
    itemVocab: Vocabulary.from(Array.from({ length: m.cols }, (_, i) => `i${i}`)),
    columns: {
      length,
      users,
      items: Int32Array.from(m.indices),
      types: new Uint8Array(length),
      values: new Float32Array(length).fill(NaN),
      timestamps: new Float64Array(length).fill(NaN),
    },
  };
}

/** NDCG@10 of a trained model on a split's held-out items (training items excluded). */
export function ndcg10(result: MfTrainResult, split: Split): number {
  return evaluateScorer(createMfScorer(result), split, { ks: [10], auc: false })['ndcg@10']!;
}

/**
 * Mean share of each user's top-10 (training items excluded) that two models have in common:
 * 1 when every list agrees as a set.
 */
export function top10Overlap(a: MfTrainResult, b: MfTrainResult, train: CsrMatrix): number {
  const sa = createMfScorer(a);
  const sb = createMfScorer(b);
  const scoresA = new Float32Array(train.cols);
  const scoresB = new Float32Array(train.cols);
  const candidate = new Uint8Array(train.cols);
  let total = 0;
  for (let u = 0; u < train.rows; u++) {
    sa.scoreUser(u, scoresA);
    sb.scoreUser(u, scoresB);
    candidate.fill(1);
    for (let p = train.indptr[u]!; p < train.indptr[u + 1]!; p++) candidate[train.indices[p]!] = 0;
    const topA = new Set(topKIndices(scoresA, candidate, 10));
    const topB = topKIndices(scoresB, candidate, 10);
    let shared = 0;
    for (const i of topB) if (topA.has(i)) shared++;
    total += shared / Math.max(1, topB.length);
  }
  return total / Math.max(1, train.rows);
}
