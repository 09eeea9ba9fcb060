/**
 * The global model of federated training: an iALS {@link MfModel} (item factors and biases only)
 * with a version, and its file form served at `GET /v1/model`. Browser-safe.
 */
import { checkTensorValues, PARAMETER_RULE } from '../core/bundle/check-bundle-values';
import { ModelFileError, OptionError } from '../core/errors';
import { decodeModelFile, encodeModelFile } from '../core/model-file';
import {
  MF_MODEL_PARAM_KEYS,
  mfModelFromParams,
  type MfHyperParams,
  type MfModel,
} from '../core/models/mf/mf-model';
import { initialFactors } from '../core/models/mf/mf-trainer';
import { DEFAULT_MF_OPTIONS } from '../core/models/mf/train-typed';

/** Header `kind` of a federated model file. */
export const FEDERATED_MODEL_KIND = 'hearth-federated-model';

/** A model and its version (incremented by every aggregated round). */
export interface VersionedModel {
  readonly version: number;
  readonly model: MfModel;
}

const PARAMS = MF_MODEL_PARAM_KEYS;

/** Options of {@link createInitialModel}. */
export interface InitialModelOptions {
  readonly numItems: number;
  /** Overrides of {@link DEFAULT_MF_OPTIONS} (factors, regularization, …). */
  readonly hyper?: Partial<MfHyperParams>;
  readonly seed: number;
  /** Starting confidence normalisation; clients' `stats` re-estimate it after the first round. Default 1. */
  readonly userWeightNorm?: number;
}

/** Random item factors (the same initialisation as centralized training) and zero biases. */
export function createInitialModel(o: InitialModelOptions): MfModel {
  if (!(o.numItems >= 1) || !Number.isInteger(o.numItems)) {
    throw new OptionError(
      `The model needs a positive integer number of items (got ${o.numItems}).`,
    );
  }
  const hyper: MfHyperParams = {
    factors: DEFAULT_MF_OPTIONS.factors,
    regularization: DEFAULT_MF_OPTIONS.regularization,
    regularizationExponent: DEFAULT_MF_OPTIONS.regularizationExponent,
    unobservedWeight: DEFAULT_MF_OPTIONS.unobservedWeight,
    userWeightExponent: DEFAULT_MF_OPTIONS.userWeightExponent,
    biasScale: DEFAULT_MF_OPTIONS.biasScale,
    initScale: DEFAULT_MF_OPTIONS.initScale,
    ...o.hyper,
  };
  if (!(hyper.factors >= 1) || !Number.isInteger(hyper.factors)) {
    throw new OptionError(`factors must be a positive integer (got ${hyper.factors}).`);
  }
  const { itemFactors, itemBias } = initialFactors(0, o.numItems, { ...hyper, seed: o.seed });
  return {
    kind: 'mf',
    numItems: o.numItems,
    ...hyper,
    itemFactors,
    itemBias,
    userWeightNorm: o.userWeightNorm ?? 1,
  };
}

/** Serializes a versioned model into a Hearth model file. */
export function encodeFederatedModel(v: VersionedModel): Uint8Array {
  const params: Record<string, number> = {};
  for (const key of PARAMS) params[key] = v.model[key];
  return encodeModelFile({
    header: {
      kind: FEDERATED_MODEL_KIND,
      schema: 1,
      version: v.version,
      numItems: v.model.numItems,
      mf: params,
      ...(v.model.historyConfidence ? { historyConfidence: v.model.historyConfidence } : {}),
    },
    tensors: { itemFactors: v.model.itemFactors, itemBias: v.model.itemBias },
    shapes: { itemFactors: [v.model.numItems, v.model.factors] },
  });
}

/** Parses a federated model file; throws `ModelFileError` when it is not one or is inconsistent. */
export function decodeFederatedModel(bytes: Uint8Array): VersionedModel {
  const { header, tensors } = decodeModelFile(bytes);
  const bad = (why: string): never => {
    throw new ModelFileError(
      'MODEL_FILE_CORRUPT',
      `Cannot load the federated model: ${why}; download it again.`,
    );
  };
  if (header['kind'] !== FEDERATED_MODEL_KIND) bad(`its kind is ${JSON.stringify(header['kind'])}`);
  const version = header['version'];
  const numItems = header['numItems'];
  const mf = header['mf'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0)
    return bad('the version is missing');
  if (typeof numItems !== 'number' || !Number.isInteger(numItems) || numItems < 1)
    return bad('numItems is missing');
  if (typeof mf !== 'object' || mf === null || Array.isArray(mf))
    return bad('the parameters are missing');
  const params: Record<string, number> = {};
  for (const key of PARAMS) {
    const value = (mf as Record<string, unknown>)[key];
    if (typeof value !== 'number' || !Number.isFinite(value))
      return bad(`parameter ${key} is missing`);
    params[key] = value;
  }
  const historyConfidence = header['historyConfidence'];
  if (historyConfidence !== undefined && historyConfidence !== 'binary')
    return bad(`historyConfidence is ${JSON.stringify(historyConfidence)}, not "binary"`);
  const itemFactors = tensors['itemFactors'];
  const itemBias = tensors['itemBias'];
  const k = params['factors']!;
  if (!(itemFactors instanceof Float32Array) || itemFactors.length !== numItems * k)
    return bad('itemFactors has the wrong shape');
  if (!(itemBias instanceof Float32Array) || itemBias.length !== numItems)
    return bad('itemBias has the wrong shape');
  checkTensorValues('itemFactors', itemFactors, { ...PARAMETER_RULE, rowLength: k });
  checkTensorValues('itemBias', itemBias, PARAMETER_RULE);
  const model = mfModelFromParams(params, numItems, itemFactors, itemBias);
  return {
    version,
    model: historyConfidence === 'binary' ? { ...model, historyConfidence } : model,
  };
}
