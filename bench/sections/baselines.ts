import { evaluateScorer } from '../../src/core/eval/evaluate';
import { splitInteractions } from '../../src/core/eval/split';
import { fitItemKnn } from '../../src/core/models/item-knn';
import { fitPopularity } from '../../src/core/models/popularity';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import { loadMl100k } from '../ml100k';

const SEED = 42;
const FIT_REPEATS = 5;

/**
 * Popularity and ItemKNN (default options) on ML-100K, protocol `random`, seed 42: NDCG@10,
 * Recall@20 and the median ItemKNN fit time over {@link FIT_REPEATS} fits.
 */
export async function run(ctx: BenchContext): Promise<BenchResults> {
  const keys = [
    'baselines.popularity.ndcg10',
    'baselines.popularity.recall20',
    'baselines.itemknn.ndcg10',
    'baselines.itemknn.recall20',
    'baselines.itemknn.fitMs',
  ] as const;
  if (ctx.ml100kDir === null) {
    ctx.log('baselines: MovieLens 100K not found; reporting null.');
    return Object.fromEntries(keys.map((k) => [k, null]));
  }
  const split = splitInteractions((await loadMl100k(ctx.ml100kDir)).dataset, {
    protocol: 'random',
    seed: SEED,
  });
  const evalOptions = { ks: [10, 20], auc: false };
  const popularity = evaluateScorer(fitPopularity(split.train), split, evalOptions);
  ctx.log(`baselines: popularity NDCG@10 ${popularity['ndcg@10']!.toFixed(4)}`);

  const fitMs: number[] = [];
  let knn = fitItemKnn(split.train);
  for (let r = 0; r < FIT_REPEATS; r++) {
    const start = performance.now();
    knn = fitItemKnn(split.train);
    fitMs.push(performance.now() - start);
  }
  fitMs.sort((a, b) => a - b);
  const itemKnn = evaluateScorer(knn, split, evalOptions);
  ctx.log(`baselines: ItemKNN NDCG@10 ${itemKnn['ndcg@10']!.toFixed(4)}`);

  return {
    'baselines.popularity.ndcg10': popularity['ndcg@10']!,
    'baselines.popularity.recall20': popularity['recall@20']!,
    'baselines.itemknn.ndcg10': itemKnn['ndcg@10']!,
    'baselines.itemknn.recall20': itemKnn['recall@20']!,
    'baselines.itemknn.fitMs': fitMs[Math.floor(fitMs.length / 2)]!,
  };
}

/** Bench section: count-based baselines on ML-100K. */
export const section: BenchSection = { title: 'Baselines (popularity, ItemKNN)', run };
