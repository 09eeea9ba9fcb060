import type { Item } from '../../data/types';
import { ModelFileError, OptionError } from '../../errors';
import type { ItemFeaturizer, ItemFeaturizerJson } from './item-featurizer';
import { itemFeaturizerFromState } from './item-featurizer';

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

/**
 * A content tower over a fitted `featurizer` and regression `weights` (`numFeatures × (k + 1)`)
 * around `mean` (`k + 1`); `fitInfo` is set on a freshly fitted tower.
 */
export function createContentTower(
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
