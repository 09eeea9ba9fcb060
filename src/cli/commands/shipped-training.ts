import type { TrainBundleOptions } from '../../core/bundle/train-bundle';
import type { ParsedFlags } from '../cli-args';
import type { CliContext } from '../cli-context';
import type { ProgressBar } from '../progress-bar';
import type { MfComputePath } from '../../core/models/mf/mf-trainer';
import { tuneFlags } from './compute-flags';
import { createTuneProgress } from './tuning-summary';

/**
 * The `trainModelBundle` options `hearth-recs train` ships with for these flags: tuning (unless
 * `--no-tune`) within `--tune-budget`, settings fixed by flags, the seed, progress on stderr.
 */
export function shippedTrainingOptions(
  flags: ParsedFlags,
  ctx: CliContext,
  compute: { readonly path: MfComputePath; readonly reason: string },
  bar: ProgressBar,
): Omit<TrainBundleOptions, 'dataset' | 'catalog' | 'eventWeights'> {
  const tuning = tuneFlags(flags);
  return {
    computePath: compute.path,
    computeChoice: compute.reason,
    tune: tuning.tune,
    tuneBudgetMs: tuning.budgetMs,
    ...(tuning.fixed.confidence ? { confidence: tuning.fixed.confidence } : {}),
    mf: {
      ...tuning.fixed,
      ...(flags['seed'] !== undefined ? { seed: Number(flags['seed']) } : {}),
    },
    onTuneProgress: createTuneProgress(ctx.stderr, ctx.quiet),
    onProgress: (p) => bar.update(p.epoch, p.epochs, `loss ${p.loss.toFixed(4)}`),
  };
}
