import { runEvaluation } from '../../src/core/eval/run-evaluation';
import { DEFAULT_MF_OPTIONS, createTypedMfPath } from '../../src/core/models/mf/train-typed';
import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import { loadMl100k } from '../ml100k';

const REPEATS = 3;

/**
 * iALS on ML-100K, protocol `random`, seed 42, default options on the typed path (what
 * `hearth eval --interactions u.data --backend typed` runs): quality, training wall time (median of
 * three runs) and mean epoch time.
 */
async function run(ctx: BenchContext): Promise<BenchResults> {
  if (ctx.ml100kDir === null) {
    ctx.log('mf: MovieLens 100K not found; reporting null.');
    return { 'mf.ndcg10': null, 'mf.recall20': null, 'mf.trainMs': null, 'mf.epochMs': null };
  }
  const { dataset } = await loadMl100k(ctx.ml100kDir);
  const reports = [];
  for (let r = 0; r < REPEATS; r++) {
    reports.push(
      await runEvaluation({
        dataset,
        model: 'mf',
        protocol: 'random',
        seed: 42,
        ks: [10, 20],
        computePath: createTypedMfPath(),
      }),
    );
  }
  const byTime = [...reports].sort((a, b) => a.trainMs - b.trainMs);
  const median = byTime[Math.floor(byTime.length / 2)]!;
  const m = median.metrics;
  ctx.log(
    `mf: NDCG@10 ${m['ndcg@10']!.toFixed(4)}, Recall@20 ${m['recall@20']!.toFixed(4)}, ${median.trainMs.toFixed(0)} ms`,
  );
  return {
    'mf.ndcg10': m['ndcg@10']!,
    'mf.recall20': m['recall@20']!,
    'mf.hr10': m['hr@10']!,
    'mf.mrr': m['mrr']!,
    'mf.auc': m['auc']!,
    'mf.coverage10': m['coverage@10']!,
    'mf.trainMs': median.trainMs,
    'mf.epochMs': median.epochMs ?? null,
    'mf.epochs': DEFAULT_MF_OPTIONS.epochs,
    'mf.factors': DEFAULT_MF_OPTIONS.factors,
  };
}

/** Bench section: the MF model's quality and speed on ML-100K. */
export const section: BenchSection = { title: 'MF (iALS) on ML-100K', run };
