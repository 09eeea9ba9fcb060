/**
 * What an update must satisfy before it counts, checked alike on upload and on replay from the log
 * (so a log written before a check existed cannot bring a bad update back):
 * - its FedAvg weight is at least {@link MIN_UPDATE_WEIGHT} (no subnormal or absurdly small
 *   weights), and exactly 1 in secure rounds and in rounds with DP noise (a weight below 1 scales
 *   the client's noise share down too, so the accounted noise would not be there);
 * - plain iALS rounds: it carries a user vector. Every real user's z ends in a constant 1, so its
 *   Gram part has norm ≥ min(1, clip); an all-zero (or near-zero) update would only dilute the
 *   round's statistics and pull its rows toward zero.
 */
import { UpdateRejectedError, type RoundSpec } from '../../federated/federated-protocol';
import { checkPlainUpdate, decodePayload } from '../../federated/update-codec';

/** Smallest FedAvg weight an update may carry: a thousandth of a user. */
export const MIN_UPDATE_WEIGHT = 1e-3;

/** Fraction of min(1, gram clip) an honest Gram part's norm cannot fall below. */
const MIN_GRAM_FRACTION = 0.5;

/** Throws `out-of-range` unless `weight` is acceptable for a round of `spec`. */
export function checkUpdateWeight(spec: RoundSpec, weight: number): void {
  if (!(weight >= MIN_UPDATE_WEIGHT && weight <= 1)) {
    throw new UpdateRejectedError(
      'out-of-range',
      `update weight must be in [${MIN_UPDATE_WEIGHT}, 1] (got ${weight}); send 1 unless the update stands for part of a user.`,
    );
  }
  if (weight !== 1 && spec.aggregation === 'secure') {
    throw new UpdateRejectedError(
      'out-of-range',
      'Secure rounds only accept weight 1 (masked sums cannot be weighted).',
    );
  }
  if (weight !== 1 && spec.parts.some((p) => p.noiseStd > 0)) {
    throw new UpdateRejectedError(
      'out-of-range',
      'Rounds with DP noise only accept weight 1 (a smaller weight would shrink the noise the privacy ledger counts).',
    );
  }
}

/** Throws `out-of-range` when a plain iALS update carries no user vector (see the file comment). */
function checkUserSignal(q: Int32Array, spec: RoundSpec): void {
  let offset = 0;
  for (const p of spec.parts) {
    if (p.name === 'gram' && p.length > 0) {
      let sq = 0;
      for (let j = offset; j < offset + p.length; j++) sq += q[j]! * q[j]!;
      const norm = Math.sqrt(sq) * p.scale;
      const floor = MIN_GRAM_FRACTION * Math.min(1, p.clipNorm);
      if (!(norm >= floor)) {
        throw new UpdateRejectedError(
          'out-of-range',
          `Update part "gram" has norm ${norm.toPrecision(3)}, below ${floor}: an update must carry the client's user vector (all-zero updates are refused).`,
        );
      }
    }
    offset += p.length;
  }
}

/**
 * Decodes and checks one update; returns what the round's aggregator adds (signed integers in plain
 * rounds, ring elements in secure ones). Throws `UpdateRejectedError` naming what is wrong.
 */
export function admitUpdate(
  spec: RoundSpec,
  weight: number,
  payload: Uint8Array,
): Int32Array | Uint32Array {
  checkUpdateWeight(spec, weight);
  const ring = decodePayload(payload, spec);
  if (spec.aggregation === 'secure') return ring;
  const q = checkPlainUpdate(ring, spec);
  if (spec.release === undefined) checkUserSignal(q, spec);
  return q;
}
