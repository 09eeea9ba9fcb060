/**
 * The on-device half of federated iALS: fold the user in exactly against the global item factors,
 * then compute this user's additive contribution to the item-side statistics the server needs for
 * one preconditioned step. Browser-safe. Nothing here leaves the device unclipped: see
 * `prepare-upload.ts` for clipping, noise, quantization and masking.
 *
 * For item i with y_i = [v_i, b_i] and z_u = [x_u, 1], the item half of the iALS objective has
 * gradient Σ_u c_ui (z_uᵀy_i − 1) z_u + α₀ (Σ_u z_u z_uᵀ) y_i + λ_i y_i. A user's contribution is the
 * first sum's terms for its own items, the Gram matrix z_u z_uᵀ and its confidence mass per item.
 */
import { OptionError } from '../core/errors';
import type { FoldInContext, WeightedItem } from '../core/models/mf/fold-in';
import { createFoldInContext, foldInUser } from '../core/models/mf/fold-in';
import type { MfModel } from '../core/models/mf/mf-model';
import { partLengths, type ReleaseKind } from './federated-protocol';
import { pairsContribution, popularityContribution } from './private-cooccurrence';

/** The dense parts of one client's update (same order and lengths as the wire parts). */
export interface ClientUpdateParts {
  /** `rows × (k+1)`: c_ui (ŷ_ui − 1) z_u for the user's items among the round's rows, 0 elsewhere. */
  readonly rows: Float64Array;
  /** `rows`: the user's confidence c_ui for each round row (0 when not interacted). */
  readonly counts: Float64Array;
  /** Upper triangle (row-major, a ≤ b) of z_u z_uᵀ, `(k+1)(k+2)/2`. */
  readonly gram: Float64Array;
  /** `[Σ_i w_ui, Σ_i w_ui·|I_u|^(−δ)]`: lets the server re-estimate `userWeightNorm`. */
  readonly stats: Float64Array;
}

/** Options of {@link computeClientUpdate}. */
export interface ClientUpdateOptions {
  /** The global model of the round. */
  readonly model: MfModel;
  /** Reuse across users of the same model (simulations); built from `model` when absent. */
  readonly foldIn?: FoldInContext;
  /** The user's history: dense item indices and summed event weights. */
  readonly history: readonly WeightedItem[];
  /** The round's item rows, ascending. */
  readonly rows: ArrayLike<number>;
}

/** A client's update and its (private, never uploaded) user vector. */
export interface ClientUpdate {
  readonly parts: ClientUpdateParts;
  readonly userVector: Float32Array;
  /** Distinct items in the history. */
  readonly historyItems: number;
}

/** Position of `item` in the ascending `rows`, or −1. */
function rowPosition(rows: ArrayLike<number>, item: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = rows[mid]!;
    if (v === item) return mid;
    if (v < item) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Computes one user's contribution for a round, dense over every round row so that which items the
 * user touched is not visible from the shape. Returns `null` for an empty history (nothing to add).
 */
export function computeClientUpdate(o: ClientUpdateOptions): ClientUpdate | null {
  const { model, rows } = o;
  const k = model.factors;
  const d = k + 1;
  const merged = new Map<number, number>();
  for (const h of o.history) {
    if (!(h.item >= 0 && h.item < model.numItems) || !Number.isInteger(h.item)) {
      throw new OptionError(
        `History item index ${h.item} is outside the model's ${model.numItems} items.`,
      );
    }
    if (!(h.weight > 0) || !Number.isFinite(h.weight)) continue;
    merged.set(h.item, (merged.get(h.item) ?? 0) + h.weight);
  }
  if (merged.size === 0) return null;
  const history: WeightedItem[] = [...merged].map(([item, weight]) => ({ item, weight }));
  const ctx = o.foldIn ?? createFoldInContext(model);
  const x = foldInUser(ctx, history).vector;
  const lengths = partLengths(k, rows.length);
  const rowPart = new Float64Array(lengths.rows);
  const counts = new Float64Array(lengths.counts);
  const gram = new Float64Array(lengths.gram);
  const z = new Float64Array(d);
  for (let a = 0; a < k; a++) z[a] = x[a]!;
  z[k] = 1;
  // Same confidence as training and fold-in: c = w · |I_u|^(−δ) · norm.
  const damp = Math.pow(merged.size, -model.userWeightExponent);
  const userScale = damp * model.userWeightNorm;
  const v = model.itemFactors;
  let weightSum = 0;
  for (const { item, weight } of history) {
    weightSum += weight;
    const pos = rowPosition(rows, item);
    if (pos < 0) continue;
    const c = weight * userScale;
    let pred = model.itemBias[item]!;
    for (let a = 0; a < k; a++) pred += z[a]! * v[item * k + a]!;
    const r = c * (pred - 1);
    const off = pos * d;
    for (let a = 0; a < d; a++) rowPart[off + a] = r * z[a]!;
    counts[pos] = c;
  }
  let p = 0;
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) gram[p++] = z[a]! * z[b]!;
  const stats = Float64Array.of(weightSum, weightSum * damp);
  return {
    parts: { rows: rowPart, counts, gram, stats },
    userVector: x,
    historyItems: merged.size,
  };
}

/**
 * A user's contribution to a round of the private co-occurrence release: the `rows` part is
 * {@link popularityContribution} over every item or {@link pairsContribution} over the round's head
 * rows; the other parts are empty. No fold-in: the release does not depend on the served model.
 * Returns `null` for an empty history.
 */
export function computeReleaseUpdate(o: {
  readonly release: ReleaseKind;
  readonly numItems: number;
  readonly history: readonly WeightedItem[];
  readonly rows: readonly number[];
}): { readonly parts: ClientUpdateParts } | null {
  if (!o.history.some((h) => h.weight > 0 && Number.isFinite(h.weight))) return null;
  const release =
    o.release === 'popularity'
      ? popularityContribution(o.history, o.numItems)
      : pairsContribution(o.history, o.rows, o.numItems);
  const empty = new Float64Array(0);
  return { parts: { rows: release, counts: empty, gram: empty, stats: empty } };
}
