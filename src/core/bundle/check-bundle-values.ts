import { ModelFileError } from '../errors';
import type { ModelTensor } from '../model-file/model-file-format';

/**
 * Largest magnitude of a learned parameter (MF factor, bias, neighbour weight, content-tower
 * weight). Regularized training keeps them within a few units; anything near this is a crafted or
 * broken file whose scores would overflow to `Infinity`/`NaN`.
 */
export const MAX_MODEL_PARAMETER = 1e6;

/** Largest magnitude of a count-like score (popularity, trending, co-occurrence). */
export const MAX_MODEL_SCORE = 1e12;

/** The range every value of one tensor must lie in. */
export interface TensorValueRule {
  readonly min: number;
  readonly max: number;
  /** Values per row (e.g. the factor count); rows are what an error names. Default 1. */
  readonly rowLength?: number;
  /** Names row `r` in an error, e.g. `item "p42"`. */
  readonly rowName?: (row: number) => string;
}

/** ± {@link MAX_MODEL_PARAMETER}: the rule for learned parameters. */
export const PARAMETER_RULE: TensorValueRule = {
  min: -MAX_MODEL_PARAMETER,
  max: MAX_MODEL_PARAMETER,
};

/** [0, {@link MAX_MODEL_SCORE}]: the rule for counts. */
export const COUNT_RULE: TensorValueRule = { min: 0, max: MAX_MODEL_SCORE };

/** ± {@link MAX_MODEL_SCORE}: the rule for signed count-like scores. */
export const SCORE_RULE: TensorValueRule = { min: -MAX_MODEL_SCORE, max: MAX_MODEL_SCORE };

/**
 * Checks that every value of a float tensor is finite and within `rule`; integer tensors always
 * pass. A checksum only proves the file was not damaged after it was written, not that what was
 * written is a model: this is what keeps a crafted file from serving `NaN` scores.
 *
 * @throws ModelFileError `MODEL_FILE_CORRUPT` naming the tensor, the row and the value.
 */
export function checkTensorValues(name: string, tensor: ModelTensor, rule: TensorValueRule): void {
  if (!(tensor instanceof Float32Array || tensor instanceof Float64Array)) return;
  const { min, max } = rule;
  for (let i = 0; i < tensor.length; i++) {
    const v = tensor[i]!;
    if (v >= min && v <= max) continue;
    const rowLength = rule.rowLength ?? 1;
    const row = Math.floor(i / rowLength);
    const where = rowLength > 1 ? `row ${row}, column ${i - row * rowLength}` : `row ${row}`;
    const named = rule.rowName ? ` (${rule.rowName(row)})` : '';
    throw new ModelFileError(
      'MODEL_FILE_CORRUPT',
      `Cannot load model: tensor "${name}" holds ${String(v)} at ${where}${named}, outside the finite range [${min}, ${max}] a trained model stays in; train or export the model again.`,
    );
  }
}

/**
 * Checks a number read from the header the same way (header JSON cannot hold `NaN`, but it can
 * hold `1e308`).
 *
 * @throws ModelFileError `MODEL_FILE_CORRUPT` naming the field.
 */
export function checkHeaderNumber(field: string, value: number, rule: TensorValueRule): void {
  if (value >= rule.min && value <= rule.max) return;
  throw new ModelFileError(
    'MODEL_FILE_CORRUPT',
    `Cannot load model: header field ${field} is ${String(value)}, outside [${rule.min}, ${rule.max}]; train or export the model again.`,
  );
}
