/**
 * Data ingestion: streaming parsers that turn interaction logs and catalogs (CSV, TSV, JSON Lines,
 * whitespace-separated and MovieLens files) into Hearth's columnar dataset and catalog `Item`s, with
 * a per-row {@link ImportReport}.
 *
 * @example
 * const { dataset, report } = await parseInteractions(file);
 * if (report.rejectedRows > 0) console.warn(report.errors);
 *
 * @module
 */

export {
  createInteractionParser,
  parseInteractions,
  INTERACTION_COLUMN_ALIASES,
  type InteractionColumnMapping,
  type InteractionParseOptions,
  type InteractionParser,
  type ParsedInteractions,
} from './parse-interactions';
export {
  createCatalogParser,
  parseCatalog,
  CATALOG_COLUMN_ALIASES,
  type CatalogColumnMapping,
  type CatalogParseOptions,
  type CatalogParser,
  type ParsedCatalog,
} from './parse-catalog';
export { CATALOG_FIELDS, type AttributeValue, type CatalogField } from './catalog-item';
export {
  detectFormat,
  type CatalogFormat,
  type DataFormat,
  type DetectedFormat,
  type DetectFormatOptions,
  type InteractionFormat,
  type RecordLayout,
} from './detect-format';
export { DEFAULT_MAX_REPORTED_ERRORS, type ImportReport, type RowError } from './import-report';
export type { BlobLike, ParseInput } from './input-chunks';
export type { TextEncoding } from './chunk-decoder';
export type { ColumnRef } from './column-mapping';
export { MOVIELENS_GENRES } from './movielens';
export { MAX_INTERACTION_VALUE } from './field-values';
