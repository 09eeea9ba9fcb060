import { generateDemoShop } from './datasets';
import type { InteractionDataset } from '../src/core/data/interaction-log';
import type { Item } from '../src/core/data/types';
import { trainForVisitors, type VisitorModels } from '../src/core/eval/visitor-protocols';
import type { BenchContext } from './bench-types';
import { loadMl100k } from './ml100k';

/** Seed of the held-out users in the visitor protocols (`hearth-recs eval --protocol first-n`). */
export const VISITOR_SEED = 42;

/** Data sets the visitor protocols run on: ML-100K (with its genres) when present, the demo shop. */
export async function visitorDatasets(
  ctx: BenchContext,
): Promise<{ name: string; dataset: InteractionDataset; catalog: readonly Item[] }[]> {
  const out: { name: string; dataset: InteractionDataset; catalog: readonly Item[] }[] = [];
  if (ctx.ml100kDir !== null) {
    const { dataset, catalog } = await loadMl100k(ctx.ml100kDir);
    out.push({ name: 'ml100k', dataset, catalog });
  } else {
    ctx.log('MovieLens 100K not found: visitor protocols run on the demo shop only.');
  }
  const shop = generateDemoShop();
  out.push({ name: 'demoShop', dataset: shop.dataset, catalog: shop.catalog ?? [] });
  return out;
}

/**
 * Trains the bundle `hearth-recs train` ships (tuned) without the held-out users (seed
 * {@link VISITOR_SEED}).
 */
export function trainVisitorModels(data: {
  dataset: InteractionDataset;
  catalog: readonly Item[];
}): Promise<VisitorModels> {
  return trainForVisitors({
    ...data,
    seed: VISITOR_SEED,
    train: { tune: true, mf: { seed: VISITOR_SEED } },
  });
}
