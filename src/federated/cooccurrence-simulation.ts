/**
 * In-process simulation of the private co-occurrence release ({@link modelFromCooccurrence}):
 * every row of a training matrix is one client; each computes its two contributions exactly as a
 * device does, quantizes them with unbiased stochastic rounding, and the noise of the cohort sum is
 * drawn once per coordinate (the same distribution as every client adding its share). Browser-safe;
 * `hearth federated-sim --dp-mode cooccurrence` and the benchmark drive it.
 */
import type { CsrMatrix } from '../core/data/csr-matrix';
import { OptionError } from '../core/errors';
import type { MfModel } from '../core/models/mf/mf-model';
import { createRng, type Rng } from '../core/random';
import { rowHistory } from './fold-in-scorer';
import { calibrateNoiseMultiplier, createPrivacyAccountant } from './privacy-accountant';
import {
  DEFAULT_COOCCURRENCE_FACTORS,
  DEFAULT_COOCCURRENCE_SHRINKAGE,
  maxHeadForBudget,
  modelFromCooccurrence,
  pairCount,
  pairsContribution,
  popularityContribution,
  POPULARITY_NOISE_RATIO,
  selectHead,
} from './private-cooccurrence';
import { quantizeStochastic } from './quantize';
import { DEFAULT_UPLOAD_BUDGET, FRAME_HEADER_ALLOWANCE } from './round-plan';

/** Default head size: the best measured on ML-100K at ε = 8 (200–300 within 0.003 NDCG@10). */
export const DEFAULT_HEAD_SIZE = 250;

/** Quantization step of both releases (values lie in [0, 1]; 16-bit integers hold 1/step). */
export const COOCCURRENCE_QUANT_STEP = 2 ** -14;

/** Options of {@link runCooccurrenceSimulation}. */
export interface CooccurrenceSimulationOptions {
  /** Users × items training matrix; row u is client u's data. */
  readonly train: CsrMatrix;
  readonly seed: number;
  /** Total user-level (ε, δ) of both releases together; without it no noise is added. */
  readonly privacy?: { readonly epsilon: number; readonly delta?: number };
  /** Head items m (default {@link DEFAULT_HEAD_SIZE}, capped by the catalog and the upload budget). */
  readonly headSize?: number;
  readonly factors?: number;
  readonly shrinkage?: number;
  /** Bytes per client per release (default 100,000; 16-bit values). */
  readonly uploadBudget?: number;
  /** z_popularity / z_pairs (default {@link POPULARITY_NOISE_RATIO}). */
  readonly popularityNoiseRatio?: number;
}

/** Outcome of {@link runCooccurrenceSimulation}. */
export interface CooccurrenceSimulationResult {
  readonly model: MfModel;
  readonly head: readonly number[];
  readonly clients: number;
  /** Noise multipliers (noise std / sensitivity) of the two releases; 0 without DP. */
  readonly noiseMultiplier: { readonly popularity: number; readonly pairs: number };
  readonly delta: number;
  /** Total ε of both releases (Infinity without noise). */
  readonly epsilon: number;
  /** Bytes one client uploads in each release (16-bit values plus the frame allowance). */
  readonly uploadBytes: { readonly popularity: number; readonly pairs: number };
  readonly ms: number;
}

/**
 * Sums quantized client contributions and adds the cohort's Gaussian noise (std z·Δ, with
 * Δ = 1 + step·√d for the rounding) in integer units; returns the de-quantized release.
 */
function release(
  length: number,
  contributions: Iterable<Float64Array>,
  noiseMultiplier: number,
  rng: Rng,
): { readonly values: Float64Array; readonly noiseStd: number } {
  const step = COOCCURRENCE_QUANT_STEP;
  const sum = new Float64Array(length);
  for (const c of contributions) {
    const q = quantizeStochastic(c, step, rng);
    for (let j = 0; j < length; j++) sum[j]! += q[j]!;
  }
  const sensitivity = 1 + step * Math.sqrt(length);
  const noiseStd = noiseMultiplier * sensitivity;
  const values = new Float64Array(length);
  for (let j = 0; j < length; j++) {
    const noise = noiseStd > 0 ? Math.round((noiseStd / step) * rng.normal()) : 0;
    values[j] = (sum[j]! + noise) * step;
  }
  return { values, noiseStd };
}

/** Runs both releases over the rows of `train` and builds the served model. */
export function runCooccurrenceSimulation(
  o: CooccurrenceSimulationOptions,
): CooccurrenceSimulationResult {
  const started = performance.now();
  const { train } = o;
  const n = train.cols;
  const budget = o.uploadBudget ?? DEFAULT_UPLOAD_BUDGET;
  const maxHead = Math.min(
    n,
    maxHeadForBudget({
      budgetBytes: budget,
      bytesPerValue: 2,
      headerBytes: FRAME_HEADER_ALLOWANCE,
    }),
  );
  const m = o.headSize ?? Math.min(DEFAULT_HEAD_SIZE, maxHead);
  if (!(m >= 1 && m <= maxHead) || !Number.isInteger(m)) {
    throw new OptionError(
      `The head size must be an integer in [1, ${maxHead}] for ${n} items and a ${budget}-byte budget (got ${m}).`,
    );
  }
  if (2 * n + FRAME_HEADER_ALLOWANCE > budget) {
    throw new OptionError(
      `The popularity release of ${n} items needs ${2 * n + FRAME_HEADER_ALLOWANCE} bytes; raise the upload budget.`,
    );
  }
  const ratio = o.popularityNoiseRatio ?? POPULARITY_NOISE_RATIO;
  const delta = o.privacy?.delta ?? 1e-5;
  let zPairs = 0;
  let zPopularity = 0;
  if (o.privacy) {
    // Two Gaussian releases compose like one with 1/z² = 1/z_pairs² + 1/z_pop².
    const z = calibrateNoiseMultiplier({ targetEpsilon: o.privacy.epsilon, delta, rounds: 1 });
    zPairs = z * Math.sqrt(1 + 1 / (ratio * ratio));
    zPopularity = ratio * zPairs;
  }
  const rng = createRng(o.seed ^ 0xc0cc);
  const clients: number[] = [];
  for (let u = 0; u < train.rows; u++) if (train.indptr[u + 1]! > train.indptr[u]!) clients.push(u);

  const popularity = release(
    n,
    (function* () {
      for (const u of clients) yield popularityContribution(rowHistory(train, u), n);
    })(),
    zPopularity,
    rng,
  );
  const head = selectHead(popularity.values, m);
  const pairs = release(
    pairCount(m),
    (function* () {
      for (const u of clients) yield pairsContribution(rowHistory(train, u), head, n);
    })(),
    zPairs,
    rng,
  );
  const model = modelFromCooccurrence({
    numItems: n,
    head,
    pairs: pairs.values,
    pairNoiseStd: pairs.noiseStd,
    popularity: popularity.values,
    factors: o.factors ?? DEFAULT_COOCCURRENCE_FACTORS,
    shrinkage: o.shrinkage ?? DEFAULT_COOCCURRENCE_SHRINKAGE,
  });
  let epsilon = Infinity;
  if (o.privacy) {
    const accountant = createPrivacyAccountant({ delta });
    accountant.addRounds({ noiseMultiplier: zPopularity, samplingRate: 1 });
    accountant.addRounds({ noiseMultiplier: zPairs, samplingRate: 1 });
    epsilon = accountant.epsilon();
  }
  return {
    model,
    head,
    clients: clients.length,
    noiseMultiplier: { popularity: zPopularity, pairs: zPairs },
    delta,
    epsilon,
    uploadBytes: {
      popularity: 2 * n + FRAME_HEADER_ALLOWANCE,
      pairs: 2 * pairCount(m) + FRAME_HEADER_ALLOWANCE,
    },
    ms: performance.now() - started,
  };
}
