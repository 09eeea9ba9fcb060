/**
 * Small dense linear algebra on row-major Float32Array/Float64Array. Used by training, fold-in and
 * serving, so it never depends on TF.js.
 */

/** Dot product of `a[aOff..aOff+k)` and `b[bOff..bOff+k)`. */
export function dot(
  a: ArrayLike<number>,
  aOff: number,
  b: ArrayLike<number>,
  bOff: number,
  k: number,
): number {
  let s = 0;
  for (let d = 0; d < k; d++) s += a[aOff + d]! * b[bOff + d]!;
  return s;
}

/**
 * Gram matrix `VᵀV` (k × k, Float64 for accuracy) of the `n × k` row-major matrix `v`.
 * Also returns `Vᵀ b` when a bias vector is given.
 */
export function gramMatrix(
  v: Float32Array,
  n: number,
  k: number,
  bias?: Float32Array,
): { gram: Float64Array; biasProjection: Float64Array } {
  const gram = new Float64Array(k * k);
  const biasProjection = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const off = i * k;
    for (let a = 0; a < k; a++) {
      const va = v[off + a]!;
      if (va === 0) continue;
      const row = a * k;
      for (let b = a; b < k; b++) gram[row + b]! += va * v[off + b]!;
    }
    if (bias) {
      const bi = bias[i]!;
      for (let a = 0; a < k; a++) biasProjection[a]! += bi * v[off + a]!;
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) gram[a * k + b] = gram[b * k + a]!;
  return { gram, biasProjection };
}

/**
 * In-place Cholesky factorization of the symmetric positive-definite `k × k` matrix `a`
 * (lower triangle holds L afterwards). Returns false if the matrix is not positive definite.
 */
export function choleskyInPlace(a: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j++) {
    let diag = a[j * k + j]!;
    for (let p = 0; p < j; p++) diag -= a[j * k + p]! * a[j * k + p]!;
    if (!(diag > 0)) return false;
    const ljj = Math.sqrt(diag);
    a[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = a[i * k + j]!;
      for (let p = 0; p < j; p++) s -= a[i * k + p]! * a[j * k + p]!;
      a[i * k + j] = s / ljj;
    }
  }
  return true;
}

/** Solves `L Lᵀ x = b` in place in `b`, with `l` from {@link choleskyInPlace}. */
export function choleskySolveInPlace(l: Float64Array, k: number, b: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let p = 0; p < i; p++) s -= l[i * k + p]! * b[p]!;
    b[i] = s / l[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let p = i + 1; p < k; p++) s -= l[p * k + i]! * b[p]!;
    b[i] = s / l[i * k + i]!;
  }
}
