import type { CsrMatrix } from '../../data/csr-matrix';
import { OptionError, throwIfAborted } from '../../errors';

/** Options of {@link solveSparseRidge}. */
export interface SparseRidgeOptions {
  /** Design matrix X (n rows × F features). */
  readonly features: CsrMatrix;
  /** Targets Y, `n × outputs` row-major. */
  readonly targets: Float32Array | Float64Array;
  readonly outputs: number;
  /** Per-row weights d_r ≥ 0 (0 leaves the row out). Default: every row weighs 1. */
  readonly rowWeights?: Float32Array;
  /** λ > 0. */
  readonly regularization: number;
  /** Conjugate-gradient iteration cap (default 300). */
  readonly maxIterations?: number;
  /** Stop once every output's residual norm is below `tolerance` × its right-hand-side norm (default 1e-6). */
  readonly tolerance?: number;
  readonly signal?: AbortSignal;
}

/** Solution of {@link solveSparseRidge}. */
export interface SparseRidgeResult {
  /** W, `F × outputs` row-major. */
  readonly weights: Float64Array;
  readonly iterations: number;
  /** Largest relative residual over outputs at exit. */
  readonly relativeResidual: number;
}

/**
 * Multi-output ridge regression `min_W Σ_r d_r ‖x_r W − y_r‖² + λ‖W‖²` solved by conjugate
 * gradient on the normal equations `(XᵀDX + λI) W = XᵀDY`, one CG recurrence per output run in
 * lock-step. `XᵀDX` is applied as `Xᵀ(D(XP))`, so nothing dense of size F × F is ever formed:
 * each iteration costs O(nnz(X) · outputs). Deterministic.
 */
export function solveSparseRidge(options: SparseRidgeOptions): SparseRidgeResult {
  const { features: x, targets, outputs: d, regularization: lambda } = options;
  const n = x.rows;
  const f = x.cols;
  const maxIterations = options.maxIterations ?? 300;
  const tolerance = options.tolerance ?? 1e-6;
  if (!(lambda > 0) || !Number.isFinite(lambda)) {
    throw new OptionError(`Content tower regularization is ${lambda}; use a finite number > 0.`);
  }
  if (targets.length !== n * d) {
    throw new OptionError(
      `Ridge targets hold ${targets.length} values; expected ${n} rows × ${d} outputs.`,
    );
  }
  const rowWeights = options.rowWeights;
  if (rowWeights && rowWeights.length !== n) {
    throw new OptionError(`Ridge row weights hold ${rowWeights.length} values; expected ${n}.`);
  }
  const { indptr, indices, values } = x;
  const rowBuf = new Float64Array(n * d);

  // out = (XᵀDX + λI) p
  const applyNormal = (p: Float64Array, out: Float64Array): void => {
    rowBuf.fill(0);
    for (let r = 0; r < n; r++) {
      const w = rowWeights ? rowWeights[r]! : 1;
      if (w === 0) continue;
      const ro = r * d;
      for (let e = indptr[r]!; e < indptr[r + 1]!; e++) {
        const v = values[e]! * w;
        const po = indices[e]! * d;
        for (let j = 0; j < d; j++) rowBuf[ro + j]! += v * p[po + j]!;
      }
    }
    for (let i = 0; i < out.length; i++) out[i] = lambda * p[i]!;
    for (let r = 0; r < n; r++) {
      const ro = r * d;
      for (let e = indptr[r]!; e < indptr[r + 1]!; e++) {
        const v = values[e]!;
        const oo = indices[e]! * d;
        for (let j = 0; j < d; j++) out[oo + j]! += v * rowBuf[ro + j]!;
      }
    }
  };

  // res = XᵀDY (W starts at 0, so the first residual is the right-hand side).
  const res = new Float64Array(f * d);
  for (let r = 0; r < n; r++) {
    const w = rowWeights ? rowWeights[r]! : 1;
    if (w === 0) continue;
    const ro = r * d;
    for (let e = indptr[r]!; e < indptr[r + 1]!; e++) {
      const v = values[e]! * w;
      const oo = indices[e]! * d;
      for (let j = 0; j < d; j++) res[oo + j]! += v * targets[ro + j]!;
    }
  }
  const weights = new Float64Array(f * d);
  const p = res.slice();
  const ap = new Float64Array(f * d);
  const rs = columnDots(res, res, f, d);
  const rhs = rs.slice();
  const stop = rhs.map((v) => v * tolerance * tolerance);
  let iterations = 0;
  const converged = (): boolean => rs.every((v, j) => v <= stop[j]!);
  while (iterations < maxIterations && !converged()) {
    throwIfAborted(options.signal);
    applyNormal(p, ap);
    const pap = columnDots(p, ap, f, d);
    const alpha = pap.map((v, j) => (v > 0 ? rs[j]! / v : 0));
    for (let i = 0; i < f; i++) {
      const o = i * d;
      for (let j = 0; j < d; j++) {
        weights[o + j]! += alpha[j]! * p[o + j]!;
        res[o + j]! -= alpha[j]! * ap[o + j]!;
      }
    }
    const rsNew = columnDots(res, res, f, d);
    for (let i = 0; i < f; i++) {
      const o = i * d;
      for (let j = 0; j < d; j++) {
        const beta = rs[j]! > 0 ? rsNew[j]! / rs[j]! : 0;
        p[o + j] = res[o + j]! + beta * p[o + j]!;
      }
    }
    rs.set(rsNew);
    iterations++;
  }
  let relativeResidual = 0;
  rs.forEach((v, j) => {
    if (rhs[j]! > 0) relativeResidual = Math.max(relativeResidual, Math.sqrt(v / rhs[j]!));
  });
  return { weights, iterations, relativeResidual };
}

/** Per-column dot products of two `rows × cols` row-major matrices. */
function columnDots(a: Float64Array, b: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[j]! += a[o + j]! * b[o + j]!;
  }
  return out;
}
