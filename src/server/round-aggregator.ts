/**
 * Accumulates one round's accepted updates in memory and produces the cohort sums at close:
 * - plain + mean: running Σ w·q and Σ w (O(d) memory), sums = weighted mean × count;
 * - plain + trimmed-mean: keeps every update (O(N·d)), sums = coordinate-wise trimmed mean × count;
 * - secure: running modular sum of masked uploads; dropped clients' masks are removed with the seeds
 *   survivors reveal.
 */
import { trimmedMean } from '../federated/aggregation';
import type { RoundSpec, UpdatePartName } from '../federated/federated-protocol';
import { updateLength } from '../federated/federated-protocol';
import { fromRing, ringAddInPlace } from '../federated/quantize';
import { removeDroppedMasks, type RevealedSeed } from '../federated/secure-aggregation';
import { splitParts } from '../federated/update-codec';
import type { Aggregator } from './server-config';

/** Per-round aggregation state. */
export interface RoundAggregator {
  /** Accepted updates so far. */
  readonly count: number;
  /** Adds one accepted update: plain rounds pass signed integers, secure rounds ring elements. */
  add(update: Int32Array | Uint32Array, weight: number): void;
  /** Secure rounds: removes masks of dropped clients. */
  unmask(revealed: readonly RevealedSeed[]): void;
  /** The de-quantized cohort sums of every part. */
  sums(): Record<UpdatePartName, Float64Array>;
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
      unmask(revealed) {
        removeDroppedMasks(ring, revealed, spec.ringBits);
      },
      sums: () => splitParts(fromRing(ring, spec.ringBits), spec),
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
      unmask() {},
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
    unmask() {},
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
