/**
 * Most conjugate-gradient steps of one support refit: each costs one product with the support's
 * s × s system, so this caps a refit at about 9·s² multiply-adds. The start (EASE's own weights on
 * the support) is close to the solution; the tolerance below ends most refits earlier.
 */
export const SUPPORT_REFIT_MAX_STEPS = 8;
/** Relative residual ‖r‖/‖b‖ at which a refit stops early. */
const TOLERANCE = 1e-6;

/** Scratch buffers of {@link refitOnSupport}, sized for supports of up to `capacity` items. */
export interface SupportRefitScratch {
  readonly capacity: number;
  readonly a: Float64Array;
  readonly x: Float64Array;
  readonly r: Float64Array;
  readonly p: Float64Array;
  readonly q: Float64Array;
}

/** Allocates {@link SupportRefitScratch} for supports of up to `capacity` items. */
export function createSupportRefitScratch(capacity: number): SupportRefitScratch {
  return {
    capacity,
    a: new Float64Array(capacity * capacity),
    x: new Float64Array(capacity),
    r: new Float64Array(capacity),
    p: new Float64Array(capacity),
    q: new Float64Array(capacity),
  };
}

/**
 * Re-solves EASE's weights into item `target` on a support S of history items (local indices):
 * minimises ‖X_i − X_S b‖² + λ‖b‖², i.e. (G_SS + λI) b = G_Si, where G = XᵀX (row-major `n × n`).
 *
 * Why: a bundle keeps only the largest positive weights into each item. Cutting EASE's dense
 * solution drops the small and negative weights that balanced the kept ones, and on catalogs with
 * many weakly related items that cost a tenth of NDCG@10; the least-squares weights on the same
 * support recover the dense model's accuracy at the served size.
 *
 * `weights` holds the starting point (EASE's weights on S) and receives the refitted ones.
 */
export function refitOnSupport(o: {
  readonly gram: Float32Array;
  readonly n: number;
  readonly lambda: number;
  readonly target: number;
  readonly support: Int32Array;
  readonly size: number;
  readonly weights: Float32Array;
  readonly offset: number;
  readonly scratch: SupportRefitScratch;
}): void {
  const { gram, n, support, size: s, scratch } = o;
  if (s === 0) return;
  const { a, x, r, p, q } = scratch;
  for (let u = 0; u < s; u++) {
    const row = support[u]! * n;
    const au = u * s;
    for (let v = 0; v < s; v++) a[au + v] = gram[row + support[v]!]!;
    a[au + u]! += o.lambda;
  }
  let bb = 0;
  for (let u = 0; u < s; u++) {
    x[u] = o.weights[o.offset + u]!;
    const b = gram[support[u]! * n + o.target]!;
    bb += b * b;
    r[u] = b;
  }
  if (bb === 0) return;
  for (let u = 0; u < s; u++) {
    let t = 0;
    const au = u * s;
    for (let v = 0; v < s; v++) t += a[au + v]! * x[v]!;
    r[u] = r[u]! - t;
  }
  let rr = 0;
  for (let u = 0; u < s; u++) {
    p[u] = r[u]!;
    rr += r[u]! * r[u]!;
  }
  const stop = TOLERANCE * TOLERANCE * bb;
  for (let step = 0; step < SUPPORT_REFIT_MAX_STEPS && rr > stop; step++) {
    let pq = 0;
    for (let u = 0; u < s; u++) {
      let t = 0;
      const au = u * s;
      for (let v = 0; v < s; v++) t += a[au + v]! * p[v]!;
      q[u] = t;
      pq += p[u]! * t;
    }
    if (!(pq > 0)) break;
    const alpha = rr / pq;
    let next = 0;
    for (let u = 0; u < s; u++) {
      x[u]! += alpha * p[u]!;
      r[u]! -= alpha * q[u]!;
      next += r[u]! * r[u]!;
    }
    const beta = next / rr;
    rr = next;
    for (let u = 0; u < s; u++) p[u] = r[u]! + beta * p[u]!;
  }
  for (let u = 0; u < s; u++) o.weights[o.offset + u] = x[u]!;
}
