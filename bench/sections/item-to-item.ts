import { runItemToItem } from '../../src/core/eval/visitor-protocols';
import { sameItemToItemWeights } from '../../src/core/tune/item-to-item-choice';
import type { ItemToItemChoice } from '../../src/core/tune/tune-types';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import { trainVisitorModels, visitorDatasets } from '../visitor-data';

const round = (x: number): number => Number(x.toFixed(4));

/**
 * Item-to-item rows (`hearth-recs eval --protocol next-item`, seed 42): on held-out users, HR@10
 * of the next distinct item given the previous one, and the share of shown neighbours in the
 * anchor's category, for the similar row with the blend training chose, with the default blend,
 * with each of its sources alone, and bought-together; and the chosen blend itself.
 */
export async function run(ctx: BenchContext): Promise<BenchResults> {
  const out: BenchResults = {};
  for (const data of await visitorDatasets(ctx)) {
    const models = await trainVisitorModels(data);
    Object.assign(out, chosenBlend(ctx, data.name, models.bundle.tuning?.itemToItem));
    const report = runItemToItem(models);
    for (const [row, s] of Object.entries(report)) {
      out[`itemToItem.${data.name}.${row}.hr10`] = round(s.hr);
      out[`itemToItem.${data.name}.${row}.sameCategory`] =
        s.contentAgreement === null ? null : round(s.contentAgreement);
      ctx.log(`item-to-item ${data.name} ${row}: HR@10 ${s.hr.toFixed(4)} (${s.pairs} pairs)`);
    }
  }
  return out;
}

/**
 * The blend training chose (on validation users carved from the training users, never the
 * held-out ones scored above) and its validation HR@10 next to the default blend's.
 */
function chosenBlend(
  ctx: BenchContext,
  name: string,
  choice: ItemToItemChoice | undefined,
): BenchResults {
  if (choice === undefined) return {};
  const w = choice.weights;
  const chosenHr = choice.candidates.find((c) => sameItemToItemWeights(c.weights, w))?.hr ?? null;
  const defaultHr = choice.candidates[0]?.hr ?? null;
  ctx.log(
    `item-to-item ${name}: chose embedding ${w.embedding}, co-occurrence ${w.coOccurrence}, ` +
      `content ${w.content}, item bias ${w.itemBias ?? 0} (validation HR@10 ${chosenHr?.toFixed(4)}, ` +
      `default ${defaultHr?.toFixed(4)}; ${choice.validationUsers} users, ${choice.pairs} pairs, ${choice.ms.toFixed(0)} ms)`,
  );
  const key = `itemToItem.${name}.chosen`;
  return {
    [`${key}.embedding`]: w.embedding,
    [`${key}.coOccurrence`]: w.coOccurrence,
    [`${key}.content`]: w.content,
    [`${key}.itemBias`]: w.itemBias ?? 0,
    [`${key}.validationHr10`]: chosenHr === null ? null : round(chosenHr),
    [`${key}.validationDefaultHr10`]: defaultHr === null ? null : round(defaultHr),
    [`${key}.validationUsers`]: choice.validationUsers,
    [`${key}.ms`]: Math.round(choice.ms),
  };
}

/** Bench section: similar and bought-together rows on the next-item protocol. */
export const section: BenchSection = { title: 'Item-to-item rows (next item)', run };
