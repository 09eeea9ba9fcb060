/**
 * Reading `state.json` back: invalid JSON or a missing field stops the server with a message that
 * names the file and the field, never a bare SyntaxError.
 */
import type { StoredState } from '../federated-store';
import { StoreCorruptError } from './store-errors';
import { jsonErrorDetail } from '../../core/data/display-text';

const REMEDY =
  'Nothing was changed. The state holds the ticket secret and the privacy accountant and cannot be ' +
  'rebuilt from the logs: restore state.json from a backup of the data directory.';

const nonNegativeInteger = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

const FIELDS: readonly [keyof StoredState, (v: unknown) => boolean, string][] = [
  ['modelVersion', nonNegativeInteger, 'a non-negative integer'],
  ['roundNumber', nonNegativeInteger, 'a non-negative integer'],
  ['roundsCompleted', nonNegativeInteger, 'a non-negative integer'],
  ['privacy', isObject, 'an object'],
  ['statistics', isObject, 'an object'],
  ['secret', (v) => typeof v === 'string' && v.length > 0, 'a non-empty string'],
  [
    'releasedPopularity',
    (v) => v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'number')),
    'absent or a list of numbers',
  ],
];

/** Parses the text of `file` (a `state.json`) into a {@link StoredState}; throws on damage. */
export function parseStoredState(text: string, file: string): StoredState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StoreCorruptError({
      file,
      problem: `not valid JSON (${jsonErrorDetail(error)})`,
      remedy: REMEDY,
    });
  }
  if (!isObject(parsed)) {
    throw new StoreCorruptError({ file, problem: 'not a JSON object', remedy: REMEDY });
  }
  const state = parsed as Record<string, unknown>;
  for (const [key, ok, what] of FIELDS) {
    if (!ok(state[key])) {
      throw new StoreCorruptError({
        file,
        problem: `field "${key}" must be ${what} (got ${JSON.stringify(state[key]) ?? 'nothing'})`,
        remedy: REMEDY,
      });
    }
  }
  return parsed as StoredState;
}
