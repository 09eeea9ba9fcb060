/**
 * Small helpers that turn structured item fields into categorical feature names: category path
 * prefixes, log-scale price buckets and quantile buckets of numeric attributes.
 */

/** Separator between category levels in a prefix feature (`Home>Kitchen`). */
export const CATEGORY_SEPARATOR = '>';

/**
 * Every prefix of a category path, root first: `['Home', 'Kitchen']` gives `['Home',
 * 'Home>Kitchen']`. Levels are trimmed; empty levels end the path.
 */
export function categoryPrefixes(path: readonly string[]): string[] {
  const prefixes: string[] = [];
  let prefix = '';
  for (const raw of path) {
    const level = raw.trim();
    if (!level) break;
    prefix = prefix ? `${prefix}${CATEGORY_SEPARATOR}${level}` : level;
    prefixes.push(prefix);
  }
  return prefixes;
}

/**
 * Log-scale bucket of a positive price: `floor(log_base(price))`, so with base 2 the prices 4–7.99
 * share bucket 2. Returns null for zero, negative or non-finite prices.
 */
export function priceBucket(price: number, base: number): number | null {
  if (!(price > 0) || !Number.isFinite(price)) return null;
  // The epsilon keeps exact powers (e.g. 8 with base 2) in their own bucket despite rounding.
  return Math.floor(Math.log(price) / Math.log(base) + 1e-9);
}

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

/** Bucket of `value` given ascending `boundaries`: the number of boundaries ≤ value (0…length). */
export function bucketOf(value: number, boundaries: readonly number[]): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (boundaries[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
