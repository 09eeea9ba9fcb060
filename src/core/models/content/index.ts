/**
 * Content tower: item content (text, category, tags, price, stock, attributes) mapped into the MF
 * item space so that items without interactions can be recommended.
 */
export { ENGLISH_STOP_WORDS, tokenize } from './tokenize';
export type { TokenizeOptions } from './tokenize';
export { fitTfIdf, tfIdfFromTerms } from './tfidf';
export type { SparseVector, TfIdfOptions, TfIdfVocabulary } from './tfidf';
export {
  CATEGORY_SEPARATOR,
  bucketOf,
  categoryPrefixes,
  priceBucket,
  quantileBoundaries,
} from './feature-buckets';
export {
  DEFAULT_FEATURE_GROUP_WEIGHTS,
  FEATURE_GROUPS,
  fitItemFeaturizer,
  itemFeaturizerFromState,
  resolveItemFeatureOptions,
} from './item-features';
export type {
  FeatureGroup,
  FeatureGroupWeights,
  ItemFeatureOptions,
  ItemFeaturizer,
  ItemFeaturizerJson,
  NumericAttributeBuckets,
  ResolvedItemFeatureOptions,
  TextFeatureOptions,
} from './item-features';
export { solveSparseRidge } from './sparse-ridge';
export type { SparseRidgeOptions, SparseRidgeResult } from './sparse-ridge';
export { contentTowerFromState, fitContentTower } from './content-tower';
export type {
  ContentEmbedding,
  ContentTower,
  ContentTowerFitInfo,
  ContentTowerJson,
  ContentTowerOptions,
} from './content-tower';
