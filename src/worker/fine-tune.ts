import type { ModelBundle } from '../core/bundle/model-bundle';
import type { InteractionDataset } from '../core/data/interaction-log';
import { Vocabulary } from '../core/data/vocabulary';
import type { MfCheckpoint } from '../core/models/mf/mf-trainer';
import { initialFactors } from '../core/models/mf/mf-trainer';

// When a fine-tune runs (the event counter, idle scheduling) lives in `fine-tune-schedule.ts`,
// which the serving bundle loads; the warm start below loads only with the training code.
export {
  DEFAULT_FINE_TUNE_AFTER_EVENTS,
  FINE_TUNE_EPOCHS,
  createFineTuneScheduler,
  hasMultiUserData,
} from './fine-tune-schedule';
export type { FineTuneScheduler, FineTuneSchedulerOptions } from './fine-tune-schedule';

/**
 * The starting state of a warm-started run on `dataset`: item factors and biases copied from the
 * current model by item id (items the model lacks get the seeded initial factors), user factors 0
 * (the first half-epoch solves them against the warm items). Returns null when the model has no
 * item of the dataset, or another factor count than `options.factors`.
 */
export function warmStartCheckpoint(
  bundle: ModelBundle,
  dataset: InteractionDataset,
  options: { readonly factors: number; readonly initScale: number; readonly seed: number },
): MfCheckpoint | null {
  const k = options.factors;
  if (bundle.mf.factors !== k) return null;
  const n = dataset.itemVocab.size;
  const m = dataset.userVocab.size;
  const init = initialFactors(0, n, options);
  const modelIndex = Vocabulary.from(bundle.itemIds);
  const source = bundle.mf.itemFactors;
  let matched = 0;
  for (let i = 0; i < n; i++) {
    const j = modelIndex.get(dataset.itemVocab.idAt(i));
    if (j < 0 || j >= bundle.mf.numItems) continue;
    init.itemFactors.set(source.subarray(j * k, j * k + k), i * k);
    init.itemBias[i] = bundle.mf.itemBias[j]!;
    matched++;
  }
  if (matched === 0) return null;
  return {
    epoch: 0,
    userFactors: new Float32Array(m * k),
    itemFactors: init.itemFactors,
    itemBias: init.itemBias,
    lossHistory: [],
  };
}
