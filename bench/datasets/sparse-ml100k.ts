import type { InteractionDataset } from '../../src/core/data/interaction-log';
import { createRng, shuffleInPlace } from '../../src/core/random';
import { loadMl100k } from '../ml100k';
import {
  DEFAULT_DATASET_SEED,
  createDatasetWriter,
  type RobustnessDataset,
} from './robustness-dataset';

/** Name of the sparse ML-100K data set. */
export const SPARSE_ML100K = 'sparse-ml100k';

/** Share of ML-100K's ratings kept. */
export const SPARSE_ML100K_KEEP = 0.15;

/**
 * Keeps a seeded `keep` share of a dataset's rows (in their original order) and rebuilds the
 * vocabularies from what is left, as if the thinner log had been read from a file: users and
 * items with no row left do not exist.
 */
export function thinDataset(
  source: InteractionDataset,
  options: { readonly keep: number; readonly seed: number },
): InteractionDataset {
  const c = source.columns;
  const order = shuffleInPlace(
    Int32Array.from({ length: c.length }, (_, e) => e),
    createRng(options.seed),
  );
  const kept = order.subarray(0, Math.round(options.keep * c.length)).sort();
  const writer = createDatasetWriter(kept.length);
  for (const e of kept) {
    writer.push(
      source.userVocab.idAt(c.users[e]!),
      source.itemVocab.idAt(c.items[e]!),
      c.types[e]!,
      c.values[e]!,
      c.timestamps[e]!,
    );
  }
  return writer.build();
}

/**
 * MovieLens 100K with a seeded 15% of its ratings kept (derived at run time from `u.data` in
 * `ml100kDir`; the data is never copied into the repository): the same users and movies with
 * about 16 ratings per user instead of 106, which tests sparse data on a familiar distribution.
 * Null when `ml100kDir` is null (MovieLens 100K absent).
 */
export async function loadSparseMl100k(options: {
  readonly ml100kDir: string | null;
  readonly seed?: number;
}): Promise<RobustnessDataset | null> {
  if (options.ml100kDir === null) return null;
  const { dataset } = await loadMl100k(options.ml100kDir);
  return {
    name: SPARSE_ML100K,
    description: 'ML-100K with a seeded 15% of its ratings kept: ~16 ratings per user',
    dataset: thinDataset(dataset, {
      keep: SPARSE_ML100K_KEEP,
      seed: options.seed ?? DEFAULT_DATASET_SEED,
    }),
  };
}
