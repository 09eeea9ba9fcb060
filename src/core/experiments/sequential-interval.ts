/**
 * Anytime-valid (sequential) intervals: the asymptotic confidence sequence of Waudby-Smith,
 * Arnold, Wu, Howard, Ramdas (2023, "Time-uniform central limit theory and asymptotic confidence
 * sequences"), the normal-mixture boundary of Howard et al. (2021) applied to an asymptotically
 * normal estimate. Its half-width is the fixed-horizon standard error times a factor that grows
 * slowly with the sample, so the error rate holds however often the results are looked at.
 */

/** Inputs of the sequential half-width factor. */
export interface SequentialFactorOptions {
  /** False-positive rate the confidence sequence is built for. */
  readonly alpha: number;
  /** Units in the comparison so far (exposed visitors of both arms). */
  readonly sampleSize: number;
  /** Units the experiment is planned for; the sequence is tuned to be tightest there. */
  readonly plannedSampleSize: number;
}

/**
 * ρ² of the normal mixture, chosen (Waudby-Smith et al., approximate optimum) to minimise the
 * width at the planned sample size.
 */
export function mixingRhoSquared(alpha: number, plannedSampleSize: number): number {
  const l = -2 * Math.log(alpha);
  return (l + Math.log(l + 1)) / plannedSampleSize;
}

function boundaryTerms(options: SequentialFactorOptions): { a: number; b: number } {
  const nRho = options.sampleSize * mixingRhoSquared(options.alpha, options.plannedSampleSize);
  return { a: (2 * (nRho + 1)) / nRho, b: Math.sqrt(nRho + 1) };
}

/**
 * Multiplier of the standard error giving the two-sided anytime-valid half-width at this sample
 * size: √(2(nρ² + 1)/(nρ²) · log(√(nρ² + 1)/α)). Compare with z = 1.96 of a fixed-horizon 95%
 * interval; at the planned size and α = 0.05 it is about 3.0.
 */
export function sequentialFactor(options: SequentialFactorOptions): number {
  if (options.sampleSize <= 0) return Infinity;
  const { a, b } = boundaryTerms(options);
  return Math.sqrt(a * Math.log(b / options.alpha));
}

/**
 * Anytime-valid p-value of a z statistic: the smallest α whose confidence sequence (with ρ tuned
 * for `options.alpha`) excludes zero. Below α exactly when the sequential interval excludes zero.
 */
export function sequentialPValue(z: number, options: SequentialFactorOptions): number {
  if (options.sampleSize <= 0 || !Number.isFinite(z)) return 1;
  const { a, b } = boundaryTerms(options);
  return Math.min(1, b * Math.exp(-(z * z) / a));
}
