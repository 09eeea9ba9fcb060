import { DataError, OptionError } from '../../errors';
import { escapeControlCharacters } from '../display-text';
import type { DataFormat } from './detect-format';

/** One rejected row: its 1-based physical line number and what was wrong, naming the field. */
export interface RowError {
  readonly line: number;
  readonly reason: string;
}

/** What an import did: rows seen, kept and rejected, and the first problems found. */
export interface ImportReport {
  /** Format the input was read as (the detected one when `auto`). */
  readonly format: DataFormat;
  /** Data rows seen (blank lines and the header excluded). */
  readonly totalRows: number;
  readonly acceptedRows: number;
  readonly rejectedRows: number;
  /** The first `maxReportedErrors` rejections, in file order. */
  readonly errors: readonly RowError[];
  /** Rejections not listed in `errors`. */
  readonly truncatedErrors: number;
}

/** Default number of row errors kept in a report. */
export const DEFAULT_MAX_REPORTED_ERRORS = 20;

/** Accumulates row outcomes into an {@link ImportReport}. */
export interface ReportCollector {
  accept(): void;
  reject(line: number, reason: string): void;
  readonly totalRows: number;
  readonly acceptedRows: number;
  build(format: DataFormat): ImportReport;
}

/** Creates a collector keeping the first `maxReportedErrors` errors (validated here). */
export function createReportCollector(
  maxReportedErrors = DEFAULT_MAX_REPORTED_ERRORS,
): ReportCollector {
  if (!Number.isInteger(maxReportedErrors) || maxReportedErrors < 0) {
    throw new OptionError(
      `maxReportedErrors must be a non-negative integer, got ${maxReportedErrors}.`,
    );
  }
  const errors: RowError[] = [];
  let accepted = 0;
  let rejected = 0;
  return {
    accept() {
      accepted++;
    },
    reject(line, reason) {
      rejected++;
      if (errors.length < maxReportedErrors) errors.push({ line, reason });
    },
    get totalRows() {
      return accepted + rejected;
    },
    get acceptedRows() {
      return accepted;
    },
    build(format) {
      return {
        format,
        totalRows: accepted + rejected,
        acceptedRows: accepted,
        rejectedRows: rejected,
        errors: errors.slice(),
        truncatedErrors: rejected - errors.length,
      };
    },
  };
}

/** Errors listed in summary messages. */
const SUMMARY_ERRORS = 3;

/**
 * The `EMPTY_INPUT` / `INVALID_ROW` error for a report with no accepted rows, or null when rows
 * were accepted. `what` names the rows (e.g. "interaction"); `hint` says how to fix a mapping.
 */
export function noRowsError(report: ImportReport, what: string, hint: string): DataError | null {
  if (report.acceptedRows > 0) return null;
  if (report.totalRows === 0) {
    return new DataError(
      'EMPTY_INPUT',
      `The input has no ${what} rows (it is empty or holds only a header). Import a file with at least one ${what} row.`,
    );
  }
  const listed = report.errors
    .slice(0, SUMMARY_ERRORS)
    .map((e) => `line ${e.line}: ${e.reason}`)
    .join('; ');
  const more =
    report.rejectedRows > SUMMARY_ERRORS
      ? ` (and ${report.rejectedRows - SUMMARY_ERRORS} more)`
      : '';
  return new DataError(
    'INVALID_ROW',
    `None of the ${report.totalRows} ${what} rows could be used (read as ${report.format}). ` +
      `${listed === '' ? '' : `First problems: ${listed}${more}. `}${hint}`,
  );
}

/** Shortens a raw value for an error message and quotes it with control characters escaped. */
export function quoteValue(value: string): string {
  const max = 40;
  return escapeControlCharacters(
    JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value),
  );
}
