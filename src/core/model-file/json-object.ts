/** A JSON scalar. */
export type JsonPrimitive = string | number | boolean | null;

/** Any value that survives `JSON.stringify` → `JSON.parse` unchanged (numbers must be finite). */
export type JsonValue = JsonPrimitive | readonly JsonValue[] | JsonObject;

/** A JSON object: string keys to JSON values. */
export type JsonObject = { readonly [key: string]: JsonValue };

/** Whether `value` is a non-null, non-array object (the shape `JSON.parse` gives for `{…}`). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
