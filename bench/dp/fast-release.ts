/**
 * The private co-occurrence release computed from the exact cohort sums plus one Gaussian draw per
 * released entry, with the noise standard deviation the release round's spec prescribes. It skips
 * the per-device encoding of `runCooccurrenceSimulation` (stochastic rounding adds a variance of
 * N·scale²/12 per entry, four orders of magnitude below the DP noise), which makes the many fits of
 * a settings search affordable. Reported figures use the full simulation.
 */
import type { CsrMatrix } from '../../src/core/data/csr-matrix';
import { createRng, type Rng } from '../../src/core/random';
import { calibrateNoiseMultiplier } from '../../src/federated/privacy-accountant';
import {
  OFF_DIAGONAL_SCALE,
  pairCount,
  selectHead,
} from '../../src/federated/private-cooccurrence';
import { buildReleaseRoundSpec } from '../../src/federated/round-plan';
import type { ReleaseKind } from '../../src/federated/federated-protocol';

/** Noise multipliers of the two releases for a total user-level (ε, δ) and a noise split. */
export function releaseNoiseMultipliers(o: {
  readonly epsilon: number;
  readonly delta: number;
  /** z_popularity / z_pairs. */
  readonly popularityNoiseRatio: number;
}): { readonly popularity: number; readonly pairs: number } {
  const z = calibrateNoiseMultiplier({ targetEpsilon: o.epsilon, delta: o.delta, rounds: 1 });
  // Two Gaussian releases compose like one with 1/z² = 1/z_pairs² + 1/z_pop².
  const r = o.popularityNoiseRatio;
  const pairs = z * Math.sqrt(1 + 1 / (r * r));
  return { popularity: r * pairs, pairs };
}

/** Standard deviation of the noise on each entry of a release's cohort sum. */
export function releaseNoiseStd(o: {
  readonly release: ReleaseKind;
  readonly rows: readonly number[];
  readonly noiseMultiplier: number;
  readonly cohort: number;
}): number {
  if (o.noiseMultiplier === 0) return 0;
  const spec = buildReleaseRoundSpec({
    release: o.release,
    rows: o.rows,
    noiseMultiplier: o.noiseMultiplier,
    roundId: `fast-${o.release}`,
    modelVersion: 0,
    aggregation: 'plain',
    minCohort: o.cohort,
    maxCohort: o.cohort,
    deadline: new Date(0).toISOString(),
    delta: 1e-5,
    epsilonSpent: null,
  });
  return spec.parts[0]!.noiseStd * Math.sqrt(o.cohort);
}

/** Users of `train` with at least one item (the release's cohort). */
export function cohortSize(train: CsrMatrix): number {
  let n = 0;
  for (let u = 0; u < train.rows; u++) if (train.indptr[u + 1]! > train.indptr[u]!) n++;
  return n;
}

/** Exact sum of the popularity contributions: Σ_u 1/√|I_u| at each item u touched. */
export function exactPopularity(train: CsrMatrix): Float64Array {
  const out = new Float64Array(train.cols);
  for (let u = 0; u < train.rows; u++) {
    const start = train.indptr[u]!;
    const end = train.indptr[u + 1]!;
    if (end === start) continue;
    const value = 1 / Math.sqrt(end - start);
    for (let p = start; p < end; p++) out[train.indices[p]!]! += value;
  }
  return out;
}

/**
 * Exact sum of the pair contributions over `head` (ascending item indices), upper triangle, as
 * `pairsContribution` encodes them (off-diagonal scaled).
 */
export function exactPairs(train: CsrMatrix, head: readonly number[]): Float64Array {
  const m = head.length;
  const position = new Int32Array(train.cols).fill(-1);
  head.forEach((item, a) => (position[item] = a));
  const out = new Float64Array(pairCount(m));
  const touched: number[] = [];
  for (let u = 0; u < train.rows; u++) {
    touched.length = 0;
    for (let p = train.indptr[u]!; p < train.indptr[u + 1]!; p++) {
      const a = position[train.indices[p]!]!;
      if (a >= 0) touched.push(a);
    }
    if (touched.length === 0) continue;
    touched.sort((x, y) => x - y);
    const value = 1 / touched.length;
    for (let s = 0; s < touched.length; s++) {
      const a = touched[s]!;
      const rowStart = a * m - (a * (a - 1)) / 2;
      out[rowStart]! += value;
      for (let t = s + 1; t < touched.length; t++) {
        out[rowStart + touched[t]! - a]! += OFF_DIAGONAL_SCALE * value;
      }
    }
  }
  return out;
}

/** `values` plus independent N(0, std²) noise (a copy). */
export function addNoise(values: Float64Array, std: number, rng: Rng): Float64Array {
  const out = Float64Array.from(values);
  if (std > 0) for (let j = 0; j < out.length; j++) out[j]! += std * rng.normal();
  return out;
}

/** Both noisy releases of one (ε, δ, head size, noise split) on `train`. */
export interface FastRelease {
  readonly head: readonly number[];
  readonly popularity: Float64Array;
  readonly pairs: Float64Array;
  readonly pairNoiseStd: number;
}

/** Draws both releases; `exactPop` may be passed in to share it across calls. */
export function fastRelease(o: {
  readonly train: CsrMatrix;
  readonly epsilon: number;
  readonly delta: number;
  readonly headSize: number;
  readonly popularityNoiseRatio: number;
  readonly seed: number;
  readonly exactPop?: Float64Array;
}): FastRelease {
  const rng = createRng(o.seed ^ 0xfa57);
  const cohort = cohortSize(o.train);
  const z = releaseNoiseMultipliers(o);
  const allItems = Array.from({ length: o.train.cols }, (_, i) => i);
  const popularity = addNoise(
    o.exactPop ?? exactPopularity(o.train),
    releaseNoiseStd({
      release: 'popularity',
      rows: allItems,
      noiseMultiplier: z.popularity,
      cohort,
    }),
    rng,
  );
  const head = selectHead(popularity, o.headSize).sort((a, b) => a - b);
  const pairNoiseStd = releaseNoiseStd({
    release: 'pairs',
    rows: head,
    noiseMultiplier: z.pairs,
    cohort,
  });
  const pairs = addNoise(exactPairs(o.train, head), pairNoiseStd, rng);
  return { head, popularity, pairs, pairNoiseStd };
}
