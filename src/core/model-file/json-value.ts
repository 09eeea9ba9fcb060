// The JSON types and `isJsonObject` (all reading a model file needs) live in `json-object.ts`;
// checking a header before it is written, below, is only needed to save one.
export { isJsonObject } from './json-object';
export type { JsonObject, JsonPrimitive, JsonValue } from './json-object';

/**
 * Finds the first part of `value` that JSON cannot represent faithfully (a non-finite number,
 * `undefined`, a function, a bigint, a class instance, a cycle) and describes it with its path,
 * e.g. `header.training.lr is NaN`. Returns `undefined` when `value` is plain JSON.
 */
export function findNonJson(value: unknown, path: string): string | undefined {
  return walk(value, path, new Set<object>());
}

function walk(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') {
    return Number.isFinite(value) ? undefined : `${path} is ${String(value)}`;
  }
  if (value === undefined) return `${path} is undefined`;
  if (typeof value !== 'object') return `${path} is a ${typeof value}`;
  if (ancestors.has(value)) return `${path} refers back to itself`;
  const proto: unknown = Object.getPrototypeOf(value);
  const isArray = Array.isArray(value);
  if (!isArray && proto !== Object.prototype && proto !== null) {
    return `${path} is not a plain object or array`;
  }
  ancestors.add(value);
  try {
    if (isArray) {
      for (let i = 0; i < value.length; i++) {
        const problem = walk(value[i], `${path}[${i}]`, ancestors);
        if (problem !== undefined) return problem;
      }
    } else {
      for (const [key, child] of Object.entries(value)) {
        const problem = walk(child, `${path}.${key}`, ancestors);
        if (problem !== undefined) return problem;
      }
    }
    return undefined;
  } finally {
    ancestors.delete(value);
  }
}
