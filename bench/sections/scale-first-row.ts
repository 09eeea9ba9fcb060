import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import { measureFirstRowShop } from '../scale/first-row-shop';

/**
 * Time and bytes to the first personal row in a visitor's browser for a 100k-product shop: the
 * shop is generated (`hearth-recs generate`, seed 7, 1M events) and trained with the shipped CLI
 * (`--no-tune`: the fixed defaults, so the bench measures delivery, not a tuning budget), then a
 * cold-cache visit of a plain page with the script-tag widget (the files `hearth train` names for
 * `model-src` and `catalog-src`: the model's head and the catalog index), a visitor with three
 * earlier views and a for-you row, over a 20 Mbit/s / 40 ms link shaped at the server (bandwidth
 * shared by all responses, the round trip before each response). Bytes are what went over the
 * wire (gzip) before the row showed; tab memory is `performance.measureUserAgentSpecificMemory()`
 * (page + worker) at the row and once the page has stopped downloading (the full model in use).
 */
async function run(ctx: BenchContext): Promise<BenchResults> {
  return measureFirstRowShop(
    { key: 'items100k', items: 100_000, events: 1_000_000, trainFlags: ['--no-tune'] },
    ctx,
  );
}

/** Bench section: first personal row for a 100k-product shop over a throttled link. */
export const section: BenchSection = { title: 'Scale: first personal row, 100k products', run };
