/**
 * The one assembly of the private co-occurrence release, shared by the aggregation server
 * (`--training cooccurrence`) and the in-process simulation: how large the head may be, which
 * items it holds once popularity is released, the spec of each release round, and the model built
 * from the released pair sums. Browser-safe.
 */
import type { MfModel } from '../core/models/mf/mf-model';
import type { AggregationMode, ReleaseKind, RoundSpec } from './federated-protocol';
import {
  DEFAULT_COOCCURRENCE_FACTORS,
  DEFAULT_COOCCURRENCE_SHRINKAGE,
  maxHeadForBudget,
  modelFromCooccurrence,
  POPULARITY_NOISE_RATIO,
  selectHead,
} from './private-cooccurrence';
import { FRAME_HEADER_ALLOWANCE, buildReleaseRoundSpec, ringBitsFor } from './round-plan';

/** Largest head whose pair upload fits `uploadBudget` bytes at the ring width of `aggregation`. */
export function releaseHeadLimit(o: {
  readonly numItems: number;
  readonly uploadBudget: number;
  readonly aggregation: AggregationMode;
}): number {
  return Math.min(
    o.numItems,
    maxHeadForBudget({
      budgetBytes: o.uploadBudget,
      bytesPerValue: ringBitsFor(o.aggregation) / 8,
      headerBytes: FRAME_HEADER_ALLOWANCE,
    }),
  );
}

/** The `m` most popular items of the released (noisy) popularity, ascending. */
export function releaseHead(popularity: ArrayLike<number>, m: number): number[] {
  return selectHead(popularity, m)
    .slice()
    .sort((a, b) => a - b);
}

/** Options of {@link releaseSpec}. */
export interface ReleaseSpecOptions {
  readonly release: ReleaseKind;
  /** `popularity`: every item; `pairs`: the head, ascending. */
  readonly rows: readonly number[];
  /** The pair round's noise multiplier; the popularity round uses `popularityNoiseRatio` × it. */
  readonly noiseMultiplier: number;
  readonly popularityNoiseRatio?: number;
  readonly roundId: string;
  readonly modelVersion: number;
  readonly aggregation: AggregationMode;
  readonly minCohort: number;
  readonly maxCohort: number;
  readonly deadline: string;
  readonly delta: number;
  readonly epsilonSpent: number | null;
}

/** The spec of one release round (popularity noise scaled by the release's noise ratio). */
export function releaseSpec(o: ReleaseSpecOptions): RoundSpec {
  const { popularityNoiseRatio, noiseMultiplier, ...rest } = o;
  const ratio = popularityNoiseRatio ?? POPULARITY_NOISE_RATIO;
  return buildReleaseRoundSpec({
    ...rest,
    noiseMultiplier: o.release === 'popularity' ? ratio * noiseMultiplier : noiseMultiplier,
  });
}

/** Options of {@link assembleReleasedModel}. */
export interface ReleasedModelOptions {
  readonly numItems: number;
  /** The pair round's spec (its `rows` are the head). */
  readonly pairSpec: RoundSpec;
  /** Released pair sums (the `rows` part of the pair round). */
  readonly pairSums: Float64Array;
  /** Clients whose noise shares are in the sums. */
  readonly cohort: number;
  /** Released popularity of the same cycle. */
  readonly popularity: ArrayLike<number>;
  readonly factors?: number;
  readonly shrinkage?: number;
}

/** The model a pair release publishes: factors of the shrunk, denoised co-occurrence of the head. */
export function assembleReleasedModel(o: ReleasedModelOptions): MfModel {
  const part = o.pairSpec.parts[0]!;
  return modelFromCooccurrence({
    numItems: o.numItems,
    head: o.pairSpec.rows,
    pairs: o.pairSums,
    // Each of `cohort` clients added its share: the sum's noise per entry.
    pairNoiseStd: part.noiseStd * Math.sqrt(o.cohort),
    popularity: o.popularity,
    factors: o.factors ?? DEFAULT_COOCCURRENCE_FACTORS,
    shrinkage: o.shrinkage ?? DEFAULT_COOCCURRENCE_SHRINKAGE,
  });
}
