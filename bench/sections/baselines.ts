import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InteractionDataset } from '../../src/core/data/interaction-log';
import { InteractionLogBuilder } from '../../src/core/data/interaction-log';
import { eventTypeCode } from '../../src/core/data/types';
import { Vocabulary } from '../../src/core/data/vocabulary';
import { evaluateScorer } from '../../src/core/eval/evaluate';
import { splitInteractions } from '../../src/core/eval/split';
import { fitItemKnn } from '../../src/core/models/item-knn';
import { fitPopularity } from '../../src/core/models/popularity';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';

const SEED = 42;
const FIT_REPEATS = 5;

/**
 * Reads ML-100K `u.data` into a dataset whose dense indices are `id − 1` for users and items (so
 * the split does not depend on file order). Ratings become `rating` events; seconds become ms.
 */
function loadMl100kDataset(dir: string): InteractionDataset {
  const lines = readFileSync(join(dir, 'u.data'), 'utf8').split('\n');
  const builder = new InteractionLogBuilder();
  const rating = eventTypeCode('rating');
  let numUsers = 0;
  let numItems = 0;
  for (const line of lines) {
    if (!line.trim()) continue;
    const [user, item, value, seconds] = line.split('\t').map(Number);
    builder.push(user! - 1, item! - 1, rating, value!, seconds! * 1000);
    numUsers = Math.max(numUsers, user!);
    numItems = Math.max(numItems, item!);
  }
  const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i + 1));
  return {
    userVocab: Vocabulary.from(ids(numUsers)),
    itemVocab: Vocabulary.from(ids(numItems)),
    columns: builder.build(),
  };
}

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
  const split = splitInteractions(loadMl100kDataset(ctx.ml100kDir), {
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
