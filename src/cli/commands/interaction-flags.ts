import { OptionError } from '../../core/errors';
import type { InteractionFormat, ParsedInteractions } from '../../core/data/parse';
import type { FlagSpec, ParsedFlags } from '../cli-args';
import { columnRef } from '../cli-args';
import { parseInteractionFile } from '../train-threads/parallel-parse';
import { threadCount } from '../train-threads/thread-flags';

/** Flags shared by commands that read an interaction file. */
export const INTERACTION_FLAGS: readonly FlagSpec[] = [
  {
    name: 'interactions',
    type: 'string',
    required: true,
    description: 'Interaction file (CSV, TSV, JSONL, MovieLens, whitespace)',
  },
  {
    name: 'format',
    type: 'string',
    defaultValue: 'auto',
    description: 'auto|csv|tsv|jsonl|whitespace|movielens',
  },
  { name: 'user-col', type: 'string', description: 'User column: header name or 0-based index' },
  { name: 'item-col', type: 'string', description: 'Item column: header name or 0-based index' },
  {
    name: 'weight-col',
    type: 'string',
    description: 'Weight/value column: header name or 0-based index',
  },
  {
    name: 'type-col',
    type: 'string',
    description: 'Event type column: header name or 0-based index',
  },
  {
    name: 'time-col',
    type: 'string',
    description: 'Timestamp column: header name or 0-based index',
  },
];

const FORMATS: readonly InteractionFormat[] = [
  'auto',
  'csv',
  'tsv',
  'jsonl',
  'whitespace',
  'movielens',
];

/**
 * Reads the interaction file named by the flags through the streaming parser, on `--threads`
 * threads (default: all cores) when the file is large (see `parseInteractionFile`).
 */
export async function readInteractions(
  flags: ParsedFlags,
  hooks: { readonly onSlices?: (slices: number) => void } = {},
): Promise<ParsedInteractions> {
  const format = String(flags['format']) as InteractionFormat;
  if (!FORMATS.includes(format)) {
    throw new OptionError(`--format must be one of ${FORMATS.join(', ')} (got "${format}").`);
  }
  const columns: Record<string, string | number> = {};
  const map: Record<string, string> = {
    'user-col': 'user',
    'item-col': 'item',
    'weight-col': 'value',
    'type-col': 'type',
    'time-col': 'timestamp',
  };
  for (const [flag, key] of Object.entries(map)) {
    const ref = columnRef(flags[flag]);
    if (ref !== undefined) columns[key] = ref;
  }
  const path = String(flags['interactions']);
  return parseInteractionFile({
    path,
    options: { format, columns },
    threads: threadCount(flags),
    ...(hooks.onSlices ? { onSlices: hooks.onSlices } : {}),
  });
}

/** Parses a comma-separated list of positive integers, e.g. `--k 10,20`. */
export function parseIntList(value: string | number | boolean | undefined, flag: string): number[] {
  const list = String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (list.length === 0 || list.some((k) => !Number.isInteger(k) || k <= 0)) {
    throw new OptionError(
      `--${flag} needs positive integers separated by commas (got "${String(value)}").`,
    );
  }
  return list;
}
