/**
 * Differentially private federated training for small populations: a **one-shot release of the
 * item co-occurrence (Gram) matrix** instead of many noisy gradient-like rounds. Browser-safe.
 *
 * Why: with user-level DP every round pays for its noise, and the signal of an item grows with the
 * number of users who touched it. Iterating iALS over noisy rounds spends ε R times; releasing the
 * second-moment matrix once ("Analyze Gauss", Dwork, Talwar, Thakurta & Zhang 2014) spends it once,
 * and all the modelling after it is post-processing, which costs no privacy.
 *
 * Two releases, each a Gaussian mechanism with L2 sensitivity 1 (add/remove one user):
 * 1. `popularity`: y_u = x_u / ‖x_u‖ over the whole catalog (x_u the 0/1 vector of the items the
 *    user touched). Its noisy sum ranks the items; the top m form the **head**.
 * 2. `pairs`: the upper triangle (diagonal included) of y_u y_uᵀ with y_u = x_u,head / ‖x_u,head‖,
 *    its off-diagonal entries scaled by √2: Σ_a y_a⁴ + 2 Σ_{a<b} y_a² y_b² = ‖y‖⁴ = 1, so the
 *    norm is exactly the sensitivity (unscaled, the upper triangle used only about half of it and
 *    the noise cost √2 more than it needed to).
 * The server (post-processing) un-scales the off-diagonal, eigen-decomposes the noisy head Gram Ĝ,
 * keeps the top k directions shrunk by f_j = λ_j / (λ_j + μ·σ√(2m)) (σ√(2m) is the spectral edge
 * of the symmetric noise, whose off-diagonal entries then have standard deviation σ/√2), and
 * serves item factors Q = V diag(√f): a user folded in with ridge 1 and no unobserved weight scores
 * items about as x_u Q Qᵀ, a low-rank denoised linear autoencoder. Items outside the head get zero
 * factors and a tiny popularity bias, so they rank after associated head items, by popularity.
 */
import { OptionError } from '../core/errors';
import { symmetricEigen, type SymmetricEigen } from '../core/math/symmetric-eigen';
import type { WeightedItem } from '../core/models/mf/fold-in';
import type { MfModel } from '../core/models/mf/mf-model';
import { DEFAULT_PAIR_UPLOAD_BUDGET, FRAME_HEADER_ALLOWANCE } from './round-plan';

/** Number of upper-triangle entries (diagonal included) of an m × m matrix. */
export function pairCount(m: number): number {
  return (m * (m + 1)) / 2;
}

/** Largest head size m whose pair upload fits `budgetBytes` at `bytesPerValue` after `headerBytes`. */
export function maxHeadForBudget(o: {
  readonly budgetBytes: number;
  readonly bytesPerValue: number;
  readonly headerBytes: number;
}): number {
  const values = Math.floor((o.budgetBytes - o.headerBytes) / o.bytesPerValue);
  if (values < 1) {
    throw new OptionError(
      `An upload budget of ${o.budgetBytes} bytes holds no co-occurrence pairs.`,
    );
  }
  return Math.floor((Math.sqrt(8 * values + 1) - 1) / 2);
}

/** Distinct items of a history with a positive weight, ascending. */
function touchedItems(history: readonly WeightedItem[], numItems: number): number[] {
  const set = new Set<number>();
  for (const { item, weight } of history) {
    if (!(weight > 0)) continue;
    if (!Number.isInteger(item) || item < 0 || item >= numItems) {
      throw new OptionError(`History item ${item} is outside the model's ${numItems} items.`);
    }
    set.add(item);
  }
  return [...set].sort((a, b) => a - b);
}

/**
 * The device's share of the popularity release: 1/√|I_u| at each item it touched, 0 elsewhere
 * (L2 norm exactly 1, or 0 for an empty history). Length `numItems`.
 */
export function popularityContribution(
  history: readonly WeightedItem[],
  numItems: number,
): Float64Array {
  const out = new Float64Array(numItems);
  const items = touchedItems(history, numItems);
  const value = items.length > 0 ? 1 / Math.sqrt(items.length) : 0;
  for (const i of items) out[i] = value;
  return out;
}

/** Scale of the released off-diagonal pair entries (see {@link pairsContribution}). */
export const OFF_DIAGONAL_SCALE = Math.SQRT2;

/**
 * The device's share of the pair release over the head items (`head[a]` = item index of head
 * position a): entry (a, b), a ≤ b, row-major upper triangle, is y_a y_b (times
 * {@link OFF_DIAGONAL_SCALE} when a < b) with y the normalised 0/1 vector of the head items it
 * touched. L2 norm exactly 1 (0 without head items). Length {@link pairCount}(head.length).
 */
export function pairsContribution(
  history: readonly WeightedItem[],
  head: readonly number[],
  numItems: number,
): Float64Array {
  const m = head.length;
  const out = new Float64Array(pairCount(m));
  const position = new Map<number, number>();
  head.forEach((item, a) => position.set(item, a));
  const touched: number[] = [];
  for (const item of touchedItems(history, numItems)) {
    const a = position.get(item);
    if (a !== undefined) touched.push(a);
  }
  if (touched.length === 0) return out;
  touched.sort((x, y) => x - y);
  const value = 1 / touched.length;
  for (let s = 0; s < touched.length; s++) {
    const a = touched[s]!;
    const rowStart = a * m - (a * (a - 1)) / 2;
    out[rowStart] = value;
    for (let t = s + 1; t < touched.length; t++) {
      out[rowStart + touched[t]! - a] = OFF_DIAGONAL_SCALE * value;
    }
  }
  return out;
}

/**
 * The m items with the largest released popularity (ties: lower index first), in rank order.
 * Deterministic post-processing of the noisy release.
 */
export function selectHead(noisyPopularity: ArrayLike<number>, m: number): number[] {
  const n = noisyPopularity.length;
  if (!(m >= 1) || !Number.isInteger(m) || m > n) {
    throw new OptionError(`The head size must be an integer in [1, ${n}] (got ${m}).`);
  }
  return Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => noisyPopularity[b]! - noisyPopularity[a]! || a - b)
    .slice(0, m);
}

/**
 * Rank of the released model when none is given and the population is unknown (the server's
 * `--rank` default). With N and ε known, {@link cooccurrenceSettingsFor} picks it.
 */
export const DEFAULT_COOCCURRENCE_FACTORS = 12;

/** Shrinkage μ of the spectral filter, in units of the noise's spectral edge, when none is given. */
export const DEFAULT_COOCCURRENCE_SHRINKAGE = 1;

/** Settings of one private co-occurrence release. */
export interface CooccurrenceSettings {
  /** Head items m. */
  readonly headSize: number;
  /** Rank k. */
  readonly factors: number;
  /** Shrinkage μ. */
  readonly shrinkage: number;
  /** z_popularity / z_pairs. */
  readonly popularityNoiseRatio: number;
}

/** A tuning point (population size N, total ε) and the settings chosen there. */
export interface CooccurrenceTuningPoint extends CooccurrenceSettings {
  readonly users: number;
  readonly epsilon: number;
}

/**
 * The settings `scripts/choose-dp-settings.ts` chose on the tuning populations (the demo generator
 * with default settings, seed 1001 — never a reported population, never MovieLens), one per
 * (N, ε). Kept equal to `bench/dp/chosen-settings.json` by a test.
 */
export const COOCCURRENCE_TUNING_POINTS: readonly CooccurrenceTuningPoint[] = Object.freeze([
  // @chosen-settings:start
  { users: 1000, epsilon: 1, headSize: 200, factors: 32, shrinkage: 3, popularityNoiseRatio: 2 },
  { users: 1000, epsilon: 4, headSize: 200, factors: 64, shrinkage: 3, popularityNoiseRatio: 2 },
  { users: 1000, epsilon: 8, headSize: 315, factors: 256, shrinkage: 3, popularityNoiseRatio: 5 },
  { users: 3000, epsilon: 1, headSize: 200, factors: 128, shrinkage: 3, popularityNoiseRatio: 2 },
  { users: 3000, epsilon: 4, headSize: 600, factors: 256, shrinkage: 1, popularityNoiseRatio: 5 },
  { users: 3000, epsilon: 8, headSize: 600, factors: 256, shrinkage: 1, popularityNoiseRatio: 5 },
  { users: 10000, epsilon: 1, headSize: 315, factors: 256, shrinkage: 2, popularityNoiseRatio: 2 },
  { users: 10000, epsilon: 4, headSize: 600, factors: 256, shrinkage: 2, popularityNoiseRatio: 5 },
  { users: 10000, epsilon: 8, headSize: 999, factors: 256, shrinkage: 2, popularityNoiseRatio: 5 },
  { users: 30000, epsilon: 1, headSize: 600, factors: 256, shrinkage: 1, popularityNoiseRatio: 5 },
  { users: 30000, epsilon: 4, headSize: 999, factors: 256, shrinkage: 3, popularityNoiseRatio: 5 },
  { users: 30000, epsilon: 8, headSize: 999, factors: 256, shrinkage: 3, popularityNoiseRatio: 2 },
  // @chosen-settings:end
]);

/** Largest head whose pair upload fits the default pair budget at `bytesPerValue`. */
function defaultPairHead(bytesPerValue: number): number {
  return maxHeadForBudget({
    budgetBytes: DEFAULT_PAIR_UPLOAD_BUDGET,
    bytesPerValue,
    headerBytes: FRAME_HEADER_ALLOWANCE,
  });
}

/** Largest head whose pair upload fits the default pair budget at 16 bits (999 items). */
export const MAX_DEFAULT_HEAD = defaultPairHead(2);

/** The same at 32 bits, as secure rounds send (706 items). */
export const MAX_SECURE_DEFAULT_HEAD = defaultPairHead(4);

/**
 * The release's settings as a rule of the population size N (public: the cohort of the popularity
 * round) and the total ε: those of the tuning point nearest in (log N, log ε), the head capped by
 * `maxHead` (the upload budget) and the catalog.
 */
export function cooccurrenceSettingsFor(o: {
  readonly users: number;
  readonly epsilon: number;
  readonly numItems?: number;
  readonly maxHead?: number;
}): CooccurrenceSettings {
  if (!(o.users >= 1) || !(o.epsilon > 0)) {
    throw new OptionError(
      `The settings rule needs a population of at least 1 user and ε > 0 (got N = ${o.users}, ε = ${o.epsilon}).`,
    );
  }
  let best = COOCCURRENCE_TUNING_POINTS[0]!;
  let bestDistance = Infinity;
  for (const p of COOCCURRENCE_TUNING_POINTS) {
    const d = Math.abs(Math.log(o.users / p.users)) + Math.abs(Math.log(o.epsilon / p.epsilon));
    if (d < bestDistance - 1e-12) {
      best = p;
      bestDistance = d;
    }
  }
  const cap = Math.min(o.maxHead ?? MAX_DEFAULT_HEAD, o.numItems ?? Infinity);
  return {
    headSize: Math.min(best.headSize, cap),
    factors: best.factors,
    shrinkage: best.shrinkage,
    popularityNoiseRatio: best.popularityNoiseRatio,
  };
}

/** Options of {@link modelFromCooccurrence}. */
export interface CooccurrenceModelOptions {
  readonly numItems: number;
  /** Head items, as chosen by {@link selectHead}. */
  readonly head: readonly number[];
  /** Released (noisy) sum of the pair contributions, length {@link pairCount}(head.length). */
  readonly pairs: ArrayLike<number>;
  /** Standard deviation of the noise on each released pair entry (0 without DP). */
  readonly pairNoiseStd: number;
  /** Released (noisy) popularity sum, length `numItems`. */
  readonly popularity: ArrayLike<number>;
  /** Rank k (default {@link DEFAULT_COOCCURRENCE_FACTORS}). */
  readonly factors?: number;
  /** μ (default {@link DEFAULT_COOCCURRENCE_SHRINKAGE}). */
  readonly shrinkage?: number;
}

/**
 * Post-processing: the served model from the two releases. Item factors of head items are the
 * shrunk top-k eigenvectors of Ĝ; the fold-in hyper-parameters (ridge 1, no unobserved weight, no
 * user weighting) make a visitor's scores the denoised co-occurrence scores x_u Q Qᵀ. The releases
 * count each distinct item of a history once, so the model folds histories in the same way
 * (`historyConfidence: 'binary'`): weighting the history by event types (views 1 … purchases 8)
 * mixes in a signal the co-occurrence never saw and lowered validation NDCG@10 from 0.274 to
 * 0.251 (N = 10,000, ε = 8, seed-1001 tuning population).
 */
export function modelFromCooccurrence(o: CooccurrenceModelOptions): MfModel {
  const m = o.head.length;
  if (o.pairs.length !== pairCount(m)) {
    throw new OptionError(
      `The pair release has ${o.pairs.length} entries; a head of ${m} items needs ${pairCount(m)}.`,
    );
  }
  return modelFromSpectrum({ ...o, spectrum: headGramSpectrum(o.pairs, m) });
}

/**
 * Eigen-decomposition of the released head Gram Ĝ (upper triangle, row-major, as released, the
 * off-diagonal scaled by {@link OFF_DIAGONAL_SCALE}, which this undoes).
 */
export function headGramSpectrum(pairs: ArrayLike<number>, m: number): SymmetricEigen {
  const g = new Float64Array(m * m);
  let p = 0;
  for (let a = 0; a < m; a++) {
    g[a * m + a] = pairs[p++]!;
    for (let b = a + 1; b < m; b++) g[a * m + b] = pairs[p++]! / OFF_DIAGONAL_SCALE;
  }
  return symmetricEigen(g, m);
}

/** Options of {@link modelFromSpectrum}: {@link CooccurrenceModelOptions} with Ĝ decomposed. */
export interface SpectrumModelOptions extends Omit<CooccurrenceModelOptions, 'pairs'> {
  /** {@link headGramSpectrum} of the pair release. */
  readonly spectrum: SymmetricEigen;
}

/**
 * {@link modelFromCooccurrence} from an already decomposed Ĝ, so that several ranks and
 * shrinkages can be built from one decomposition.
 */
export function modelFromSpectrum(o: SpectrumModelOptions): MfModel {
  const m = o.head.length;
  if (o.popularity.length !== o.numItems) {
    throw new OptionError(
      `The popularity release has ${o.popularity.length} entries; the model has ${o.numItems} items.`,
    );
  }
  const k = Math.min(o.factors ?? DEFAULT_COOCCURRENCE_FACTORS, m);
  const mu = o.shrinkage ?? DEFAULT_COOCCURRENCE_SHRINKAGE;
  const { values, vectors } = o.spectrum;
  // The spectral edge of symmetric noise with off-diagonal std σ/√2 is 2(σ/√2)√m = σ√(2m).
  // Without noise a small floor keeps the filter from dividing by zero on a rank-deficient Ĝ.
  const edge =
    o.pairNoiseStd > 0
      ? (2 * o.pairNoiseStd * Math.sqrt(m)) / OFF_DIAGONAL_SCALE
      : 1e-3 * (values[0]! || 1);
  const itemFactors = new Float32Array(o.numItems * k);
  for (let j = 0; j < k; j++) {
    const lambda = Math.max(values[j]!, 0);
    const scale = Math.sqrt(lambda / (lambda + mu * edge));
    for (let a = 0; a < m; a++) itemFactors[o.head[a]! * k + j] = vectors[a * m + j]! * scale;
  }
  let maxPopularity = 0;
  for (let i = 0; i < o.numItems; i++) maxPopularity = Math.max(maxPopularity, o.popularity[i]!);
  const itemBias = new Float32Array(o.numItems);
  // A tie-breaker only: two orders of magnitude below typical head scores.
  if (maxPopularity > 0) {
    for (let i = 0; i < o.numItems; i++) {
      itemBias[i] = 0.01 * Math.min(1, Math.max(0, o.popularity[i]! / maxPopularity));
    }
  }
  return {
    kind: 'mf',
    numItems: o.numItems,
    factors: k,
    regularization: 1,
    regularizationExponent: 0,
    unobservedWeight: 0,
    userWeightExponent: 0,
    biasScale: 1,
    initScale: 0,
    userWeightNorm: 1,
    itemFactors,
    itemBias,
    historyConfidence: 'binary',
  };
}

/** Noise multiplier of the popularity release relative to the pair release's. */
export const POPULARITY_NOISE_RATIO = 5;

/**
 * The same model with `width` ≥ its rank columns, the extra ones zero: scores and fold-ins are
 * unchanged, and a device whose served model has `width` factors can hot-swap it in place.
 */
export function padFactors(model: MfModel, width: number): MfModel {
  const k = model.factors;
  if (!(width >= k) || !Number.isInteger(width)) {
    throw new OptionError(`Cannot pad ${k} factors to ${width}.`);
  }
  if (width === k) return model;
  const itemFactors = new Float32Array(model.numItems * width);
  for (let i = 0; i < model.numItems; i++) {
    itemFactors.set(model.itemFactors.subarray(i * k, (i + 1) * k), i * width);
  }
  return { ...model, factors: width, itemFactors };
}
