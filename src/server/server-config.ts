/**
 * Configuration of the aggregation server, with defaults and validation.
 */
import { OptionError } from '../core/errors';
import type { AggregationMode } from '../federated/federated-protocol';
import { DEFAULT_DEVICE_MAX_DIFFICULTY } from '../federated/join-admission';
import { DEFAULT_MASKING_DEGREE } from '../federated/masking-graph';
import {
  DEFAULT_PAIR_UPLOAD_BUDGET,
  DEFAULT_UPLOAD_BUDGET,
  type ClipFactors,
} from '../federated/round-plan';
import { parseCidrList } from './admission/client-address';

/** How plain rounds combine updates. */
export type Aggregator = 'mean' | 'trimmed-mean';

/** Everything that shapes rounds, privacy and request handling. */
export interface ServerConfig {
  /** Deployment token clients send as `Authorization: Bearer <token>` (not a user identity). */
  readonly token: string;
  readonly aggregation: AggregationMode;
  /**
   * Plain rounds only: the robust per-row trimmed mean among each row's holders (outlier fence, then
   * winsorizing; the default without DP noise; see `robustGroupSums`), or
   * weighted FedAvg (the default with noise: trimming would drop clients' noise shares and make the
   * reported ε wrong, so `trimmed-mean` with noise is refused; `mean` updates are norm-clipped).
   */
  readonly aggregator: Aggregator;
  /**
   * Fraction trimmed at each end by `trimmed-mean`: twice the Sybil share it is meant to absorb
   * (Sybils at one end push honest values out of the other's cut; 0.2 holds 10% Sybils).
   */
  readonly trimFraction: number;
  readonly minCohort: number;
  readonly maxCohort: number;
  /** Length of a round's upload window (secure rounds: also of the join, sharing and unmask windows). */
  readonly roundDurationMs: number;
  /**
   * Secure rounds: neighbours each member masks against and shares its secrets with (even; the
   * complete graph when the cohort is at most this + 1; never below 2⌈log₂ n⌉).
   */
  readonly maskingDegree: number;
  /**
   * Secure rounds: fraction of a member's degree + 1 share holders needed to unmask it, in
   * [0.5, 1]; the threshold is never below a strict majority (⌊g/2⌋ + 1).
   */
  readonly secureThreshold: number;
  /** Bytes per client per round; fixes the rows per round. */
  readonly uploadBudget: number;
  /**
   * Bytes per client in the co-occurrence release's pair round (one frame per released model);
   * caps the head. Default {@link DEFAULT_PAIR_UPLOAD_BUDGET}.
   */
  readonly pairUploadBudget: number;
  /**
   * What rounds train: `rounds` = iALS item steps (the default); `cooccurrence` = the one-shot
   * private co-occurrence release, a `popularity` round then a `pairs` round per published model
   * (see `src/federated/private-cooccurrence.ts`; best utility under user-level DP).
   */
  readonly training: 'rounds' | 'cooccurrence';
  /**
   * `cooccurrence`: head items m of the pair release (capped by the catalog and the upload budget).
   * Unset: the DP settings rule (`cooccurrenceSettingsFor`) for `minCohort` clients and the
   * releases' ε, or the largest head the upload allows without noise.
   */
  readonly headSize?: number;
  /**
   * `cooccurrence`: rank of the published item factors (padded with zeros to the model's width).
   * Unset: the DP settings rule, or the model's width without noise.
   */
  readonly cooccurrenceRank?: number;
  /**
   * Noise multiplier of each round's release at `minCohort` clients; 0 = no DP noise. In
   * `cooccurrence` training it is the pair round's; the popularity round uses 5× that.
   */
  readonly noiseMultiplier: number;
  readonly delta: number;
  /** Poisson sampling rate of clients assumed by the accountant (1 = no amplification). */
  readonly samplingRate: number;
  /** Stop opening rounds once cumulative ε reaches this (Infinity = never). */
  readonly epsilonBudget: number;
  readonly learningRate: number;
  readonly ridge: number;
  /**
   * `rounds` training: the server-side update bound — the largest L2 move of one item row (factors
   * and bias) in one round (Infinity = unbounded); see `src/federated/update-bound.ts`.
   */
  readonly maxRowMove: number;
  readonly clipFactors?: ClipFactors;
  /** Seed of the row schedule (public). */
  readonly rowSeed: number;
  /** Per client address: sustained requests per second and burst. */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  /**
   * Join admission: leading zero bits of the proof of work a device solves per join (0 = none;
   * 18 ≈ 260k SHA-256 hashes, a fraction of a second in a browser worker).
   */
  readonly joinDifficulty: number;
  /** Join admission: tickets one client address (IPv6: its /56) gets per round; 0 = no limit. */
  readonly joinsPerAddress: number;
  /** Join admission: tickets issued per round at most, as a multiple of `maxCohort`; 0 = no limit. */
  readonly joinIssuanceFactor: number;
  /**
   * Reverse proxies (CIDR blocks or addresses) whose `X-Forwarded-For` names the client; from any
   * other peer the header is ignored and the socket address counts.
   */
  readonly trustedProxies: readonly string[];
  /** Open connections per client address (trusted proxies exempt); more are closed at once. */
  readonly connectionsPerAddress: number;
  /** Open connections in all. */
  readonly maxConnections: number;
  /** Time to receive a request's headers. */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request, body included. */
  readonly requestTimeoutMs: number;
  /** Idle time before a kept-alive connection is closed. */
  readonly keepAliveTimeoutMs: number;
  /** Slowest body accepted, after a 5 s grace: a body arriving slower is cut and counted. */
  readonly minBodyBytesPerSecond: number;
}

/** Defaults for everything but the token. */
export const DEFAULT_SERVER_CONFIG: Omit<ServerConfig, 'token'> = Object.freeze({
  aggregation: 'plain',
  aggregator: 'trimmed-mean',
  trimFraction: 0.2,
  minCohort: 100,
  maxCohort: 1000,
  roundDurationMs: 10 * 60_000,
  maskingDegree: DEFAULT_MASKING_DEGREE,
  secureThreshold: 0.5,
  uploadBudget: DEFAULT_UPLOAD_BUDGET,
  pairUploadBudget: DEFAULT_PAIR_UPLOAD_BUDGET,
  training: 'rounds',
  noiseMultiplier: 0,
  delta: 1e-5,
  samplingRate: 1,
  epsilonBudget: Infinity,
  learningRate: 1,
  ridge: 0,
  maxRowMove: 1,
  rowSeed: 1,
  rateLimit: Object.freeze({ perSecond: 1, burst: 10 }),
  joinDifficulty: 18,
  joinsPerAddress: 8,
  joinIssuanceFactor: 4,
  trustedProxies: Object.freeze([]),
  connectionsPerAddress: 32,
  maxConnections: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  minBodyBytesPerSecond: 2048,
});

/** Fills defaults and checks ranges; throws `OptionError` naming the field. */
export function resolveServerConfig(
  partial: Partial<ServerConfig> & { token: string },
): ServerConfig {
  const noisy = (partial.noiseMultiplier ?? DEFAULT_SERVER_CONFIG.noiseMultiplier) > 0;
  const aggregator = partial.aggregator ?? (noisy ? 'mean' : DEFAULT_SERVER_CONFIG.aggregator);
  const c: ServerConfig = { ...DEFAULT_SERVER_CONFIG, ...partial, aggregator };
  const need = (ok: boolean, message: string): void => {
    if (!ok) throw new OptionError(message);
  };
  need(
    typeof c.token === 'string' && c.token.length >= 16,
    'The deployment token must have at least 16 characters.',
  );
  need(
    c.aggregation === 'plain' || c.aggregation === 'secure',
    'aggregation must be "plain" or "secure".',
  );
  need(
    c.aggregator === 'mean' || c.aggregator === 'trimmed-mean',
    'aggregator must be "mean" or "trimmed-mean".',
  );
  need(c.trimFraction >= 0 && c.trimFraction < 0.5, 'trimFraction must be in [0, 0.5).');
  need(
    !(c.aggregation === 'plain' && c.aggregator === 'trimmed-mean' && c.noiseMultiplier > 0),
    'aggregator "trimmed-mean" cannot be combined with noiseMultiplier > 0: trimming drops clients and their noise shares, so the reported ε would be wrong; use aggregator "mean" (updates are norm-clipped) or no noise.',
  );
  need(Number.isInteger(c.minCohort) && c.minCohort >= 1, 'minCohort must be a positive integer.');
  need(
    Number.isInteger(c.maxCohort) && c.maxCohort >= c.minCohort,
    'maxCohort must be an integer ≥ minCohort.',
  );
  need(
    c.aggregation === 'plain' || c.maxCohort <= 100_000,
    'secure rounds support at most 100000 clients.',
  );
  need(
    c.aggregation === 'plain' || c.minCohort >= 2,
    'secure rounds need minCohort ≥ 2 (a sum of one is the update itself).',
  );
  need(c.roundDurationMs > 0, 'roundDurationMs must be positive.');
  need(
    Number.isInteger(c.maskingDegree) && c.maskingDegree >= 2 && c.maskingDegree % 2 === 0,
    'maskingDegree must be an even integer ≥ 2.',
  );
  need(
    c.secureThreshold >= 0.5 && c.secureThreshold <= 1,
    'secureThreshold must be in [0.5, 1] (a strict majority of share holders at least).',
  );
  need(
    c.noiseMultiplier >= 0 && Number.isFinite(c.noiseMultiplier),
    'noiseMultiplier must be finite and ≥ 0.',
  );
  need(
    c.training === 'rounds' || c.training === 'cooccurrence',
    'training must be "rounds" or "cooccurrence".',
  );
  need(
    c.headSize === undefined || (Number.isInteger(c.headSize) && c.headSize >= 2),
    'headSize must be an integer ≥ 2.',
  );
  need(
    c.cooccurrenceRank === undefined ||
      (Number.isInteger(c.cooccurrenceRank) && c.cooccurrenceRank >= 1),
    'cooccurrenceRank must be a positive integer.',
  );
  need(c.delta > 0 && c.delta < 1, 'delta must be in (0, 1).');
  need(c.samplingRate > 0 && c.samplingRate <= 1, 'samplingRate must be in (0, 1].');
  need(c.epsilonBudget > 0, 'epsilonBudget must be positive.');
  need(c.learningRate > 0 && Number.isFinite(c.learningRate), 'learningRate must be positive.');
  need(c.ridge >= 0 && Number.isFinite(c.ridge), 'ridge must be ≥ 0.');
  need(c.maxRowMove > 0, 'maxRowMove must be positive (Infinity = no server-side bound).');
  need(
    c.rateLimit.perSecond > 0 && c.rateLimit.burst >= 1,
    'rateLimit needs perSecond > 0 and burst ≥ 1.',
  );
  checkEdgeConfig(c, need);
  return c;
}

const isCount = (n: number, min: number): boolean => Number.isInteger(n) && n >= min;

/** Admission and connection limits of {@link resolveServerConfig}. */
function checkEdgeConfig(c: ServerConfig, need: (ok: boolean, message: string) => void): void {
  need(
    isCount(c.joinDifficulty, 0) && c.joinDifficulty <= DEFAULT_DEVICE_MAX_DIFFICULTY,
    `joinDifficulty must be an integer in [0, ${DEFAULT_DEVICE_MAX_DIFFICULTY}] (bits of proof of work; devices refuse harder challenges).`,
  );
  need(isCount(c.joinsPerAddress, 0), 'joinsPerAddress must be an integer ≥ 0 (0 = no limit).');
  need(
    c.joinIssuanceFactor === 0 || c.joinIssuanceFactor >= 1,
    'joinIssuanceFactor must be 0 (no limit) or ≥ 1 (tickets per round per maxCohort).',
  );
  need(
    Array.isArray(c.trustedProxies) && c.trustedProxies.every((p) => typeof p === 'string'),
    'trustedProxies must be a list of CIDR blocks.',
  );
  parseCidrList(c.trustedProxies);
  need(isCount(c.connectionsPerAddress, 1), 'connectionsPerAddress must be an integer ≥ 1.');
  need(isCount(c.maxConnections, 1), 'maxConnections must be an integer ≥ 1.');
  for (const key of ['headersTimeoutMs', 'requestTimeoutMs', 'keepAliveTimeoutMs'] as const) {
    need(isCount(c[key], 1), `${key} must be a positive integer (milliseconds).`);
  }
  need(
    c.requestTimeoutMs >= c.headersTimeoutMs,
    'requestTimeoutMs must be at least headersTimeoutMs.',
  );
  need(
    c.minBodyBytesPerSecond > 0 && Number.isFinite(c.minBodyBytesPerSecond),
    'minBodyBytesPerSecond must be positive.',
  );
}
