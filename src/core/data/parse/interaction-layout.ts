import type { InteractionDataset } from '../interaction-log';
import { EVENT_TYPES } from '../types';
import {
  columnLabel,
  decideHeader,
  missingColumnError,
  resolveColumns,
  type ColumnRef,
} from './column-mapping';
import type { DetectedFormat } from './detect-format';
import type { ImportReport } from './import-report';
import {
  headerlessDefaults,
  INTERACTION_COLUMN_ALIASES,
  ROLES,
  type Role,
} from './interaction-columns';
import type { InteractionParseOptions, InteractionParser } from './parse-interactions';

/**
 * What an interaction parser decides from the first records of a delimited (or whitespace- or
 * separator-split) file: the format, whether the first row is a header, the column of each role,
 * and the labels row errors name them by. Plain data, so a slice of the file parsed in another
 * thread can be read exactly as the file's start was.
 */
export interface InteractionLayout {
  readonly detected: DetectedFormat;
  /** Header names, or null for a headerless file. */
  readonly header: readonly string[] | null;
  /** Fields of the first record (the header or the first data row). */
  readonly width: number;
  /** 0-based column of each role, -1 when absent. */
  readonly cols: Readonly<Record<Role, number>>;
  /** Fewest fields a row needs (one past the last mapped column). */
  readonly minFields: number;
  /** How row errors name each column. */
  readonly labels: Readonly<Record<Role, string>>;
  /** Event type code of rows without a type. */
  readonly defaultTypeCode: number;
}

/** Inputs of {@link resolveInteractionLayout}. */
export interface ResolveInteractionLayoutOptions {
  readonly detected: DetectedFormat;
  /** The caller's `header` option. */
  readonly header: boolean | undefined;
  readonly explicit: Partial<Record<Role, ColumnRef>>;
  /** Event type code the caller fixed, or -1. */
  readonly explicitDefaultType: number;
  /** The first two non-blank records (`second` null when absent). */
  readonly first: readonly string[];
  readonly second: readonly string[] | null;
}

const RATING_CODE = EVENT_TYPES.indexOf('rating');
const CLICK_CODE = EVENT_TYPES.indexOf('click');

/**
 * The layout of a delimited interaction file from its first two records.
 *
 * @throws DataError `UNKNOWN_COLUMN` when no item column can be found.
 */
export function resolveInteractionLayout(o: ResolveInteractionLayoutOptions): InteractionLayout {
  const row = o.first;
  const hasHeader = decideHeader(o.header, o.explicit, row, o.second, INTERACTION_COLUMN_ALIASES);
  const header = hasHeader ? row : null;
  const width = row.length;
  const cols = resolveColumns({
    roles: ROLES,
    aliases: INTERACTION_COLUMN_ALIASES,
    explicit: o.explicit,
    header,
    width,
    // A single headerless column is a list of item ids for the default user.
    headerlessDefaults: headerlessDefaults(row, o.explicit),
  });
  if (cols.item < 0) throw missingColumnError('item', header, width);
  const columnOf = (role: Role): string => {
    const name = header?.[cols[role]];
    return name !== undefined && name !== '' ? `(column "${name}")` : `(column ${cols[role]})`;
  };
  return {
    detected: o.detected,
    header,
    width,
    cols,
    minFields: Math.max(...ROLES.map((role) => cols[role])) + 1,
    labels: {
      item: `item id ${columnOf('item')}`,
      user: `user id ${columnOf('user')}`,
      value: columnLabel('value', cols.value, header),
      type: columnLabel('type', cols.type, header),
      timestamp: columnLabel('timestamp', cols.timestamp, header),
    },
    defaultTypeCode:
      o.explicitDefaultType >= 0
        ? o.explicitDefaultType
        : cols.value >= 0
          ? RATING_CODE
          : CLICK_CODE,
  };
}

/** Options of `createInteractionRowParser`. */
export interface InteractionRowParserOptions {
  readonly options: InteractionParseOptions;
  /**
   * Parse a slice of a file that starts at a line boundary after the file's first records, with
   * the layout found there (see {@link InteractionRowParser.layout}); lines count from 1.
   */
  readonly resume?: InteractionLayout;
}

/** Rows of an input (or of a slice of one) and what happened to them, without the no-rows check. */
export interface InteractionSliceOutcome {
  readonly dataset: InteractionDataset;
  readonly report: ImportReport;
  /** Physical lines read. */
  readonly lines: number;
}

/** An {@link InteractionParser} that also tells its layout, for parsing slices of a file in parallel. */
export interface InteractionRowParser extends InteractionParser {
  /** The layout found from the first records; null before them and for JSON Lines. */
  layout(): InteractionLayout | null;
  /** Ends the input and returns what was read, even when no row was accepted. */
  finishSlice(): InteractionSliceOutcome;
}
