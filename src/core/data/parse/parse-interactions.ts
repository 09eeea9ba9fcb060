import { OptionError } from '../../errors';
import { InteractionLogBuilder, type InteractionDataset } from '../interaction-log';
import { EVENT_TYPES, type EventType } from '../types';
import { Vocabulary } from '../vocabulary';
import type { TextEncoding } from './chunk-decoder';
import { missingColumnError, type ColumnRef } from './column-mapping';
import type { DataFormat, InteractionFormat } from './detect-format';
import type { FieldSpans } from './field-spans';
import {
  createEventTypeLookup,
  interactionValueProblem,
  parseDateString,
  timestampProblem,
  timestampToMillis,
} from './field-values';
import { IdInterner } from './id-interner';
import {
  badTimestampReason,
  EVENT_TYPE_LIST,
  INTERACTION_COLUMN_ALIASES,
  jsonRaw,
  keyLabel,
  MAPPING_HINT,
  missingItemReason,
  ratingWithoutValueReason,
  ROLES,
  unknownTypeReason,
  type Role,
} from './interaction-columns';
import { createReportCollector, noRowsError, quoteValue, type ImportReport } from './import-report';
import {
  resolveInteractionLayout,
  type InteractionLayout,
  type InteractionRowParser,
  type InteractionRowParserOptions,
} from './interaction-layout';
import { pushInput, type ParseInput } from './input-chunks';
import {
  createKeyMatcher,
  isJsonAbsent,
  jsonNumber,
  jsonText,
  parseJsonLine,
  type KeyMatcher,
} from './jsonl-parser';
import { createRecordStream, type RecordSink } from './record-stream';
import { SpanCodes } from './span-codes';

export { INTERACTION_COLUMN_ALIASES } from './interaction-columns';
export type {
  InteractionRowParser,
  InteractionRowParserOptions,
  InteractionSliceOutcome,
} from './interaction-layout';

/** Columns of an interaction file, each a header name (or JSON key) or a 0-based column index. */
export interface InteractionColumnMapping {
  readonly user?: ColumnRef;
  readonly item?: ColumnRef;
  readonly value?: ColumnRef;
  readonly type?: ColumnRef;
  readonly timestamp?: ColumnRef;
}

/** Options of {@link parseInteractions} and {@link createInteractionParser}. */
export interface InteractionParseOptions {
  /** Input format; `auto` (default) sniffs the first lines. */
  readonly format?: InteractionFormat;
  /** Column mapping; unmapped columns are found by common header names or default positions. */
  readonly columns?: InteractionColumnMapping;
  /** Whether the first row is a header. Default: auto-detected. */
  readonly header?: boolean;
  /** Field delimiter for `csv` (one character); default sniffed, else `,`. */
  readonly delimiter?: string;
  /** Encoding of byte input. Default `utf-8`. */
  readonly encoding?: TextEncoding;
  /** User id of every row when there is no user column. Default `'local'`. */
  readonly defaultUserId?: string;
  /** Event type of rows without a type column. Default `rating` with a value column, else `click`. */
  readonly defaultType?: EventType;
  /** Row errors listed in the report. Default 20. */
  readonly maxReportedErrors?: number;
  /** Cancels {@link parseInteractions} between chunks. */
  readonly signal?: AbortSignal;
}

/** An interaction log read from text, and what happened to each row. */
export interface ParsedInteractions {
  readonly dataset: InteractionDataset;
  readonly report: ImportReport;
}

/** Incremental interaction parser: feed chunks as they arrive, then finish. */
export interface InteractionParser {
  /** Parses a chunk; it may end anywhere, even inside a line or a UTF-8 character. */
  push(chunk: string | Uint8Array): void;
  /**
   * Takes the rows accepted since the last call, with the parser's vocabularies (live: they keep
   * growing), so a caller can store rows while parsing goes on; `finish` returns the rest.
   */
  takeRows(): InteractionDataset;
  /**
   * Ends the input and returns the dataset.
   *
   * @throws DataError `EMPTY_INPUT` without rows, `INVALID_ROW` when no row is valid,
   *   `UNKNOWN_COLUMN` for a mapping that does not fit the file.
   */
  finish(): ParsedInteractions;
}

/**
 * Creates an incremental interaction parser. Rows become columns of an
 * {@link InteractionLogBuilder} with ids mapped through {@link Vocabulary}s; malformed rows are
 * rejected with their line number and reason, and never affect their neighbours.
 */
export function createInteractionParser(options: InteractionParseOptions = {}): InteractionParser {
  return createInteractionRowParser({ options });
}

/**
 * The parser behind {@link createInteractionParser}, which can also continue a file from a line
 * boundary with a known layout (the slices of a parallel parse).
 */
export function createInteractionRowParser(o: InteractionRowParserOptions): InteractionRowParser {
  const options = o.options;
  const defaultUserId = options.defaultUserId ?? 'local';
  if (defaultUserId === '') throw new OptionError('defaultUserId must be a non-empty string.');
  if (options.defaultType !== undefined && !EVENT_TYPES.includes(options.defaultType)) {
    throw new OptionError(
      `defaultType must be one of ${EVENT_TYPE_LIST}, got "${String(options.defaultType)}".`,
    );
  }
  const explicit: Partial<Record<Role, ColumnRef>> = options.columns ?? {};
  const report = createReportCollector(options.maxReportedErrors);
  const userVocab = new Vocabulary();
  const itemVocab = new Vocabulary();
  let builder = new InteractionLogBuilder();
  const typeCode = createEventTypeLookup();
  const typeSpans = new SpanCodes(typeCode);
  const explicitDefaultType =
    options.defaultType === undefined ? -1 : EVENT_TYPES.indexOf(options.defaultType);
  const ratingCode = EVENT_TYPES.indexOf('rating');
  const clickCode = EVENT_TYPES.indexOf('click');

  // Delimited layout, fixed at `begin` (or given to resume a file).
  let layout: InteractionLayout | null = null;
  let header: readonly string[] | null = null;
  let width = 0;
  let cols: Readonly<Record<Role, number>> = {
    item: -1,
    user: -1,
    value: -1,
    type: -1,
    timestamp: -1,
  };
  let minFields = 0;
  let labels: Readonly<Record<Role, string>> = {
    item: '',
    user: '',
    value: '',
    type: '',
    timestamp: '',
  };
  let defaultTypeCode = clickCode;
  const useLayout = (found: InteractionLayout): void => {
    layout = found;
    ({ header, width, cols, minFields, labels, defaultTypeCode } = found);
  };

  // JSON Lines state.
  let matcher: KeyMatcher | null = null;
  const jsonValues: unknown[] = [];
  const jsonKeys: (string | undefined)[] = [];
  let firstJsonKeys: string[] | null = null;
  const seenRole = new Uint8Array(ROLES.length);

  const userIds = new IdInterner(userVocab);
  const itemIds = new IdInterner(itemVocab);
  // Added on first use so that a file whose rows all fail leaves the vocabulary empty.
  const defaultUser = (): number => userVocab.add(defaultUserId);

  const delimitedRow = (fields: FieldSpans, line: number): void => {
    if (fields.count < minFields) {
      report.reject(line, `too few columns: expected at least ${minFields}, found ${fields.count}`);
      return;
    }
    if (fields.count > width && !extraFieldsEmpty(fields, width)) {
      const expected = header ? `the header has ${width}` : `the first row has ${width}`;
      report.reject(line, `too many columns: ${expected}, this row has ${fields.count}`);
      return;
    }
    if (fields.isEmpty(cols.item)) {
      report.reject(line, `empty ${labels.item}`);
      return;
    }
    if (cols.user >= 0 && fields.isEmpty(cols.user)) {
      report.reject(line, `empty ${labels.user}`);
      return;
    }
    let value = NaN;
    if (cols.value >= 0) {
      value = fields.number(cols.value);
      if (value !== value && !fields.isEmpty(cols.value)) {
        report.reject(
          line,
          `${labels.value} is not a number: ${quoteValue(fields.get(cols.value))}`,
        );
        return;
      }
      const problem = value === value ? interactionValueProblem(value) : null;
      if (problem !== null) {
        report.reject(line, `${labels.value} ${problem}: ${quoteValue(fields.get(cols.value))}`);
        return;
      }
    }
    let type = defaultTypeCode;
    if (cols.type >= 0 && !fields.isEmpty(cols.type)) {
      type = typeSpans.code(fields, cols.type);
      if (type < 0) {
        report.reject(line, unknownTypeReason(labels.type, fields.get(cols.type)));
        return;
      }
    }
    let timestamp = NaN;
    if (cols.timestamp >= 0) {
      const numeric = fields.number(cols.timestamp);
      if (numeric === numeric) {
        timestamp = timestampToMillis(numeric);
      } else if (!fields.isEmpty(cols.timestamp)) {
        const raw = fields.get(cols.timestamp);
        timestamp = parseDateString(raw);
        if (timestamp !== timestamp) {
          report.reject(line, badTimestampReason(labels.timestamp, raw));
          return;
        }
      }
      const problem = timestampProblem(timestamp);
      if (problem !== null) {
        report.reject(
          line,
          `${labels.timestamp} ${problem}: ${quoteValue(fields.get(cols.timestamp))}`,
        );
        return;
      }
    }
    if (type === ratingCode && value !== value) {
      report.reject(line, ratingWithoutValueReason(cols.value >= 0 ? labels.value : null));
      return;
    }
    const user = cols.user >= 0 ? userIds.intern(fields, cols.user) : defaultUser();
    builder.push(user, itemIds.intern(fields, cols.item), type, value, timestamp);
    report.accept();
  };

  const jsonRow = (fields: FieldSpans, line: number): void => {
    const row = parseJsonLine(fields.get(0));
    if (typeof row === 'string') {
      report.reject(line, row);
      return;
    }
    if (firstJsonKeys === null) firstJsonKeys = Object.keys(row);
    matcher!.match(row, jsonValues, jsonKeys);
    for (let r = 0; r < ROLES.length; r++) if (jsonKeys[r] !== undefined) seenRole[r] = 1;
    const [rawItem, rawUser, rawValue, rawType, rawTime] = jsonValues;

    const item = jsonText(rawItem);
    if (typeof item !== 'string') {
      report.reject(
        line,
        item === null
          ? `${keyLabel(0, jsonKeys)} must be a string or number`
          : missingItemReason(jsonKeys[0]),
      );
      return;
    }
    let user = defaultUserId;
    if (jsonKeys[1] !== undefined) {
      const text = jsonText(rawUser);
      if (typeof text !== 'string') {
        report.reject(
          line,
          text === null
            ? `${keyLabel(1, jsonKeys)} must be a string or number`
            : `empty ${keyLabel(1, jsonKeys)}`,
        );
        return;
      }
      user = text;
    }
    let value = NaN;
    if (!isJsonAbsent(rawValue)) {
      value = jsonNumber(rawValue);
      const problem = value === value ? interactionValueProblem(value) : 'is not a number';
      if (problem !== null) {
        report.reject(
          line,
          `${keyLabel(2, jsonKeys)} ${problem}: ${quoteValue(jsonRaw(rawValue))}`,
        );
        return;
      }
    }
    let type =
      explicitDefaultType >= 0
        ? explicitDefaultType
        : jsonKeys[2] !== undefined
          ? ratingCode
          : clickCode;
    if (!isJsonAbsent(rawType)) {
      type = typeof rawType === 'string' ? typeCode(rawType.trim()) : -1;
      if (type < 0) {
        report.reject(
          line,
          unknownTypeReason(
            keyLabel(3, jsonKeys),
            typeof rawType === 'string' ? rawType : JSON.stringify(rawType),
          ),
        );
        return;
      }
    }
    let timestamp = NaN;
    if (!isJsonAbsent(rawTime)) {
      const numeric = jsonNumber(rawTime);
      timestamp = numeric === numeric ? timestampToMillis(numeric) : NaN;
      if (timestamp !== timestamp && typeof rawTime === 'string')
        timestamp = parseDateString(rawTime.trim());
      if (timestamp !== timestamp) {
        report.reject(
          line,
          badTimestampReason(
            keyLabel(4, jsonKeys),
            typeof rawTime === 'string' ? rawTime : JSON.stringify(rawTime),
          ),
        );
        return;
      }
      const problem = timestampProblem(timestamp);
      if (problem !== null) {
        report.reject(line, `${keyLabel(4, jsonKeys)} ${problem}: ${quoteValue(jsonRaw(rawTime))}`);
        return;
      }
    }
    if (type === ratingCode && value !== value) {
      report.reject(
        line,
        ratingWithoutValueReason(jsonKeys[2] !== undefined ? keyLabel(2, jsonKeys) : null),
      );
      return;
    }
    // Vocabularies only ever see ids of accepted rows.
    builder.push(userVocab.add(user), itemVocab.add(item), type, value, timestamp);
    report.accept();
  };

  let rowHandler: (fields: FieldSpans, line: number) => void = delimitedRow;

  const sink: RecordSink = {
    begin(detected, first, second) {
      if (detected.layout.kind === 'lines') {
        matcher = createKeyMatcher(ROLES, INTERACTION_COLUMN_ALIASES, explicit);
        rowHandler = jsonRow;
        return false;
      }
      useLayout(
        resolveInteractionLayout({
          detected,
          header: options.header,
          explicit,
          explicitDefaultType,
          first: first ?? [],
          second,
        }),
      );
      return header !== null;
    },
    row(fields, line) {
      rowHandler(fields, line);
    },
    reject(line, reason) {
      report.reject(line, reason);
    },
  };

  if (o.resume !== undefined) useLayout(o.resume);
  const stream = createRecordStream({
    kind: 'interactions',
    format: options.format ?? 'auto',
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
    ...(options.encoding !== undefined ? { encoding: options.encoding } : {}),
    ...(o.resume !== undefined ? { resume: o.resume.detected } : {}),
    sink,
  });

  return {
    push(chunk) {
      stream.push(chunk);
    },
    takeRows() {
      const columns = builder.build();
      builder = new InteractionLogBuilder();
      return { userVocab, itemVocab, columns };
    },
    finish() {
      const format: DataFormat = stream.finish().format;
      const built = report.build(format);
      if (matcher !== null) checkJsonMapping(matcher, built.acceptedRows);
      const problem = noRowsError(built, 'interaction', MAPPING_HINT);
      if (problem !== null) throw problem;
      return { dataset: { userVocab, itemVocab, columns: builder.build() }, report: built };
    },
    layout: () => layout,
    finishSlice() {
      const format: DataFormat = stream.finish().format;
      return {
        dataset: { userVocab, itemVocab, columns: builder.build() },
        report: report.build(format),
        lines: stream.lines,
      };
    },
  };

  /** JSON keys mapped explicitly must exist somewhere; an item key must exist for any row to work. */
  function checkJsonMapping(keyMatcher: KeyMatcher, accepted: number): void {
    const keys = firstJsonKeys ?? [];
    for (let r = 0; r < ROLES.length; r++) {
      const role = ROLES[r]!;
      const unseen = seenRole[r] === 0 && keys.length > 0;
      if (unseen && (keyMatcher.isExplicit(r) || (role === 'item' && accepted === 0))) {
        throw missingColumnError(role, keys, keys.length);
      }
    }
  }
}

/** Whether every field of a record from index `from` on is empty (e.g. trailing commas). */
function extraFieldsEmpty(fields: FieldSpans, from: number): boolean {
  for (let i = from; i < fields.count; i++) if (!fields.isEmpty(i)) return false;
  return true;
}

/**
 * Parses an interaction log (CSV, TSV, JSON Lines, whitespace-separated or MovieLens) from any
 * {@link ParseInput}, streaming it through {@link createInteractionParser}.
 *
 * @example
 * const { dataset, report } = await parseInteractions(file, { columns: { item: 'sku' } });
 */
export async function parseInteractions(
  input: ParseInput,
  options: InteractionParseOptions = {},
): Promise<ParsedInteractions> {
  const parser = createInteractionParser(options);
  await pushInput(input, parser, options.signal);
  return parser.finish();
}
