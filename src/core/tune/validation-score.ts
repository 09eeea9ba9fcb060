import { ndcgAtK } from '../eval/metrics';
import { topKIndices } from '../eval/top-k-indices';
import type { MfModel } from '../models/mf/mf-model';
import type { ValidationSplit } from './validation-split';

/** Cut-off of the tuner's validation metric (NDCG@10). */
export const VALIDATION_K = 10;

/** A move must beat the incumbent by this much: smaller gains are validation noise. */
export const MIN_GAIN = 0.001;

/** The score sources a candidate combines (either may be absent). */
export interface ScoreParts {
  /** A trained MF model and the vectors of the split's users (`rows × factors`). */
  readonly mf?: { readonly model: MfModel; readonly userFactors: Float32Array };
  /** Neighbour-based scores of a user from its fitting items (ItemKNN, EASE). */
  readonly neighbors?: (user: number, out: Float32Array) => void;
}

/** One way to combine the parts: `mfWeight·(xᵀv + β·b) + neighborWeight·neighbours`. */
export interface ScoreMix {
  readonly mfWeight: number;
  readonly biasScale: number;
  readonly neighborWeight: number;
}

/** NDCG@10 of one mix: the mean and the value of every validated user (in `split.users` order). */
export interface MixScore {
  readonly mean: number;
  readonly perUser: Float64Array;
}

/**
 * NDCG@10 of each mix over the split's validated users (fitting items excluded). The parts are
 * computed once per user and every mix re-ranks them, so trying many β or blend weights costs one
 * pass of scoring. As served (`createNeighborMixer`), a user whose neighbour scores are all zero
 * (no neighbour evidence) is ranked by the MF part alone when there is one.
 */
export function validationNdcg(
  split: ValidationSplit,
  parts: ScoreParts,
  mixes: readonly ScoreMix[],
): MixScore[] {
  const { fit, heldOut, users } = split;
  const n = fit.cols;
  const base = new Float32Array(n);
  const nb = new Float32Array(n);
  const scores = new Float32Array(n);
  const candidate = new Uint8Array(n);
  const isTest = new Uint8Array(n);
  const perUser = mixes.map(() => new Float64Array(users.length));
  users.forEach((u, slot) => {
    const tStart = heldOut.indptr[u]!;
    const tEnd = heldOut.indptr[u + 1]!;
    if (parts.mf) dotScores(parts.mf.model, parts.mf.userFactors, u, base);
    if (parts.neighbors) parts.neighbors(u, nb);
    const mfOnly =
      parts.mf !== undefined && parts.neighbors !== undefined && !nb.some((v) => v !== 0);
    candidate.fill(1);
    for (let p = fit.indptr[u]!; p < fit.indptr[u + 1]!; p++) candidate[fit.indices[p]!] = 0;
    for (let p = tStart; p < tEnd; p++) isTest[heldOut.indices[p]!] = 1;
    mixes.forEach((mix, j) => {
      const bias = parts.mf?.model.itemBias;
      const mfWeight = mfOnly ? 1 : mix.mfWeight;
      const neighborWeight = mfOnly ? 0 : mix.neighborWeight;
      for (let i = 0; i < n; i++) {
        let s = 0;
        if (parts.mf && mfWeight !== 0) s = mfWeight * (base[i]! + mix.biasScale * bias![i]!);
        if (parts.neighbors && neighborWeight !== 0) s += neighborWeight * nb[i]!;
        scores[i] = s;
      }
      const ranked = topKIndices(scores, candidate, VALIDATION_K);
      perUser[j]![slot] = ndcgAtK(ranked, isTest, tEnd - tStart, VALIDATION_K);
    });
    for (let p = tStart; p < tEnd; p++) isTest[heldOut.indices[p]!] = 0;
  });
  return perUser.map((values) => ({ mean: mean(values), perUser: values }));
}

/**
 * Whether `challenger` beats `incumbent` beyond validation noise: the mean per-user gain must
 * exceed both `minGain` and twice its standard error (a paired test over the same users).
 */
export function significantlyBetter(
  challenger: MixScore,
  incumbent: MixScore,
  minGain: number,
): boolean {
  const a = challenger.perUser;
  const b = incumbent.perUser;
  const n = a.length;
  if (n === 0) return false;
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    sum += d;
    sum2 += d * d;
  }
  const gain = sum / n;
  const variance = Math.max(0, sum2 / n - gain * gain);
  const stderr = Math.sqrt(variance / Math.max(1, n - 1));
  return gain > minGain && gain > 2 * stderr;
}

function mean(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return values.length > 0 ? s / values.length : 0;
}

/** xᵀv_i for every item (no bias). */
function dotScores(model: MfModel, x: Float32Array, user: number, out: Float32Array): void {
  const k = model.factors;
  const v = model.itemFactors;
  const xo = user * k;
  for (let i = 0; i < model.numItems; i++) {
    const vo = i * k;
    let s = 0;
    for (let a = 0; a < k; a++) s += x[xo + a]! * v[vo + a]!;
    out[i] = s;
  }
}

/**
 * Ratio of the typical spread of MF scores to that of neighbour scores over the validated users:
 * blend weights are tried as multiples of it, so they mean the same on any data.
 */
export function scoreSpreadRatio(split: ValidationSplit, parts: Required<ScoreParts>): number {
  const n = split.fit.cols;
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  let mfSpread = 0;
  let nbSpread = 0;
  const sample = split.users.subarray(0, Math.min(200, split.users.length));
  for (const u of sample) {
    dotScores(parts.mf.model, parts.mf.userFactors, u, a);
    parts.neighbors(u, b);
    mfSpread += standardDeviation(a);
    nbSpread += standardDeviation(b);
  }
  return nbSpread > 0 && mfSpread > 0 ? mfSpread / nbSpread : 1;
}

function standardDeviation(x: Float32Array): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i]!;
    s2 += x[i]! * x[i]!;
  }
  const mean = s / Math.max(1, x.length);
  return Math.sqrt(Math.max(0, s2 / Math.max(1, x.length) - mean * mean));
}
