import { eventTypeCode } from '../../src/core/data/types';
import { startLatentDataset, type GeneratedDatasetOptions } from './latent-sampler';
import type { RobustnessDataset } from './robustness-dataset';

/** Name of the sparse many-items ratings data set. */
export const SPARSE_RATINGS = 'sparse-ratings';

/** About 610 users × 9.7k items × 100k ratings, ≥ 20 per user: the MovieLens-latest-small shape. */
const SHAPE = {
  users: 610,
  items: 10000,
  clusters: 20,
  dims: 16,
  tastesPerUser: 4,
  popularityExponent: 0.9,
  affinity: 6,
  perUser: { median: 95, sigma: 1.1, min: 20, max: 2700 },
};

/** 2000-01-01 and the length of the rating window (18 years), so the log has real timestamps. */
const START_MS = Date.UTC(2000, 0, 1);
const WINDOW_MS = 18 * 365 * 86_400_000;

/**
 * Sparse explicit ratings over many items: few users, a long tail of items rated once or twice, a
 * heavy-tailed number of ratings per user (20 to thousands). Ratings are 0.5–5 in half stars, from
 * a user bias, an item quality (popular items rate higher) and the taste fit plus noise. Each
 * user rates in sessions spread over 18 years, so `temporal` and `last` protocols work too.
 */
export function generateSparseRatings(options: GeneratedDatasetOptions = {}): RobustnessDataset {
  const { sample, users, rng, writer } = startLatentDataset(SHAPE, options, 0x4a7e);
  const rating = eventTypeCode('rating');
  const itemCount = sample.itemRank.length;
  for (let u = 0; u < users; u++) {
    const bias = 0.45 * rng.normal();
    let t = START_MS + rng.next() * WINDOW_MS * 0.9;
    for (let p = sample.userStart[u]!; p < sample.userStart[u + 1]!; p++) {
      const item = sample.items[p]!;
      const quality = 0.5 - sample.itemRank[item]! / itemCount;
      const raw =
        3.5 + bias + 0.6 * quality + 1.5 * (sample.affinity[p]! - 0.4) + 0.7 * rng.normal();
      const stars = Math.min(5, Math.max(0.5, Math.round(raw * 2) / 2));
      // Mostly seconds apart within a session, sometimes weeks between sessions.
      t += rng.next() < 0.05 ? rng.next() * 60 * 86_400_000 : 20_000 + rng.next() * 120_000;
      writer.push(`user${u}`, `movie${item}`, rating, stars, Math.floor(t / 1000) * 1000);
    }
  }
  return {
    name: SPARSE_RATINGS,
    description:
      'MovieLens-latest-small shape: ~610 users × ~9.7k movies × ~100k ratings 0.5–5, long item tail',
    dataset: writer.build(),
  };
}
