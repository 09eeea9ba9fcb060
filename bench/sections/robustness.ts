import type { InteractionDataset } from '../../src/core/data/interaction-log';
import { runEvaluation } from '../../src/core/eval/run-evaluation';
import { splitInteractions } from '../../src/core/eval/split';
import { fitItemKnn } from '../../src/core/models/item-knn';
import { fitPopularity } from '../../src/core/models/popularity';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import { ROBUSTNESS_DATASETS, datasetCounts, loadRobustnessDataset } from '../datasets';
import { loadMl100k } from '../ml100k';
import { pairedDifference } from '../robustness/paired-difference';
import { easeReference, mfReference, ndcg10 } from '../robustness/reference-models';

const SEED = 42;

/** One data set's row of the robustness table. */
async function measure(
  name: string,
  dataset: InteractionDataset,
  ctx: BenchContext,
): Promise<BenchResults> {
  const key = (metric: string): string => `robustness.${name}.${metric}`;
  const counts = datasetCounts(dataset);
  ctx.log(
    `robustness: ${name} (${counts.users} users × ${counts.items} items, ${counts.pairs} pairs)`,
  );
  const split = splitInteractions(dataset, { protocol: 'random', seed: SEED });
  let t = performance.now();
  const lap = (what: string): void => {
    const now = performance.now();
    ctx.log(`robustness: ${name}: ${what} ${((now - t) / 1000).toFixed(1)} s`);
    t = now;
  };
  const baselines: Record<string, number> = {
    popularity: ndcg10(fitPopularity(split.train), split),
    itemknn: ndcg10(fitItemKnn(split.train), split),
  };
  lap('popularity + ItemKNN');
  const mf = await mfReference(split, SEED);
  lap('MF grid');
  baselines['mf-defaults'] = mf.defaultNdcg10;
  baselines['mf-hand-tuned'] = mf.handTunedNdcg10;
  const ease = await easeReference(split, SEED);
  baselines['ease'] = ease.ndcg10;
  lap('EASE');
  // The shipped pipeline as `hearth-recs eval` runs it with no flags: event weights × values,
  // tuning on a validation split of the training part, the chosen family.
  const tunedPerUser = new Map<number, number>();
  const tuned = await runEvaluation({
    dataset,
    model: 'auto',
    protocol: 'random',
    seed: SEED,
    ks: [10],
    onUserNdcg: (u, v) => tunedPerUser.set(u, v),
  });
  // The gap to EASE on this split, paired over users: whether a difference is more than noise.
  const vsEase = pairedDifference(tunedPerUser, ease.perUser);
  lap('tuned pipeline');
  const [bestBaseline, bestNdcg] = Object.entries(baselines).reduce((a, b) =>
    b[1] > a[1] ? b : a,
  );
  const tunedNdcg = tuned.metrics['ndcg@10']!;
  ctx.log(
    `robustness: ${name}: tuned ${tunedNdcg.toFixed(4)}, best baseline ${bestBaseline} ${bestNdcg.toFixed(4)}, ` +
      Object.entries(baselines)
        .map(([k, v]) => `${k} ${v.toFixed(4)}`)
        .join(', '),
  );
  return {
    [key('users')]: counts.users,
    [key('items')]: counts.items,
    [key('pairs')]: counts.pairs,
    [key('tunedNdcg10')]: tunedNdcg,
    [key('family')]: tuned.tuning?.family ?? null,
    [key('tuningMs')]: tuned.tuning?.tuningMs ?? null,
    [key('pipelineMs')]: tuned.trainMs,
    [key('bestBaselineNdcg10')]: bestNdcg,
    [key('bestBaseline')]: bestBaseline,
    [key('popularityNdcg10')]: baselines['popularity']!,
    [key('itemKnnNdcg10')]: baselines['itemknn']!,
    [key('mfDefaultsNdcg10')]: mf.defaultNdcg10,
    [key('mfHandTunedNdcg10')]: mf.handTunedNdcg10,
    [key('mfHandTuned')]: mf.handTuned,
    [key('easeNdcg10')]: ease.ndcg10,
    [key('easeServedNdcg10')]: ease.servedNdcg10,
    [key('easeServedNeighbors')]: ease.servedNeighbors,
    [key('easeServed200Ndcg10')]: ease.servedShortNdcg10,
    [key('tunedMinusEase')]: vsEase.mean,
    [key('tunedMinusEaseSe')]: vsEase.se,
    [key('easeItems')]: ease.model.modelled.length,
    [key('easeLambda')]: ease.model.lambda,
    [key('easeFitMs')]: ease.fitMs,
  };
}

/**
 * The robustness set (bench/datasets) plus ML-100K, protocol `random`, seed 42: the shipped
 * pipeline's NDCG@10 next to popularity, ItemKNN, MF with fixed defaults, the best of a small
 * hand-tuned MF grid and an EASE reference (with its fit time), per data set.
 */
async function run(ctx: BenchContext): Promise<BenchResults> {
  const results: BenchResults = {};
  if (ctx.ml100kDir === null)
    ctx.log('robustness: MovieLens 100K not found; its rows are skipped.');
  else
    Object.assign(results, await measure('ml100k', (await loadMl100k(ctx.ml100kDir)).dataset, ctx));
  for (const name of ROBUSTNESS_DATASETS) {
    const data = await loadRobustnessDataset(name, { ml100kDir: ctx.ml100kDir });
    if (data) Object.assign(results, await measure(name, data.dataset, ctx));
  }
  return results;
}

/** Bench section: the pipeline against baselines on data sets of other shapes. */
export const section: BenchSection = { title: 'Robustness (data sets of other shapes)', run };
