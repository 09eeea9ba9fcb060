import { jsonErrorDetail } from '../../core/data/display-text';
import type { Item } from '../../core/data/types';
import { DataError } from '../../core/errors';

const EXPECTED =
  'a JSON array of item objects, each with a string "id" (as "hearth-recs train" writes it)';

/** What a JSON value is, in words, for an error message. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function wrongShape(path: string, found: string): DataError {
  return new DataError(
    'UNREADABLE_INPUT',
    `The catalog "${path}" must be ${EXPECTED}, but ${found}; train again or fix the file.`,
  );
}

/**
 * Parses the `catalog.json` of a model directory: a JSON array of items with string ids (and,
 * where present, string titles, which `recommend` prints).
 *
 * @throws DataError `UNREADABLE_INPUT` naming the file, the element and the expected shape.
 */
export function parseModelCatalog(text: string, path: string): Item[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DataError(
      'UNREADABLE_INPUT',
      `The catalog "${path}" is not valid JSON (${jsonErrorDetail(error)}); train again or fix the file.`,
    );
  }
  if (!Array.isArray(parsed)) throw wrongShape(path, `it holds ${describe(parsed)}`);
  parsed.forEach((item: unknown, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw wrongShape(path, `element ${index} is ${describe(item)}`);
    }
    const { id, title } = item as Record<string, unknown>;
    if (typeof id !== 'string' || id === '') {
      const problem =
        id === undefined
          ? 'no "id"'
          : id === ''
            ? 'an empty "id"'
            : `an "id" that is ${describe(id)}`;
      throw wrongShape(path, `element ${index} has ${problem}`);
    }
    if (title !== undefined && typeof title !== 'string') {
      throw wrongShape(path, `element ${index} ("${id}") has a "title" that is ${describe(title)}`);
    }
  });
  return parsed as Item[];
}
