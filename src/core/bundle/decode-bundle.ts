import { ModelFileError } from '../errors';
import { decodeModelFile } from '../model-file/decode-model-file';
import type { ModelTensor } from '../model-file/model-file-format';
import type { ContentTowerJson } from '../models/content/content-tower-model';
import { MF_MODEL_PARAM_KEYS, mfModelFromParams, type MfModel } from '../models/mf/mf-model';
import type { SparseNeighbors } from '../models/sparse-neighbors';
import type {
  BundleHead,
  BundleTrainingInfo,
  ContentTowerState,
  ModelBundle,
} from './model-bundle';
import { decodeTuningSections } from './decode-tuning';
import { decodeItemFactors } from './dequantize-factors';
import { FACTOR_ENCODING_FIELD } from './factor-encoding';
import {
  checkHeaderNumber,
  checkTensorValues,
  COUNT_RULE,
  PARAMETER_RULE,
  SCORE_RULE,
  type TensorValueRule,
} from './check-bundle-values';

/** Header `kind` of a model bundle file. */
export const BUNDLE_KIND = 'hearth-model-bundle';
/**
 * Newest bundle schema version inside the container (the container has its own version). Schema 2
 * adds quantized item factors (`itemFactorEncoding`); a writer declares the lowest schema that
 * holds its content, so float32 bundles stay schema 1.
 */
export const BUNDLE_SCHEMA = 2;

/** Oldest bundle schema this build reads. */
export const MIN_BUNDLE_SCHEMA = 1;

const MF_PARAMS = MF_MODEL_PARAM_KEYS;

/** The error of an inconsistent bundle file, naming what is wrong. */
export function corrupt(what: string): ModelFileError {
  return new ModelFileError(
    'MODEL_FILE_CORRUPT',
    `The model file is inconsistent (${what}); train or export it again.`,
  );
}

/**
 * Tensor `name` of the expected type (and length), else a {@link corrupt} error; float values are
 * checked against `rule`.
 */
function tensor<T extends ModelTensor>(
  tensors: Readonly<Record<string, ModelTensor>>,
  name: string,
  ctor: new (...args: never[]) => T,
  length?: number,
  rule?: TensorValueRule,
): T {
  const t = tensors[name];
  if (!(t instanceof ctor)) throw corrupt(`tensor "${name}" is missing or has the wrong type`);
  if (length !== undefined && t.length !== length) {
    throw corrupt(`tensor "${name}" has ${t.length} values, expected ${length}`);
  }
  if (rule) checkTensorValues(name, t, rule);
  return t;
}

/** Sparse neighbour lists stored as `<prefix>.indptr/indices/scores`, checked for consistency. */
export function neighborTensors(
  tensors: Readonly<Record<string, ModelTensor>>,
  prefix: string,
  n: number,
  label: string,
): SparseNeighbors {
  const indptr = tensor(tensors, `${prefix}.indptr`, Int32Array, n + 1);
  const indices = tensor(tensors, `${prefix}.indices`, Int32Array);
  const scores = tensor(tensors, `${prefix}.scores`, Float32Array, indices.length, SCORE_RULE);
  if (indptr[n] !== indices.length || indices.some((i) => i < 0 || i >= n))
    throw corrupt(`${label} lists`);
  for (let i = 0; i < n; i++) if (indptr[i]! > indptr[i + 1]!) throw corrupt(`${label} offsets`);
  return { numItems: n, indptr, indices, scores };
}

/**
 * `decodeBundle` (`./decode-full-bundle`) for serving: every row is served without the content tower, so it is left
 * unbuilt (`contentTower` null, the stored state in `contentTowerState`; re-encoding keeps it),
 * which keeps the tower's code off a page's first download. Its state is still fully checked
 * when it is built.
 */
export function decodeServingBundle(bytes: Uint8Array | ArrayBuffer): ModelBundle {
  const { header, tensors } = decodeModelFile(bytes);
  if (header['kind'] !== BUNDLE_KIND) throw corrupt('not a model bundle');
  const schema = header['schema'];
  if (
    typeof schema !== 'number' ||
    !Number.isInteger(schema) ||
    schema < MIN_BUNDLE_SCHEMA ||
    schema > BUNDLE_SCHEMA
  ) {
    throw new ModelFileError(
      'MODEL_FILE_VERSION',
      `Model bundle schema ${String(schema)} is not supported (this Hearth reads ${MIN_BUNDLE_SCHEMA} to ${BUNDLE_SCHEMA}); upgrade Hearth or retrain.`,
    );
  }
  for (const field of [FACTOR_ENCODING_FIELD, 'head']) {
    if (schema < 2 && header[field] !== undefined) {
      throw corrupt(`header field ${field} in a schema-${schema} bundle`);
    }
  }
  const itemIds = header['itemIds'];
  if (!Array.isArray(itemIds) || !itemIds.every((id) => typeof id === 'string'))
    throw corrupt('item ids');
  const n = itemIds.length;
  const mfHeader = header['mf'] as Record<string, unknown> | undefined;
  const params: Record<string, number> = {};
  for (const key of MF_PARAMS) {
    const v = mfHeader?.[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw corrupt(`mf.${key}`);
    checkHeaderNumber(`mf.${key}`, v, SCORE_RULE);
    params[key] = v;
  }
  const k = params['factors']!;
  if (!Number.isInteger(k) || k <= 0) throw corrupt('mf.factors');
  const perItem = (rule: TensorValueRule, rowLength = 1): TensorValueRule => ({
    ...rule,
    rowLength,
    rowName: (row) => `item ${JSON.stringify(itemIds[row])}`,
  });
  const itemFactors = decodeItemFactors({
    tensors,
    encoding: header[FACTOR_ENCODING_FIELD],
    numItems: n,
    factors: k,
    rule: perItem(PARAMETER_RULE, k),
  });
  const mf: MfModel = mfModelFromParams(
    params,
    n,
    itemFactors,
    tensor(tensors, 'mf.itemBias', Float32Array, n, perItem(PARAMETER_RULE)),
  );
  const coOccurrence = neighborTensors(tensors, 'cooc', n, 'co-occurrence');
  const trendingHeader = header['trending'] as Record<string, unknown> | undefined;
  const towerJson = header['contentTower'];
  let contentTowerState: ContentTowerState | undefined;
  if (towerJson !== null && towerJson !== undefined) {
    const towerTensors: Record<string, Float32Array | Int32Array> = {};
    for (const [name, t] of Object.entries(tensors)) {
      if (name.startsWith('tower.') && (t instanceof Float32Array || t instanceof Int32Array)) {
        checkTensorValues(name, t, PARAMETER_RULE);
        towerTensors[name.slice('tower.'.length)] = t;
      }
    }
    contentTowerState = { json: towerJson as unknown as ContentTowerJson, tensors: towerTensors };
  }
  const now = trendingHeader?.['now'];
  const halfLifeMs = trendingHeader?.['halfLifeMs'];
  if (typeof halfLifeMs !== 'number' || !(halfLifeMs > 0)) throw corrupt('trending.halfLifeMs');
  const training = header['training'];
  if (typeof training !== 'object' || training === null || Array.isArray(training)) {
    throw corrupt('training info');
  }
  const head = header['head'] as Record<string, unknown> | null | undefined;
  if (
    head !== undefined &&
    (typeof head !== 'object' ||
      head === null ||
      typeof head['fullModel'] !== 'string' ||
      head['fullModel'] === '' ||
      !Number.isSafeInteger(head['totalItems']) ||
      (head['totalItems'] as number) < n)
  ) {
    throw corrupt('head: needs the full model file name and its item count');
  }
  return {
    ...decodeTuningSections(header, tensors, n),
    ...(head ? { head: head as unknown as BundleHead } : {}),
    createdAt: String(header['createdAt']),
    itemIds,
    mf,
    popularity: tensor(tensors, 'popularity', Float32Array, n, perItem(COUNT_RULE)),
    trending: {
      scores: tensor(tensors, 'trending.scores', Float32Array, n, perItem(SCORE_RULE)),
      now: typeof now === 'number' ? now : NaN,
      halfLifeMs,
    },
    coOccurrence,
    contentTower: null,
    ...(contentTowerState ? { contentTowerState } : {}),
    training: training as unknown as BundleTrainingInfo,
  };
}
