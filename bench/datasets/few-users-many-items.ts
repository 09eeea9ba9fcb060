import { eventTypeCode, type EventType } from '../../src/core/data/types';
import { startLatentDataset, type GeneratedDatasetOptions } from './latent-sampler';
import type { RobustnessDataset } from './robustness-dataset';

/** Name of the few-users data set. */
export const FEW_USERS = 'few-users';

/** 150 shoppers × ~8k products: a young shop whose catalog dwarfs its audience. */
const SHAPE = {
  users: 150,
  items: 9000,
  clusters: 30,
  dims: 16,
  tastesPerUser: 3,
  popularityExponent: 0.7,
  affinity: 7,
  perUser: { median: 90, sigma: 0.8, min: 10, max: 900 },
};

/** 2026-01-01 and a 120-day window. */
const START_MS = Date.UTC(2026, 0, 1);
const WINDOW_MS = 120 * 86_400_000;

/** How far a shopper gets with an item they look at: view, then click, cart and purchase. */
const FUNNEL: readonly [EventType, number][] = [
  ['click', 0.55],
  ['cart', 0.2],
  ['purchase', 0.55],
];

/**
 * Few users with many items: 150 shoppers browsing ~8k products of 30 taste clusters, as an event
 * log (views, clicks, carts and purchases with timestamps, several events per pair). Tests models
 * and tuning where there are far more items than users, so item–item statistics are thin.
 */
export function generateFewUsersManyItems(
  options: GeneratedDatasetOptions = {},
): RobustnessDataset {
  const { sample, users, rng, writer } = startLatentDataset(SHAPE, options, 0xfe77);
  const view = eventTypeCode('view');
  for (let u = 0; u < users; u++) {
    let t = START_MS + rng.next() * WINDOW_MS * 0.5;
    for (let p = sample.userStart[u]!; p < sample.userStart[u + 1]!; p++) {
      const user = `shopper${u}`;
      const item = `product${sample.items[p]!}`;
      t += 5_000 + rng.next() * (rng.next() < 0.1 ? 3 * 86_400_000 : 300_000);
      writer.push(user, item, view, NaN, Math.floor(t));
      // Items that fit the shopper's taste go further down the funnel.
      const fit = Math.max(0, sample.affinity[p]!);
      for (const [type, share] of FUNNEL) {
        if (rng.next() >= share * (0.5 + fit)) break;
        t += 2_000 + rng.next() * 60_000;
        writer.push(user, item, eventTypeCode(type), NaN, Math.floor(t));
      }
    }
  }
  return {
    name: FEW_USERS,
    description:
      'few users × many items: 150 shoppers × ~8k products, view/click/cart/purchase log',
    dataset: writer.build(),
  };
}
