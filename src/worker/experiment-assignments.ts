/**
 * Where this device stands in each experiment definition at a given time: refused (it cannot run
 * the definition), not started, ended, not enrolled (outside the coverage, or another experiment
 * already runs on its rows), or assigned to an arm by `assignArm` of its random unit id.
 */
import { OptionError, serializeError } from '../core/errors';
import { assignArm } from '../core/experiments/assign-arm';
import {
  audienceMismatch,
  isAudienceValue,
  type AudienceAttributes,
} from '../core/experiments/audience';
import type { ExperimentDefinition } from '../core/experiments/experiment-types';
import { deviceArmSettings, type ArmSettings } from '../federated/experiment-device-rules';
import type { DeviceExperimentState, ExperimentsConfig } from './recommender-types';

/** One definition as this device runs it. */
export interface ExperimentEntry {
  readonly definition: ExperimentDefinition;
  readonly state: DeviceExperimentState;
  /** The arm (assigned or ended within the coverage), else null. */
  readonly armIndex: number | null;
  /** The arm's settings when `armIndex` is set. */
  readonly settings: ArmSettings | null;
  /** Why it was refused or is not enrolled, or what `not-started` / `ended` mean. */
  readonly message?: string;
}

/**
 * Resolves every definition for the device with `unitId` and the page's audience `attributes` at
 * `now`. At most one experiment runs on
 * the rows: the first assigned one in document order; a later one the device would also be in
 * reads `not-enrolled` (its own split stays random: its hash is independent of the first one's).
 */
export function resolveExperiments(
  definitions: readonly ExperimentDefinition[],
  unitId: string,
  now: number,
  attributes: AudienceAttributes = {},
): readonly ExperimentEntry[] {
  const seen = new Set<string>();
  let running: string | null = null;
  return definitions.map((definition, index): ExperimentEntry => {
    const none = { definition, armIndex: null, settings: null } as const;
    let settings: readonly ArmSettings[];
    try {
      if (seen.has(definition.id)) {
        throw new Error(`experiments[${index}].id repeats "${definition.id}"`);
      }
      seen.add(definition.id);
      settings = deviceArmSettings(definition);
    } catch (error) {
      return { ...none, state: 'refused', message: serializeError(error).message };
    }
    if (now < Date.parse(definition.start)) {
      return { ...none, state: 'not-started', message: `Starts ${definition.start}.` };
    }
    const outside = audienceMismatch(definition, attributes);
    if (outside !== null) return { ...none, state: 'not-enrolled', message: outside };
    const armIndex = assignArm({ definition, unitId });
    const arm = armIndex === null ? null : { armIndex, settings: settings[armIndex] ?? null };
    if (definition.stop !== undefined && now >= Date.parse(definition.stop)) {
      return { ...none, ...arm, state: 'ended', message: `Stopped ${definition.stop}.` };
    }
    if (arm === null) {
      return { ...none, state: 'not-enrolled', message: 'This device is outside the coverage.' };
    }
    if (running !== null) {
      const message = `Experiment "${running}" already runs on this device's rows.`;
      return { ...none, state: 'not-enrolled', message };
    }
    running = definition.id;
    return { definition, ...arm, state: 'assigned' };
  });
}

/** The experiment running on the rows now, if any. */
export function runningExperiment(
  entries: readonly ExperimentEntry[],
): (ExperimentEntry & { readonly armIndex: number; readonly settings: ArmSettings }) | null {
  for (const entry of entries) {
    if (entry.state === 'assigned' && entry.armIndex !== null && entry.settings !== null) {
      return { ...entry, armIndex: entry.armIndex, settings: entry.settings };
    }
  }
  return null;
}

/** Id of the arm at `index` of `definition`. */
export function armIdOf(definition: ExperimentDefinition, index: number | null): string | null {
  return index === null ? null : (definition.arms[index]?.id ?? null);
}

/** The page's audience attributes, checked: strings, finite numbers or booleans. */
export function checkedAttributes(
  attributes: ExperimentsConfig['attributes'],
): Readonly<Record<string, string | number | boolean>> {
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (!isAudienceValue(value)) {
      throw new OptionError(
        `experiments.attributes.${key} must be a string, a finite number or a boolean (got ${String(value)}).`,
      );
    }
  }
  return attributes ?? {};
}
