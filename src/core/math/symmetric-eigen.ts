/**
 * Eigen-decomposition of a small dense symmetric matrix (cyclic Jacobi rotations). Used to turn a
 * released co-occurrence matrix into item factors; sizes are a few hundred, where Jacobi's O(n³)
 * per sweep is well under a second and its accuracy does not depend on eigenvalue gaps.
 */
import { OptionError } from '../errors';

/** Eigenvalues (descending) and matching unit eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  /** `n` eigenvalues, largest first. */
  readonly values: Float64Array;
  /** `n × n` row-major; column j is the eigenvector of `values[j]`. */
  readonly vectors: Float64Array;
}

/** Options of {@link symmetricEigen}. */
export interface SymmetricEigenOptions {
  /** Stop when the off-diagonal Frobenius norm is below `tolerance` × the matrix norm (default 1e-12). */
  readonly tolerance?: number;
  /** Upper bound on sweeps (default 50; Jacobi converges quadratically, ~6–10 sweeps in practice). */
  readonly maxSweeps?: number;
}

/**
 * Eigen-decomposition of the symmetric `n × n` row-major matrix `a` (only its upper triangle is
 * read; `a` is not modified).
 */
export function symmetricEigen(
  a: ArrayLike<number>,
  n: number,
  options: SymmetricEigenOptions = {},
): SymmetricEigen {
  if (!(n >= 1) || !Number.isInteger(n) || a.length < n * n) {
    throw new OptionError(`symmetricEigen needs an n × n matrix (n = ${n}, length ${a.length}).`);
  }
  const m = new Float64Array(n * n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = a[i * n + j]!;
      if (!Number.isFinite(v)) {
        throw new OptionError(`symmetricEigen: entry (${i}, ${j}) is not finite.`);
      }
      m[i * n + j] = v;
      m[j * n + i] = v;
      total += i === j ? v * v : 2 * v * v;
    }
  }
  const vec = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vec[i * n + i] = 1;
  const tolerance = (options.tolerance ?? 1e-12) * Math.sqrt(total);
  const maxSweeps = options.maxSweeps ?? 50;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! ** 2;
    if (Math.sqrt(2 * off) <= tolerance) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const app = m[p * n + p]!;
        const aqq = m[q * n + q]!;
        // Rotation angle that zeroes (p, q), in the numerically stable form (Golub & Van Loan 8.5).
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p]!;
          const akq = m[k * n + q]!;
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k]!;
          const aqk = m[q * n + k]!;
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = vec[k * n + p]!;
          const vkq = vec[k * n + q]!;
          vec[k * n + p] = c * vkp - s * vkq;
          vec[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (x, y) => m[y * n + y]! - m[x * n + x]!,
  );
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = m[src * n + src]!;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = vec[k * n + src]!;
  });
  return { values, vectors };
}
