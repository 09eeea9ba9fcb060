/**
 * The device's own privacy floor for federated rounds: what a device checks in every round spec
 * before it computes anything, instead of trusting the server's announced privacy. Browser-safe.
 *
 * The device recomputes the round's noise multiplier from the parts' clip bounds, quantization
 * steps and noise shares (at the round's minimum cohort), and from it the round's ε at its own δ.
 * It refuses a round whose noise is below its minimum, whose ε alone exceeds its per-round cap,
 * whose clamp would cut the noise it adds, or whose secure sums could wrap the ring. The merchant
 * integrating Hearth may tighten the defaults ({@link resolveDevicePrivacy}), never loosen them:
 * the floor protects visitors from a misconfigured or compromised server, which the same merchant
 * may run.
 */
import { DataError, OptionError } from '../core/errors';
import type { RoundSpec } from './federated-protocol';
import { epsilonOf } from './privacy-accountant';
import { roundNoiseMultiplier, secureSumProblem } from './round-plan';

/** What the device accepts from a round; see {@link DEFAULT_DEVICE_PRIVACY}. */
export interface DevicePrivacyPolicy {
  /** Smallest noise multiplier of a round's release (at its minimum cohort) the device takes part in. */
  readonly minNoiseMultiplier: number;
  /** Largest ε (at `delta`) one round may cost this device. */
  readonly maxEpsilonPerRound: number;
  /** Largest ε (at `delta`) all of this device's contributions together may cost. */
  readonly maxEpsilonTotal: number;
  /** δ at which the device computes and composes ε. */
  readonly delta: number;
  /** Refuse plain rounds, where the server reads each update (only secure aggregation hides it). */
  readonly requireSecureAggregation: boolean;
}

/**
 * The floor every device applies unless its site tightens it: noise multiplier ≥ 0.6 (the
 * co-occurrence release at ε = 8 uses 0.612), at most ε = 8 per round and ε = 16 in total at
 * δ = 10⁻⁵. A server without DP noise (ε = ∞) is refused.
 */
export const DEFAULT_DEVICE_PRIVACY: DevicePrivacyPolicy = Object.freeze({
  minNoiseMultiplier: 0.6,
  maxEpsilonPerRound: 8,
  maxEpsilonTotal: 16,
  delta: 1e-5,
  requireSecureAggregation: false,
});

/**
 * The device's policy: the defaults, tightened by the site's `overrides`. Throws `OptionError`
 * naming the field when an override would loosen the floor or is not a number in range.
 */
export function resolveDevicePrivacy(
  overrides: Partial<DevicePrivacyPolicy> = {},
): DevicePrivacyPolicy {
  const d = DEFAULT_DEVICE_PRIVACY;
  const field = (
    key: 'minNoiseMultiplier' | 'maxEpsilonPerRound' | 'maxEpsilonTotal' | 'delta',
    stricter: 'higher' | 'lower',
  ): number => {
    const v = overrides[key];
    if (v === undefined) return d[key];
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      v > 0 &&
      (stricter === 'higher' ? v >= d[key] : v <= d[key]);
    if (!ok) {
      throw new OptionError(
        `federated.privacy.${key} can only make the device stricter: use a finite number ${stricter === 'higher' ? '≥' : 'in (0,'} ${d[key]}${stricter === 'higher' ? '' : ']'} (got ${String(v)}).`,
      );
    }
    return v;
  };
  const secure = overrides.requireSecureAggregation;
  if (secure !== undefined && typeof secure !== 'boolean') {
    throw new OptionError('federated.privacy.requireSecureAggregation must be true or false.');
  }
  const maxEpsilonTotal = field('maxEpsilonTotal', 'lower');
  const policy: DevicePrivacyPolicy = {
    minNoiseMultiplier: field('minNoiseMultiplier', 'higher'),
    // A total below the default per-round cap caps each round too.
    maxEpsilonPerRound:
      overrides.maxEpsilonPerRound === undefined
        ? Math.min(d.maxEpsilonPerRound, maxEpsilonTotal)
        : field('maxEpsilonPerRound', 'lower'),
    maxEpsilonTotal,
    delta: field('delta', 'lower'),
    requireSecureAggregation: secure ?? d.requireSecureAggregation,
  };
  if (policy.maxEpsilonPerRound > policy.maxEpsilonTotal) {
    throw new OptionError(
      `federated.privacy.maxEpsilonPerRound (${policy.maxEpsilonPerRound}) cannot exceed maxEpsilonTotal (${policy.maxEpsilonTotal}).`,
    );
  }
  return policy;
}

/** Why a device refused a round. */
export type RoundRefusal =
  | 'insecure-round'
  | 'secure-sum-overflow'
  | 'noise-clamped'
  | 'noise-below-floor'
  | 'epsilon-per-round'
  | 'epsilon-budget';

/** A round the device will not contribute to; nothing was computed or sent for it. */
export class RoundRefusedError extends DataError {
  /** Machine-readable cause. */
  readonly reason: RoundRefusal;
  readonly roundId: string;

  constructor(reason: RoundRefusal, roundId: string, message: string) {
    super('ROUND_REFUSED', message);
    this.name = 'RoundRefusedError';
    this.reason = reason;
    this.roundId = roundId;
  }
}

/** What a round costs this device, as the device computes it from the spec. */
export interface RoundCost {
  readonly roundId: string;
  /** Noise multiplier of the round's release at its minimum cohort (0 = no noise). */
  readonly noiseMultiplier: number;
  /** ε of this round alone at the policy's δ (Infinity without noise). */
  readonly epsilon: number;
}

/**
 * What the device can tell from the server's status before joining: a plain round when the policy
 * wants secure aggregation, or a server that adds no DP noise at all. Throws the refusal, so a
 * device never takes a seat in a round it will refuse; everything else is checked on the spec.
 */
export function checkAnnouncedRound(
  round: { readonly roundId: string; readonly aggregation: RoundSpec['aggregation'] },
  announcedNoiseMultiplier: number,
  policy: DevicePrivacyPolicy,
): void {
  if (policy.requireSecureAggregation && round.aggregation !== 'secure') {
    throw new RoundRefusedError('insecure-round', round.roundId, insecureMessage(round.roundId));
  }
  if (!(announcedNoiseMultiplier > 0)) {
    throw new RoundRefusedError(
      'noise-below-floor',
      round.roundId,
      noNoiseMessage(round.roundId, policy),
    );
  }
}

const insecureMessage = (roundId: string): string =>
  `Round ${roundId} refused: the server would read this device’s update (plain aggregation) and this site requires secure aggregation.`;

const noNoiseMessage = (roundId: string, policy: DevicePrivacyPolicy): string =>
  `Round ${roundId} refused: it adds no differential-privacy noise; this device requires a noise multiplier of at least ${policy.minNoiseMultiplier}.`;

/** Noise shares are cut unless clip + 6σ fits in ±clamp steps (what `round-plan` builds, to rounding). */
const NOISE_HEADROOM_SIGMAS = 6;
const HEADROOM_TOLERANCE = 1e-9;

/**
 * Checks `spec` against `policy` and returns the round's cost. Throws {@link RoundRefusedError}
 * when the round is plain but the policy wants secure aggregation, its secure sums could wrap, its
 * clamp would cut the noise, its noise is below the floor, or its ε alone exceeds the per-round cap.
 * The total budget is the ledger's to check.
 */
export function checkRoundPrivacy(spec: RoundSpec, policy: DevicePrivacyPolicy): RoundCost {
  const refuse = (reason: RoundRefusal, message: string): never => {
    throw new RoundRefusedError(reason, spec.roundId, `Round ${spec.roundId} refused: ${message}`);
  };
  if (policy.requireSecureAggregation && spec.aggregation !== 'secure') {
    throw new RoundRefusedError('insecure-round', spec.roundId, insecureMessage(spec.roundId));
  }
  const wrap = secureSumProblem(spec);
  if (wrap) refuse('secure-sum-overflow', `${wrap}.`);
  for (const p of spec.parts) {
    if (p.length === 0 || p.noiseStd === 0) continue;
    const range = p.clamp * p.scale;
    if (range < (p.clipNorm + NOISE_HEADROOM_SIGMAS * p.noiseStd) * (1 - HEADROOM_TOLERANCE)) {
      refuse(
        'noise-clamped',
        `part "${p.name}" clamps at ±${range.toPrecision(4)}, less than its clip bound plus ${NOISE_HEADROOM_SIGMAS}σ of noise (${(p.clipNorm + NOISE_HEADROOM_SIGMAS * p.noiseStd).toPrecision(4)}), so clamping would cut the noise.`,
      );
    }
  }
  const noiseMultiplier = roundNoiseMultiplier(spec.parts, Math.max(1, spec.minCohort));
  if (noiseMultiplier === 0) {
    throw new RoundRefusedError(
      'noise-below-floor',
      spec.roundId,
      noNoiseMessage(spec.roundId, policy),
    );
  }
  if (!(noiseMultiplier >= policy.minNoiseMultiplier)) {
    refuse(
      'noise-below-floor',
      `its noise multiplier is ${noiseMultiplier.toFixed(3)}; this device requires at least ${policy.minNoiseMultiplier}.`,
    );
  }
  const epsilon = epsilonOf({ noiseMultiplier }, policy.delta);
  if (!(epsilon <= policy.maxEpsilonPerRound)) {
    refuse(
      'epsilon-per-round',
      `it would cost ε = ${epsilon.toFixed(2)} (δ = ${policy.delta}); this device allows at most ${policy.maxEpsilonPerRound} per round.`,
    );
  }
  return { roundId: spec.roundId, noiseMultiplier, epsilon };
}
