import type { CsrMatrix } from '../../data/csr-matrix';
import type { Item } from '../../data/types';
import { ModelFileError, OptionError } from '../../errors';
import { bucketOf, categoryPrefixes, priceBucket } from './item-field-buckets';
import type { TfIdfOptions } from './tfidf';
import type { SparseVector, TfIdfVocabulary } from './tfidf-vocabulary';
import { tfIdfFromTerms } from './tfidf-vocabulary';
import type { TokenizeOptions } from './tokenize';
import { ENGLISH_STOP_WORDS, tokenize } from './tokenize';

/** Feature groups of an item; each is L2-normalised on its own, then scaled by its weight. */
export const FEATURE_GROUPS = ['text', 'category', 'tags', 'price', 'stock', 'attributes'] as const;

/** One of {@link FEATURE_GROUPS}. */
export type FeatureGroup = (typeof FEATURE_GROUPS)[number];

/** Weight of each feature group (0 turns a group off). */
export type FeatureGroupWeights = Readonly<Record<FeatureGroup, number>>;

/** Default group weights. */
export const DEFAULT_FEATURE_GROUP_WEIGHTS: FeatureGroupWeights = Object.freeze({
  text: 1,
  category: 1,
  tags: 1,
  price: 0.5,
  stock: 0.25,
  attributes: 1,
});

/** Text options: tokenization plus the TF-IDF vocabulary caps. */
export interface TextFeatureOptions extends TfIdfOptions {
  /** `'english'` (default), `'none'`, or an explicit list of stop words. */
  readonly stopWords?: 'english' | 'none' | readonly string[];
  /** Add bigrams of adjacent tokens (default false). */
  readonly bigrams?: boolean;
  /** Shortest kept token (default 2). */
  readonly minTokenLength?: number;
}

/** Options of `fitItemFeaturizer` (`./item-features`). */
export interface ItemFeatureOptions {
  /** Per-group weights; missing groups use {@link DEFAULT_FEATURE_GROUP_WEIGHTS}. */
  readonly groupWeights?: Partial<FeatureGroupWeights>;
  readonly text?: TextFeatureOptions;
  /** Categorical features (category prefixes, tags, buckets, attributes) seen in fewer items are dropped (default 2). */
  readonly minDf?: number;
  /** At most this many categorical features are kept, most frequent first (default 50000). */
  readonly maxCategorical?: number;
  /** Base of the log-scale price buckets (default 2: each bucket spans a doubling). */
  readonly priceBucketBase?: number;
  /** Quantile buckets per numeric attribute (default 8). */
  readonly numericBuckets?: number;
  /** Weight of the two neighbouring buckets of an ordinal bucket feature, in [0, 1] (default 0.5). */
  readonly ordinalSmoothing?: number;
  /** L2-normalise each item's whole feature row after group weighting (default true). */
  readonly normalizeRows?: boolean;
}

/** Fully resolved feature options, as stored in a model file. */
export interface ResolvedItemFeatureOptions {
  readonly groupWeights: FeatureGroupWeights;
  readonly text: {
    readonly stopWords: 'english' | 'none' | readonly string[];
    readonly bigrams: boolean;
    readonly minTokenLength: number;
    readonly minDf: number;
    readonly maxDfRatio: number;
    readonly maxTerms: number;
    readonly sublinearTf: boolean;
  };
  readonly minDf: number;
  readonly maxCategorical: number;
  readonly priceBucketBase: number;
  readonly numericBuckets: number;
  readonly ordinalSmoothing: number;
  readonly normalizeRows: boolean;
}

/** Quantile boundaries learned for one numeric attribute. */
export interface NumericAttributeBuckets {
  readonly key: string;
  readonly boundaries: readonly number[];
}

/** JSON-able state of an {@link ItemFeaturizer} (its IDF weights travel as a tensor). */
export interface ItemFeaturizerJson {
  readonly options: ResolvedItemFeatureOptions;
  readonly terms: readonly string[];
  readonly categorical: readonly string[];
  readonly numeric: readonly NumericAttributeBuckets[];
}

/** Maps items to sparse, weighted, L2-normalised feature rows over a fixed vocabulary. */
export interface ItemFeaturizer {
  /** Text terms first (`0 … terms.length`), then categorical features. */
  readonly numFeatures: number;
  readonly options: ResolvedItemFeatureOptions;
  /** Human-readable name of feature `f` (`text:word`, `tag:red`, `cat:Home>Kitchen`, …). */
  featureName(f: number): string;
  /** Group of feature `f`. */
  featureGroup(f: number): FeatureGroup;
  /** Feature row of one item (ascending unique indices). */
  featurize(item: Item): SparseVector;
  /** Feature rows of many items as a CSR matrix; `undefined` items get empty rows. */
  featurizeMany(items: readonly (Item | undefined)[]): CsrMatrix;
  /** JSON-able vocabulary and options. */
  toJSON(): ItemFeaturizerJson;
  /** IDF weights of the text terms. */
  readonly idf: Float32Array;
}

/** A feature group other than text: its features are named, not learned terms. */
export type CategoricalGroup = Exclude<FeatureGroup, 'text'>;
type Emit = (group: CategoricalGroup, name: string, weight: number) => void;

const GROUP_PREFIX: Readonly<Record<string, CategoricalGroup>> = {
  cat: 'category',
  tag: 'tags',
  price: 'price',
  stock: 'stock',
  attr: 'attributes',
};

/** Resolves and validates feature options. */
export function resolveItemFeatureOptions(
  options: ItemFeatureOptions = {},
): ResolvedItemFeatureOptions {
  const groupWeights = { ...DEFAULT_FEATURE_GROUP_WEIGHTS, ...options.groupWeights };
  for (const group of FEATURE_GROUPS) {
    const w = groupWeights[group];
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new OptionError(`Feature group weight "${group}" is ${w}; use a finite number ≥ 0.`);
    }
  }
  const t = options.text ?? {};
  const resolved: ResolvedItemFeatureOptions = {
    groupWeights,
    text: {
      stopWords: t.stopWords ?? 'english',
      bigrams: t.bigrams ?? false,
      minTokenLength: t.minTokenLength ?? 2,
      minDf: t.minDf ?? 2,
      maxDfRatio: t.maxDfRatio ?? 0.9,
      maxTerms: t.maxTerms ?? 20000,
      sublinearTf: t.sublinearTf ?? true,
    },
    minDf: options.minDf ?? 2,
    maxCategorical: options.maxCategorical ?? 50000,
    priceBucketBase: options.priceBucketBase ?? 2,
    numericBuckets: options.numericBuckets ?? 8,
    ordinalSmoothing: options.ordinalSmoothing ?? 0.5,
    normalizeRows: options.normalizeRows ?? true,
  };
  const checks: [string, boolean][] = [
    ['minDf', resolved.minDf >= 1],
    ['maxCategorical', resolved.maxCategorical >= 0],
    ['priceBucketBase', resolved.priceBucketBase > 1 && Number.isFinite(resolved.priceBucketBase)],
    ['numericBuckets', Number.isInteger(resolved.numericBuckets) && resolved.numericBuckets >= 1],
    ['ordinalSmoothing', resolved.ordinalSmoothing >= 0 && resolved.ordinalSmoothing <= 1],
    ['text.minTokenLength', resolved.text.minTokenLength >= 1],
  ];
  for (const [name, ok] of checks) {
    if (!ok)
      throw new OptionError(
        `Content feature option ${name} is out of range; see ItemFeatureOptions.`,
      );
  }
  return resolved;
}

/** Rebuilds a featurizer from {@link ItemFeaturizer.toJSON} output and its IDF tensor. */
export function itemFeaturizerFromState(
  json: ItemFeaturizerJson,
  idf: Float32Array,
): ItemFeaturizer {
  if (
    !Array.isArray(json.terms) ||
    !Array.isArray(json.categorical) ||
    !Array.isArray(json.numeric)
  ) {
    throw new ModelFileError(
      'MODEL_FILE_CORRUPT',
      'Content features state lacks terms/categorical/numeric arrays; re-export the model.',
    );
  }
  if (json.terms.length !== idf.length) {
    throw new ModelFileError(
      'MODEL_FILE_CORRUPT',
      `Content features list ${json.terms.length} terms but the idf tensor has ${idf.length} values; re-export the model.`,
    );
  }
  let resolved: ResolvedItemFeatureOptions;
  try {
    resolved = resolveItemFeatureOptions(json.options);
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    throw new ModelFileError(
      'MODEL_FILE_CORRUPT',
      `Content features state is invalid: ${error.message} Re-export the model.`,
    );
  }
  const tfidf = tfIdfFromTerms(json.terms, idf, resolved.text.sublinearTf);
  return buildFeaturizer(resolved, tfidf, json.categorical, json.numeric);
}

/**
 * The featurizer over a fixed vocabulary: TF-IDF `tfidf` for text, then the `categorical` feature
 * names, with the quantile buckets `numeric` of numeric attributes.
 */
export function buildFeaturizer(
  options: ResolvedItemFeatureOptions,
  tfidf: TfIdfVocabulary,
  categorical: readonly string[],
  numeric: readonly NumericAttributeBuckets[],
): ItemFeaturizer {
  const numTerms = tfidf.terms.length;
  const numFeatures = numTerms + categorical.length;
  const catIndex = new Map<string, number>();
  categorical.forEach((name, c) => catIndex.set(name, numTerms + c));
  const tokenizeOptions = toTokenizeOptions(options);
  const emitter = categoricalEmitter(options, numeric);
  const weights = options.groupWeights;
  const groupOf = (name: string): CategoricalGroup =>
    GROUP_PREFIX[name.slice(0, name.indexOf(':'))] ?? 'attributes';

  const featurize = (item: Item): SparseVector => {
    const parts: SparseVector[] = [];
    if (weights.text > 0 && numTerms > 0) {
      const text = tfidf.transform(itemTokens(item, tokenizeOptions));
      scaleInPlace(text.values, weights.text);
      parts.push(text);
    }
    const groups = new Map<CategoricalGroup, Map<number, number>>();
    emitter(item, (group, name, weight) => {
      const f = catIndex.get(name);
      if (f === undefined || weights[group] === 0) return;
      let g = groups.get(group);
      if (!g) groups.set(group, (g = new Map()));
      g.set(f, Math.max(g.get(f) ?? 0, weight));
    });
    for (const [group, entries] of groups) {
      const indices = Int32Array.from(entries.keys());
      const values = Float32Array.from(entries.values());
      normalizeInPlace(values);
      scaleInPlace(values, weights[group]);
      parts.push({ indices, values });
    }
    return mergeParts(parts, options.normalizeRows);
  };

  return {
    numFeatures,
    options,
    idf: tfidf.idf,
    featureName: (f) =>
      f < numTerms ? `text:${tfidf.terms[f] ?? ''}` : (categorical[f - numTerms] ?? ''),
    featureGroup: (f) => (f < numTerms ? 'text' : groupOf(categorical[f - numTerms] ?? '')),
    featurize,
    featurizeMany(items) {
      const rows = items.map((item) => (item ? featurize(item) : null));
      const indptr = new Int32Array(items.length + 1);
      rows.forEach((row, r) => {
        indptr[r + 1] = indptr[r]! + (row ? row.indices.length : 0);
      });
      const total = indptr[items.length]!;
      const indices = new Int32Array(total);
      const values = new Float32Array(total);
      rows.forEach((row, r) => {
        if (!row) return;
        indices.set(row.indices, indptr[r]!);
        values.set(row.values, indptr[r]!);
      });
      return { rows: items.length, cols: numFeatures, indptr, indices, values };
    },
    toJSON: () => ({ options, terms: tfidf.terms, categorical, numeric }),
  };
}

/** Tokenizer settings of resolved feature options. */
export function toTokenizeOptions(options: ResolvedItemFeatureOptions): TokenizeOptions {
  const sw = options.text.stopWords;
  const stopWords: ReadonlySet<string> =
    sw === 'english' ? ENGLISH_STOP_WORDS : sw === 'none' ? new Set() : new Set(sw);
  return { stopWords, bigrams: options.text.bigrams, minLength: options.text.minTokenLength };
}

/** Tokens of an item's title and description. */
export function itemTokens(item: Item, options: TokenizeOptions): string[] {
  const tokens = item.title ? tokenize(item.title, options) : [];
  if (item.description) for (const t of tokenize(item.description, options)) tokens.push(t);
  return tokens;
}

/** Returns a function emitting every categorical feature name of an item with its raw weight. */
export function categoricalEmitter(
  options: ResolvedItemFeatureOptions,
  numeric: readonly NumericAttributeBuckets[],
): (item: Item, emit: Emit) => void {
  const numericByKey = new Map(numeric.map((n) => [n.key, n.boundaries] as const));
  const smoothing = options.ordinalSmoothing;
  const ordinal = (emit: Emit, group: CategoricalGroup, prefix: string, bucket: number): void => {
    emit(group, `${prefix}${bucket}`, 1);
    if (smoothing > 0) {
      emit(group, `${prefix}${bucket - 1}`, smoothing);
      emit(group, `${prefix}${bucket + 1}`, smoothing);
    }
  };
  return (item, emit) => {
    if (item.category)
      for (const p of categoryPrefixes(item.category)) emit('category', `cat:${p}`, 1);
    if (item.tags) {
      for (const tag of item.tags) {
        const t = tag.trim().toLowerCase();
        if (t) emit('tags', `tag:${t}`, 1);
      }
    }
    if (item.price !== undefined) {
      const bucket = priceBucket(item.price, options.priceBucketBase);
      if (bucket !== null) ordinal(emit, 'price', 'price:', bucket);
      else if (item.price === 0) emit('price', 'price:free', 1);
    }
    if (item.inStock !== undefined) emit('stock', item.inStock ? 'stock:in' : 'stock:out', 1);
    if (item.attributes) {
      for (const [key, value] of Object.entries(item.attributes)) {
        if (typeof value === 'number') {
          const boundaries = numericByKey.get(key);
          if (boundaries && Number.isFinite(value)) {
            ordinal(emit, 'attributes', `attr:${key}#`, bucketOf(value, boundaries));
          }
        } else if (typeof value === 'boolean') {
          emit('attributes', `attr:${key}=${value}`, 1);
        } else {
          const v = value.trim().toLowerCase();
          // Long strings (URLs, prose) are identifiers, not categories.
          if (v && v.length <= 100) emit('attributes', `attr:${key}=${v}`, 1);
        }
      }
    }
  };
}

function normalizeInPlace(values: Float32Array): void {
  let norm = 0;
  for (const v of values) norm += v * v;
  if (norm > 0) scaleInPlace(values, 1 / Math.sqrt(norm));
}

function scaleInPlace(values: Float32Array, s: number): void {
  for (let j = 0; j < values.length; j++) values[j]! *= s;
}

/** Concatenates disjoint group vectors into one row sorted by index, optionally L2-normalised. */
function mergeParts(parts: readonly SparseVector[], normalize: boolean): SparseVector {
  let total = 0;
  for (const p of parts) total += p.indices.length;
  const order = new Int32Array(total);
  const allIdx = new Int32Array(total);
  const allVal = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    allIdx.set(p.indices, o);
    allVal.set(p.values, o);
    o += p.indices.length;
  }
  for (let j = 0; j < total; j++) order[j] = j;
  order.sort((a, b) => allIdx[a]! - allIdx[b]!);
  const indices = new Int32Array(total);
  const values = new Float32Array(total);
  for (let j = 0; j < total; j++) {
    indices[j] = allIdx[order[j]!]!;
    values[j] = allVal[order[j]!]!;
  }
  if (normalize) normalizeInPlace(values);
  return { indices, values };
}
