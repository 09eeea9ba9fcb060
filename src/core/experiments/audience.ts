import type { AudienceValue, ExperimentDefinition } from './experiment-types';

/** Attributes a host page gives the device for audience targeting (never sent anywhere). */
export type AudienceAttributes = Readonly<Record<string, AudienceValue>>;

/** Whether `value` can be an audience value or attribute: a string, a finite number or a boolean. */
export function isAudienceValue(value: unknown): value is AudienceValue {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/**
 * Why a device with `attributes` is outside `definition.audience`, or null when it is inside
 * (always inside without an audience). Every key must match: the attribute equals the value, or
 * is one of the listed values; a missing attribute never matches.
 */
export function audienceMismatch(
  definition: Pick<ExperimentDefinition, 'audience'>,
  attributes: AudienceAttributes,
): string | null {
  for (const [key, wanted] of Object.entries(definition.audience ?? {})) {
    const value = Object.hasOwn(attributes, key) ? attributes[key] : undefined;
    const allowed: readonly AudienceValue[] = Array.isArray(wanted) ? wanted : [wanted];
    if (value === undefined || !allowed.includes(value)) {
      const shown = value === undefined ? 'not set' : JSON.stringify(value);
      return `This device is outside the audience: ${key} is ${shown}, the experiment wants ${allowed
        .map((v) => JSON.stringify(v))
        .join(' or ')}.`;
    }
  }
  return null;
}
