import { OptionError } from '../../errors';
import { choleskyInPlace, choleskySolveInPlace, gramMatrix } from '../../math/linalg';
import type { MfModel } from './mf-model';
import { rowRegularization } from './mf-model';

/** One history entry for fold-in: a dense item index and its summed event weight (> 0). */
export interface WeightedItem {
  readonly item: number;
  readonly weight: number;
}

/** Precomputed item-side statistics that make fold-in O(h·k² + k³). Reuse across calls. */
export interface FoldInContext {
  readonly model: MfModel;
  /** α₀ VᵀV (k × k). */
  readonly scaledGram: Float64Array;
  /** α₀ Vᵀb (k). */
  readonly scaledBiasProjection: Float64Array;
}

/** Result of folding a user in: the user vector and the data needed to explain scores. */
export interface FoldInResult {
  /** User vector x_u (length k). */
  readonly vector: Float32Array;
  /**
   * Per history entry, the vector `c_h (1 − b_h) A⁻¹ v_h`: the score contribution of history item
   * h to item i is the dot product of this with v_i (exact decomposition of x_uᵀ v_i, minus the
   * shared popularity term).
   */
  readonly contributions: readonly Float32Array[];
}

/** Builds the reusable fold-in context of a model. */
export function createFoldInContext(model: MfModel): FoldInContext {
  const k = model.factors;
  const { gram, biasProjection } = gramMatrix(model.itemFactors, model.numItems, k, model.itemBias);
  const a0 = model.unobservedWeight;
  for (let i = 0; i < gram.length; i++) gram[i]! *= a0;
  for (let i = 0; i < k; i++) biasProjection[i]! *= a0;
  return { model, scaledGram: gram, scaledBiasProjection: biasProjection };
}

/**
 * Solves the iALS user sub-problem exactly (Cholesky) for one user with the given history against
 * fixed item factors: the same equation training solves, so a folded-in user matches a trained one.
 * Duplicate items in `history` are summed.
 */
export function foldInUser(
  ctx: FoldInContext,
  history: readonly WeightedItem[],
  options: { readonly explain?: boolean } = {},
): FoldInResult {
  const { model } = ctx;
  const k = model.factors;
  const v = model.itemFactors;
  const merged = new Map<number, number>();
  for (const h of history) {
    if (!(h.item >= 0 && h.item < model.numItems) || !Number.isInteger(h.item)) {
      throw new OptionError(
        `History item index ${h.item} is outside the model's ${model.numItems} items.`,
      );
    }
    if (!(h.weight > 0) || !Number.isFinite(h.weight)) continue;
    merged.set(h.item, (merged.get(h.item) ?? 0) + h.weight);
  }
  // Same confidence scaling as training: c = w · |history|^(−δ) · norm.
  const userScale =
    merged.size > 0 ? Math.pow(merged.size, -model.userWeightExponent) * model.userWeightNorm : 1;
  for (const [item, w] of merged) merged.set(item, w * userScale);
  const a = ctx.scaledGram.slice();
  const b = new Float64Array(k);
  for (let d = 0; d < k; d++) b[d] = -ctx.scaledBiasProjection[d]!;
  for (const [item, c] of merged) {
    const off = item * k;
    const target = c * (1 - model.itemBias[item]!);
    for (let p = 0; p < k; p++) {
      const vp = v[off + p]!;
      b[p]! += target * vp;
      const cv = c * vp;
      for (let q = 0; q <= p; q++) a[p * k + q]! += cv * v[off + q]!;
    }
  }
  const reg = rowRegularization(model, merged.size, model.numItems);
  for (let p = 0; p < k; p++) a[p * k + p]! += reg;
  for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) a[p * k + q] = a[q * k + p]!;
  if (!choleskyInPlace(a, k)) {
    throw new OptionError('Fold-in system is not positive definite; raise the regularization.');
  }
  choleskySolveInPlace(a, k, b);
  const vector = Float32Array.from(b);
  const contributions: Float32Array[] = [];
  if (options.explain) {
    for (const h of history) {
      // Each entry explains its own share: duplicates split their item's merged confidence.
      const c = h.weight > 0 && Number.isFinite(h.weight) ? h.weight * userScale : 0;
      const rhs = new Float64Array(k);
      const off = h.item * k;
      const target = c * (1 - model.itemBias[h.item]!);
      for (let p = 0; p < k; p++) rhs[p] = target * v[off + p]!;
      choleskySolveInPlace(a, k, rhs);
      contributions.push(Float32Array.from(rhs));
    }
  }
  return { vector, contributions };
}
