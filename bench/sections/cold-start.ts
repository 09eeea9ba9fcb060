import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCatalog } from '../../src/core/data/parse/parse-catalog';
import { parseInteractions } from '../../src/core/data/parse/parse-interactions';
import { coldStartData, evaluateColdStart } from '../../src/core/eval/cold-start';
import { createTypedMfPath, DEFAULT_MF_OPTIONS } from '../../src/core/models/mf/train-typed';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';

const SEED = 42;
const KEYS = [
  'coldStart.auc',
  'coldStart.recall20',
  'coldStart.randomRecall20',
  'coldStart.recallRatio',
  'coldStart.newItems',
  'coldStart.users',
  'coldStart.towerFitMs',
  'coldStart.mfTrainMs',
] as const;

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/**
 * Item cold start on ML-100K (seed 42): 10% of items held out as new, MF (default options, typed
 * path) on the rest, content tower on the warm items; new items ranked by their content embedding.
 */
export async function run(ctx: BenchContext): Promise<BenchResults> {
  if (ctx.ml100kDir === null) {
    ctx.log('cold-start: MovieLens 100K not found; reporting null.');
    return Object.fromEntries(KEYS.map((k) => [k, null]));
  }
  const { items } = await parseCatalog(readFileSync(join(ctx.ml100kDir, 'u.item')), {
    format: 'movielens',
  });
  const { dataset } = await parseInteractions(readFileSync(join(ctx.ml100kDir, 'u.data')));
  const mfPath = createTypedMfPath();
  try {
    const r = await evaluateColdStart({
      ...coldStartData(dataset, items),
      mfPath,
      mfOptions: { ...DEFAULT_MF_OPTIONS, seed: SEED },
      seed: SEED,
      cutoff: 20,
    });
    ctx.log(
      `cold-start: AUC ${r.auc.toFixed(3)}, Recall@20 ${r.recall.toFixed(3)} (${r.recallRatio.toFixed(2)}× random)`,
    );
    return {
      'coldStart.auc': round(r.auc, 4),
      'coldStart.recall20': round(r.recall, 4),
      'coldStart.randomRecall20': round(r.randomRecall, 4),
      'coldStart.recallRatio': round(r.recallRatio, 3),
      'coldStart.newItems': r.newItems,
      'coldStart.users': r.users,
      'coldStart.towerFitMs': round(r.towerFitMs, 1),
      'coldStart.mfTrainMs': round(r.mfTrainMs, 1),
    };
  } finally {
    mfPath.dispose();
  }
}

/** The cold-start benchmark section. */
export const section: BenchSection = { title: 'Cold start (content tower)', run };
