/**
 * The robustness set: data sets of shapes other than MovieLens 100K, for the bench and for tests.
 * Every one is seeded and deterministic; none is special-cased by any model or default.
 */
import { DEMO_SHOP, generateDemoShop } from './demo-shop';
import { FEW_USERS, generateFewUsersManyItems } from './few-users-many-items';
import { LONG_TAIL_PLAYS, generateLongTailPlays } from './long-tail-plays';
import { SPARSE_ML100K, loadSparseMl100k } from './sparse-ml100k';
import { SPARSE_RATINGS, generateSparseRatings } from './sparse-ratings';
import type { DatasetSize, RobustnessDataset } from './robustness-dataset';

export {
  datasetCounts,
  type DatasetCounts,
  type DatasetSize,
  type RobustnessDataset,
} from './robustness-dataset';
export { generateLongTailPlays, LONG_TAIL_PLAYS } from './long-tail-plays';
export { generateSparseRatings, SPARSE_RATINGS } from './sparse-ratings';
export { generateFewUsersManyItems, FEW_USERS } from './few-users-many-items';
export { generateDemoShop, DEMO_SHOP } from './demo-shop';
export { loadSparseMl100k, thinDataset, SPARSE_ML100K, SPARSE_ML100K_KEEP } from './sparse-ml100k';
export {
  sampleLatentPairs,
  type GeneratedDatasetOptions,
  type LatentSample,
  type LatentShape,
} from './latent-sampler';

/** Options of {@link loadRobustnessDataset}. */
export interface LoadDatasetOptions {
  /** `bench` (default) or `tiny` for unit tests; the sparse ML-100K set has one size. */
  readonly size?: DatasetSize;
  /** Seed of the generator (or of the thinning); default {@link DEFAULT_DATASET_SEED}. */
  readonly seed?: number;
  /** Directory holding MovieLens 100K, or null when absent. */
  readonly ml100kDir: string | null;
}

/** Names of the data sets of the robustness set, in bench order. */
export const ROBUSTNESS_DATASETS = [
  SPARSE_ML100K,
  LONG_TAIL_PLAYS,
  SPARSE_RATINGS,
  FEW_USERS,
  DEMO_SHOP,
] as const;

/** A data set name of {@link ROBUSTNESS_DATASETS}. */
export type RobustnessDatasetName = (typeof ROBUSTNESS_DATASETS)[number];

/**
 * Builds one data set of the robustness set by name. Null only for the sparse ML-100K set when
 * MovieLens 100K is absent.
 */
export async function loadRobustnessDataset(
  name: RobustnessDatasetName,
  options: LoadDatasetOptions,
): Promise<RobustnessDataset | null> {
  const gen = {
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.size !== undefined ? { size: options.size } : {}),
  };
  switch (name) {
    case SPARSE_ML100K:
      return loadSparseMl100k({
        ml100kDir: options.ml100kDir,
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
      });
    case LONG_TAIL_PLAYS:
      return generateLongTailPlays(gen);
    case SPARSE_RATINGS:
      return generateSparseRatings(gen);
    case FEW_USERS:
      return generateFewUsersManyItems(gen);
    case DEMO_SHOP:
      return generateDemoShop(gen);
  }
}
