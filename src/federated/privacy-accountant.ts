/**
 * Rényi-DP accountant for the (sub)sampled Gaussian mechanism. Browser-safe.
 *
 * One round releases the cohort's sum of clipped updates plus Gaussian noise with standard deviation
 * z·Δ (Δ = L2 sensitivity of one user's update, z = noise multiplier). With clients included by
 * Poisson sampling at rate q, the round is (α, ε_α)-RDP with (Mironov, Talwar, Zhang 2019, integer α)
 *   ε_α = log( Σ_{j=0..α} C(α,j) (1−q)^{α−j} q^j exp((j²−j)/(2z²)) ) / (α−1),
 * which is α/(2z²) at q = 1. RDP adds up over rounds; (ε, δ) follows from the conversion of Balle et
 * al. 2020 (Thm 21): ε = min_α ε_α + log((α−1)/α) − (log δ + log α)/(α−1).
 *
 * Unsampled rounds (q = 1) are also tracked exactly: T Gaussian releases with multipliers z_t
 * compose into one μ-GDP mechanism with μ² = Σ 1/z_t² (Dong, Roth & Su 2019), whose (ε, δ) curve
 * δ(ε) = Φ(−ε/μ + μ/2) − e^ε Φ(−ε/μ − μ/2) is tight (Balle & Wang 2018). While every round is
 * unsampled the accountant reports the smaller of the two (both are valid bounds).
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

/** erfc(x), Chebyshev fit with fractional error below 1.2e-7 everywhere (Numerical Recipes 6.2). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/**
 * Tight ε at `delta` of a μ-GDP mechanism (e.g. composed unsampled Gaussian releases with
 * μ = √(Σ 1/z_t²)): the smallest ε with Φ(−ε/μ + μ/2) − e^ε Φ(−ε/μ − μ/2) ≤ δ.
 */
export function gaussianDpEpsilon(mu: number, delta: number): number {
  if (!(delta > 0 && delta < 1)) throw new OptionError(`δ must be in (0, 1) (got ${delta}).`);
  if (!(mu >= 0)) throw new OptionError(`μ must be ≥ 0 (got ${mu}).`);
  if (mu === 0) return 0;
  if (!Number.isFinite(mu)) return Infinity;
  const deltaAt = (eps: number): number =>
    normalCdf(-eps / mu + mu / 2) - Math.exp(eps) * normalCdf(-eps / mu - mu / 2);
  if (deltaAt(0) <= delta) return 0;
  let lo = 0;
  let hi = 1;
  while (deltaAt(hi) > delta) {
    hi *= 2;
    if (hi > 1e6) return Infinity;
  }
  while (hi - lo > 1e-9 * hi) {
    const mid = (lo + hi) / 2;
    if (deltaAt(mid) > delta) lo = mid;
    else hi = mid;
  }
  return hi;
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
  /**
   * Σ rounds/z² over the rounds, while all were unsampled (the GDP μ²); `null` once a sampled or
   * noiseless round was recorded. Absent in older ledgers: then only the RDP bound is used.
   */
  readonly gdpMu2?: number | null;
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
  let gdpMu2: number | null = 0;
  if (o.state) {
    if (o.state.rdp.length !== RDP_ORDERS.length || o.state.delta !== o.delta) {
      throw new OptionError(
        'The saved privacy ledger does not match this accountant (orders or δ differ).',
      );
    }
    o.state.rdp.forEach((r, j) => (rdp[j] = r === null ? Infinity : r));
    rounds = o.state.rounds;
    const saved = o.state.gdpMu2;
    gdpMu2 = typeof saved === 'number' && saved >= 0 ? saved : rounds === 0 ? 0 : null;
  }
  return {
    delta: o.delta,
    get rounds() {
      return rounds;
    },
    addRounds(m) {
      const add = mechanismRdp(m);
      for (let j = 0; j < rdp.length; j++) rdp[j]! += add[j]!;
      const t = m.rounds ?? 1;
      rounds += t;
      if (gdpMu2 !== null && t > 0) {
        gdpMu2 =
          (m.samplingRate ?? 1) === 1 && m.noiseMultiplier > 0
            ? gdpMu2 + t / (m.noiseMultiplier * m.noiseMultiplier)
            : null;
      }
    },
    epsilon() {
      if (rounds === 0) return 0;
      const viaRdp = rdpToEpsilon(rdp, o.delta);
      return gdpMu2 === null
        ? viaRdp
        : Math.min(viaRdp, gaussianDpEpsilon(Math.sqrt(gdpMu2), o.delta));
    },
    toJSON: () => ({
      delta: o.delta,
      rounds,
      rdp: rdp.map((r) => (Number.isFinite(r) ? r : null)),
      gdpMu2,
    }),
  };
}

/** ε at `delta` of `m` alone (tight GDP bound when unsampled). */
export function epsilonOf(m: MechanismRounds, delta: number): number {
  if ((m.rounds ?? 1) === 0) return 0;
  const accountant = createPrivacyAccountant({ delta });
  accountant.addRounds(m);
  return accountant.epsilon();
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
