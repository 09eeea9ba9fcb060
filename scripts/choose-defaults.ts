/**
 * Re-derives the fixed MF defaults (`DEFAULT_MF_OPTIONS`, used by `--no-tune` and as the tuner's
 * starting point) without the reported test pairs: on MovieLens 100K only the training part of the
 * seed-42 `random` split is used, and the tuner carves its validation split from that; the
 * generated robustness data sets are used whole (they have no reported split).
 *
 *   npx tsx scripts/choose-defaults.ts [--datasets ml100k,long-tail-plays,...] [--trials 40]
 *
 * For each data set it runs the tuner twice — from today's defaults and from a neutral start
 * (λ 0.05, α₀ 1, δ 0, β 1) — and prints the settings each run reaches with its validation
 * NDCG@10, as one JSON line per run. See docs/engine.md ("Tuning") for the results.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadRobustnessDataset, type RobustnessDatasetName } from '../bench/datasets';
import { openInputFile } from '../src/cli/read-input';
import type { InteractionDataset } from '../src/core/data/interaction-log';
import { parseInteractions } from '../src/core/data/parse';
import { DEFAULT_EVENT_WEIGHTS } from '../src/core/data/types';
import { splitInteractions } from '../src/core/eval/split';
import { rowWeightsOf, weightedMatrixOf } from '../src/core/tune/confidence-fit';
import { defaultMfSettings } from '../src/core/tune/search-space';
import { tuneModel } from '../src/core/tune/tune-model';
import type { MfSettings } from '../src/core/tune/tune-types';

const ML100K_DIR = join(import.meta.dirname, '..', '..', 'shared', 'data', 'ml-100k');

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const NEUTRAL: MfSettings = {
  ...defaultMfSettings(),
  regularization: 0.05,
  unobservedWeight: 1,
  userWeightExponent: 0,
  biasScale: 1,
};

/** The matrix the tuner may see: the seed-42 training part for ML-100K, else everything. */
async function trainingMatrix(name: string) {
  if (name === 'ml100k') {
    const file = join(ML100K_DIR, 'u.data');
    if (!existsSync(file)) return null;
    const { dataset } = await parseInteractions(openInputFile(file));
    return splitTrain(dataset);
  }
  const loaded = await loadRobustnessDataset(name as RobustnessDatasetName, {
    ml100kDir: existsSync(ML100K_DIR) ? ML100K_DIR : null,
  });
  return loaded ? weightedMatrixOf(loaded.dataset, DEFAULT_EVENT_WEIGHTS) : null;
}

function splitTrain(dataset: InteractionDataset) {
  const rowWeights = rowWeightsOf(dataset, DEFAULT_EVENT_WEIGHTS);
  return splitInteractions(dataset, { protocol: 'random', seed: 42, rowWeights }).train;
}

const datasets = flag('datasets', 'ml100k').split(',');
const maxTrials = Number(flag('trials', '40'));
for (const name of datasets) {
  const train = await trainingMatrix(name);
  if (!train) {
    console.error(`skipping ${name}: its data is absent`);
    continue;
  }
  for (const [label, start] of [
    ['defaults', defaultMfSettings()],
    ['neutral', NEUTRAL],
  ] as const) {
    const choice = await tuneModel({ train, start, maxTrials, budgetMs: Number.POSITIVE_INFINITY });
    console.log(
      JSON.stringify({
        dataset: name,
        start: label,
        family: choice.family,
        confidence: choice.confidence,
        mf: choice.mf,
        validationNdcg: Number(choice.validationNdcg.toFixed(4)),
        candidates: choice.candidates,
        trials: choice.trials,
      }),
    );
  }
}
