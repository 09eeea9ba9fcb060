/**
 * Gram matrix Σ_r w_r w_rᵀ over the first `dim` features of `rows` rows of `w` (row stride `s`,
 * starting at row `from`), accumulated in Float64 and returned as a full dim × dim matrix. Rows are
 * taken four at a time so each accumulator is loaded and stored once per four rows: the Gram is
 * O(rows·dim²) and was the largest cost of an epoch on catalogs of 100k items.
 */
export function gramOf(
  w: Float32Array,
  rows: number,
  dim: number,
  s: number,
  from = 0,
): Float64Array {
  const acc = new Float64Array(dim * dim);
  const end = from + rows;
  let r = from;
  for (; r + 4 <= end; r += 4) {
    const o0 = r * s;
    const o1 = o0 + s;
    const o2 = o1 + s;
    const o3 = o2 + s;
    for (let a = 0; a < dim; a++) {
      const w0 = w[o0 + a]!;
      const w1 = w[o1 + a]!;
      const w2 = w[o2 + a]!;
      const w3 = w[o3 + a]!;
      const row = a * dim;
      for (let b = a; b < dim; b++) {
        acc[row + b]! += w0 * w[o0 + b]! + w1 * w[o1 + b]! + w2 * w[o2 + b]! + w3 * w[o3 + b]!;
      }
    }
  }
  for (; r < end; r++) {
    const o = r * s;
    for (let a = 0; a < dim; a++) {
      const wa = w[o + a]!;
      if (wa === 0) continue;
      const row = a * dim;
      for (let b = a; b < dim; b++) acc[row + b]! += wa * w[o + b]!;
    }
  }
  mirrorUpper(acc, dim);
  return acc;
}

/** Copies the upper triangle of a dim × dim matrix onto its lower triangle. */
export function mirrorUpper(acc: Float64Array, dim: number): void {
  for (let a = 0; a < dim; a++) {
    for (let b = a + 1; b < dim; b++) acc[b * dim + a] = acc[a * dim + b]!;
  }
}

/** Writes `scale` × a dim × dim Float64 matrix as `dim` Float32 rows of stride `s` (the kernels' layout). */
export function writeScaledGram(
  gram: Float64Array,
  dim: number,
  s: number,
  scale: number,
  out: Float32Array,
): void {
  out.fill(0);
  for (let a = 0; a < dim; a++) {
    for (let b = 0; b < dim; b++) out[a * s + b] = scale * gram[a * dim + b]!;
  }
}

/**
 * The user step's α₀-scaled Gram (k × k, stride `sx`) and constant right-hand side from the item
 * Gram `gy` over [v_i, b_i] ((k+1) × (k+1)): targets 1 − b_i move the bias to the right-hand side.
 */
export function userStepSystem(
  gy: Float64Array,
  k: number,
  sx: number,
  a0: number,
  gram: Float32Array,
  rhs: Float32Array,
): void {
  rhs.fill(0);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) gram[a * sx + b] = a0 * gy[a * (k + 1) + b]!;
    rhs[a] = -a0 * gy[a * (k + 1) + k]!;
  }
}

/** trace(A·B) of two symmetric dim × dim matrices: the all-pairs term Σ_u Σ_i ŷ² of the objective. */
export function symmetricTrace(a: Float64Array, b: Float64Array, dim: number): number {
  let trace = 0;
  for (let i = 0; i < dim; i++) {
    trace += a[i * dim + i]! * b[i * dim + i]!;
    for (let j = i + 1; j < dim; j++) trace += 2 * a[i * dim + j]! * b[i * dim + j]!;
  }
  return trace;
}

/**
 * Objective of the spec divided by nnz, from its observed term (summed by the item solve, which
 * sees every stored entry once), its regularization term and the Grams. The all-pairs term
 * Σ_u Σ_i ŷ² equals trace(Gz·Gy) with Gz = Σ_u z_u z_uᵀ and Gy = Σ_i y_i y_iᵀ, so it costs
 * O(k²) given them.
 */
export function objective(
  observed: number,
  reg: number,
  a0: number,
  gz: Float64Array,
  gy: Float64Array,
  dim: number,
  nnz: number,
): number {
  return (observed + a0 * symmetricTrace(gz, gy, dim) + reg) / Math.max(1, nnz);
}

/** Σ_r regs[r − from]·|w_r|² over the first `dim` features of rows [from, from + rows) of `w`. */
export function weightedNormSum(
  w: Float32Array,
  rows: number,
  dim: number,
  s: number,
  regs: Float32Array,
  from = 0,
): number {
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const o = (from + r) * s;
    let n = 0;
    for (let a = 0; a < dim; a++) n += w[o + a]! * w[o + a]!;
    sum += regs[r]! * n;
  }
  return sum;
}
