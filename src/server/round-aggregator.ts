/**
 * Accumulates one round's accepted updates in memory and produces the cohort sums at close:
 * - plain + mean: running Σ w·q and Σ w (O(d) memory), sums = weighted mean × count;
 * - plain + trimmed-mean: keeps every update (O(N·d)), sums = coordinate-wise trimmed mean × count;
 * - secure: running modular sum of masked uploads; the masks left in it (survivors' self-masks,
 *   pairwise masks with dropped members) are removed at close with the delta the secure round
 *   reconstructs.
 */
import { trimmedMean } from '../federated/aggregation';
import type { RoundSpec, UpdatePartName } from '../federated/federated-protocol';
import { updateLength } from '../federated/federated-protocol';
import { fromRing, ringAddInPlace } from '../federated/quantize';
import { splitParts } from '../federated/update-codec';
import type { Aggregator } from './server-config';

/** Per-round aggregation state. */
export interface RoundAggregator {
  /** Accepted updates so far. */
  readonly count: number;
  /** Adds one accepted update: plain rounds pass signed integers, secure rounds ring elements. */
  add(update: Int32Array | Uint32Array, weight: number): void;
  /**
   * The de-quantized cohort sums of every part. Secure rounds pass the unmasking delta; it is added
   * to a copy of the modular sum, so a close that fails later can be retried.
   */
  sums(unmaskingDelta?: Uint32Array): Record<UpdatePartName, Float64Array>;
}

/** Creates the aggregator of a round. */
export function createRoundAggregator(
  spec: RoundSpec,
  aggregator: Aggregator,
  trimFraction: number,
): RoundAggregator {
  const d = updateLength(spec.parts);
  let count = 0;
  if (spec.aggregation === 'secure') {
    const ring = new Uint32Array(d);
    return {
      get count() {
        return count;
      },
      add(update) {
        ringAddInPlace(ring, update as Uint32Array, spec.ringBits);
        count++;
      },
      sums(unmaskingDelta) {
        const unmasked = ring.slice();
        if (unmaskingDelta) ringAddInPlace(unmasked, unmaskingDelta, spec.ringBits);
        return splitParts(fromRing(unmasked, spec.ringBits), spec);
      },
    };
  }
  if (aggregator === 'trimmed-mean') {
    const kept: Int16Array[] = [];
    return {
      get count() {
        return count;
      },
      add(update) {
        kept.push(Int16Array.from(update as Int32Array));
        count++;
      },
      sums() {
        const mean = trimmedMean(kept, trimFraction);
        for (let j = 0; j < d; j++) mean[j]! *= count;
        return splitParts(mean, spec);
      },
    };
  }
  const weighted = new Float64Array(d);
  let weights = 0;
  return {
    get count() {
      return count;
    },
    add(update, weight) {
      for (let j = 0; j < d; j++) weighted[j]! += weight * update[j]!;
      weights += weight;
      count++;
    },
    sums() {
      // FedAvg mean scaled back to a cohort sum: the item step works in sum units of N clients.
      const scale = weights > 0 ? count / weights : 0;
      return splitParts(
        weighted.map((v) => v * scale),
        spec,
      );
    },
  };
}
