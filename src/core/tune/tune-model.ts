import type { CsrMatrix } from '../data/csr-matrix';
import { throwIfAborted } from '../errors';
import type { MfComputePath, MfTrainOptions, MfTrainResult } from '../models/mf/mf-trainer';
import { DEFAULT_MF_OPTIONS, createTypedMfPath } from '../models/mf/train-typed';
import { CONFIDENCE_KINDS, type ConfidenceKind } from './confidence';
import { applyConfidence, fitConfidence } from './confidence-fit';
import {
  PURE_NEIGHBORS,
  refineEaseLambda,
  scoreNeighborFamilies,
  type NeighborCandidate,
  type NeighborFamilies,
} from './neighbor-families';
import { SEARCH_STEPS, defaultMfSettings } from './search-space';
import {
  pickMfSettings,
  type FixedSettings,
  type MfSettings,
  type ModelFamily,
  type TuneProgress,
  type TuneStage,
  type TuningCandidate,
  type TuningChoice,
} from './tune-types';
import { carveValidationSplit, type ValidationSplitOptions } from './validation-split';
import {
  MIN_GAIN,
  scoreSpreadRatio,
  significantlyBetter,
  validationNdcg,
  type MixScore,
  type ScoreMix,
  type ScoreParts,
} from './validation-score';

/** Default time budget of a tuning run (final training comes on top). */
export const DEFAULT_TUNE_BUDGET_MS = 20_000;
/** Default cap on MF trials (keeps small data sets fast and results reproducible). */
export const DEFAULT_MAX_TRIALS = 30;
const BIAS_SCALES = [0, 0.25, 0.5, 0.75, 0.85, 1];
/** Share of the budget the neighbour families' EASE λ search may use. */
const EASE_BUDGET_SHARE = 0.5;
const REGULARIZATION_JUMP = 10;
const BLEND_WEIGHTS = [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2];
/** Validated users × items scored per trial; bounds the cost of one validation pass. */
const SCORED_CELLS = 1.2e7;

/** Options of {@link tuneModel}. */
export interface TuneOptions {
  /** The training matrix (summed pair weights): validation is carved from it, never from test. */
  readonly train: CsrMatrix;
  /** Settings the tuner must not change. */
  readonly fixed?: FixedSettings;
  /**
   * How the validation split is carved: the protocol of the evaluation being served (default
   * `random`) and the training entries' latest timestamps for `last` and `temporal`.
   */
  readonly validation?: Pick<ValidationSplitOptions, 'protocol' | 'lastSeen'>;
  /** Starting point of the search. Default {@link DEFAULT_MF_OPTIONS}. */
  readonly start?: MfSettings;
  /** Wall-clock budget of the search in ms. Default {@link DEFAULT_TUNE_BUDGET_MS}. */
  readonly budgetMs?: number;
  readonly maxTrials?: number;
  readonly seed?: number;
  /** MF compute path (default the typed path). */
  readonly computePath?: MfComputePath;
  readonly onProgress?: (progress: TuneProgress) => void;
  readonly signal?: AbortSignal;
}

interface Trial {
  readonly settings: MfSettings;
  readonly confidence: ConfidenceKind;
  readonly score: MixScore;
  readonly parts: ScoreParts;
}

/**
 * Chooses a model family, MF settings and a confidence transform by validation NDCG@10 on a split
 * carved from the training matrix: the neighbour families first (ItemKNN, EASE: the bar), MF at
 * the starting settings (and at a tenth of its λ when a neighbour family leads it, then EASE's λ),
 * each confidence transform, then a coordinate descent over steps of λ, α₀, δ, epochs and k (β is
 * re-ranked for free on each trained model), then MF + neighbour blends. A move is taken only when
 * its gain over the incumbent is beyond validation noise (paired over users), so on data where
 * the starting point is already good the defaults stay ({@link blendWins}: a blend over a pure
 * neighbour family wins by mean). Stops early at the budget or trial cap.
 */
export async function tuneModel(o: TuneOptions): Promise<TuningChoice> {
  const started = performance.now();
  const fixed = o.fixed ?? {};
  const budgetMs = o.budgetMs ?? DEFAULT_TUNE_BUDGET_MS;
  const maxTrials = o.maxTrials ?? DEFAULT_MAX_TRIALS;
  const seed = o.seed ?? 42;
  const path = o.computePath ?? createTypedMfPath();
  const start: MfSettings = { ...(o.start ?? defaultMfSettings()), ...pickMfSettings(fixed) };
  let stage: TuneStage = 'split';
  let trials = 0;
  let bestNdcg = 0;
  const elapsed = (): number => performance.now() - started;
  const report = (last?: TuneProgress['last']): void =>
    o.onProgress?.({
      ...(last ? { last } : {}),
      stage,
      trial: trials,
      trials: maxTrials,
      bestNdcg,
      elapsedMs: elapsed(),
      budgetMs,
    });
  report();
  const maxUsers = Math.max(
    300,
    Math.min(2000, Math.floor(SCORED_CELLS / Math.max(1, o.train.cols))),
  );
  const split = carveValidationSplit(o.train, { ...o.validation, seed, maxUsers });
  const kinds = fixed.confidence
    ? [fixed.confidence]
    : allEqual(split.fit.values)
      ? (['binary'] as const)
      : CONFIDENCE_KINDS;
  const matrices = new Map(
    kinds.map((kind) => [kind, applyConfidence(split.fit, fitConfidence(kind, split.fit.values))]),
  );
  const betas = fixed.biasScale !== undefined ? [fixed.biasScale] : BIAS_SCALES;
  const candidates: TuningCandidate[] = [];

  let msPerEpoch = 0;
  const runMf = async (settings: MfSettings, kind: ConfidenceKind): Promise<Trial> => {
    throwIfAborted(o.signal);
    const t0 = performance.now();
    const matrix = matrices.get(kind)!;
    const trainOptions = {
      ...DEFAULT_MF_OPTIONS,
      ...settings,
      seed,
      ...(o.signal ? { signal: o.signal } : {}),
    };
    const trained =
      msPerEpoch > 0
        ? await path.train(matrix, trainOptions)
        : await firstTrial(path, matrix, trainOptions, () => budgetMs - elapsed());
    const parts: ScoreParts = { mf: { model: trained.model, userFactors: trained.userFactors } };
    const mixes = betas.map((biasScale) => ({ mfWeight: 1, biasScale, neighborWeight: 0 }));
    const scores = validationNdcg(split, parts, mixes);
    const j = argMax(scores);
    const epochs = trained.epochMs.length;
    const trainedMs = trained.epochMs.reduce((a, b) => a + b, 0);
    msPerEpoch = Math.max(performance.now() - t0, trainedMs) / epochs;
    trials++;
    bestNdcg = Math.max(bestNdcg, scores[j]!.mean);
    const chosen = { ...settings, biasScale: mixes[j]!.biasScale };
    report({ confidence: kind, mf: chosen, ndcg: scores[j]!.mean });
    return { settings: chosen, confidence: kind, score: scores[j]!, parts };
  };

  // Neighbour families first: cheap, and their score is the bar MF has to clear.
  let families: NeighborFamilies | null = null;
  if (fixed.family !== 'mf') {
    stage = 'families';
    families = await scoreNeighborFamilies({
      split,
      fixed,
      candidates,
      signal: o.signal,
      onScored: (ndcg) => {
        bestNdcg = Math.max(bestNdcg, ndcg);
        report();
      },
    });
  }
  let neighbor = families?.best ?? null;
  /** EASE's λ search, when EASE leads: the budget goes to the family that can win. */
  const refineEase = async (): Promise<void> => {
    if (!families?.ease) return;
    const refined = await refineEaseLambda({
      split,
      ease: families.ease,
      budgetMs: EASE_BUDGET_SHARE * budgetMs,
      signal: o.signal,
    });
    const at = candidates.findIndex((c) => c.family === 'ease');
    if (at >= 0) candidates[at] = { family: 'ease', ndcg: refined.score.mean };
    if (refined.score.mean > neighbor!.score.mean) neighbor = refined;
    bestNdcg = Math.max(bestNdcg, refined.score.mean);
    report();
  };
  if (neighbor && (fixed.family === 'item-knn' || fixed.family === 'ease')) {
    if (fixed.family === 'ease') await refineEase();
    return finish({
      ...PURE_NEIGHBORS,
      family: neighbor.source,
      neighborSource: neighbor.source,
      easeLambdaShare: neighbor.easeLambdaShare,
      neighbors: neighbor.neighbors,
      confidence: kinds[0]!,
      mf: start,
      ndcg: neighbor.score.mean,
    });
  }

  // Room kept for the final fit on all training data (about 1.25× a trial's data).
  const canTry = (epochs: number): boolean =>
    trials < maxTrials && elapsed() + msPerEpoch * epochs * 2.5 < budgetMs;

  stage = 'confidence';
  let incumbent = await runMf(start, kinds[0]!);
  if (neighbor && significantlyBetter(neighbor.score, incumbent.score, MIN_GAIN)) {
    // MF below the neighbour bar has usually collapsed towards popularity under too much
    // regularization, a distance ×1.5 steps do not cross within the budget: one jump first.
    // Not held to the final-fit reserve (the budget would rarely leave room for it on the large
    // catalogs where MF collapses), but it must end within twice the budget.
    const affordable = elapsed() + msPerEpoch * start.epochs < 2 * budgetMs;
    if (fixed.regularization === undefined && trials < maxTrials && affordable) {
      const r = await runMf(
        { ...start, regularization: start.regularization / REGULARIZATION_JUMP },
        kinds[0]!,
      );
      if (significantlyBetter(r.score, incumbent.score, MIN_GAIN)) incumbent = r;
    }
    stage = 'families';
    await refineEase();
    stage = 'confidence';
  }
  for (const kind of kinds.slice(1)) {
    if (!canTry(start.epochs)) break;
    const r = await runMf(start, kind);
    if (significantlyBetter(r.score, incumbent.score, MIN_GAIN)) incumbent = r;
  }

  stage = 'mf';
  const steps = SEARCH_STEPS.filter((s) => fixed[s.key] === undefined);
  for (let pass = 0; pass < 2; pass++) {
    let improved = false;
    for (const step of steps) {
      for (const direction of [1, -1] as const) {
        let moved = false;
        for (;;) {
          const value = step.next(incumbent.settings[step.key], direction);
          if (value === null) break;
          const settings = { ...incumbent.settings, [step.key]: value };
          if (!canTry(settings.epochs)) break;
          const r = await runMf(settings, incumbent.confidence);
          if (!significantlyBetter(r.score, incumbent.score, MIN_GAIN)) break;
          incumbent = r;
          moved = improved = true;
        }
        if (moved) break;
      }
    }
    if (!improved) break;
  }
  candidates.unshift({ family: 'mf', ndcg: incumbent.score.mean });

  let choice = {
    family: 'mf' as ModelFamily,
    mfWeight: 1,
    neighborWeight: 0,
    score: incumbent.score,
  };
  const nb = neighbor as NeighborCandidate | null;
  if (nb) {
    stage = 'families';
    // Scored as served: a user whose history gives no neighbour evidence (items beyond EASE's
    // cap) keeps the MF scores, so the neighbour family is re-scored with MF as that fallback.
    const parts = { mf: incumbent.parts.mf!, neighbors: nb.parts.neighbors! };
    const beta = incumbent.settings.biasScale;
    const ratio = scoreSpreadRatio(split, parts);
    const mixes: ScoreMix[] = [
      { ...PURE_NEIGHBORS, biasScale: beta },
      ...BLEND_WEIGHTS.map((g) => ({ mfWeight: 1, biasScale: beta, neighborWeight: g * ratio })),
    ];
    const [pure, ...blends] = validationNdcg(split, parts, mixes);
    const at = candidates.findIndex((c) => c.family === nb.source);
    if (at >= 0) candidates[at] = { family: nb.source, ndcg: pure!.mean };
    if (fixed.family !== 'blend' && significantlyBetter(pure!, choice.score, MIN_GAIN)) {
      choice = { family: nb.source, ...PURE_NEIGHBORS, score: pure! };
    }
    const j = argMax(blends);
    candidates.push({ family: 'blend', ndcg: blends[j]!.mean });
    bestNdcg = Math.max(bestNdcg, blends[j]!.mean, pure!.mean);
    report();
    if (fixed.family === 'blend' || blendWins(choice, blends[j]!)) {
      choice = {
        family: 'blend',
        mfWeight: 1,
        neighborWeight: mixes[j + 1]!.neighborWeight,
        score: blends[j]!,
      };
    }
  }
  return finish({
    family: choice.family,
    mfWeight: choice.mfWeight,
    neighborWeight: choice.neighborWeight,
    neighborSource: choice.family === 'mf' ? null : nb!.source,
    easeLambdaShare: choice.family === 'mf' ? undefined : nb!.easeLambdaShare,
    neighbors: choice.family === 'mf' ? 0 : nb!.neighbors,
    ndcg: choice.score.mean,
    confidence: incumbent.confidence,
    mf: incumbent.settings,
  });

  function finish(c: {
    family: ModelFamily;
    neighborSource: TuningChoice['neighborSource'];
    easeLambdaShare: number | undefined;
    neighbors: number;
    confidence: ConfidenceKind;
    mf: MfSettings;
    mfWeight: number;
    neighborWeight: number;
    ndcg: number;
  }): TuningChoice {
    stage = 'final';
    report();
    return {
      family: c.family,
      confidence: c.confidence,
      mf: c.mf,
      mfWeight: c.mfWeight,
      neighborWeight: c.neighborWeight,
      neighbors: c.neighborSource === null ? 0 : c.neighbors,
      neighborSource: c.neighborSource,
      ...(c.neighborSource === 'ease' && c.easeLambdaShare !== undefined
        ? { easeLambdaShare: c.easeLambdaShare }
        : {}),
      candidates,
      validationNdcg: c.ndcg,
      validationUsers: split.users.length,
      trials,
      tuningMs: elapsed(),
      tuned: true,
    };
  }
}

/**
 * The first MF trial, which has no cost estimate yet: one epoch is timed first, and the trial runs
 * only as many epochs as the remaining budget holds (at least one, at most the settings' count),
 * so a large catalog cannot take the budget several times over before the search even starts. The
 * shorter trial only scores the settings; the final fit still trains their full epoch count.
 */
async function firstTrial(
  path: MfComputePath,
  matrix: CsrMatrix,
  options: MfTrainOptions,
  remainingMs: () => number,
): Promise<MfTrainResult> {
  const first = await path.train(matrix, { ...options, epochs: 1 });
  const perEpoch = first.epochMs[0] ?? 0;
  const affordable = perEpoch > 0 ? Math.floor(remainingMs() / perEpoch) : options.epochs;
  const epochs = Math.max(1, Math.min(options.epochs, affordable));
  if (epochs <= 1) return first;
  const rest = await path.train(matrix, {
    ...options,
    epochs,
    resumeFrom: {
      epoch: 1,
      userFactors: first.userFactors,
      itemFactors: first.model.itemFactors,
      itemBias: first.model.itemBias,
      lossHistory: first.lossHistory,
    },
  });
  return { ...rest, epochMs: [...first.epochMs, ...rest.epochMs] };
}

/**
 * Whether a blend MF + neighbours scoring `blend` on validation replaces the current choice. Over
 * MF (the defaults) it must gain beyond noise, paired over users. Over a pure neighbour family it
 * costs nothing (every bundle carries MF for its other rows) and there is no default to protect,
 * so the higher mean wins, by more than `MIN_GAIN`.
 */
export function blendWins(
  choice: { readonly family: ModelFamily; readonly score: MixScore },
  blend: MixScore,
): boolean {
  return choice.family === 'mf'
    ? significantlyBetter(blend, choice.score, MIN_GAIN)
    : blend.mean > choice.score.mean + MIN_GAIN;
}

function allEqual(values: Float32Array): boolean {
  for (let p = 1; p < values.length; p++) if (values[p] !== values[0]) return false;
  return true;
}

function argMax(values: readonly MixScore[]): number {
  let j = 0;
  for (let i = 1; i < values.length; i++) if (values[i]!.mean > values[j]!.mean) j = i;
  return j;
}
