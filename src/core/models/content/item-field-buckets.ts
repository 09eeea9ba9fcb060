/**
 * Small helpers that turn structured item fields into categorical feature names: category path
 * prefixes, log-scale price buckets and the bucket of a numeric attribute given its learned
 * boundaries (`quantileBoundaries` in `./feature-buckets`, which learns them, re-exports these).
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
