/**
 * Indices of the `k` highest scores among candidates, best first; ties broken by lower index.
 * Bounded insertion into a sorted buffer: O(n·log k) comparisons for small k, no allocation per item.
 */
export function topKIndices(
  scores: Float32Array,
  candidate: Uint8Array | null,
  k: number,
): Int32Array {
  const size = Math.min(k, scores.length);
  const idx = new Int32Array(size);
  const val = new Float32Array(size);
  let filled = 0;
  for (let i = 0; i < scores.length; i++) {
    if (candidate && !candidate[i]) continue;
    const s = scores[i]!;
    if (s !== s) continue; // NaN scores are not candidates
    if (filled === size) {
      if (!(s > val[size - 1]!)) continue;
    } else {
      filled++;
    }
    let p = filled - 1;
    while (p > 0 && val[p - 1]! < s) {
      val[p] = val[p - 1]!;
      idx[p] = idx[p - 1]!;
      p--;
    }
    val[p] = s;
    idx[p] = i;
  }
  return filled === size ? idx : idx.slice(0, filled);
}
