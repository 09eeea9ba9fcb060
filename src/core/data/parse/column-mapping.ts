import { DataError, OptionError } from '../../errors';
import { parseNumber } from './field-spans';

/** A column given by header name or by 0-based index (a string of digits counts as an index). */
export type ColumnRef = string | number;

/** Header names are compared lower-cased and without spaces, `_`, `-` and `.`. */
export function normalizeColumnName(name: string): string {
  return name.toLowerCase().replace(/[\s_.-]+/g, '');
}

/** Names (normalized) recognised for each role, most specific first. */
export type ColumnAliases<R extends string> = Readonly<Record<R, readonly string[]>>;

/** Whether any field of `row` is a known column name. */
function hasKnownName<R extends string>(
  row: readonly string[],
  aliases: ColumnAliases<R>,
): boolean {
  const known = new Set<string>();
  for (const names of Object.values<readonly string[]>(aliases))
    for (const name of names) known.add(name);
  return row.some((field) => known.has(normalizeColumnName(field)));
}

/**
 * Header auto-detection: the first row is a header when it holds a known column name, or when a
 * column that is numeric in the second row is non-numeric text in the first.
 */
export function looksLikeHeader<R extends string>(
  first: readonly string[],
  second: readonly string[] | null,
  aliases: ColumnAliases<R>,
): boolean {
  if (hasKnownName(first, aliases)) return true;
  if (second === null) return false;
  return first.some((field, i) => {
    const below = second[i];
    return (
      field !== '' &&
      Number.isNaN(parseNumber(field)) &&
      below !== undefined &&
      !Number.isNaN(parseNumber(below))
    );
  });
}

/** Whether a reference can only be a header name (not a number or digit string). */
export function isNameRef(ref: ColumnRef | undefined): ref is string {
  return typeof ref === 'string' && !/^\d+$/.test(ref.trim());
}

/** Inputs of {@link resolveColumns}. */
export interface ResolveColumnsOptions<R extends string> {
  /** Roles in priority order (earlier roles claim ambiguous columns first). */
  readonly roles: readonly R[];
  readonly aliases: ColumnAliases<R>;
  /** Explicit mapping from the caller; wins over aliases and defaults. */
  readonly explicit: Partial<Record<R, ColumnRef>>;
  /** Header names, or null for a headerless file. */
  readonly header: readonly string[] | null;
  /** Columns in the header, or in the first row of a headerless file. */
  readonly width: number;
  /** Positions used for unmapped roles when there is no header (only when that many columns exist). */
  readonly headerlessDefaults: Partial<Record<R, number>>;
}

/** Resolved column index of every role; -1 when the role has no column. */
export type ResolvedColumns<R extends string> = Record<R, number>;

/**
 * Resolves each role to a column index from an explicit mapping, then header names, then (for
 * headerless files) default positions.
 *
 * @throws DataError `UNKNOWN_COLUMN` when a mapped name is not in the header or an index is out of range.
 */
export function resolveColumns<R extends string>(
  options: ResolveColumnsOptions<R>,
): ResolvedColumns<R> {
  const { roles, aliases, explicit, header, width, headerlessDefaults } = options;
  const resolved = {} as ResolvedColumns<R>;
  const claimed = new Set<number>();
  for (const role of roles) {
    const ref = explicit[role];
    resolved[role] = ref === undefined ? -1 : resolveRef(role, ref, header, width);
    if (resolved[role] >= 0) claimed.add(resolved[role]);
  }
  for (const role of roles) {
    if (explicit[role] !== undefined) continue;
    if (header !== null) {
      const normalized = header.map(normalizeColumnName);
      for (const alias of aliases[role]) {
        const index = normalized.findIndex((name, i) => name === alias && !claimed.has(i));
        if (index >= 0) {
          resolved[role] = index;
          claimed.add(index);
          break;
        }
      }
    } else {
      const index = headerlessDefaults[role];
      if (index !== undefined && index < width && !claimed.has(index)) {
        resolved[role] = index;
        claimed.add(index);
      }
    }
  }
  return resolved;
}

/** The `UNKNOWN_COLUMN` error for a role that has no column at all. */
export function missingColumnError(
  role: string,
  header: readonly string[] | null,
  width: number,
): DataError {
  return new DataError(
    'UNKNOWN_COLUMN',
    `No ${role} column found ${describeColumns(header, width)}. Map the ${role} column with ${mappingHint(role)}.`,
  );
}

/** How a role's column is named in messages: its header name or its index. */
export function columnLabel(role: string, index: number, header: readonly string[] | null): string {
  const name = header?.[index];
  return name !== undefined && name !== ''
    ? `${role} (column "${name}")`
    : `${role} (column ${index})`;
}

function resolveRef(
  role: string,
  ref: ColumnRef,
  header: readonly string[] | null,
  width: number,
): number {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref < 0) {
      throw new OptionError(
        `columns.${role} must be a header name or a 0-based column index, got ${ref}.`,
      );
    }
    return checkIndex(role, ref, header, width);
  }
  const name = ref.trim();
  if (header !== null) {
    const exact = header.indexOf(name);
    if (exact >= 0) return exact;
    const wanted = normalizeColumnName(name);
    const loose = header.findIndex((h) => normalizeColumnName(h) === wanted);
    if (loose >= 0) return loose;
  }
  if (/^\d+$/.test(name)) return checkIndex(role, Number(name), header, width);
  if (header === null) {
    throw new DataError(
      'UNKNOWN_COLUMN',
      `Column "${name}" (mapped as ${role}) cannot be found: the input has no header row. ` +
        `Map columns by 0-based index (e.g. ${mappingHint(role, ' 1', ' = 1')}), or set header: true.`,
    );
  }
  throw new DataError(
    'UNKNOWN_COLUMN',
    `Column "${name}" (mapped as ${role}) is not in the header. Available columns: ${listNames(header)}. ` +
      `Fix ${mappingHint(role)}.`,
  );
}

function checkIndex(
  role: string,
  index: number,
  header: readonly string[] | null,
  width: number,
): number {
  if (index < width) return index;
  throw new DataError(
    'UNKNOWN_COLUMN',
    `Column index ${index} (mapped as ${role}) is out of range: ${describeColumns(header, width)}. ` +
      `Use an index from 0 to ${width - 1} with ${mappingHint(role)}.`,
  );
}

function describeColumns(header: readonly string[] | null, width: number): string {
  return header !== null
    ? `among the columns ${listNames(header)}`
    : `in the headerless input (rows have ${width} column${width === 1 ? '' : 's'})`;
}

function listNames(header: readonly string[]): string {
  return header.map((h) => JSON.stringify(h)).join(', ');
}

/** The `hearth-recs` CLI flags that map interaction columns (catalog columns have none). */
export const INTERACTION_CLI_FLAGS: Readonly<Record<string, string>> = {
  user: '--user-col',
  item: '--item-col',
  value: '--weight-col',
  type: '--type-col',
  timestamp: '--time-col',
};

/** How to map a role's column: the CLI flag where one exists, and the `columns` option. */
function mappingHint(role: string, flagValue = '', optionValue = ''): string {
  const flag = INTERACTION_CLI_FLAGS[role];
  const option = `columns.${role}${optionValue}`;
  return flag === undefined ? option : `${flag}${flagValue} or ${option}`;
}

/**
 * Whether the first record is a header: the `header` option when given, true when a column is
 * mapped by name, else {@link looksLikeHeader}.
 */
export function decideHeader<R extends string>(
  option: boolean | undefined,
  explicit: Partial<Record<R, ColumnRef>>,
  first: readonly string[],
  second: readonly string[] | null,
  aliases: ColumnAliases<R>,
): boolean {
  if (option !== undefined) return option;
  if (Object.values<ColumnRef | undefined>(explicit).some(isNameRef)) return true;
  return looksLikeHeader(first, second, aliases);
}
