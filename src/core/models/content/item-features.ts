import type { Item } from '../../data/types';
import { quantileBoundaries } from './feature-buckets';
import { fitTfIdf } from './tfidf';
import {
  buildFeaturizer,
  categoricalEmitter,
  itemTokens,
  resolveItemFeatureOptions,
  toTokenizeOptions,
  type ItemFeatureOptions,
  type ItemFeaturizer,
  type NumericAttributeBuckets,
  type ResolvedItemFeatureOptions,
} from './item-featurizer';

// The featurizer itself (what serving needs to embed items of a loaded model) lives in
// `item-featurizer.ts`; this module adds fitting its vocabulary, which only training needs.
export {
  DEFAULT_FEATURE_GROUP_WEIGHTS,
  FEATURE_GROUPS,
  itemFeaturizerFromState,
  resolveItemFeatureOptions,
} from './item-featurizer';
export type {
  FeatureGroup,
  FeatureGroupWeights,
  ItemFeatureOptions,
  ItemFeaturizer,
  ItemFeaturizerJson,
  NumericAttributeBuckets,
  ResolvedItemFeatureOptions,
  TextFeatureOptions,
} from './item-featurizer';

/**
 * Learns the feature vocabulary from a catalog: TF-IDF terms of title + description, and the
 * categorical features (category prefixes, tags, price buckets, stock flag, attributes) present in
 * at least `minDf` items, plus quantile buckets of numeric attributes. Items featurized later use
 * this fixed vocabulary: terms and values it does not know are ignored.
 */
export function fitItemFeaturizer(
  items: readonly (Item | undefined)[],
  options: ItemFeatureOptions = {},
): ItemFeaturizer {
  const resolved = resolveItemFeatureOptions(options);
  const tokenizeOptions = toTokenizeOptions(resolved);
  const present = items.filter((item): item is Item => item !== undefined);
  const weights = resolved.groupWeights;
  // A group weighted 0 is off: it contributes no vocabulary at all.
  const tfidf = fitTfIdf(
    weights.text > 0 ? present.map((item) => itemTokens(item, tokenizeOptions)) : [],
    resolved.text,
  );
  const numeric = weights.attributes > 0 ? fitNumericBuckets(present, resolved) : [];
  const emitter = categoricalEmitter(resolved, numeric);
  const df = new Map<string, number>();
  for (const item of present) {
    const seen = new Set<string>();
    emitter(item, (group, name) => {
      if (weights[group] > 0) seen.add(name);
    });
    for (const name of seen) df.set(name, (df.get(name) ?? 0) + 1);
  }
  const kept = [...df].filter(([, count]) => count >= resolved.minDf);
  kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  kept.length = Math.min(kept.length, resolved.maxCategorical);
  return buildFeaturizer(
    resolved,
    tfidf,
    kept.map(([name]) => name),
    numeric,
  );
}

/** Learns quantile buckets for attributes that are numeric in at least `minDf` items. */
function fitNumericBuckets(
  items: readonly Item[],
  options: ResolvedItemFeatureOptions,
): NumericAttributeBuckets[] {
  const values = new Map<string, number[]>();
  for (const item of items) {
    if (!item.attributes) continue;
    for (const [key, value] of Object.entries(item.attributes)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      let list = values.get(key);
      if (!list) values.set(key, (list = []));
      list.push(value);
    }
  }
  return [...values]
    .filter(([, list]) => list.length >= options.minDf)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([key, list]) => ({ key, boundaries: quantileBoundaries(list, options.numericBuckets) }));
}
