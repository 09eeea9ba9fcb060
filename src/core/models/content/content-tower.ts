import type { Item } from '../../data/types';
import { DataError, ModelFileError, OptionError } from '../../errors';
import type { ItemFeatureOptions, ItemFeaturizer, ItemFeaturizerJson } from './item-features';
import { fitItemFeaturizer, itemFeaturizerFromState } from './item-features';
import { solveSparseRidge } from './sparse-ridge';

/** Options of {@link fitContentTower}. */
export interface ContentTowerOptions {
  /** The catalog, indexed like the MF item rows; `undefined` where content is unknown. */
  readonly items: readonly (Item | undefined)[];
  /** MF item factors V, `items.length × factors` row-major. */
  readonly itemFactors: Float32Array;
  /** MF item biases b, length `items.length`. */
  readonly itemBias: Float32Array;
  readonly factors: number;
  /** 1 for items with interactions (the regression's examples); default: every item with content. */
  readonly trainMask?: Uint8Array;
  /** Ridge strength λ (default 3; feature rows are unit-length, so this is in units of items). */
  readonly regularization?: number;
  /** Feature extraction options (vocabulary caps, group weights, …). */
  readonly features?: ItemFeatureOptions;
  /** Conjugate-gradient iteration cap (default 300). */
  readonly maxIterations?: number;
  /** Relative residual at which CG stops (default 1e-6). */
  readonly tolerance?: number;
  readonly signal?: AbortSignal;
}

/** Embedding of one item in the MF item space. */
export interface ContentEmbedding {
  /** Predicted item factor (length `factors`). */
  readonly vector: Float32Array;
  /** Predicted item bias. */
  readonly bias: number;
}

/** JSON-able part of a content tower's state; the numbers travel in {@link ContentTower.toTensors}. */
export interface ContentTowerJson {
  readonly kind: 'content-tower';
  readonly version: 1;
  readonly factors: number;
  readonly regularization: number;
  readonly features: ItemFeaturizerJson;
}

/** Diagnostics of a fit (absent on a tower restored from state). */
export interface ContentTowerFitInfo {
  readonly warmItems: number;
  readonly iterations: number;
  readonly relativeResidual: number;
  readonly fitMs: number;
}

/** Maps item content to an MF item embedding `[v, b]`, so items without interactions can be scored. */
export interface ContentTower {
  readonly factors: number;
  readonly numFeatures: number;
  readonly featurizer: ItemFeaturizer;
  readonly fitInfo?: ContentTowerFitInfo;
  /** Embedding of one item from its content. */
  embed(item: Item): ContentEmbedding;
  /**
   * Embeddings of many items: row `r` of `vectors` (`items.length × factors`) and `bias[r]`.
   * Pass preallocated arrays to avoid allocation; they are returned.
   */
  embedMany(
    items: readonly Item[],
    vectors?: Float32Array,
    bias?: Float32Array,
  ): { readonly vectors: Float32Array; readonly bias: Float32Array };
  /** Numeric state: `weights` (numFeatures × (factors + 1)), `mean` (factors + 1), `idf`. */
  toTensors(): Record<string, Float32Array | Int32Array>;
  /** Vocabulary and configuration. */
  toJSON(): ContentTowerJson;
}

/**
 * Fits the content tower: featurizes the catalog, then solves a multi-output ridge regression
 * from features to the warm items' centred `[v_i, b_i]` by conjugate gradient on the sparse normal
 * equations. Deterministic: the same inputs give bit-identical weights.
 */
export function fitContentTower(options: ContentTowerOptions): ContentTower {
  const start = performance.now();
  const { items, itemFactors, itemBias, factors: k } = options;
  const n = items.length;
  const regularization = options.regularization ?? 3;
  if (!Number.isInteger(k) || k < 1)
    throw new OptionError(`Content tower factors is ${k}; use an integer ≥ 1.`);
  if (itemFactors.length !== n * k || itemBias.length !== n) {
    throw new OptionError(
      `Content tower got ${n} items but ${itemFactors.length} factor values and ${itemBias.length} biases; expected ${n * k} and ${n}.`,
    );
  }
  if (options.trainMask && options.trainMask.length !== n) {
    throw new OptionError(
      `Content tower trainMask has length ${options.trainMask.length}; expected ${n}.`,
    );
  }
  const featurizer = fitItemFeaturizer(items, options.features);
  const x = featurizer.featurizeMany(items);
  const d = k + 1;
  const rowWeights = new Float32Array(n);
  const mean = new Float64Array(d);
  let warm = 0;
  for (let i = 0; i < n; i++) {
    const hasFeatures = x.indptr[i + 1]! > x.indptr[i]!;
    if (!items[i] || !hasFeatures || (options.trainMask && !options.trainMask[i])) continue;
    rowWeights[i] = 1;
    warm++;
    for (let j = 0; j < k; j++) mean[j]! += itemFactors[i * k + j]!;
    mean[k]! += itemBias[i]!;
  }
  if (warm === 0) {
    throw new DataError(
      'NOT_ENOUGH_DATA',
      'No item has both content features and interactions; give items titles, tags or categories and train MF first.',
    );
  }
  for (let j = 0; j < d; j++) mean[j]! /= warm;
  const targets = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    if (rowWeights[i] === 0) continue;
    for (let j = 0; j < k; j++) targets[i * d + j] = itemFactors[i * k + j]! - mean[j]!;
    targets[i * d + k] = itemBias[i]! - mean[k]!;
  }
  const solved = solveSparseRidge({
    features: x,
    targets,
    outputs: d,
    rowWeights,
    regularization,
    ...(options.maxIterations !== undefined && { maxIterations: options.maxIterations }),
    ...(options.tolerance !== undefined && { tolerance: options.tolerance }),
    ...(options.signal !== undefined && { signal: options.signal }),
  });
  return createContentTower(
    featurizer,
    Float32Array.from(solved.weights),
    Float32Array.from(mean),
    k,
    regularization,
    {
      warmItems: warm,
      iterations: solved.iterations,
      relativeResidual: solved.relativeResidual,
      fitMs: performance.now() - start,
    },
  );
}

/** Rebuilds a tower from {@link ContentTower.toJSON} and {@link ContentTower.toTensors} output. */
export function contentTowerFromState(
  json: ContentTowerJson,
  tensors: Readonly<Record<string, Float32Array | Int32Array>>,
): ContentTower {
  if (json.kind !== 'content-tower') {
    throw new ModelFileError(
      'MODEL_FILE_CORRUPT',
      `Expected a content-tower state, got kind "${String(json.kind)}".`,
    );
  }
  if (json.version !== 1) {
    throw new ModelFileError(
      'MODEL_FILE_VERSION',
      `Content tower state version ${String(json.version)} is not supported; update Hearth or re-export the model.`,
    );
  }
  const { weights, mean, idf } = tensors;
  if (
    !(weights instanceof Float32Array) ||
    !(mean instanceof Float32Array) ||
    !(idf instanceof Float32Array)
  ) {
    throw new ModelFileError(
      'MODEL_FILE_CORRUPT',
      'Content tower tensors "weights", "mean" and "idf" must all be present as float32; re-export the model.',
    );
  }
  const featurizer = itemFeaturizerFromState(json.features, idf);
  const d = json.factors + 1;
  if (mean.length !== d || weights.length !== featurizer.numFeatures * d) {
    throw new ModelFileError(
      'MODEL_FILE_CORRUPT',
      `Content tower tensors do not match ${featurizer.numFeatures} features × ${d} outputs; re-export the model.`,
    );
  }
  return createContentTower(
    featurizer,
    weights,
    mean,
    json.factors,
    json.regularization,
    undefined,
  );
}

function createContentTower(
  featurizer: ItemFeaturizer,
  weights: Float32Array,
  mean: Float32Array,
  k: number,
  regularization: number,
  fitInfo: ContentTowerFitInfo | undefined,
): ContentTower {
  const d = k + 1;
  const acc = new Float64Array(d);
  // Writes the embedding of `item` into vectors[off..off+k) and returns the bias.
  const embedInto = (item: Item, vectors: Float32Array, off: number): number => {
    const row = featurizer.featurize(item);
    acc.set(mean);
    for (let e = 0; e < row.indices.length; e++) {
      const v = row.values[e]!;
      const wo = row.indices[e]! * d;
      for (let j = 0; j < d; j++) acc[j]! += v * weights[wo + j]!;
    }
    for (let j = 0; j < k; j++) vectors[off + j] = acc[j]!;
    return acc[k]!;
  };
  return {
    factors: k,
    numFeatures: featurizer.numFeatures,
    featurizer,
    ...(fitInfo && { fitInfo }),
    embed(item) {
      const vector = new Float32Array(k);
      const bias = embedInto(item, vector, 0);
      return { vector, bias };
    },
    embedMany(
      items,
      vectors = new Float32Array(items.length * k),
      bias = new Float32Array(items.length),
    ) {
      if (vectors.length < items.length * k || bias.length < items.length) {
        throw new OptionError(
          `embedMany output holds ${vectors.length} values and ${bias.length} biases; ${items.length} items need ${items.length * k} and ${items.length}.`,
        );
      }
      items.forEach((item, r) => {
        bias[r] = embedInto(item, vectors, r * k);
      });
      return { vectors, bias };
    },
    toTensors: () => ({ weights, mean, idf: featurizer.idf }),
    toJSON: () => ({
      kind: 'content-tower',
      version: 1,
      factors: k,
      regularization,
      features: featurizer.toJSON(),
    }),
  };
}
