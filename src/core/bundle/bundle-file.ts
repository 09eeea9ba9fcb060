import { encodeModelFile } from '../model-file';
import type { JsonObject, JsonValue, ModelTensor } from '../model-file';
import { MF_MODEL_PARAM_KEYS } from '../models/mf/mf-model';
import { BUNDLE_KIND } from './decode-bundle';
import {
  FACTOR_ENCODING_FIELD,
  FACTOR_SCALES_TENSOR,
  type FactorEncoding,
} from './factor-encoding';
import type { ModelBundle } from './model-bundle';
import { quantizeInt8Rows, toFloat16 } from './quantize-factors';

// Decoding lives in its own module so serving (which only reads model files) does not load the
// encoder; it is re-exported here so this stays the one place to read and write bundles.
export { BUNDLE_KIND, BUNDLE_SCHEMA, MIN_BUNDLE_SCHEMA } from './decode-bundle';
export { FACTOR_ENCODINGS, type FactorEncoding } from './factor-encoding';
export { decodeBundle } from './decode-full-bundle';

const MF_PARAMS = MF_MODEL_PARAM_KEYS;

function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/** Options of {@link encodeBundle}. */
export interface EncodeBundleOptions {
  /**
   * How to store the item factors (default `float32`, exact; `hearth-recs train` writes `int8`).
   * `int8` and `float16` files are bundle schema 2 / model file version 2; decoding restores
   * float32 factors.
   */
  readonly itemFactors?: FactorEncoding;
}

/**
 * Serializes a bundle into one model file (JSON header + little-endian tensors + CRC-32).
 *
 * @throws OptionError when `itemFactors` is `float16` and a factor is beyond ±65504.
 */
export function encodeBundle(bundle: ModelBundle, options: EncodeBundleOptions = {}): Uint8Array {
  const encoding = options.itemFactors ?? 'float32';
  const mfParams: Record<string, number> = {};
  for (const key of MF_PARAMS) mfParams[key] = bundle.mf[key];
  const header: JsonObject = {
    kind: BUNDLE_KIND,
    schema: encoding === 'float32' && !bundle.head ? 1 : 2,
    ...(encoding === 'float32' ? {} : { [FACTOR_ENCODING_FIELD]: encoding }),
    createdAt: bundle.createdAt,
    itemIds: [...bundle.itemIds],
    mf: mfParams,
    trending: {
      now: Number.isFinite(bundle.trending.now) ? bundle.trending.now : null,
      halfLifeMs: bundle.trending.halfLifeMs,
    },
    contentTower: bundle.contentTower
      ? toJson(bundle.contentTower.toJSON())
      : bundle.contentTowerState
        ? toJson(bundle.contentTowerState.json)
        : null,
    training: toJson(bundle.training),
    ...(bundle.eventWeights ? { eventWeights: toJson(bundle.eventWeights) } : {}),
    ...(bundle.confidence ? { confidence: toJson(bundle.confidence) } : {}),
    ...(bundle.tuning ? { tuning: toJson(bundle.tuning) } : {}),
    ...(bundle.head
      ? { head: { fullModel: bundle.head.fullModel, totalItems: bundle.head.totalItems } }
      : {}),
    ...(bundle.neighborScoring
      ? {
          neighborScoring: {
            mfWeight: bundle.neighborScoring.mfWeight,
            neighborWeight: bundle.neighborScoring.neighborWeight,
          },
        }
      : {}),
  };
  const tensors: Record<string, ModelTensor> = {
    ...itemFactorTensors(bundle.mf.itemFactors, bundle.mf.factors, encoding),
    'mf.itemBias': bundle.mf.itemBias,
    popularity: bundle.popularity,
    'trending.scores': bundle.trending.scores,
    'cooc.indptr': bundle.coOccurrence.indptr,
    'cooc.indices': bundle.coOccurrence.indices,
    'cooc.scores': bundle.coOccurrence.scores,
  };
  if (bundle.neighborScoring) {
    const lists = bundle.neighborScoring.lists;
    tensors['nbr.indptr'] = lists.indptr;
    tensors['nbr.indices'] = lists.indices;
    tensors['nbr.scores'] = lists.scores;
  }
  const tower = bundle.contentTower?.toTensors() ?? bundle.contentTowerState?.tensors;
  if (tower) for (const [name, t] of Object.entries(tower)) tensors[`tower.${name}`] = t;
  return encodeModelFile({ header, tensors });
}

function itemFactorTensors(
  factors: Float32Array,
  k: number,
  encoding: FactorEncoding,
): Record<string, ModelTensor> {
  if (encoding === 'float32') return { 'mf.itemFactors': factors };
  if (encoding === 'float16') return { 'mf.itemFactors': toFloat16(factors) };
  const { values, scales } = quantizeInt8Rows(factors, k);
  return { 'mf.itemFactors': values, [FACTOR_SCALES_TENSOR]: scales };
}
