/**
 * The server half of federated iALS: one preconditioned Newton step on the item rows of a round
 * from the cohort's summed statistics. Browser-safe (pure math), so it can also run in a simulator.
 *
 * With the cohort sums g_i = Σ_u c_ui (z_uᵀy_i − 1) z_u, C_i = Σ_u c_ui and G = Σ_u z_u z_uᵀ, the
 * gradient of the iALS item objective is ∇_i = g_i + α₀ G y_i + λ_i y_i with λ_i = λ (C_i + α₀ N)^ν.
 * Its exact Hessian α₀G + Σ_{u∈S_i} c_ui z_u z_uᵀ + λ_i I needs a (k+1)² sum per item, too large to
 * upload; the step uses H_i = (α₀ + C_i/N) G + λ_i I, i.e. it assumes the users of item i have the
 * cohort's average second moment. Measured on ML-100K this reaches centralized iALS quality in ~7
 * full-catalog rounds at learning rate 1.
 */
import { OptionError } from '../core/errors';
import { choleskyInPlace, choleskySolveInPlace } from '../core/math/linalg';
import type { MfModel } from '../core/models/mf/mf-model';
import { partLengths } from './federated-protocol';

/** Cohort sums (de-quantized, possibly smoothed across rounds) the step needs. */
export interface AggregatedParts {
  /** Σ_u c_ui (ŷ_ui − 1) z_u per round row, `rows × (k+1)`. */
  readonly rows: Float64Array;
  /** C_i = Σ_u c_ui per round row. */
  readonly counts: Float64Array;
  /** Upper triangle of G = Σ_u z_u z_uᵀ. */
  readonly gram: Float64Array;
}

/** Options of {@link applyItemStep}. */
export interface ItemStepOptions {
  readonly model: MfModel;
  /** Item rows of the round, ascending. */
  readonly rows: ArrayLike<number>;
  /** Cohort sums of the parts. */
  readonly sums: AggregatedParts;
  /** Cohort size N (sum of FedAvg weights): the scale of the sums. */
  readonly cohort: number;
  /** Server learning rate η (1 = full Newton step). Default 1. */
  readonly learningRate?: number;
  /**
   * Extra ridge on the item factors (not the biases), in cohort-sum units: shrinks factors whose
   * statistics are mostly DP noise toward zero. Default 0.
   */
  readonly ridge?: number;
  /** New confidence normalisation to store in the model (e.g. from the `stats` part). */
  readonly userWeightNorm?: number | null;
}

/** The new model and what happened to its rows. */
export interface ItemStepResult {
  readonly model: MfModel;
  /** Rows whose system stayed indefinite even with jitter (left unchanged). */
  readonly skippedRows: number;
  /** RMS of the applied row changes. */
  readonly stepRms: number;
}

/** Full symmetric (k+1)² Gram matrix from its row-major upper triangle. */
export function gramFromUpperTriangle(upper: ArrayLike<number>, d: number): Float64Array {
  if (upper.length !== (d * (d + 1)) / 2) {
    throw new OptionError(
      `An upper triangle of a ${d}×${d} matrix has ${(d * (d + 1)) / 2} entries, got ${upper.length}.`,
    );
  }
  const g = new Float64Array(d * d);
  let p = 0;
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      g[a * d + b] = upper[p]!;
      g[b * d + a] = upper[p]!;
      p++;
    }
  }
  return g;
}

/** Applies one server step to the round's rows and returns a new model (the input is not changed). */
export function applyItemStep(o: ItemStepOptions): ItemStepResult {
  const { model, rows, sums } = o;
  const k = model.factors;
  const d = k + 1;
  const n = o.cohort;
  const eta = o.learningRate ?? 1;
  const ridge = o.ridge ?? 0;
  if (!(n > 0) || !Number.isFinite(n))
    throw new OptionError(`The cohort size must be positive (got ${n}).`);
  if (!(eta > 0) || !Number.isFinite(eta))
    throw new OptionError(`The learning rate must be positive (got ${eta}).`);
  if (!(ridge >= 0) || !Number.isFinite(ridge))
    throw new OptionError(`The ridge must be ≥ 0 (got ${ridge}).`);
  const lengths = partLengths(k, rows.length);
  for (const name of ['rows', 'counts', 'gram'] as const) {
    if (sums[name].length !== lengths[name]) {
      throw new OptionError(
        `Aggregated part "${name}" has ${sums[name].length} entries; expected ${lengths[name]}.`,
      );
    }
  }
  const a0 = model.unobservedWeight;
  const gram = gramFromUpperTriangle(sums.gram, d);
  let trace = 0;
  for (let a = 0; a < d; a++) trace += Math.abs(gram[a * d + a]!);
  const jitter0 = Math.max(trace / d, 1e-12) * 1e-9;
  const itemFactors = model.itemFactors.slice();
  const itemBias = model.itemBias.slice();
  const h = new Float64Array(d * d);
  const y = new Float64Array(d);
  const grad = new Float64Array(d);
  let skippedRows = 0;
  let sq = 0;
  for (let p = 0; p < rows.length; p++) {
    const i = rows[p]!;
    const c = Math.max(0, sums.counts[p]!);
    const lambda = model.regularization * Math.pow(c + a0 * n, model.regularizationExponent);
    for (let a = 0; a < k; a++) y[a] = model.itemFactors[i * k + a]!;
    y[k] = model.itemBias[i]!;
    const beta = a0 + c / n;
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let b = 0; b < d; b++) s += gram[a * d + b]! * y[b]!;
      grad[a] = a0 * s + (a < k ? lambda + ridge : lambda) * y[a]! + sums.rows[p * d + a]!;
    }
    let solved = false;
    // DP noise can make the summed Gram indefinite: add growing jitter until Cholesky succeeds.
    for (let attempt = 0, jitter = 0; attempt < 40 && !solved; attempt++) {
      for (let a = 0; a < d * d; a++) h[a] = beta * gram[a]!;
      for (let a = 0; a < d; a++) h[a * d + a]! += (a < k ? lambda + ridge : lambda) + jitter;
      solved = choleskyInPlace(h, d);
      jitter = jitter === 0 ? jitter0 : jitter * 10;
    }
    if (!solved) {
      skippedRows++;
      continue;
    }
    choleskySolveInPlace(h, d, grad);
    for (let a = 0; a < k; a++) {
      const delta = eta * grad[a]!;
      itemFactors[i * k + a] = y[a]! - delta;
      sq += delta * delta;
    }
    const deltaB = eta * grad[k]!;
    itemBias[i] = y[k]! - deltaB;
    sq += deltaB * deltaB;
  }
  const userWeightNorm = o.userWeightNorm ?? model.userWeightNorm;
  return {
    model: { ...model, itemFactors, itemBias, userWeightNorm },
    skippedRows,
    stepRms: Math.sqrt(sq / Math.max(1, rows.length * d)),
  };
}
