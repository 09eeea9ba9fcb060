/**
 * In-process simulation of the private co-occurrence release ({@link modelFromCooccurrence}):
 * every row of a training matrix is one client; each computes its two contributions exactly as a
 * device does, encodes them with the release round's spec
 * (`runSimulatedCohort`), and the noise of the cohort sum is drawn once per coordinate (the same
 * distribution as every client adding its share). Browser-safe;
 * `hearth-recs federated-sim --training cooccurrence` and the benchmark drive it.
 */
import type { CsrMatrix } from '../core/data/csr-matrix';
import { OptionError } from '../core/errors';
import type { MfModel } from '../core/models/mf/mf-model';
import { createRng } from '../core/random';
import { computeReleaseUpdate } from './client-update';
import {
  assembleReleasedModel,
  releaseHead,
  releaseHeadLimit,
  releaseSpec,
} from './cooccurrence-assembly';
import type { ReleaseKind } from './federated-protocol';
import { rowHistory } from './fold-in-scorer';
import { calibrateNoiseMultiplier, createPrivacyAccountant } from './privacy-accountant';
import { cooccurrenceSettingsFor, pairCount, POPULARITY_NOISE_RATIO } from './private-cooccurrence';
import {
  DEFAULT_PAIR_UPLOAD_BUDGET,
  DEFAULT_UPLOAD_BUDGET,
  FRAME_HEADER_ALLOWANCE,
} from './round-plan';
import { runSimulatedCohort } from './simulation';

/** Default head size: the best measured on ML-100K at ε = 8 (200–300 within 0.003 NDCG@10). */
export const DEFAULT_HEAD_SIZE = 250;

/** Options of {@link runCooccurrenceSimulation}. */
export interface CooccurrenceSimulationOptions {
  /** Users × items training matrix; row u is client u's data. */
  readonly train: CsrMatrix;
  readonly seed: number;
  /** Total user-level (ε, δ) of both releases together; without it no noise is added. */
  readonly privacy?: { readonly epsilon: number; readonly delta?: number };
  /**
   * Head items m. Default: with `privacy`, the DP settings rule (`cooccurrenceSettingsFor`, chosen
   * on generated tuning populations) for this many clients and ε, which also supplies the
   * defaults of `factors`, `shrinkage` and `popularityNoiseRatio`; without, {@link
   * DEFAULT_HEAD_SIZE}. Capped by the catalog and the upload budget.
   */
  readonly headSize?: number;
  readonly factors?: number;
  readonly shrinkage?: number;
  /** Bytes per client in the popularity release (default 100,000; 16-bit values). */
  readonly uploadBudget?: number;
  /** Bytes per client in the pair release (default {@link DEFAULT_PAIR_UPLOAD_BUDGET}). */
  readonly pairUploadBudget?: number;
  /** z_popularity / z_pairs (default {@link POPULARITY_NOISE_RATIO}). */
  readonly popularityNoiseRatio?: number;
}

/** Outcome of {@link runCooccurrenceSimulation}. */
export interface CooccurrenceSimulationResult {
  readonly model: MfModel;
  readonly head: readonly number[];
  readonly clients: number;
  /** Noise multipliers (noise std / sensitivity) of the two releases; 0 without DP. */
  readonly noiseMultiplier: { readonly popularity: number; readonly pairs: number };
  readonly delta: number;
  /** Total ε of both releases (Infinity without noise). */
  readonly epsilon: number;
  /** Bytes one client uploads in each release (16-bit values plus the frame allowance). */
  readonly uploadBytes: { readonly popularity: number; readonly pairs: number };
  readonly ms: number;
}

/** Runs both releases over the rows of `train` and builds the served model. */
export function runCooccurrenceSimulation(
  o: CooccurrenceSimulationOptions,
): CooccurrenceSimulationResult {
  const started = performance.now();
  const { train } = o;
  const n = train.cols;
  const budget = o.uploadBudget ?? DEFAULT_UPLOAD_BUDGET;
  const pairBudget = o.pairUploadBudget ?? DEFAULT_PAIR_UPLOAD_BUDGET;
  const maxHead = releaseHeadLimit({ numItems: n, uploadBudget: pairBudget, aggregation: 'plain' });
  const clients: number[] = [];
  for (let u = 0; u < train.rows; u++) if (train.indptr[u + 1]! > train.indptr[u]!) clients.push(u);
  const rule = o.privacy
    ? cooccurrenceSettingsFor({
        users: Math.max(1, clients.length),
        epsilon: o.privacy.epsilon,
        numItems: n,
        maxHead,
      })
    : null;
  const m = o.headSize ?? rule?.headSize ?? Math.min(DEFAULT_HEAD_SIZE, maxHead);
  if (!(m >= 1 && m <= maxHead) || !Number.isInteger(m)) {
    throw new OptionError(
      `The head size must be an integer in [1, ${maxHead}] for ${n} items and a ${pairBudget}-byte pair budget (got ${m}).`,
    );
  }
  if (2 * n + FRAME_HEADER_ALLOWANCE > budget) {
    throw new OptionError(
      `The popularity release of ${n} items needs ${2 * n + FRAME_HEADER_ALLOWANCE} bytes; raise the upload budget.`,
    );
  }
  const ratio = o.popularityNoiseRatio ?? rule?.popularityNoiseRatio ?? POPULARITY_NOISE_RATIO;
  const factors = o.factors ?? rule?.factors;
  const shrinkage = o.shrinkage ?? rule?.shrinkage;
  const delta = o.privacy?.delta ?? 1e-5;
  let zPairs = 0;
  let zPopularity = 0;
  if (o.privacy) {
    // Two Gaussian releases compose like one with 1/z² = 1/z_pairs² + 1/z_pop².
    const z = calibrateNoiseMultiplier({ targetEpsilon: o.privacy.epsilon, delta, rounds: 1 });
    zPairs = z * Math.sqrt(1 + 1 / (ratio * ratio));
    zPopularity = ratio * zPairs;
  }
  const rng = createRng(o.seed ^ 0xc0cc);
  // Each release is a real round: the device encoding of the release round spec, noise sized for
  // exactly this cohort (as if minCohort were the cohort).
  const release = (kind: ReleaseKind, rows: readonly number[]) => {
    const spec = releaseSpec({
      release: kind,
      rows,
      noiseMultiplier: zPairs,
      popularityNoiseRatio: ratio,
      roundId: `sim-${kind}`,
      modelVersion: 0,
      aggregation: 'plain',
      minCohort: clients.length,
      maxCohort: clients.length,
      deadline: new Date(0).toISOString(),
      delta,
      epsilonSpent: null,
    });
    const { sums } = runSimulatedCohort({
      spec,
      cohort: clients,
      rng,
      updateOf: (u) =>
        computeReleaseUpdate({ release: kind, numItems: n, history: rowHistory(train, u), rows })
          ?.parts ?? null,
    });
    return { spec, values: sums.rows };
  };
  const popularity = release(
    'popularity',
    Array.from({ length: n }, (_, i) => i),
  );
  const head = releaseHead(popularity.values, m);
  const pairs = release('pairs', head);
  const model = assembleReleasedModel({
    numItems: n,
    pairSpec: pairs.spec,
    pairSums: pairs.values,
    cohort: clients.length,
    popularity: popularity.values,
    ...(factors !== undefined ? { factors } : {}),
    ...(shrinkage !== undefined ? { shrinkage } : {}),
  });
  let epsilon = Infinity;
  if (o.privacy) {
    const accountant = createPrivacyAccountant({ delta });
    accountant.addRounds({ noiseMultiplier: zPopularity, samplingRate: 1 });
    accountant.addRounds({ noiseMultiplier: zPairs, samplingRate: 1 });
    epsilon = accountant.epsilon();
  }
  return {
    model,
    head,
    clients: clients.length,
    noiseMultiplier: { popularity: zPopularity, pairs: zPairs },
    delta,
    epsilon,
    uploadBytes: {
      popularity: 2 * n + FRAME_HEADER_ALLOWANCE,
      pairs: 2 * pairCount(m) + FRAME_HEADER_ALLOWANCE,
    },
    ms: performance.now() - started,
  };
}
