/**
 * Planning a round: which item rows it updates (so the upload fits the byte budget), and how each
 * update part is clipped, quantized and noised. Browser-safe; the server and the simulator share it.
 *
 * Upload size: every coordinate is one ring element (2 bytes in plain rounds, 4 in secure ones), and
 * a round carries (k+2) coordinates per item row plus the (k+1)(k+2)/2 Gram entries, so the budget
 * fixes the rows per round: 10,000 items × 64 factors at 100 kB → 722 rows per plain round (7.2 %
 * of the catalog) and 345 per secure round. Rows are drawn by the server from seeded permutations of
 * the catalog, independent of any user, and every client sends every row of the round (zeros where
 * it has no data), so neither the choice nor the shape reveals which items a user touched.
 */
import { OptionError } from '../core/errors';
import type { MfModel } from '../core/models/mf/mf-model';
import { createRng, shuffleInPlace } from '../core/random';
import {
  FEDERATED_PROTOCOL_VERSION,
  partLengths,
  type AggregationMode,
  type RoundSpec,
  type ReleaseKind,
  type UpdatePartName,
  type UpdatePartSpec,
} from './federated-protocol';
import { combinedNoiseMultiplier } from './privacy-accountant';
import { clampForCohort, type RingBits } from './quantize';

/** Bytes reserved in the upload budget for the frame prefix and JSON header. */
export const FRAME_HEADER_ALLOWANCE = 320;
/** Default upload budget per client per round (bytes). */
export const DEFAULT_UPLOAD_BUDGET = 100_000;
/**
 * Default upload budget of the co-occurrence release's pair round (bytes): one frame per device
 * per released model. Pairs grow with the square of the head, and the head is what limits the
 * release's quality from a few thousand users on (docs/privacy.md): 1 MB holds a 999-item head at
 * 16 bits (plain rounds) and 706 items at 32 bits (secure rounds).
 */
export const DEFAULT_PAIR_UPLOAD_BUDGET = 1_000_000;

/** Ring width used by an aggregation mode. */
export function ringBitsFor(mode: AggregationMode): RingBits {
  return mode === 'secure' ? 32 : 16;
}

/** Exact bytes of an update frame payload plus {@link FRAME_HEADER_ALLOWANCE}, for `rows` rows. */
export function uploadBytesFor(o: { factors: number; rows: number; ringBits: RingBits }): number {
  const l = partLengths(o.factors, o.rows);
  return ((l.rows + l.counts + l.gram + l.stats) * o.ringBits) / 8 + FRAME_HEADER_ALLOWANCE;
}

/** Most rows per round whose upload fits `budgetBytes` (at most `numItems`). */
export function rowsForBudget(o: {
  numItems: number;
  factors: number;
  ringBits: RingBits;
  budgetBytes: number;
}): number {
  const width = o.ringBits / 8;
  const fixed = uploadBytesFor({ factors: o.factors, rows: 0, ringBits: o.ringBits });
  const rows = Math.floor((o.budgetBytes - fixed) / ((o.factors + 2) * width));
  if (rows < 1) {
    throw new OptionError(
      `An upload budget of ${o.budgetBytes} bytes cannot hold one item row of a ${o.factors}-factor model; raise it to at least ${fixed + (o.factors + 2) * width}.`,
    );
  }
  return Math.min(rows, o.numItems);
}

/**
 * The rows of round `round` (0-based): consecutive windows of `count` items over a stream of seeded
 * catalog permutations, so every item is visited once per ⌈numItems/count⌉ rounds. Ascending.
 */
export function planRoundRows(o: {
  numItems: number;
  count: number;
  round: number;
  seed: number;
}): number[] {
  const { numItems: n, count } = o;
  if (!(count >= 1 && count <= n) || !Number.isInteger(count)) {
    throw new OptionError(`Rows per round must be an integer in [1, ${n}] (got ${count}).`);
  }
  if (count === n) return Array.from({ length: n }, (_, i) => i);
  const permutation = (cycle: number): Int32Array => {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return shuffleInPlace(p, createRng((o.seed ^ Math.imul(cycle + 1, 0x9e3779b1)) >>> 0));
  };
  const start = o.round * count;
  let cycle = Math.floor(start / n);
  let pos = start % n;
  let perm = permutation(cycle);
  const taken = new Set<number>();
  while (taken.size < count) {
    if (pos === n) {
      perm = permutation(++cycle);
      pos = 0;
    }
    taken.add(perm[pos++]!);
  }
  return [...taken].sort((a, b) => a - b);
}

/** L2 clipping bounds of the parts, as multiples of the natural scale of each part. */
export interface ClipFactors {
  /** × userWeightNorm·√(rows/numItems). Default 1. */
  readonly rows: number;
  /** × userWeightNorm·√(rows/numItems). Default 1. */
  readonly counts: number;
  /** Bound on ‖z zᵀ‖ (upper triangle). Default 2. */
  readonly gram: number;
  /** Bound on ‖[Σw, Σw|I|^(−δ)]‖. Default 500. */
  readonly stats: number;
}

/** Default {@link ClipFactors}: measured on ML-100K, they bind for < 10 % of users. */
export const DEFAULT_CLIP_FACTORS: ClipFactors = Object.freeze({
  rows: 1,
  counts: 1.5,
  gram: 2,
  stats: 500,
});

/**
 * Clipping for DP runs: tighter bounds on the per-item parts (below the median user's norm) trade a
 * little clipping bias for half the noise; the stats bound covers typical histories.
 */
export const DP_CLIP_FACTORS: ClipFactors = Object.freeze({
  rows: 0.5,
  counts: 1,
  gram: 2,
  stats: 150,
});

/**
 * Relative noise of the parts (noise multiplier of part j ∝ weight j). The Gram and stats parts are
 * cohort-wide sums that tolerate much more noise than the per-item rows.
 */
export const DEFAULT_NOISE_WEIGHTS: Readonly<Record<UpdatePartName, number>> = Object.freeze({
  rows: 1,
  counts: 2,
  gram: 3,
  stats: 4,
});

/** Options of {@link buildRoundSpec}. */
export interface RoundSpecOptions {
  readonly model: Pick<MfModel, 'factors' | 'numItems' | 'userWeightNorm'>;
  readonly roundId: string;
  readonly modelVersion: number;
  readonly rows: readonly number[];
  readonly aggregation: AggregationMode;
  readonly minCohort: number;
  readonly maxCohort: number;
  readonly deadline: string;
  /** Target noise multiplier of the whole release at `minCohort` clients; 0 = no DP noise. */
  readonly noiseMultiplier: number;
  readonly delta: number;
  readonly epsilonSpent: number | null;
  readonly clipFactors?: ClipFactors;
  readonly noiseWeights?: Readonly<Record<UpdatePartName, number>>;
}

/**
 * Builds a round spec: per part the clipping bound, the quantization step (the whole clipped range
 * plus 6σ of noise fits in ±clamp) and each client's noise share σ_j/√minCohort, where the parts'
 * noise multipliers combine to `noiseMultiplier` (sensitivity includes the rounding slack s·√len).
 */
export function buildRoundSpec(o: RoundSpecOptions): RoundSpec {
  const { factors, numItems, userWeightNorm } = o.model;
  const ringBits = ringBitsFor(o.aggregation);
  if (!(o.minCohort >= 1 && o.maxCohort >= o.minCohort)) {
    throw new OptionError(`Need 1 ≤ minCohort ≤ maxCohort (got ${o.minCohort}, ${o.maxCohort}).`);
  }
  const clamp = o.aggregation === 'secure' ? clampForCohort(ringBits, o.maxCohort) : 0x7fff;
  const lengths = partLengths(factors, o.rows.length);
  const cf = o.clipFactors ?? DEFAULT_CLIP_FACTORS;
  const rowScale = userWeightNorm * Math.sqrt(o.rows.length / numItems);
  const clip: Record<UpdatePartName, number> = {
    rows: cf.rows * rowScale,
    counts: cf.counts * rowScale,
    gram: cf.gram,
    stats: cf.stats,
  };
  const weights = o.noiseWeights ?? DEFAULT_NOISE_WEIGHTS;
  const names = ['rows', 'counts', 'gram', 'stats'] as const;
  const z = o.noiseMultiplier;
  const inv = names.reduce((s, name) => s + 1 / weights[name] ** 2, 0);
  const parts: UpdatePartSpec[] = names.map((name) =>
    quantizedPart({
      name,
      length: lengths[name],
      clipNorm: clip[name],
      noiseMultiplier: z > 0 ? weights[name] * z * Math.sqrt(inv) : 0,
      minCohort: o.minCohort,
      clamp,
    }),
  );
  return assembleRoundSpec(o, ringBits, parts);
}

/** The round spec around its encoded parts; the announced noise multiplier is at `minCohort`. */
function assembleRoundSpec(
  o: Pick<
    RoundSpecOptions,
    | 'roundId'
    | 'modelVersion'
    | 'aggregation'
    | 'rows'
    | 'minCohort'
    | 'maxCohort'
    | 'deadline'
    | 'delta'
    | 'epsilonSpent'
  >,
  ringBits: RingBits,
  parts: readonly UpdatePartSpec[],
): RoundSpec {
  const wrap = secureSumProblem({
    aggregation: o.aggregation,
    parts,
    maxCohort: o.maxCohort,
    ringBits,
  });
  if (wrap) {
    throw new OptionError(
      `Cannot open a secure round: ${wrap}. Lower maxCohort (at most ${2 ** (ringBits - 1) - 1} in total over the cohort's clamps).`,
    );
  }
  return {
    protocol: FEDERATED_PROTOCOL_VERSION,
    roundId: o.roundId,
    modelVersion: o.modelVersion,
    aggregation: o.aggregation,
    ringBits,
    rows: [...o.rows],
    parts,
    minCohort: o.minCohort,
    maxCohort: o.maxCohort,
    deadline: o.deadline,
    privacy: {
      noiseMultiplier: roundNoiseMultiplier(parts, o.minCohort),
      delta: o.delta,
      epsilonSpent: o.epsilonSpent,
    },
  };
}

/**
 * One part's encoding: the quantization step fits the clipped range plus 6σ of noise in ±clamp,
 * and each client's noise share σ/√minCohort makes the cohort's noise z × the part's sensitivity
 * (clip bound plus the rounding slack step·√length).
 */
function quantizedPart(o: {
  readonly name: UpdatePartName;
  readonly length: number;
  readonly clipNorm: number;
  readonly noiseMultiplier: number;
  readonly minCohort: number;
  readonly clamp: number;
}): UpdatePartSpec {
  const shares = Math.sqrt(o.minCohort);
  // Scale from the clip bound first, then size the noise on the resulting sensitivity.
  let scale = o.clipNorm / o.clamp;
  let noiseStd = 0;
  for (let it = 0; it < 3; it++) {
    const sensitivity = o.clipNorm + scale * Math.sqrt(o.length);
    noiseStd = (o.noiseMultiplier * sensitivity) / shares;
    scale = (o.clipNorm + 6 * noiseStd) / o.clamp;
  }
  return { name: o.name, length: o.length, clipNorm: o.clipNorm, noiseStd, scale, clamp: o.clamp };
}

/** Options of {@link buildReleaseRoundSpec}. */
export interface ReleaseRoundSpecOptions extends Omit<
  RoundSpecOptions,
  'model' | 'rows' | 'clipFactors' | 'noiseWeights'
> {
  readonly release: ReleaseKind;
  /** `popularity`: every item index; `pairs`: the head items, ascending. */
  readonly rows: readonly number[];
}

/**
 * A round of the private co-occurrence release: the `rows` part carries the release vector
 * (L2 norm ≤ 1 by construction, so the clip bound is 1) and the other parts are empty.
 */
export function buildReleaseRoundSpec(o: ReleaseRoundSpecOptions): RoundSpec {
  if (!(o.minCohort >= 1 && o.maxCohort >= o.minCohort)) {
    throw new OptionError(`Need 1 ≤ minCohort ≤ maxCohort (got ${o.minCohort}, ${o.maxCohort}).`);
  }
  const ringBits = ringBitsFor(o.aggregation);
  const clamp = o.aggregation === 'secure' ? clampForCohort(ringBits, o.maxCohort) : 0x7fff;
  const lengths = partLengths(0, o.rows.length, o.release);
  const parts = (['rows', 'counts', 'gram', 'stats'] as const).map((name) =>
    quantizedPart({
      name,
      length: lengths[name],
      clipNorm: 1,
      noiseMultiplier: name === 'rows' ? o.noiseMultiplier : 0,
      minCohort: o.minCohort,
      clamp,
    }),
  );
  return { ...assembleRoundSpec(o, ringBits, parts), release: o.release };
}

/**
 * Why a secure round's masked sums could wrap the ring (some part's clamp × maxCohort exceeds
 * 2^(ringBits−1) − 1, the largest sum that decodes exactly), or null when they cannot. Plain rounds
 * decode each update on its own and never wrap. Servers check it before opening a round, devices
 * before contributing.
 */
export function secureSumProblem(
  spec: Pick<RoundSpec, 'aggregation' | 'parts' | 'maxCohort' | 'ringBits'>,
): string | null {
  if (spec.aggregation !== 'secure') return null;
  const limit = 2 ** (spec.ringBits - 1) - 1;
  for (const p of spec.parts) {
    if (!(p.clamp >= 1 && p.clamp * spec.maxCohort <= limit)) {
      return `part "${p.name}": clamp ${p.clamp} × maxCohort ${spec.maxCohort} does not fit the ${spec.ringBits}-bit ring (sums up to ±${limit} decode exactly), so the masked sum could wrap`;
    }
  }
  return null;
}

/** L2 sensitivity of a part: its clip bound plus the worst-case stochastic rounding error. */
export function partSensitivity(p: UpdatePartSpec): number {
  return p.clipNorm + p.scale * Math.sqrt(p.length);
}

/** Noise multiplier of a round's release when `cohort` clients each add their share. */
export function roundNoiseMultiplier(parts: readonly UpdatePartSpec[], cohort: number): number {
  return combinedNoiseMultiplier(
    // Empty parts (release rounds) carry nothing about anyone.
    parts
      .filter((p) => p.length > 0)
      .map((p) => ({
        sensitivity: partSensitivity(p),
        noiseStd: p.noiseStd * Math.sqrt(cohort),
      })),
  );
}
