import type { MfTrainResult } from '../src/core/models/mf/mf-trainer';

/** Median of a non-empty list (mean of the two middle values for even lengths). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Largest |x_uᵀv_i + b_i| difference between two trainings over every (user, item) pair. */
export function maxScoreDiff(a: MfTrainResult, b: MfTrainResult): number {
  const k = a.model.factors;
  const n = a.model.numItems;
  let max = 0;
  for (let u = 0; u < a.numUsers; u++) {
    for (let i = 0; i < n; i++) {
      let sa = a.model.itemBias[i]!;
      let sb = b.model.itemBias[i]!;
      for (let d = 0; d < k; d++) {
        sa += a.userFactors[u * k + d]! * a.model.itemFactors[i * k + d]!;
        sb += b.userFactors[u * k + d]! * b.model.itemFactors[i * k + d]!;
      }
      max = Math.max(max, Math.abs(sa - sb));
    }
  }
  return max;
}
