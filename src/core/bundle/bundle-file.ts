import { encodeModelFile } from '../model-file';
import type { JsonObject, JsonValue, ModelTensor } from '../model-file';
import { MF_MODEL_PARAM_KEYS } from '../models/mf/mf-model';
import { BUNDLE_KIND, BUNDLE_SCHEMA } from './decode-bundle';
import type { ModelBundle } from './model-bundle';

// Decoding lives in its own module so serving (which only reads model files) does not load the
// encoder; it is re-exported here so this stays the one place to read and write bundles.
export { BUNDLE_KIND, BUNDLE_SCHEMA } from './decode-bundle';
export { decodeBundle } from './decode-full-bundle';

const MF_PARAMS = MF_MODEL_PARAM_KEYS;

function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/** Serializes a bundle into one model file (JSON header + little-endian tensors + CRC-32). */
export function encodeBundle(bundle: ModelBundle): Uint8Array {
  const mfParams: Record<string, number> = {};
  for (const key of MF_PARAMS) mfParams[key] = bundle.mf[key];
  const header: JsonObject = {
    kind: BUNDLE_KIND,
    schema: BUNDLE_SCHEMA,
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
    'mf.itemFactors': bundle.mf.itemFactors,
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
