import { DEFAULT_MF_OPTIONS } from '../models/mf/train-typed';
import type { MfSettings } from './tune-types';

/** One searched MF setting: the value one step up (+1) or down (−1), or null past its range. */
export interface SearchStep {
  readonly key: 'regularization' | 'unobservedWeight' | 'userWeightExponent' | 'epochs' | 'factors';
  next(value: number, direction: 1 | -1): number | null;
}

const multiplicative =
  (factor: number, min: number, max: number) =>
  (value: number, direction: 1 | -1): number | null => {
    const v = direction > 0 ? value * factor : value / factor;
    return v < min * 0.999 || v > max * 1.001 ? null : v;
  };

/**
 * The search space, in the order coordinate descent visits it: λ in steps of ×1.5 over
 * [1e-4, 3], α₀ in steps of ×2 over [0.025, 6.4], δ in steps of 0.25 over [0, 1], epochs ×1.5
 * over [3, 40], k ×2 over [16, 128] (last: it costs the most). See docs/engine.md for how the ranges were chosen.
 */
export const SEARCH_STEPS: readonly SearchStep[] = [
  { key: 'regularization', next: multiplicative(1.5, 1e-4, 3) },
  { key: 'unobservedWeight', next: multiplicative(2, 0.025, 6.4) },
  {
    key: 'userWeightExponent',
    next: (value, direction) => {
      const v = Math.round((value + 0.25 * direction) * 100) / 100;
      return v < 0 || v > 1 ? null : v;
    },
  },
  {
    key: 'epochs',
    next: (value, direction) => {
      const v = Math.round(direction > 0 ? value * 1.5 : value / 1.5);
      return v < 3 || v > 40 ? null : v;
    },
  },
  { key: 'factors', next: multiplicative(2, 16, 128) },
];

/** The fixed MF defaults as tunable settings (the tuner's starting point). */
export function defaultMfSettings(): MfSettings {
  const d = DEFAULT_MF_OPTIONS;
  return {
    factors: d.factors,
    epochs: d.epochs,
    regularization: d.regularization,
    unobservedWeight: d.unobservedWeight,
    userWeightExponent: d.userWeightExponent,
    biasScale: d.biasScale,
  };
}
