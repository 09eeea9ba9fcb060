/**
 * In-process simulation of federated iALS: every row of a training matrix is one client holding
 * only its own interactions; each round runs the exact client pipeline (fold-in, dense update, clip,
 * quantize, noise share, clamp) and the server step, without HTTP or masks (masks cancel exactly, so
 * they do not change the numbers). Browser-safe; the `hearth-recs federated-sim` command and the
 * benchmark drive it.
 */
import type { CsrMatrix } from '../core/data/csr-matrix';
import { OptionError } from '../core/errors';
import type { MfHyperParams, MfModel } from '../core/models/mf/mf-model';
import { createFoldInContext } from '../core/models/mf/fold-in';
import { createRng, type Rng } from '../core/random';
import { computeClientUpdate, type ClientUpdateParts } from './client-update';
import { encodeUpdateFrame, type RoundSpec, type UpdatePartName } from './federated-protocol';
import { createInitialModel } from './federated-model';
import { rowHistory } from './fold-in-scorer';
import { ialsRowGroups, robustGroupSums } from './aggregation';
import { applyItemStep } from './item-step';
import { calibrateNoiseMultiplier, createPrivacyAccountant } from './privacy-accountant';
import { fromRing, packRing } from './quantize';
import { createStatisticsSmoother } from './statistics-smoother';
import {
  DEFAULT_CLIP_FACTORS,
  DEFAULT_UPLOAD_BUDGET,
  DP_CLIP_FACTORS,
  buildRoundSpec,
  planRoundRows,
  ringBitsFor,
  roundNoiseMultiplier,
  rowsForBudget,
  type ClipFactors,
} from './round-plan';
import { boundRowMoves } from './update-bound';
import { encodeUpdateVector } from './update-codec';

/** Differential-privacy target of a simulation. */
export interface SimulationPrivacy {
  /** Total ε after all rounds (the noise multiplier is calibrated to it). */
  readonly epsilon: number;
  /** Default 1e-5. */
  readonly delta?: number;
}

/** Options of {@link runFederatedSimulation}. */
export interface FederatedSimulationOptions {
  /** Users × items training matrix; row u is client u's data. */
  readonly train: CsrMatrix;
  readonly rounds: number;
  readonly seed: number;
  /** iALS hyper-parameter overrides (factors, regularization, …). */
  readonly hyper?: Partial<MfHyperParams>;
  /** Bytes per client per round (frame included). Default 100,000. */
  readonly uploadBudget?: number;
  /** Clients that take part in a round: `clientFraction` Poisson sample of all users. Default 1. */
  readonly clientFraction?: number;
  readonly privacy?: SimulationPrivacy;
  /** Server learning rate. Default 1. */
  readonly learningRate?: number;
  /** Extra ridge for noisy rows (cohort-sum units). Default 0 without DP, 30 with. */
  readonly ridge?: number;
  /** Default {@link DEFAULT_CLIP_FACTORS}, or {@link DP_CLIP_FACTORS} with DP. */
  readonly clipFactors?: ClipFactors;
  /** Weight of the newest round in the smoothed Gram matrix (DP runs only). Default 0.5. */
  readonly gramWeight?: number;
  /**
   * `client`: every client adds its noise share (exact, slow); `aggregate`: the sum of the shares is
   * drawn once per coordinate — the same distribution, N× fewer draws. Default `aggregate`.
   */
  readonly noiseMode?: 'client' | 'aggregate';
  /**
   * How the server combines updates, as `--aggregator` does: `mean` (the sum) or `trimmed-mean`
   * (per item row among the clients that hold it: outliers dropped, `trimFraction` winsorized at each
   * end; refused with DP noise). Default: as the server, `trimmed-mean` without privacy and `mean`
   * with it.
   */
  readonly aggregator?: 'mean' | 'trimmed-mean';
  /** Default 0.2 (the server's `--trim`). */
  readonly trimFraction?: number;
  /** Server-side update bound: largest L2 move of one item row per round. Default Infinity. */
  readonly maxRowMove?: number;
  /** Called after every round with the new model (e.g. to evaluate it). */
  readonly onRound?: (round: SimulationRound, model: MfModel) => void | Promise<void>;
  readonly signal?: AbortSignal;
}

/** What one simulated round did. */
export interface SimulationRound {
  /** 1-based. */
  readonly round: number;
  readonly cohort: number;
  readonly rows: number;
  /** Exact bytes of one client's update frame. */
  readonly uploadBytes: number;
  /** Noise multiplier of the round's release (0 = none). */
  readonly noiseMultiplier: number;
  /** Cumulative ε at δ after this round (Infinity without noise). */
  readonly epsilon: number;
  /** Share of clients whose part was clipped. */
  readonly clippedShare: Readonly<Record<UpdatePartName, number>>;
  readonly ms: number;
}

/** Outcome of a simulation. */
export interface SimulationResult {
  readonly model: MfModel;
  readonly rounds: readonly SimulationRound[];
  readonly noiseMultiplier: number;
  readonly delta: number;
  readonly epsilon: number;
}

/** Runs federated training rounds over the rows of `train` and returns the final global model. */
export async function runFederatedSimulation(
  o: FederatedSimulationOptions,
): Promise<SimulationResult> {
  const { train } = o;
  if (!(o.rounds >= 1) || !Number.isInteger(o.rounds)) {
    throw new OptionError(`rounds must be a positive integer (got ${o.rounds}).`);
  }
  const fraction = o.clientFraction ?? 1;
  if (!(fraction > 0 && fraction <= 1))
    throw new OptionError(`clientFraction must be in (0, 1] (got ${fraction}).`);
  const delta = o.privacy?.delta ?? 1e-5;
  const noiseMultiplier = o.privacy
    ? calibrateNoiseMultiplier({
        targetEpsilon: o.privacy.epsilon,
        delta,
        rounds: o.rounds,
        samplingRate: fraction,
      })
    : 0;
  const dp = noiseMultiplier > 0;
  const aggregator = o.aggregator ?? (dp ? 'mean' : 'trimmed-mean');
  const trim = aggregator === 'trimmed-mean' ? (o.trimFraction ?? 0.2) : null;
  if (dp && trim !== null) {
    throw new OptionError(
      'The trimmed mean drops clients and their noise shares: simulate it without privacy, or use the mean.',
    );
  }
  const rng = createRng(o.seed ^ 0x5eed);
  let model = createInitialModel({
    numItems: train.cols,
    seed: o.seed,
    ...(o.hyper ? { hyper: o.hyper } : {}),
  });
  const rowsPerRound = rowsForBudget({
    numItems: train.cols,
    factors: model.factors,
    ringBits: ringBitsFor('plain'),
    budgetBytes: o.uploadBudget ?? DEFAULT_UPLOAD_BUDGET,
  });
  const accountant = createPrivacyAccountant({ delta });
  const smoother = createStatisticsSmoother({
    numItems: train.cols,
    gramWeight: o.gramWeight ?? 0.5,
  });
  const clients: number[] = [];
  for (let u = 0; u < train.rows; u++) if (train.indptr[u + 1]! > train.indptr[u]!) clients.push(u);
  const reports: SimulationRound[] = [];
  for (let r = 1; r <= o.rounds; r++) {
    if (o.signal?.aborted) throw new OptionError('The simulation was cancelled.');
    const started = performance.now();
    const cohort = fraction === 1 ? clients : clients.filter(() => rng.next() < fraction);
    if (cohort.length === 0) continue;
    const spec = buildRoundSpec({
      model,
      roundId: `sim-${r}`,
      modelVersion: r - 1,
      rows: planRoundRows({
        numItems: train.cols,
        count: rowsPerRound,
        round: r - 1,
        seed: o.seed,
      }),
      aggregation: 'plain',
      minCohort: cohort.length,
      maxCohort: cohort.length,
      deadline: new Date(0).toISOString(),
      noiseMultiplier,
      delta,
      epsilonSpent: dp ? accountant.epsilon() : null,
      clipFactors: o.clipFactors ?? (dp ? DP_CLIP_FACTORS : DEFAULT_CLIP_FACTORS),
    });
    const foldIn = createFoldInContext(model);
    const { sums, clippedShare, uploadBytes } = runSimulatedCohort({
      spec,
      cohort,
      rng,
      ...(o.noiseMode ? { noiseMode: o.noiseMode } : {}),
      ...(trim !== null ? { trimFraction: trim } : {}),
      updateOf: (u) =>
        computeClientUpdate({ model, foldIn, history: rowHistory(o.train, u), rows: spec.rows })
          ?.parts ?? null,
    });
    const smoothed = smoother.update({
      rows: spec.rows,
      counts: sums.counts,
      gram: sums.gram,
      stats: sums.stats,
      cohort: cohort.length,
      userWeightNorm: model.userWeightNorm,
    });
    const step = applyItemStep({
      model,
      rows: spec.rows,
      sums: dp ? { rows: sums.rows, counts: smoothed.counts, gram: smoothed.gram } : sums,
      cohort: cohort.length,
      userWeightNorm: smoothed.userWeightNorm,
      learningRate: o.learningRate ?? 1,
      ridge: o.ridge ?? (dp ? 30 : 0),
    });
    model =
      o.maxRowMove === undefined
        ? step.model
        : boundRowMoves({
            before: model,
            after: step.model,
            rows: spec.rows,
            maxRowMove: o.maxRowMove,
          }).model;
    const z = roundNoiseMultiplier(spec.parts, cohort.length);
    accountant.addRounds({ noiseMultiplier: z, samplingRate: fraction });
    const report: SimulationRound = {
      round: r,
      cohort: cohort.length,
      rows: spec.rows.length,
      uploadBytes,
      noiseMultiplier: z,
      epsilon: dp ? accountant.epsilon() : Infinity,
      clippedShare,
      ms: performance.now() - started,
    };
    reports.push(report);
    await o.onRound?.(report, model);
  }
  return {
    model,
    rounds: reports,
    noiseMultiplier,
    delta,
    epsilon: dp ? accountant.epsilon() : Infinity,
  };
}

/** Outcome of {@link runSimulatedCohort}. */
export interface SimulatedCohort {
  /** De-quantized cohort sums of each part, with the cohort's noise. */
  readonly sums: Record<UpdatePartName, Float64Array>;
  /** Share of clients whose part was clipped. */
  readonly clippedShare: Record<UpdatePartName, number>;
  /** Exact bytes of one client's update frame (0 if no client had an update). */
  readonly uploadBytes: number;
}

/**
 * Runs every client of a round through the device's encoding (clip, quantize, clamp; no masks, which
 * cancel exactly) and returns the de-quantized sums. `aggregate` noise draws the sum of the clients'
 * rounded Gaussian shares once per coordinate (same distribution, N× fewer draws); `client` has
 * every client add its own share.
 */
export function runSimulatedCohort(o: {
  readonly spec: RoundSpec;
  readonly cohort: readonly number[];
  /** Client u's update parts, or null when it has nothing to add. */
  readonly updateOf: (u: number) => ClientUpdateParts | null;
  readonly rng: Rng;
  readonly noiseMode?: 'client' | 'aggregate';
  /** Combine with the robust per-row sums of `trimmed-mean` (see `robustGroupSums`) instead of the sum. */
  readonly trimFraction?: number;
}): SimulatedCohort {
  const { spec, cohort, rng } = o;
  const aggregateNoise = (o.noiseMode ?? 'aggregate') === 'aggregate';
  const encodeSpec = aggregateNoise
    ? { ...spec, parts: spec.parts.map((p) => ({ ...p, noiseStd: 0 })) }
    : spec;
  const total = spec.parts.reduce((s, p) => s + p.length, 0);
  const intSum = new Float64Array(total);
  const clipped: Record<UpdatePartName, number> = { rows: 0, counts: 0, gram: 0, stats: 0 };
  let uploadBytes = 0;
  const kept: Int32Array[] = [];
  for (const u of cohort) {
    const parts = o.updateOf(u);
    if (!parts) continue;
    const { ring, report } = encodeUpdateVector(parts, encodeSpec, rng);
    for (const name of report.clipped) clipped[name]++;
    if (uploadBytes === 0) {
      uploadBytes = encodeUpdateFrame({
        header: {
          protocol: spec.protocol,
          roundId: spec.roundId,
          ticket: '0.' + 'x'.repeat(43),
          nonce: '0'.repeat(32),
          weight: 1,
        },
        payload: packRing(ring, spec.ringBits),
      }).length;
    }
    const q = fromRing(ring, spec.ringBits);
    if (o.trimFraction !== undefined) kept.push(q);
    else for (let j = 0; j < total; j++) intSum[j]! += q[j]!;
  }
  if (o.trimFraction !== undefined && kept.length > 0) {
    const groups = ialsRowGroups(spec.parts);
    intSum.set(robustGroupSums({ vectors: kept, groups, trim: o.trimFraction }));
  }
  const sums = {} as Record<UpdatePartName, Float64Array>;
  let offset = 0;
  for (const p of spec.parts) {
    const part = new Float64Array(p.length);
    // Sum of N rounded N(0, σ²) shares: variance N(σ² + 1/12) in integer units.
    const std =
      aggregateNoise && p.noiseStd > 0
        ? Math.sqrt(cohort.length * ((p.noiseStd / p.scale) ** 2 + 1 / 12))
        : 0;
    for (let j = 0; j < p.length; j++) {
      const noise = std > 0 ? Math.round(std * rng.normal()) : 0;
      part[j] = (intSum[offset + j]! + noise) * p.scale;
    }
    sums[p.name] = part;
    offset += p.length;
  }
  const share = {} as Record<UpdatePartName, number>;
  for (const name of Object.keys(clipped) as UpdatePartName[])
    share[name] = clipped[name] / cohort.length;
  return { sums, clippedShare: share, uploadBytes };
}
