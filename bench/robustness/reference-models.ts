import type { CsrMatrix } from '../../src/core/data/csr-matrix';
import { Vocabulary } from '../../src/core/data/vocabulary';
import { evaluateScorer } from '../../src/core/eval/evaluate';
import { splitInteractions, type Split } from '../../src/core/eval/split';
import { fitEase, type EaseModel } from '../../src/core/models/ease';
import { createMfScorer } from '../../src/core/models/mf/mf-scorer';
import { DEFAULT_MF_OPTIONS, createTypedMfPath } from '../../src/core/models/mf/train-typed';
import { createNeighborScorer } from '../../src/core/serve/neighbor-scores';
import { EASE_LIST_LENGTHS, longerListWins } from '../../src/core/tune/neighbor-families';

/** NDCG@10 of a scorer on a split (training items excluded). */
export function ndcg10(
  scorer: Parameters<typeof evaluateScorer>[0],
  split: Split,
  onUserNdcg?: (user: number, ndcg: number) => void,
): number {
  return evaluateScorer(scorer, split, { ks: [10], auc: false, ...(onUserNdcg && { onUserNdcg }) })[
    'ndcg@10'
  ]!;
}

/** Regularization multipliers and bias scales of the hand-tuned MF grid. */
const MF_GRID_LAMBDA = [0.1, 1, 10];
const MF_GRID_BETA = [0, DEFAULT_MF_OPTIONS.biasScale];

/** MF with fixed defaults and the best of a small hand-tuned grid, both on the test split. */
export interface MfReference {
  /** Today's fixed defaults, trained on one per distinct pair (what `--no-tune` ran before). */
  readonly defaultNdcg10: number;
  /**
   * Best of λ × {0.1, 1, 10} and β ∈ {0, 0.85}, picked on the test split: what a user trying a few
   * flags with `hearth eval` would find. An oracle bar, never used to choose any default.
   */
  readonly handTunedNdcg10: number;
  readonly handTuned: string;
}

/** Trains MF three times (λ grid) on the binary training part; β is re-scored for free. */
export async function mfReference(split: Split, seed: number): Promise<MfReference> {
  const path = createTypedMfPath();
  const train = binary(split.train);
  let defaultNdcg10 = NaN;
  let best = { ndcg: -1, label: '' };
  for (const scale of MF_GRID_LAMBDA) {
    const regularization = DEFAULT_MF_OPTIONS.regularization * scale;
    const result = await path.train(train, { ...DEFAULT_MF_OPTIONS, regularization, seed });
    for (const biasScale of MF_GRID_BETA) {
      const scorer = createMfScorer({ ...result, model: { ...result.model, biasScale } });
      const ndcg = ndcg10(scorer, split);
      if (scale === 1 && biasScale === DEFAULT_MF_OPTIONS.biasScale) defaultNdcg10 = ndcg;
      if (ndcg > best.ndcg) best = { ndcg, label: `λ×${scale}, β=${biasScale}` };
    }
  }
  return { defaultNdcg10, handTunedNdcg10: best.ndcg, handTuned: best.label };
}

/** λ as shares of the mean Gram diagonal tried for the EASE reference. */
const EASE_LAMBDA_SHARES = [2, 8, 32];
/** Items modelled while choosing λ (an eighth of the cost of the final 2,000-item fit). */
const EASE_SEARCH_ITEMS = 1000;

/** The EASE reference: λ chosen on a validation split of the training part, then refitted. */
export interface EaseReference {
  /**
   * NDCG@10 of the model's top lists, scored as a bundle serves them, at the list length the tuner
   * would choose ({@link EASE_LIST_LENGTHS}, chosen on the same validation split as λ).
   */
  readonly servedNdcg10: number;
  /** That list length (neighbours kept per item). */
  readonly servedNeighbors: number;
  /** NDCG@10 of the shortest lists (what bundles carried before the length was chosen). */
  readonly servedShortNdcg10: number;
  readonly model: EaseModel;
  readonly ndcg10: number;
  /** NDCG@10 of each evaluated user (for paired comparisons on the same split). */
  readonly perUser: Map<number, number>;
  /** Wall time of the final fit. */
  readonly fitMs: number;
}

/**
 * EASE on the binary training part with the default item cap; λ is the best of
 * {@link EASE_LAMBDA_SHARES} × mean Gram diagonal by NDCG@10 on a validation split carved from the
 * training part (seeded; searched with {@link EASE_SEARCH_ITEMS} items to save time), so the
 * reference never sees the test pairs.
 */
export async function easeReference(split: Split, seed: number): Promise<EaseReference> {
  const train = binary(split.train);
  const asSplit = validationSplit(train, seed);
  let bestShare = EASE_LAMBDA_SHARES[0]!;
  let bestNdcg = -1;
  for (const lambdaShare of EASE_LAMBDA_SHARES) {
    const model = await fitEase(asSplit.train, { lambdaShare, maxItems: EASE_SEARCH_ITEMS });
    const ndcg = ndcg10(model, asSplit);
    if (ndcg > bestNdcg) [bestNdcg, bestShare] = [ndcg, lambdaShare];
  }
  const servedNeighbors = await chooseListLength(asSplit, bestShare);
  const started = performance.now();
  const model = await fitEase(train, { lambdaShare: bestShare });
  const fitMs = performance.now() - started;
  const perUser = new Map<number, number>();
  const ndcg = ndcg10(model, split, (u, v) => perUser.set(u, v));
  // The same model as a bundle serves it: its top lists.
  const served = (length: number): number => ndcg10(listScorer(model, train, length), split);
  return {
    model,
    ndcg10: ndcg,
    servedNdcg10: served(servedNeighbors),
    servedNeighbors,
    servedShortNdcg10: served(EASE_LIST_LENGTHS[0]!),
    perUser,
    fitMs,
  };
}

/** A model's top-`length` lists as a scorer of the training rows of `train` (as served). */
function listScorer(model: EaseModel, train: CsrMatrix, length: number) {
  const lists = createNeighborScorer(model.toNeighbors(length));
  return {
    numItems: train.cols,
    scoreUser: (u: number, out: Float32Array) =>
      lists.scoreHistory(train.indices.subarray(train.indptr[u]!, train.indptr[u + 1]!), out),
  };
}

/** The served list length by the tuner's rule, on the validation split at full size. */
async function chooseListLength(asSplit: Split, lambdaShare: number): Promise<number> {
  const model = await fitEase(asSplit.train, { lambdaShare });
  let best = { length: EASE_LIST_LENGTHS[0]!, ndcg: -1 };
  for (const length of EASE_LIST_LENGTHS) {
    const ndcg = ndcg10(listScorer(model, asSplit.train, length), asSplit);
    if (best.ndcg < 0 || longerListWins(best.ndcg, ndcg)) best = { length, ndcg };
  }
  return best.length;
}

/**
 * The `random` protocol applied again to a training matrix (seeded): the validation split the
 * reference's λ is chosen on. The pairs become one row each, so the split sees what it saw before.
 */
function validationSplit(train: CsrMatrix, seed: number): Split {
  const users = new Int32Array(train.indices.length);
  for (let u = 0; u < train.rows; u++) users.fill(u, train.indptr[u]!, train.indptr[u + 1]!);
  const length = users.length;
  const ids = (n: number): Vocabulary =>
    Vocabulary.from(Array.from({ length: n }, (_, i) => `${i}`));
  return splitInteractions(
    {
      userVocab: ids(train.rows),
      itemVocab: ids(train.cols),
      columns: {
        length,
        users,
        items: train.indices,
        types: new Uint8Array(length),
        values: new Float32Array(length).fill(NaN),
        timestamps: new Float64Array(length).fill(NaN),
      },
    },
    { protocol: 'random', seed: seed + 1 },
  );
}

/** The same matrix with every stored pair weighing 1. */
function binary(m: CsrMatrix): CsrMatrix {
  return { ...m, values: new Float32Array(m.values.length).fill(1) };
}
