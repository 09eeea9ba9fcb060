/** Mean per-user difference of two scorers on the same users, with its standard error. */
export interface PairedDifference {
  readonly mean: number;
  /** Standard error of the mean difference (paired over users). */
  readonly se: number;
  readonly users: number;
}

/**
 * Paired difference `a − b` over the users both maps hold: the mean, and its standard error
 * (sample standard deviation of the differences / √n). ±2 SE is roughly a 95% interval, so a gap
 * inside it is split noise rather than a real difference between the models.
 */
export function pairedDifference(
  a: ReadonlyMap<number, number>,
  b: ReadonlyMap<number, number>,
): PairedDifference {
  const diffs: number[] = [];
  for (const [user, value] of a) {
    const other = b.get(user);
    if (other !== undefined) diffs.push(value - other);
  }
  const n = diffs.length;
  if (n === 0) return { mean: 0, se: 0, users: 0 };
  const mean = diffs.reduce((s, d) => s + d, 0) / n;
  const variance = n > 1 ? diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, se: Math.sqrt(variance / n), users: n };
}
