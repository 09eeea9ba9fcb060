import { looksLikeCatalogIndex } from '../../catalog/catalog-shard-index';
import { DataError } from '../../errors';
import { acceptJsonArray } from './json-array-input';
import type { Item } from '../types';
import {
  buildCatalogItem,
  CATALOG_FIELDS,
  jsonAttribute,
  textAttribute,
  type AttributeValue,
  type CatalogField,
} from './catalog-item';
import type { TextEncoding } from './chunk-decoder';
import {
  columnLabel,
  decideHeader,
  missingColumnError,
  resolveColumns,
  type ColumnAliases,
  type ColumnRef,
} from './column-mapping';
import type { CatalogFormat } from './detect-format';
import type { FieldSpans } from './field-spans';
import { createReportCollector, noRowsError, quoteValue, type ImportReport } from './import-report';
import { pushInput, type ParseInput } from './input-chunks';
import { createKeyMatcher, parseJsonLine, type KeyMatcher } from './jsonl-parser';
import { movieLensItemFromFields } from './movielens';
import { createRecordStream, type RecordSink } from './record-stream';

/** Columns of a catalog file, each a header name (or JSON key) or a 0-based column index. */
export type CatalogColumnMapping = { readonly [F in CatalogField]?: ColumnRef };

/** Options of {@link parseCatalog} and {@link createCatalogParser}. */
export interface CatalogParseOptions {
  /** Input format; `auto` (default) sniffs; `movielens` reads MovieLens `u.item`. */
  readonly format?: CatalogFormat;
  /** Column mapping; unmapped fields are found by common header names. Other columns become `attributes`. */
  readonly columns?: CatalogColumnMapping;
  /** Whether the first row is a header. Default: auto-detected. */
  readonly header?: boolean;
  /** Field delimiter for `csv` (one character); default sniffed, else `,`. */
  readonly delimiter?: string;
  /** Encoding of byte input. Default `utf-8`, or `latin1` for `movielens`. */
  readonly encoding?: TextEncoding;
  /** Row errors listed in the report. Default 20. */
  readonly maxReportedErrors?: number;
  /** Cancels {@link parseCatalog} between chunks. */
  readonly signal?: AbortSignal;
}

/** A catalog read from text, and what happened to each row. */
export interface ParsedCatalog {
  readonly items: Item[];
  readonly report: ImportReport;
}

/** Incremental catalog parser: feed chunks as they arrive, then finish. */
export interface CatalogParser {
  /** Parses a chunk; it may end anywhere, even inside a line or a UTF-8 character. */
  push(chunk: string | Uint8Array): void;
  /**
   * Ends the input and returns the items in file order.
   *
   * @throws DataError `EMPTY_INPUT` without rows, `INVALID_ROW` when no row is valid,
   *   `UNKNOWN_COLUMN` for a mapping that does not fit the file.
   */
  finish(): ParsedCatalog;
}

/** Normalized header names (and JSON keys) recognised for each catalog field. */
export const CATALOG_COLUMN_ALIASES: ColumnAliases<CatalogField> = {
  id: ['id', 'itemid', 'item', 'productid', 'product', 'sku', 'movieid', 'articleid', 'contentid'],
  title: ['title', 'name', 'productname', 'itemname'],
  description: ['description', 'desc', 'summary', 'details', 'body'],
  category: ['category', 'categorypath', 'categories', 'productcategory'],
  tags: ['tags', 'tag', 'keywords', 'labels', 'genres'],
  price: ['price', 'cost'],
  inStock: ['instock', 'available', 'isavailable', 'availability'],
  imageUrl: ['imageurl', 'image', 'imagelink', 'img', 'thumbnail', 'picture'],
};

const HEADERLESS_DEFAULTS: Partial<Record<CatalogField, number>> = { id: 0, title: 1 };
const MAPPING_HINT = 'Check the format and the column mapping (options.columns, e.g. columns.id).';

/**
 * Creates an incremental catalog parser for CSV, TSV, JSON Lines and MovieLens `u.item`. Rows
 * with malformed fields or an id seen before (the first wins) are rejected with their line.
 */
export function createCatalogParser(options: CatalogParseOptions = {}): CatalogParser {
  const explicit: Partial<Record<CatalogField, ColumnRef>> = options.columns ?? {};
  const report = createReportCollector(options.maxReportedErrors);
  const items: Item[] = [];
  const firstLine = new Map<string, number>();
  const values: unknown[] = [];

  let header: readonly string[] | null = null;
  let cols: Record<CatalogField, number> | null = null;
  let claimed: Uint8Array = new Uint8Array(0);
  let minFields = 0;
  let labels: string[] = [];

  let matcher: KeyMatcher | null = null;
  const jsonKeys: (string | undefined)[] = [];
  let firstJsonKeys: string[] | null = null;
  const seenField = new Uint8Array(CATALOG_FIELDS.length);

  const add = (item: Item | string, line: number): void => {
    if (typeof item === 'string') {
      report.reject(line, item);
      return;
    }
    const seenAt = firstLine.get(item.id);
    if (seenAt !== undefined) {
      report.reject(
        line,
        `duplicate item id ${quoteValue(item.id)} (first seen on line ${seenAt}; the first row is kept)`,
      );
      return;
    }
    firstLine.set(item.id, line);
    items.push(item);
    report.accept();
  };

  const delimitedRow = (fields: FieldSpans, line: number): void => {
    if (fields.count < minFields) {
      report.reject(line, `too few columns: expected at least ${minFields}, found ${fields.count}`);
      return;
    }
    const mapped = cols!;
    for (let f = 0; f < CATALOG_FIELDS.length; f++) {
      const index = mapped[CATALOG_FIELDS[f]!];
      values[f] = index >= 0 ? fields.get(index) : undefined;
    }
    let attributes: Record<string, AttributeValue> | null = null;
    for (let i = 0; i < fields.count; i++) {
      if (claimed[i] === 1) continue;
      const value = textAttribute(fields.get(i));
      if (value === undefined) continue;
      attributes ??= {};
      attributes[header?.[i] || `column${i}`] = value;
    }
    add(buildCatalogItem(values, labels, attributes), line);
  };

  const jsonRow = (fields: FieldSpans, line: number): void => {
    const row = parseJsonLine(fields.get(0));
    if (typeof row === 'string') {
      report.reject(line, row);
      return;
    }
    if (firstJsonKeys === null) {
      if (looksLikeCatalogIndex(row)) {
        throw new DataError(
          'UNKNOWN_FORMAT',
          "This is the index of a sharded catalog (catalog-index.json), not a catalog: give catalog.json, which hearth-recs train writes next to it (the widget's catalog-src takes either).",
        );
      }
      firstJsonKeys = Object.keys(row);
    }
    matcher!.match(row, values, jsonKeys);
    let attributes: Record<string, AttributeValue> | null = null;
    for (const key in row) {
      if (jsonKeys.includes(key)) continue;
      const value = jsonAttribute(row[key]);
      if (value === undefined) continue;
      attributes ??= {};
      attributes[key] = value;
    }
    const keyLabels = CATALOG_FIELDS.map((field, f) => {
      if (jsonKeys[f] !== undefined) seenField[f] = 1;
      return field === 'id' && jsonKeys[f] === undefined
        ? 'item id (no id, itemId, sku or productId key; map it with columns.id)'
        : `${field} (key "${jsonKeys[f] ?? field}")`;
    });
    add(buildCatalogItem(values, keyLabels, attributes), line);
  };

  const movieLensRow = (fields: FieldSpans, line: number): void => {
    add(movieLensItemFromFields(fields), line);
  };

  let rowHandler = delimitedRow;

  const sink: RecordSink = {
    begin(detected, first, second) {
      if (detected.format === 'movielens') {
        rowHandler = movieLensRow;
        return false;
      }
      if (detected.layout.kind === 'lines') {
        matcher = createKeyMatcher(CATALOG_FIELDS, CATALOG_COLUMN_ALIASES, explicit);
        rowHandler = jsonRow;
        return false;
      }
      const row = first ?? [];
      const hasHeader = decideHeader(options.header, explicit, row, second, CATALOG_COLUMN_ALIASES);
      header = hasHeader ? row : null;
      const resolved = resolveColumns({
        roles: CATALOG_FIELDS,
        aliases: CATALOG_COLUMN_ALIASES,
        explicit,
        header,
        width: row.length,
        headerlessDefaults: HEADERLESS_DEFAULTS,
      });
      if (resolved.id < 0) throw missingColumnError('id', header, row.length);
      cols = resolved;
      claimed = new Uint8Array(Math.max(row.length, ...CATALOG_FIELDS.map((f) => resolved[f] + 1)));
      for (const field of CATALOG_FIELDS) if (resolved[field] >= 0) claimed[resolved[field]] = 1;
      minFields = Math.max(...CATALOG_FIELDS.map((f) => resolved[f])) + 1;
      labels = CATALOG_FIELDS.map((field) =>
        columnLabel(field === 'id' ? 'item id' : field, resolved[field], header),
      );
      return hasHeader;
    },
    row(fields, line) {
      rowHandler(fields, line);
    },
    reject(line, reason) {
      report.reject(line, reason);
    },
  };

  const stream = createRecordStream({
    kind: 'catalog',
    format: options.format ?? 'auto',
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
    ...(options.encoding !== undefined ? { encoding: options.encoding } : {}),
    sink,
  });

  return {
    push(chunk) {
      stream.push(chunk);
    },
    finish() {
      const built = report.build(stream.finish().format);
      if (matcher !== null) checkJsonMapping(matcher, built.acceptedRows);
      const problem = noRowsError(built, 'catalog', MAPPING_HINT);
      if (problem !== null) throw problem;
      return { items, report: built };
    },
  };

  function checkJsonMapping(keyMatcher: KeyMatcher, accepted: number): void {
    const keys = firstJsonKeys ?? [];
    for (let f = 0; f < CATALOG_FIELDS.length; f++) {
      const unseen = seenField[f] === 0 && keys.length > 0;
      if (unseen && (keyMatcher.isExplicit(f) || (f === 0 && accepted === 0))) {
        throw missingColumnError(CATALOG_FIELDS[f]!, keys, keys.length);
      }
    }
  }
}

/**
 * Parses a catalog (CSV, TSV, JSON Lines or MovieLens `u.item`) from any {@link ParseInput},
 * streaming it through {@link createCatalogParser}.
 *
 * @example
 * const { items, report } = await parseCatalog(file, { columns: { id: 'sku', title: 'name' } });
 */
export async function parseCatalog(
  input: ParseInput,
  options: CatalogParseOptions = {},
): Promise<ParsedCatalog> {
  const parser = acceptJsonArray(createCatalogParser(options));
  await pushInput(input, parser, options.signal);
  return parser.finish();
}
