/**
 * What a device can run of an experiment definition: the metrics it can measure and the arm
 * settings it can apply. A definition asking for anything else is refused with a message naming
 * the field, and the device shows the site's default rows. Browser-safe.
 */
import type { ArmDefinition, ExperimentDefinition } from '../core/experiments/experiment-types';
import {
  experimentMetrics,
  validateExperimentDefinition,
} from '../core/experiments/validate-experiment';
import { OptionError } from '../core/errors';

/** Metric ids a device measures from `track()` calls (see `docs/experiments.md`). */
export const DEVICE_METRICS = [
  'row-click',
  'click',
  'view',
  'add-to-cart',
  'purchase',
  'revenue',
] as const;

/** A metric a device measures. */
export type DeviceMetricId = (typeof DEVICE_METRICS)[number];

/** Row sources an arm's `source` setting may name. */
export const ARM_ROW_SOURCES = ['model', 'popular', 'trending'] as const;

/** Arm settings a device applies. */
export const ARM_SETTINGS = [
  'modelUrl',
  'diversity',
  'source',
  'exploration',
  'inStockOnly',
  'minPrice',
  'maxPrice',
] as const;

/** The settings of one arm as the device applies them. */
export interface ArmSettings {
  /** This arm's model file, loaded instead of the config's `modelUrl`. */
  readonly modelUrl?: string;
  /** MMR λ in [0, 1] on every row that does not set its own. */
  readonly diversity?: number;
  /** What for-you rows come from (default `model`). */
  readonly source?: (typeof ARM_ROW_SOURCES)[number];
  /**
   * Share in [0, 1] of each row's places after the first given to items from further down the
   * ranking (drawn at random from the next 3k), so the arm learns about items the model ranks
   * lower.
   */
  readonly exploration?: number;
  /** Row filters every row gets unless its request sets the same field. */
  readonly filters?: {
    readonly inStockOnly?: boolean;
    readonly minPrice?: number;
    readonly maxPrice?: number;
  };
  /** A holdout arm: rows have no items. */
  readonly holdout: boolean;
}

function refuse(field: string, problem: string): never {
  throw new OptionError(`Experiment definition ${field} ${problem}.`);
}

/** The settings of `arm` (field names `arms[i]` in errors); throws `OptionError` on an unknown one. */
export function armSettingsOf(arm: ArmDefinition, index: number): ArmSettings {
  const field = `arms[${index}].settings`;
  const settings = arm.settings ?? {};
  let out: { -readonly [K in keyof ArmSettings]: ArmSettings[K] } = {
    holdout: arm.holdout === true,
  };
  for (const [name, value] of Object.entries(settings)) {
    if (name === 'modelUrl') {
      if (typeof value !== 'string' || value === '') refuse(`${field}.modelUrl`, 'must be a URL');
      out = { ...out, modelUrl: value };
    } else if (name === 'diversity') {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
        refuse(`${field}.diversity`, `must be a number in [0, 1] (got ${JSON.stringify(value)})`);
      }
      out = { ...out, diversity: value };
    } else if (name === 'source') {
      const source = ARM_ROW_SOURCES.find((s) => s === value);
      if (source === undefined) {
        refuse(
          `${field}.source`,
          `must be one of ${ARM_ROW_SOURCES.join(', ')} (got ${JSON.stringify(value)})`,
        );
      }
      out = { ...out, source };
    } else if (name === 'exploration') {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
        refuse(`${field}.exploration`, `must be a number in [0, 1] (got ${JSON.stringify(value)})`);
      }
      out = { ...out, exploration: value };
    } else if (name === 'inStockOnly') {
      if (typeof value !== 'boolean') refuse(`${field}.inStockOnly`, 'must be true or false');
      out = { ...out, filters: { ...out.filters, inStockOnly: value } };
    } else if (name === 'minPrice' || name === 'maxPrice') {
      if (typeof value !== 'number' || !(value >= 0 && Number.isFinite(value))) {
        refuse(`${field}.${name}`, `must be a price ≥ 0 (got ${JSON.stringify(value)})`);
      }
      out = { ...out, filters: { ...out.filters, [name]: value } };
    } else {
      refuse(
        `${field}.${name}`,
        `is not a setting this device applies (it applies ${ARM_SETTINGS.join(', ')})`,
      );
    }
  }
  return out;
}

/**
 * Checks that this device can run `definition` (a valid definition, measurable metrics, arm
 * settings it applies) and returns each arm's settings in arm order. Throws `OptionError` naming
 * the field otherwise.
 */
export function deviceArmSettings(definition: ExperimentDefinition): readonly ArmSettings[] {
  validateExperimentDefinition(definition);
  experimentMetrics(definition).forEach((metric, index) => {
    if (!(DEVICE_METRICS as readonly string[]).includes(metric.id)) {
      const field = index === 0 ? 'primaryMetric.id' : `guardrailMetrics[${index - 1}].id`;
      refuse(
        field,
        `"${metric.id}" is not a metric this device measures (it measures ${DEVICE_METRICS.join(', ')})`,
      );
    }
  });
  return definition.arms.map(armSettingsOf);
}
