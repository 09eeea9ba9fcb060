import { runItemToItem } from '../../src/core/eval/visitor-protocols';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import { trainVisitorModels, visitorDatasets } from '../visitor-data';

const round = (x: number): number => Number(x.toFixed(4));

/**
 * Item-to-item rows (`hearth-recs eval --protocol next-item`, seed 42): on held-out users, HR@10
 * of the next distinct item given the previous one, and the share of shown neighbours in the
 * anchor's category, for the blended similar row, each of its sources alone and bought-together.
 */
export async function run(ctx: BenchContext): Promise<BenchResults> {
  const out: BenchResults = {};
  for (const data of await visitorDatasets(ctx)) {
    const report = runItemToItem(await trainVisitorModels(data));
    for (const [row, s] of Object.entries(report)) {
      out[`itemToItem.${data.name}.${row}.hr10`] = round(s.hr);
      out[`itemToItem.${data.name}.${row}.sameCategory`] =
        s.contentAgreement === null ? null : round(s.contentAgreement);
      ctx.log(`item-to-item ${data.name} ${row}: HR@10 ${s.hr.toFixed(4)} (${s.pairs} pairs)`);
    }
  }
  return out;
}

/** Bench section: similar and bought-together rows on the next-item protocol. */
export const section: BenchSection = { title: 'Item-to-item rows (next item)', run };
