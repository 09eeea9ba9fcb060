/**
 * Hyper-parameters of implicit ALS (iALS) matrix factorization with item biases.
 *
 * Objective (Rendle et al., "Revisiting the Performance of iALS on Item Recommendation", 2021):
 *   Σ_{(u,i) observed} c_ui (ŷ_ui − 1)² + α₀ Σ_u Σ_i ŷ_ui²
 *   + λ Σ_u (|I_u| + α₀·n)^ν ‖x_u‖² + λ Σ_i (|U_i| + α₀·m)^ν (‖v_i‖² + b_i²)
 * with ŷ_ui = x_uᵀ v_i + b_i and c_ui the summed event weight of the pair.
 */
export interface MfHyperParams {
  /** Embedding dimension k. */
  readonly factors: number;
  /** λ: regularization strength. */
  readonly regularization: number;
  /** ν: exponent of the frequency-scaled regularization (0 = plain L2, 1 = fully scaled). */
  readonly regularizationExponent: number;
  /** α₀: weight of the implicit "not interacted" term over all user–item pairs. */
  readonly unobservedWeight: number;
  /**
   * δ: observed confidences are scaled by |I_u|^(−δ) (normalised to mean 1), so heavy users do not
   * dominate the item factors (0 = off). Every user counts equally in the ranking metrics.
   */
  readonly userWeightExponent: number;
  /**
   * β: multiplier of the item bias at scoring time (1 = as trained). Values below 1 damp the
   * popularity the bias carries, which ranks better on held-out data.
   */
  readonly biasScale: number;
  /** Standard deviation of the initial embeddings (scaled by 1/√k). */
  readonly initScale: number;
}

/** Trained matrix-factorization parameters needed to serve: item side only. */
export interface MfModel extends MfHyperParams {
  readonly kind: 'mf';
  readonly numItems: number;
  /** `numItems × factors`, row-major. */
  readonly itemFactors: Float32Array;
  /** Per-item bias b_i. */
  readonly itemBias: Float32Array;
  /**
   * Constant that made the mean training confidence equal the mean weight under
   * `userWeightExponent`; fold-in applies the same c = w·|I_u|^(−δ)·norm so new users match.
   */
  readonly userWeightNorm: number;
  /**
   * How a history's summed weights become fold-in confidences for this model, when the model
   * itself fixes it: `binary` (every distinct item counts 1) for a model built from statistics of
   * distinct items, such as the private co-occurrence release. Absent: the caller's transform.
   */
  readonly historyConfidence?: 'binary';
}

/** The regularization weight of a row with `count` observations among `otherSide` counterparts. */
export function rowRegularization(p: MfHyperParams, count: number, otherSide: number): number {
  return (
    p.regularization * Math.pow(count + p.unobservedWeight * otherSide, p.regularizationExponent)
  );
}

/** Numeric fields of an {@link MfModel} besides its arrays: what a model file stores in its header. */
export const MF_MODEL_PARAM_KEYS = [
  'factors',
  'regularization',
  'regularizationExponent',
  'unobservedWeight',
  'userWeightExponent',
  'biasScale',
  'initScale',
  'userWeightNorm',
] as const satisfies readonly (keyof MfModel)[];

/** One of {@link MF_MODEL_PARAM_KEYS}. */
export type MfModelParamKey = (typeof MF_MODEL_PARAM_KEYS)[number];

/** Assembles an {@link MfModel} from its header parameters and item arrays (shapes checked by the caller). */
export function mfModelFromParams(
  params: Readonly<Record<string, number>>,
  numItems: number,
  itemFactors: Float32Array,
  itemBias: Float32Array,
): MfModel {
  const p = (key: MfModelParamKey): number => params[key]!;
  return {
    kind: 'mf',
    numItems,
    factors: p('factors'),
    regularization: p('regularization'),
    regularizationExponent: p('regularizationExponent'),
    unobservedWeight: p('unobservedWeight'),
    userWeightExponent: p('userWeightExponent'),
    biasScale: p('biasScale'),
    initScale: p('initScale'),
    userWeightNorm: p('userWeightNorm'),
    itemFactors,
    itemBias,
  };
}
