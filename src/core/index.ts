/**
 * Hearth engine: private, on-device recommendations. Pure TypeScript (no DOM, no React): data
 * ingestion, iALS matrix factorization with a content tower, baselines, offline evaluation, the
 * model file and the serve path. Runs in browsers, workers and Node.
 *
 * @example
 * const { dataset } = await parseInteractions(file);
 * const bundle = await trainModelBundle({ dataset, catalog });
 * const recommender = createBundleRecommender({ bundle, catalog });
 * const row = recommender.recommend({ type: 'for-you', history: [{ itemId: 'p1', type: 'view' }], k: 10 });
 * recommender.dispose();
 *
 * @module
 */

export * from './errors';
export type { Item, Interaction, EventType, EventWeights } from './data/types';
export { EVENT_TYPES, DEFAULT_EVENT_WEIGHTS, eventTypeCode } from './data/types';
export { Vocabulary } from './data/vocabulary';
export type { InteractionColumns, InteractionDataset } from './data/interaction-log';
export { InteractionLogBuilder } from './data/interaction-log';
export type { CsrMatrix } from './data/csr-matrix';
export { csrFromCoo, transposeCsr } from './data/csr-matrix';
export { toInteractionMatrix, type InteractionMatrixOptions } from './data/interaction-matrix';
export * from './data/parse';

export type { MfHyperParams, MfModel } from './models/mf/mf-model';
export type {
  ComputePathName,
  MfComputePath,
  MfTrainOptions,
  MfTrainResult,
  TrainProgress,
} from './models/mf/mf-trainer';
export { DEFAULT_MF_OPTIONS, createTypedMfPath } from './models/mf/train-typed';
export { createTfjsMfPath } from './models/mf/tfjs/tfjs-mf-path';
export {
  trainWithFallback,
  type FallbackTrainResult,
  type TrainWithFallbackOptions,
} from './models/mf/train-with-fallback';
export type { MfCheckpoint } from './models/mf/mf-trainer';
export { createFoldInContext, foldInUser } from './models/mf/fold-in';
export type { FoldInContext, FoldInResult, WeightedItem } from './models/mf/fold-in';
export { chooseComputePath } from './compute/choose-compute-path';
export type {
  ChooseComputePathOptions,
  ComputeCandidateReport,
  ComputeChoiceReport,
} from './compute/choose-compute-path';
export { detectCapabilities } from './compute/capabilities';
export type { ComputeCapabilities } from './compute/capabilities';
export { fitPopularity, type PopularityModel } from './models/popularity';
export { fitItemKnn, type ItemKnnModel, type ItemKnnOptions } from './models/item-knn';
export { fitCoOccurrence, type CoOccurrenceModel } from './models/co-occurrence';
export {
  fitEase,
  DEFAULT_EASE_OPTIONS,
  DEFAULT_EASE_LAMBDA_SHARE,
  type EaseModel,
  type EaseOptions,
} from './models/ease';
export { fitTrending, type TrendingModel } from './models/trending';
export { fitContentTower, contentTowerFromState } from './models/content';
export type { ContentTower } from './models/content';
export type { UserScorer } from './models/scorer';
export type { SparseNeighbors } from './models/sparse-neighbors';

export { splitInteractions, type Split, type SplitOptions, type SplitProtocol } from './eval/split';
export { evaluateScorer, type EvaluateOptions, type MetricValues } from './eval/evaluate';
export {
  runEvaluation,
  type EvaluationModel,
  type EvaluationReport,
  type RunEvaluationOptions,
} from './eval/run-evaluation';
export { evaluateColdStart, coldStartData } from './eval/cold-start';

export type { ModelBundle, BundleTrainingInfo } from './bundle/model-bundle';
export { encodeBundle, decodeBundle } from './bundle/bundle-file';
export { trainModelBundle, type TrainBundleOptions, type TrainStage } from './bundle/train-bundle';
export {
  createBundleRecommender,
  alignCatalog,
  type BundleRecommenderOptions,
} from './bundle/bundle-recommender';
export * from './serve';
export {
  encodeModelFile,
  decodeModelFile,
  sniffModelFile,
  type ModelFileContent,
} from './model-file';
export * from './experiments';
