import type { InteractionColumns } from '../interaction-log';
import { Vocabulary } from '../vocabulary';
import {
  DEFAULT_MAX_REPORTED_ERRORS,
  noRowsError,
  type ImportReport,
  type RowError,
} from './import-report';
import { MAPPING_HINT } from './interaction-columns';
import type { InteractionLayout } from './interaction-layout';
import {
  createInteractionRowParser,
  type InteractionParseOptions,
  type InteractionSliceOutcome,
  type ParsedInteractions,
} from './parse-interactions';

/**
 * One slice of an interaction file parsed on its own (in another thread): ids in the slice's own
 * first-seen order, rows pointing into them, its report with lines counted from the slice's start,
 * and how many physical lines it held. Plain data and typed arrays, so it can be posted between
 * threads (the columns' buffers can be transferred).
 */
export interface InteractionSlice {
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly columns: InteractionColumns;
  readonly report: ImportReport;
  readonly lines: number;
}

/** The postable form of a parser's {@link InteractionSliceOutcome}. */
export function interactionSliceOf(outcome: InteractionSliceOutcome): InteractionSlice {
  return {
    userIds: outcome.dataset.userVocab.toArray(),
    itemIds: outcome.dataset.itemVocab.toArray(),
    columns: outcome.dataset.columns,
    report: outcome.report,
    lines: outcome.lines,
  };
}

/** Options of {@link probeInteractionLayout}. */
export interface ProbeInteractionLayoutOptions {
  /** The start of the file, ending at a line boundary (the file goes on after it). */
  readonly head: Uint8Array;
  readonly options: InteractionParseOptions;
}

/**
 * The layout the interaction parser settles on from the start of a file, so the rest can be cut
 * at line boundaries and parsed in slices exactly as one parser would read it. Null when the head
 * does not decide it (too few records in it), for JSON Lines, and when the start is unusable (a
 * one-pass parse then reports the problem as usual).
 */
export function probeInteractionLayout(o: ProbeInteractionLayoutOptions): InteractionLayout | null {
  try {
    const parser = createInteractionRowParser({ options: o.options });
    parser.push(o.head);
    return parser.layout();
  } catch {
    return null;
  }
}

/** Options of {@link mergeInteractionSlices}. */
export interface MergeInteractionSlicesOptions {
  /** The slices of one file, in file order. */
  readonly slices: readonly InteractionSlice[];
  /** Row errors listed in the report. Default 20. */
  readonly maxReportedErrors?: number;
}

/**
 * Joins the slices of a file into the dataset and report one parser would have produced: ids get
 * the index of their first occurrence in the whole file (the slices' vocabularies appended in
 * order, each id added where first seen), rows keep file order, and row errors get file line
 * numbers.
 *
 * @throws DataError `EMPTY_INPUT` / `INVALID_ROW` when no row was accepted, as for one parse.
 */
export function mergeInteractionSlices(o: MergeInteractionSlicesOptions): ParsedInteractions {
  const first = o.slices[0];
  if (first === undefined) throw new RangeError('mergeInteractionSlices needs at least one slice.');
  const userVocab = new Vocabulary();
  const itemVocab = new Vocabulary();
  let length = 0;
  for (const slice of o.slices) length += slice.columns.length;
  const columns: InteractionColumns = {
    length,
    users: new Int32Array(length),
    items: new Int32Array(length),
    types: new Uint8Array(length),
    values: new Float32Array(length),
    timestamps: new Float64Array(length),
  };
  const maxErrors = o.maxReportedErrors ?? DEFAULT_MAX_REPORTED_ERRORS;
  const errors: RowError[] = [];
  let accepted = 0;
  let rejected = 0;
  let offset = 0;
  let lineOffset = 0;
  for (const slice of o.slices) {
    const part = slice.columns;
    remapInto(columns.users, offset, part.users, part.length, indexIn(userVocab, slice.userIds));
    remapInto(columns.items, offset, part.items, part.length, indexIn(itemVocab, slice.itemIds));
    columns.types.set(part.types.subarray(0, part.length), offset);
    columns.values.set(part.values.subarray(0, part.length), offset);
    columns.timestamps.set(part.timestamps.subarray(0, part.length), offset);
    offset += part.length;
    for (const error of slice.report.errors) {
      if (errors.length < maxErrors)
        errors.push({ line: error.line + lineOffset, reason: error.reason });
    }
    accepted += slice.report.acceptedRows;
    rejected += slice.report.rejectedRows;
    lineOffset += slice.lines;
  }
  const report: ImportReport = {
    format: first.report.format,
    totalRows: accepted + rejected,
    acceptedRows: accepted,
    rejectedRows: rejected,
    errors,
    truncatedErrors: rejected - errors.length,
  };
  const problem = noRowsError(report, 'interaction', MAPPING_HINT);
  if (problem !== null) throw problem;
  return { dataset: { userVocab, itemVocab, columns }, report };
}

/** The merged index of each of a slice's ids, adding the ids not seen in earlier slices. */
function indexIn(vocab: Vocabulary, ids: readonly string[]): Int32Array {
  const map = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) map[i] = vocab.add(ids[i]!);
  return map;
}

function remapInto(
  out: Int32Array,
  offset: number,
  local: Int32Array,
  length: number,
  map: Int32Array,
): void {
  for (let e = 0; e < length; e++) out[offset + e] = map[local[e]!]!;
}
