import { eventTypeCode } from '../../src/core/data/types';
import { createRng } from '../../src/core/random';
import { sampleLatentPairs, type LatentShape } from './latent-sampler';
import {
  createDatasetWriter,
  type DatasetSize,
  type RobustnessDataset,
} from './robustness-dataset';

/** Name of the long-tail play-count data set. */
export const LONG_TAIL_PLAYS = 'long-tail-plays';

/** Default seed of the generated data sets. */
export const DEFAULT_DATASET_SEED = 20240;

const SHAPES: Record<DatasetSize, Omit<LatentShape, 'seed'>> = {
  // About 1.95k users × 17.6k items × 92k pairs, ≤ 50 items per user: a last.fm-style top-artists log.
  bench: {
    users: 1950,
    items: 24000,
    clusters: 40,
    dims: 16,
    tastesPerUser: 3,
    popularityExponent: 1.0,
    affinity: 9,
    perUser: { median: 70, sigma: 0.4, min: 5, max: 50 },
  },
  tiny: {
    users: 120,
    items: 900,
    clusters: 6,
    dims: 8,
    tastesPerUser: 2,
    popularityExponent: 1.0,
    affinity: 6,
    perUser: { median: 20, sigma: 0.3, min: 5, max: 20 },
  },
};

/** Largest play count: the heaviest listeners of the heaviest artists. */
const MAX_PLAYS = 300_000;

/** Options of {@link generateLongTailPlays}. */
export interface LongTailPlaysOptions {
  readonly seed?: number;
  readonly size?: DatasetSize;
}

/**
 * A sparse, long-tailed play-count log: each user's top artists with play counts. Item popularity
 * is Zipf-shaped (most items have one or two listeners), play counts are lognormal up to
 * {@link MAX_PLAYS} and grow with the listener's activity and with how well the item fits their
 * taste; users mix a few of 40 taste clusters. One row per pair, type `rating` with the count as
 * value and no timestamp — what `hearth eval` reads from a `user,artist,count` file.
 */
export function generateLongTailPlays(options: LongTailPlaysOptions = {}): RobustnessDataset {
  const seed = options.seed ?? DEFAULT_DATASET_SEED;
  const sample = sampleLatentPairs({ ...SHAPES[options.size ?? 'bench'], seed });
  const rng = createRng(seed ^ 0x5eed);
  const writer = createDatasetWriter(sample.items.length);
  const rating = eventTypeCode('rating');
  const users = sample.userActivity.length;
  for (let u = 0; u < users; u++) {
    const activity = sample.userActivity[u]!;
    for (let p = sample.userStart[u]!; p < sample.userStart[u + 1]!; p++) {
      const logPlays = 5 + activity + 2 * (sample.affinity[p]! - 0.3) + 1.2 * rng.normal();
      const plays = Math.min(MAX_PLAYS, Math.max(1, Math.round(Math.exp(logPlays))));
      writer.push(`user${u}`, `artist${sample.items[p]!}`, rating, plays, NaN);
    }
  }
  return {
    name: LONG_TAIL_PLAYS,
    description:
      'last.fm-style play counts: ~2k users × ~18k artists, ≤ 50 per user, Zipf popularity, counts up to 3e5',
    dataset: writer.build(),
  };
}
