import { runFirstN } from '../../src/core/eval/visitor-protocols';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import { trainVisitorModels, visitorDatasets } from '../visitor-data';

const round = (x: number): number => Number(x.toFixed(4));

/**
 * New visitors (`hearth-recs eval --protocol first-n`, seed 42): 20% of the users with 10+ items
 * held out, their first n = 1, 2, 3, 5 items revealed, the next 5 the targets. NDCG@10 and HR@10
 * of the served for-you row, the served similar row of the last item, popularity and ItemKNN.
 */
export async function run(ctx: BenchContext): Promise<BenchResults> {
  const out: BenchResults = {};
  for (const data of await visitorDatasets(ctx)) {
    const models = await trainVisitorModels(data);
    const report = await runFirstN(models);
    out[`shortHistory.${data.name}.heldOutUsers`] = models.heldOut.length;
    for (const [ranker, scores] of Object.entries(report)) {
      for (const s of scores) {
        out[`shortHistory.${data.name}.${ranker}.n${s.n}.ndcg10`] = round(s.ndcg);
        out[`shortHistory.${data.name}.${ranker}.n${s.n}.hr10`] = round(s.hr);
      }
      ctx.log(
        `short-history ${data.name} ${ranker}: NDCG@10 ${scores.map((s) => `n=${s.n} ${s.ndcg.toFixed(3)}`).join(', ')}`,
      );
    }
  }
  return out;
}

/** Bench section: the for-you row for visitors with 1–5 items. */
export const section: BenchSection = { title: 'Short histories (first-n)', run };
