import type { MfTrainOptions } from '../models/mf/mf-trainer';
import type { ItemToItemWeights } from '../serve/item-to-item-scores';
import type { ConfidenceKind } from './confidence';

/** Model families the tuner chooses among; each is servable from a bundle. */
export type ModelFamily = 'mf' | 'item-knn' | 'ease' | 'blend';

/** Neighbour models whose top-N lists a bundle can carry. */
export type NeighborSource = 'item-knn' | 'ease';

/** The MF settings the tuner searches (the rest of {@link MfTrainOptions} stays at defaults). */
export type MfSettings = Pick<
  MfTrainOptions,
  'factors' | 'epochs' | 'regularization' | 'unobservedWeight' | 'userWeightExponent' | 'biasScale'
>;

/** Keys of {@link MfSettings}, in the order CLI flags and summaries list them. */
export const MF_SETTING_KEYS = [
  'factors',
  'epochs',
  'regularization',
  'unobservedWeight',
  'userWeightExponent',
  'biasScale',
] as const satisfies readonly (keyof MfSettings)[];

/** The {@link MfSettings} of `o` whose value is defined (what a caller fixed). */
export function pickMfSettings(
  o: Partial<Record<keyof MfSettings, number | undefined>>,
): Partial<MfSettings> {
  const out: Partial<Record<keyof MfSettings, number>> = {};
  for (const key of MF_SETTING_KEYS) {
    const value = o[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** `o` without its {@link MfSettings} (the training options the tuner does not search). */
export function omitMfSettings<T extends object>(o: T): Omit<T, keyof MfSettings> {
  const out: Record<string, unknown> = { ...(o as Record<string, unknown>) };
  for (const key of MF_SETTING_KEYS) delete out[key];
  return out as Omit<T, keyof MfSettings>;
}

/** Settings fixed by the caller (e.g. CLI flags); the tuner does not search them. */
export interface FixedSettings extends Partial<MfSettings> {
  readonly confidence?: ConfidenceKind;
  /** Restrict the family (e.g. `hearth eval --model mf`). */
  readonly family?: ModelFamily;
}

/** One candidate the tuner scored on the validation split. */
export interface TuningCandidate {
  readonly family: ModelFamily;
  /** Validation NDCG@10. */
  readonly ndcg: number;
}

/** Stages of a tuning run, in order. */
export type TuneStage = 'split' | 'confidence' | 'mf' | 'families' | 'final';

/** Progress of a tuning run, reported after every trial. */
export interface TuneProgress {
  readonly stage: TuneStage;
  /** Trials done so far and the trial cap. */
  readonly trial: number;
  readonly trials: number;
  /** Best validation NDCG@10 so far (0 before the first trial). */
  readonly bestNdcg: number;
  readonly elapsedMs: number;
  readonly budgetMs: number;
  /** The trial just finished (absent before the first and for non-MF stages). */
  readonly last?: {
    readonly confidence: ConfidenceKind;
    readonly mf: MfSettings;
    readonly ndcg: number;
  };
}

/**
 * What the tuner chose (recorded in the model file and shown by the CLI and the training page).
 * Scores of a candidate: `mfWeight·(xᵀv + β·b) + neighborWeight·Σ_{h ∈ history} sim(i, h)`.
 */
export interface TuningChoice {
  readonly family: ModelFamily;
  readonly confidence: ConfidenceKind;
  readonly mf: MfSettings;
  /** 1 when MF scores count, 0 for a pure neighbour family. */
  readonly mfWeight: number;
  /** Weight of the neighbour scores (0 for pure MF). */
  readonly neighborWeight: number;
  /** Neighbours kept per item by a neighbour family or blend (0 for pure MF). */
  readonly neighbors: number;
  /** Which neighbour model feeds a neighbour family or blend (null for pure MF). */
  readonly neighborSource: NeighborSource | null;
  /** EASE's λ as a multiple of the mean Gram diagonal, chosen on validation (EASE sources only). */
  readonly easeLambdaShare?: number;
  /** Validation NDCG@10 of the best candidate of each family tried (blend: with the better neighbour source). */
  readonly candidates: readonly TuningCandidate[];
  /** Validation NDCG@10 of the choice. */
  readonly validationNdcg: number;
  readonly validationUsers: number;
  readonly trials: number;
  readonly tuningMs: number;
  /** False when settings were fixed (`--no-tune`): nothing was searched. */
  readonly tuned: boolean;
  /**
   * The similar row's blend chosen on validation users (absent when not tuned, when no user had
   * enough items to validate on, and in bundles from before the choice existed: the runtime then
   * uses `DEFAULT_ITEM_TO_ITEM_WEIGHTS`).
   */
  readonly itemToItem?: ItemToItemChoice;
}

/** One blend of the item-to-item grid and its validation next-item HR@10. */
export interface ItemToItemCandidate {
  readonly weights: ItemToItemWeights;
  readonly hr: number;
}

/**
 * What the item-to-item choice picked (see `chooseItemToItemWeights`): the blend the similar row,
 * the bought-together fill and the short-history part of for-you serve with.
 */
export interface ItemToItemChoice {
  readonly weights: ItemToItemWeights;
  /** Validation next-item HR@10 of every blend tried, the current default first. */
  readonly candidates: readonly ItemToItemCandidate[];
  /**
   * The short-history pivot served with this blend (see `ShortHistoryOptions.pivot`); absent in
   * older bundles, which keep `DEFAULT_SHORT_HISTORY`.
   */
  readonly shortHistoryPivot?: number;
  /** Users held out from the validation fit and the (previous, next) item pairs scored. */
  readonly validationUsers: number;
  readonly pairs: number;
  /** Wall time of the choice, validation fit included. */
  readonly ms: number;
}
