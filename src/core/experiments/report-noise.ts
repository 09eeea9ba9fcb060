import { OptionError } from '../errors';
import type { ExperimentDefinition, MetricDefinition } from './experiment-types';
import { normalCdf } from './distributions';
import { contributionLength } from './visitor-contribution';
import { experimentMetrics } from './validate-experiment';

/** Default δ of one report when the definition's `privacy.delta` is absent. */
export const DEFAULT_REPORT_DELTA = 1e-6;

function valueBound(metric: MetricDefinition): number {
  if (metric.kind === 'binomial') return metric.cap !== undefined ? Math.min(1, metric.cap) : 1;
  if (metric.cap === undefined) {
    throw new OptionError(
      `Experiment metric "${metric.id}" has no cap, so what one device adds to it is unbounded: ` +
        'give it a cap (e.g. revenue capped at 500) to add DP noise to reports.',
    );
  }
  return metric.cap;
}

/**
 * The largest absolute value one device's report can put in each slot of a contribution vector
 * (the layout of `writeContribution`: visitors, exposed visitors, then Σy, Σy², Σx, Σx², Σxy per
 * metric). Throws `OptionError` for an uncapped `mean` metric, whose bound is infinite.
 */
export function experimentSlotBounds(definition: ExperimentDefinition): Float64Array {
  const metrics = experimentMetrics(definition);
  const bounds = new Float64Array(contributionLength(metrics.length));
  bounds[0] = 1;
  bounds[1] = 1;
  metrics.forEach((metric, m) => {
    const b = valueBound(metric);
    const base = 2 + 5 * m;
    bounds[base] = b;
    bounds[base + 1] = b * b;
    if (metric.cuped === true) {
      bounds[base + 2] = b;
      bounds[base + 3] = b * b;
      bounds[base + 4] = b * b;
    }
  });
  return bounds;
}

/**
 * δ of the Gaussian mechanism with sensitivity/σ ratio μ at ε — exact (Balle & Wang 2018, Thm 8):
 * Φ(μ/2 − ε/μ) − e^ε Φ(−μ/2 − ε/μ).
 */
function gaussianDelta(mu: number, epsilon: number): number {
  return normalCdf(mu / 2 - epsilon / mu) - Math.exp(epsilon) * normalCdf(-mu / 2 - epsilon / mu);
}

/**
 * Noise multiplier of the Gaussian mechanism a device applies to each report of an experiment
 * with `privacy` (0 without): each slot gets N(0, (multiplier · bound)²) noise. With every slot
 * divided by its bound, two possible reports of one device differ in at most two arm blocks, each
 * of L2 norm ≤ √slots, so the L2 sensitivity is Δ = √(2·slots); the multiplier is Δ/μ for the
 * largest μ whose exact δ at ε (analytic Gaussian mechanism, valid for every ε > 0) is ≤ δ.
 * Throws `OptionError` for an ε or δ out of range or an uncapped `mean` metric.
 */
export function reportNoiseMultiplier(definition: ExperimentDefinition): number {
  const privacy = definition.privacy;
  if (privacy === undefined) return 0;
  const { epsilon } = privacy;
  const delta = privacy.delta ?? DEFAULT_REPORT_DELTA;
  if (!(Number.isFinite(epsilon) && epsilon > 0)) {
    throw new OptionError(`Experiment privacy.epsilon must be a positive number (got ${epsilon}).`);
  }
  if (!(delta > 0 && delta <= 1e-3)) {
    throw new OptionError(`Experiment privacy.delta must be in (0, 0.001] (got ${delta}).`);
  }
  const bounds = experimentSlotBounds(definition);
  let slots = 0;
  for (let i = 0; i < bounds.length; i++) if ((bounds[i] ?? 0) > 0) slots++;
  const sensitivity = Math.sqrt(2 * slots);
  let lo = 0;
  let hi = 1;
  while (gaussianDelta(hi, epsilon) <= delta) hi *= 2;
  for (let i = 0; i < 100 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (gaussianDelta(mid, epsilon) <= delta) lo = mid;
    else hi = mid;
  }
  return sensitivity / lo;
}
