import { DEFAULT_DEMO_SEED, eventsToDataset, generateDemoData } from '../../src/core/demo-data';
import type { DatasetSize, RobustnessDataset } from './robustness-dataset';

/** Name of the demo-shop data set. */
export const DEMO_SHOP = 'demo-shop';

/**
 * The demo storefront (`src/core/demo-data`, seeded): 2,400 products in a category tree with titles
 * and tags, 3,000 simulated shoppers' views, clicks, carts and purchases over 90 days, a trending
 * spike in the last week. The tiny size keeps 300 products and 200 shoppers.
 */
export function generateDemoShop(
  options: { readonly seed?: number; readonly size?: DatasetSize } = {},
): RobustnessDataset {
  const tiny = options.size === 'tiny';
  const { catalog, events } = generateDemoData({
    seed: options.seed ?? DEFAULT_DEMO_SEED,
    ...(tiny ? { products: 300, shoppers: 200 } : {}),
  });
  return {
    name: DEMO_SHOP,
    description:
      'the demo shop: 2.4k products with a catalog, 3k shoppers, view/click/cart/purchase',
    dataset: eventsToDataset(events),
    catalog: catalog.items,
  };
}
