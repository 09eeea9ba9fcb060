import { EVENT_TYPES, type EventWeights } from '../data/types';
import type { JsonObject } from '../model-file/json-object';
import type { ModelTensor } from '../model-file/model-file-format';
import { CONFIDENCE_KINDS, type ConfidenceTransform } from '../tune/confidence';
import type { TuningChoice } from '../tune/tune-types';
import { checkHeaderNumber, PARAMETER_RULE, SCORE_RULE } from './check-bundle-values';
import { corrupt, neighborTensors } from './decode-bundle';
import type { ModelBundle } from './model-bundle';

type TuningSections = Pick<
  ModelBundle,
  'eventWeights' | 'confidence' | 'tuning' | 'neighborScoring'
>;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads the sections tuned training adds to a bundle header (event weights, confidence transform,
 * tuning choice, neighbour scoring with its `nbr.*` tensors). Each is optional: files written
 * before tuning existed have none and load with today's defaults.
 */
export function decodeTuningSections(
  header: JsonObject,
  tensors: Readonly<Record<string, ModelTensor>>,
  numItems: number,
): TuningSections {
  const out: { -readonly [K in keyof TuningSections]: TuningSections[K] } = {};
  const weights = header['eventWeights'];
  if (weights !== undefined) {
    if (!isRecord(weights)) throw corrupt('eventWeights');
    const parsed: Record<string, number> = {};
    for (const type of EVENT_TYPES) {
      const w = weights[type];
      if (typeof w !== 'number' || !Number.isFinite(w)) throw corrupt(`eventWeights.${type}`);
      checkHeaderNumber(`eventWeights.${type}`, w, PARAMETER_RULE);
      parsed[type] = w;
    }
    out.eventWeights = parsed as EventWeights;
  }
  const confidence = header['confidence'];
  if (confidence !== undefined) {
    if (
      !isRecord(confidence) ||
      !CONFIDENCE_KINDS.includes(confidence['kind'] as ConfidenceTransform['kind']) ||
      !(typeof confidence['epsilon'] === 'number' && confidence['epsilon'] > 0) ||
      !(typeof confidence['scale'] === 'number' && confidence['scale'] > 0)
    ) {
      throw corrupt('confidence');
    }
    checkHeaderNumber('confidence.epsilon', confidence['epsilon'], SCORE_RULE);
    checkHeaderNumber('confidence.scale', confidence['scale'], SCORE_RULE);
    out.confidence = confidence as unknown as ConfidenceTransform;
  }
  const tuning = header['tuning'];
  if (tuning !== undefined) {
    if (!isRecord(tuning) || typeof tuning['family'] !== 'string') throw corrupt('tuning');
    // Bundles from before the item-to-item choice have none: the runtime uses the default blend.
    const chosen = tuning['itemToItem'];
    if (chosen !== undefined) {
      const blend = isRecord(chosen) ? chosen['weights'] : undefined;
      for (const source of ['embedding', 'coOccurrence', 'content', 'itemBias']) {
        const w = isRecord(blend) ? blend[source] : undefined;
        if (w === undefined && source === 'itemBias') continue;
        const field = `tuning.itemToItem.weights.${source}`;
        if (typeof w !== 'number' || w < 0) throw corrupt(field);
        checkHeaderNumber(field, w, PARAMETER_RULE);
      }
      const pivot = isRecord(chosen) ? chosen['shortHistoryPivot'] : undefined;
      if (pivot !== undefined && !(typeof pivot === 'number' && pivot >= 0 && pivot <= 1e6)) {
        throw corrupt('tuning.itemToItem.shortHistoryPivot');
      }
    }
    out.tuning = tuning as unknown as TuningChoice;
  }
  const scoring = header['neighborScoring'];
  if (scoring !== undefined) {
    const mfWeight = isRecord(scoring) ? scoring['mfWeight'] : undefined;
    const neighborWeight = isRecord(scoring) ? scoring['neighborWeight'] : undefined;
    if (typeof mfWeight !== 'number' || typeof neighborWeight !== 'number')
      throw corrupt('neighborScoring');
    checkHeaderNumber('neighborScoring.mfWeight', mfWeight, PARAMETER_RULE);
    checkHeaderNumber('neighborScoring.neighborWeight', neighborWeight, PARAMETER_RULE);
    const lists = neighborTensors(tensors, 'nbr', numItems, 'neighbour');
    out.neighborScoring = { lists, mfWeight, neighborWeight };
  }
  return out;
}
