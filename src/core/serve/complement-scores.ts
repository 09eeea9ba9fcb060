/**
 * Ranks every item `primary` scores (non-NaN) above every other item and the others by `fill`, in
 * place in `primary`: a bought-together row shows what was bought with the anchors first and fills
 * the rest of the row with the most related items instead of stopping short. Primary scores stay
 * as they are (they are what the row reports); positive fill scores are scaled into the range
 * below the smallest primary score, items without positive fill stay non-candidates (NaN).
 * Returns false (and changes nothing) when there is nothing to fill with or a primary score is
 * not positive.
 */
export function rankPrimaryThenFill(primary: Float32Array, fill: Float32Array): boolean {
  const n = Math.min(primary.length, fill.length);
  let floor = Infinity;
  let top = 0;
  for (let i = 0; i < n; i++) {
    const p = primary[i]!;
    if (p === p) floor = Math.min(floor, p);
    else if (fill[i]! > top) top = fill[i]!;
  }
  if (!(top > 0) || !(floor > 0)) return false;
  // Half of the weakest primary score: a filled item never ties a bought-together one.
  const scale = (0.5 * floor) / top;
  for (let i = 0; i < n; i++) {
    if (primary[i]! !== primary[i]! && fill[i]! > 0) primary[i] = fill[i]! * scale;
  }
  return true;
}
