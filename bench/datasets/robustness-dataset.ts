import {
  InteractionLogBuilder,
  type InteractionDataset,
} from '../../src/core/data/interaction-log';
import type { Item } from '../../src/core/data/types';
import { Vocabulary } from '../../src/core/data/vocabulary';

/** Default seed of the generated data sets. */
export const DEFAULT_DATASET_SEED = 20240;

/** Size of a generated robustness data set: the bench shape, or a tiny one for unit tests. */
export type DatasetSize = 'bench' | 'tiny';

/** One data set of the robustness set, ready for `splitInteractions` / `runEvaluation`. */
export interface RobustnessDataset {
  /** Stable kebab-case name, used as the key in `bench/results.json`. */
  readonly name: string;
  /** What shape of data it stands for and what it tests. */
  readonly description: string;
  readonly dataset: InteractionDataset;
  /** Catalog of the items, where the data set has one (the demo shop). */
  readonly catalog?: readonly Item[];
}

/** Counts that describe a data set's shape. */
export interface DatasetCounts {
  readonly users: number;
  readonly items: number;
  /** Distinct (user, item) pairs. */
  readonly pairs: number;
  /** Rows (events), ≥ pairs when a pair has several events. */
  readonly events: number;
  /** pairs / (users · items). */
  readonly density: number;
}

/** Users, items, distinct pairs, events and density of a data set. */
export function datasetCounts(dataset: InteractionDataset): DatasetCounts {
  const { users, items, length } = dataset.columns;
  const numItems = dataset.itemVocab.size;
  const seen = new Set<number>();
  for (let e = 0; e < length; e++) seen.add(users[e]! * numItems + items[e]!);
  const u = dataset.userVocab.size;
  return {
    users: u,
    items: numItems,
    pairs: seen.size,
    events: length,
    density: u * numItems > 0 ? seen.size / (u * numItems) : 0,
  };
}

/**
 * Builds a dataset from rows given by string ids, with vocabularies in first-seen order: exactly
 * what parsing a file holding those rows would give, so ids never seen in a row do not exist.
 */
export function createDatasetWriter(capacity: number): {
  push(userId: string, itemId: string, type: number, value: number, timestamp: number): void;
  build(): InteractionDataset;
} {
  const userVocab = new Vocabulary();
  const itemVocab = new Vocabulary();
  const builder = new InteractionLogBuilder(capacity);
  return {
    push(userId, itemId, type, value, timestamp) {
      builder.push(userVocab.add(userId), itemVocab.add(itemId), type, value, timestamp);
    },
    build: () => ({ userVocab, itemVocab, columns: builder.build() }),
  };
}
