import { eventTypeCode } from '../../src/core/data/types';
import { startLatentDataset, type GeneratedDatasetOptions } from './latent-sampler';
import type { RobustnessDataset } from './robustness-dataset';

/** Name of the long-tail play-count data set. */
export const LONG_TAIL_PLAYS = 'long-tail-plays';

/** About 1.95k users × 18k artists × 93k pairs, ≤ 50 per user: a last.fm-style top-artists log. */
const SHAPE = {
  users: 1950,
  items: 24000,
  clusters: 40,
  dims: 16,
  tastesPerUser: 3,
  popularityExponent: 1.0,
  affinity: 9,
  perUser: { median: 70, sigma: 0.4, min: 5, max: 50 },
};

/** Largest play count: the heaviest listeners of the heaviest artists. */
const MAX_PLAYS = 300_000;

/**
 * A sparse, long-tailed play-count log: each user's top artists with play counts. Item popularity
 * is Zipf-shaped (most items have one or two listeners), play counts are lognormal up to
 * {@link MAX_PLAYS} and grow with the listener's activity and with how well the item fits their
 * taste; users mix a few of 40 taste clusters. One row per pair, type `rating` with the count as
 * value and no timestamp — what `hearth eval` reads from a `user,artist,count` file.
 */
export function generateLongTailPlays(options: GeneratedDatasetOptions = {}): RobustnessDataset {
  const { sample, users, rng, writer } = startLatentDataset(SHAPE, options, 0x5eed);
  const rating = eventTypeCode('rating');
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
