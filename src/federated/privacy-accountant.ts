/**
 * Rényi-DP accountant for the (sub)sampled Gaussian mechanism. Browser-safe.
 *
 * One round releases the cohort's sum of clipped updates plus Gaussian noise with standard deviation
 * z·Δ (Δ = L2 sensitivity of one user's update, z = noise multiplier). With clients included by
 * Poisson sampling at rate q, the round is (α, ε_α)-RDP with (Mironov, Talwar, Zhang 2019, integer α)
 *   ε_α = log( Σ_{j=0..α} C(α,j) (1−q)^{α−j} q^j exp((j²−j)/(2z²)) ) / (α−1),
 * which is α/(2z²) at q = 1. RDP adds up over rounds; (ε, δ) follows from the conversion of Balle et
 * al. 2020 (Thm 21): ε = min_α ε_α + log((α−1)/α) − (log δ + log α)/(α−1).
 */
import { OptionError } from '../core/errors';

/** Rényi orders tracked: fractional ones only apply to unsampled rounds (closed form). */
const FRACTIONAL_ORDERS = [1.25, 1.5, 1.75, 2.5, 3.5, 4.5];
const INTEGER_ORDERS = [
  2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 128, 192,
  256, 384, 512,
];

/** The orders {@link createPrivacyAccountant} tracks, ascending. */
export const RDP_ORDERS: readonly number[] = [...FRACTIONAL_ORDERS, ...INTEGER_ORDERS].sort(
  (a, b) => a - b,
);

function checkMechanism(z: number, q: number): void {
  if (!(z >= 0) || !Number.isFinite(z))
    throw new OptionError(`The noise multiplier must be finite and ≥ 0 (got ${z}).`);
  if (!(q > 0 && q <= 1)) throw new OptionError(`The sampling rate must be in (0, 1] (got ${q}).`);
}

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/** RDP ε_α of one round of the sampled Gaussian mechanism (Infinity when it does not apply). */
export function sampledGaussianRdp(
  noiseMultiplier: number,
  samplingRate: number,
  order: number,
): number {
  checkMechanism(noiseMultiplier, samplingRate);
  if (noiseMultiplier === 0) return Infinity;
  const z2 = noiseMultiplier * noiseMultiplier;
  if (samplingRate === 1) return order / (2 * z2);
  if (!Number.isInteger(order)) return Infinity;
  const lq = Math.log(samplingRate);
  const l1q = Math.log1p(-samplingRate);
  let logA = -Infinity;
  let logBinom = 0;
  for (let j = 0; j <= order; j++) {
    if (j > 0) logBinom += Math.log((order - j + 1) / j);
    logA = logAdd(logA, logBinom + j * lq + (order - j) * l1q + (j * j - j) / (2 * z2));
  }
  return logA / (order - 1);
}

/** Smallest ε such that an RDP curve `rdp` (at {@link RDP_ORDERS}) is (ε, δ)-DP. */
export function rdpToEpsilon(rdp: readonly number[], delta: number): number {
  if (!(delta > 0 && delta < 1)) throw new OptionError(`δ must be in (0, 1) (got ${delta}).`);
  let best = Infinity;
  RDP_ORDERS.forEach((a, j) => {
    const r = rdp[j]!;
    if (!Number.isFinite(r)) return;
    const eps = r + Math.log((a - 1) / a) - (Math.log(delta) + Math.log(a)) / (a - 1);
    if (eps < best) best = eps;
  });
  return Math.max(0, best);
}

/** One kind of round: `rounds` releases at noise multiplier z and sampling rate q. */
export interface MechanismRounds {
  readonly noiseMultiplier: number;
  /** Poisson sampling rate of clients; 1 = every user may take part in every round. */
  readonly samplingRate?: number;
  readonly rounds?: number;
}

/** Persistable accountant state. */
export interface AccountantState {
  readonly delta: number;
  readonly rounds: number;
  /** Cumulative RDP at {@link RDP_ORDERS} (`null` for ∞ in JSON). */
  readonly rdp: readonly (number | null)[];
}

/** Tracks cumulative privacy loss over rounds. */
export interface PrivacyAccountant {
  readonly delta: number;
  /** Rounds recorded so far. */
  readonly rounds: number;
  /** Records rounds of a Gaussian mechanism. */
  addRounds(m: MechanismRounds): void;
  /** Cumulative ε at `delta` (Infinity if any round had no noise; 0 before any round). */
  epsilon(): number;
  toJSON(): AccountantState;
}

/** RDP curve of `m` at {@link RDP_ORDERS}. */
export function mechanismRdp(m: MechanismRounds): number[] {
  const q = m.samplingRate ?? 1;
  const t = m.rounds ?? 1;
  if (!(t >= 0) || !Number.isInteger(t))
    throw new OptionError(`Rounds must be a non-negative integer (got ${t}).`);
  return RDP_ORDERS.map((a) => (t === 0 ? 0 : t * sampledGaussianRdp(m.noiseMultiplier, q, a)));
}

/** Creates an accountant at `delta`, optionally resuming from a saved state. */
export function createPrivacyAccountant(o: {
  delta: number;
  state?: AccountantState;
}): PrivacyAccountant {
  if (!(o.delta > 0 && o.delta < 1)) throw new OptionError(`δ must be in (0, 1) (got ${o.delta}).`);
  const rdp = new Array<number>(RDP_ORDERS.length).fill(0);
  let rounds = 0;
  if (o.state) {
    if (o.state.rdp.length !== RDP_ORDERS.length || o.state.delta !== o.delta) {
      throw new OptionError(
        'The saved privacy ledger does not match this accountant (orders or δ differ).',
      );
    }
    o.state.rdp.forEach((r, j) => (rdp[j] = r === null ? Infinity : r));
    rounds = o.state.rounds;
  }
  return {
    delta: o.delta,
    get rounds() {
      return rounds;
    },
    addRounds(m) {
      const add = mechanismRdp(m);
      for (let j = 0; j < rdp.length; j++) rdp[j]! += add[j]!;
      rounds += m.rounds ?? 1;
    },
    epsilon: () => (rounds === 0 ? 0 : rdpToEpsilon(rdp, o.delta)),
    toJSON: () => ({
      delta: o.delta,
      rounds,
      rdp: rdp.map((r) => (Number.isFinite(r) ? r : null)),
    }),
  };
}

/** ε at `delta` of `m` alone. */
export function epsilonOf(m: MechanismRounds, delta: number): number {
  if ((m.rounds ?? 1) === 0) return 0;
  return rdpToEpsilon(mechanismRdp(m), delta);
}

/**
 * Smallest noise multiplier (to 0.1 %) such that `rounds` rounds at sampling rate q stay within
 * (targetEpsilon, delta).
 */
export function calibrateNoiseMultiplier(o: {
  readonly targetEpsilon: number;
  readonly delta: number;
  readonly rounds: number;
  readonly samplingRate?: number;
}): number {
  if (!(o.targetEpsilon > 0) || !Number.isFinite(o.targetEpsilon)) {
    throw new OptionError(`The target ε must be finite and positive (got ${o.targetEpsilon}).`);
  }
  const eps = (z: number): number =>
    epsilonOf({ noiseMultiplier: z, rounds: o.rounds, samplingRate: o.samplingRate ?? 1 }, o.delta);
  let lo = 1e-3;
  let hi = 1;
  while (eps(hi) > o.targetEpsilon) {
    hi *= 2;
    if (hi > 1e6) throw new OptionError(`No noise multiplier reaches ε = ${o.targetEpsilon}.`);
  }
  while (hi - lo > 1e-3 * hi) {
    const mid = (lo + hi) / 2;
    if (eps(mid) > o.targetEpsilon) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * Noise multiplier of a release made of several independently clipped parts, part j with
 * sensitivity Δ_j and noise std σ_j: the whole is one Gaussian mechanism with
 * z = (Σ_j (Δ_j/σ_j)²)^(−1/2). Returns 0 if any part has no noise.
 */
export function combinedNoiseMultiplier(
  parts: readonly { readonly sensitivity: number; readonly noiseStd: number }[],
): number {
  let s = 0;
  for (const p of parts) {
    if (p.sensitivity === 0) continue;
    if (!(p.noiseStd > 0)) return 0;
    s += (p.sensitivity / p.noiseStd) ** 2;
  }
  return s === 0 ? 0 : 1 / Math.sqrt(s);
}
