/**
 * Accumulates one round's accepted updates in memory and produces the cohort sums at close:
 * - plain + mean: running Σ w·q and Σ w (O(d) memory); the sums are the weighted sums Σ w·q and
 *   the round's cohort size is Σ w (a weight below 1 makes an update count as part of a user; it
 *   never scales anyone up, so no update can weigh more than its clip bound);
 * - plain + trimmed-mean (iALS rounds; release rounds always sum): keeps every update (O(N·d));
 *   sums = `robustGroupSums` over `ialsRowGroups`: each item row among the clients that report a
 *   confidence for it (outliers beyond a robust fence dropped, ⌊trim·h⌋ winsorized at each end),
 *   `gram` and `stats` clipped to 3× the cohort's median norm and summed (weights are not used:
 *   every update counts as one user);
 * - secure: running modular sum of masked uploads; the masks left in it (survivors' self-masks,
 *   pairwise masks with dropped members) are removed at close with the delta the secure round
 *   reconstructs.
 */
import { OptionError } from '../core/errors';
import { ialsRowGroups, robustGroupSums } from '../federated/aggregation';
import type { RoundSpec, UpdatePartName } from '../federated/federated-protocol';
import { updateLength } from '../federated/federated-protocol';
import { fromRing, ringAddInPlace } from '../federated/quantize';
import { splitParts } from '../federated/update-codec';
import { MIN_UPDATE_WEIGHT } from './rounds/update-admission';
import type { Aggregator } from './server-config';

/** Per-round aggregation state. */
export interface RoundAggregator {
  /** Accepted updates so far. */
  readonly count: number;
  /** The cohort size the sums stand for: Σ weights (`mean`), else the update count. */
  readonly weight: number;
  /**
   * Adds one accepted update: plain rounds pass signed integers, secure rounds ring elements.
   * `weight` must be in [{@link MIN_UPDATE_WEIGHT}, 1].
   */
  add(update: Int32Array | Uint32Array, weight: number): void;
  /**
   * The de-quantized cohort sums of every part. Secure rounds pass the unmasking delta; it is added
   * to a copy of the modular sum, so a close that fails later can be retried.
   */
  sums(unmaskingDelta?: Uint32Array): Record<UpdatePartName, Float64Array>;
}

function checkWeight(weight: number): void {
  if (!(weight >= MIN_UPDATE_WEIGHT && weight <= 1)) {
    throw new OptionError(`An update weight must be in [${MIN_UPDATE_WEIGHT}, 1] (got ${weight}).`);
  }
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
      get weight() {
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
  // A release round's sum is the release itself (sparse pair counts): trimming would erase it.
  if (aggregator === 'trimmed-mean' && spec.release === undefined) {
    const kept: Int16Array[] = [];
    return {
      get count() {
        return count;
      },
      get weight() {
        return count;
      },
      add(update, weight) {
        checkWeight(weight);
        kept.push(Int16Array.from(update as Int32Array));
        count++;
      },
      sums() {
        const groups = ialsRowGroups(spec.parts);
        const sums = robustGroupSums({ vectors: kept, groups, trim: trimFraction });
        return splitParts(sums, spec);
      },
    };
  }
  const weighted = new Float64Array(d);
  let weights = 0;
  return {
    get count() {
      return count;
    },
    get weight() {
      return weights;
    },
    add(update, weight) {
      checkWeight(weight);
      for (let j = 0; j < d; j++) weighted[j]! += weight * update[j]!;
      weights += weight;
      count++;
    },
    sums: () => splitParts(weighted, spec),
  };
}
