import type { ExperimentDefinition } from '../experiments/experiment-types';
import { planExperiment } from '../experiments/plan-experiment';

/** Id of the demo shop's experiment. */
export const DEMO_EXPERIMENT_ID = 'demo-model-tuning';

/**
 * Folder (under the demo data folder) of the variant arm's model: MF trained on the same demo
 * events with the library's fixed defaults (`hearth-recs train --no-tune`) instead of the settings
 * tuned for the demo shop.
 */
export const DEMO_VARIANT_MODEL_DIR = 'model-defaults';

/**
 * Planning assumptions of the demo experiment (not measured on any split): 10% of exposed
 * visitors click a recommendation, a +10% relative lift is worth detecting, one look per daily
 * report over two weeks.
 */
const DEMO_PLAN = planExperiment({
  baselineMean: 0.1,
  binomial: true,
  minimumDetectableLift: 0.1,
  looks: 14,
});

/**
 * The demo shop's experiment: does the model tuned for this shop (`control`, the shipped model)
 * get more row clicks than MF with the library's defaults (`defaults`), and do recommendations
 * help at all (`holdout`: 10% of devices see no recommendation rows)? Primary metric: row clicks;
 * guardrails: add-to-cart and revenue (capped at 500 per visitor, CUPED on the 14 days before
 * assignment). No DP noise: local noise at a useful ε drowns a demo-sized sample.
 *
 * @param modelBase - URL of the demo data folder as the page sees it (e.g. `/demo/`): the variant
 *   arm's model lives under it.
 */
export function demoExperiment(modelBase: string): ExperimentDefinition {
  return {
    id: DEMO_EXPERIMENT_ID,
    version: 1,
    arms: [
      { id: 'control', weight: 45 },
      {
        id: 'defaults',
        weight: 45,
        settings: { modelUrl: `${modelBase}${DEMO_VARIANT_MODEL_DIR}/model.hearth` },
      },
      { id: 'holdout', weight: 10, holdout: true },
    ],
    primaryMetric: { id: 'row-click', kind: 'binomial' },
    guardrailMetrics: [
      { id: 'add-to-cart', kind: 'binomial' },
      { id: 'revenue', kind: 'mean', cap: 500, cuped: true },
    ],
    start: '2026-01-01T00:00:00Z',
    minimumSamplePerArm: 1000,
    minimumRuntimeDays: 7,
    plannedSamplePerArm: DEMO_PLAN.samplePerArm,
  };
}
