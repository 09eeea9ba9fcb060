/**
 * Small helpers that turn structured item fields into categorical feature names: category path
 * prefixes, log-scale price buckets and quantile buckets of numeric attributes.
 */

// Applying buckets (all a loaded model needs) lives in `item-field-buckets.ts`; learning the
// quantile boundaries, below, is only needed to fit a featurizer.
export { CATEGORY_SEPARATOR, bucketOf, categoryPrefixes, priceBucket } from './item-field-buckets';

/**
 * At most `buckets - 1` ascending boundaries splitting `values` into roughly equal-count buckets.
 * With few distinct values, every distinct value gets its own bucket. A heavy value fills its
 * bucket alone and the remaining buckets share the rest, so skewed data still gets splits.
 */
export function quantileBoundaries(values: readonly number[], buckets: number): number[] {
  const sorted = Float64Array.from(values).sort();
  const distinct: number[] = [];
  const counts: number[] = [];
  for (const v of sorted) {
    if (distinct.length > 0 && v === distinct[distinct.length - 1]) counts[counts.length - 1]!++;
    else {
      distinct.push(v);
      counts.push(1);
    }
  }
  if (distinct.length <= buckets) return distinct.slice(1);
  const boundaries: number[] = [];
  let remaining = sorted.length;
  let bucketsLeft = buckets;
  let filled = 0;
  for (let j = 0; j < distinct.length - 1 && bucketsLeft > 1; j++) {
    filled += counts[j]!;
    if (filled >= remaining / bucketsLeft) {
      boundaries.push(distinct[j + 1]!);
      remaining -= filled;
      filled = 0;
      bucketsLeft--;
    }
  }
  return boundaries;
}
