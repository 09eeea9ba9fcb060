import { DataError, OptionError } from '../../errors';
import { isMovieLensItemLine, isMovieLensRatingsHeader, movieLensRatingsLayout } from './movielens';

/** A concrete text format (what `auto` resolves to). */
export type DataFormat = 'csv' | 'tsv' | 'jsonl' | 'whitespace' | 'movielens';

/** Formats accepted for interaction logs; `auto` sniffs the first lines. */
export type InteractionFormat = 'auto' | DataFormat;

/** Formats accepted for catalogs; `movielens` means a MovieLens `u.item` file. */
export type CatalogFormat = 'auto' | 'csv' | 'tsv' | 'jsonl' | 'movielens';

/** How records and fields are laid out in the text. */
export type RecordLayout =
  | { readonly kind: 'delimited'; readonly delimiter: string; readonly quotes: boolean }
  | { readonly kind: 'whitespace' }
  | { readonly kind: 'separator'; readonly separator: string }
  | { readonly kind: 'lines' };

/** Result of {@link detectFormat}. */
export interface DetectedFormat {
  readonly format: DataFormat;
  readonly layout: RecordLayout;
}

/** Options of {@link detectFormat}. */
export interface DetectFormatOptions {
  /** What the file holds; decides which MovieLens file `movielens` means. */
  readonly kind: 'interactions' | 'catalog';
  /** A format to use instead of sniffing (its layout is still resolved). Default `'auto'`. */
  readonly format?: InteractionFormat;
  /** Field delimiter for `csv`, overriding the sniffed one (one character). */
  readonly delimiter?: string;
}

/** Lines looked at when sniffing. */
export const SNIFF_LINES = 5;

const CANDIDATE_DELIMITERS = ['\t', ',', ';', '|'] as const;

/**
 * Resolves the format and record layout of a file from its first lines.
 *
 * `auto` picks, in order: JSON Lines (a line starting with `{`), the MovieLens formats (`u.data`:
 * four tab-separated integer columns; `ratings.csv` header `userId,movieId,rating,timestamp`;
 * `ratings.dat` with `::`; for catalogs `u.item`), TSV (tabs), CSV (the most frequent of `,` `;`
 * `|`), then whitespace-separated columns.
 *
 * @param sample The beginning of the file (complete lines; blank lines are ignored).
 * @throws DataError `UNKNOWN_FORMAT` for a JSON array, which must be converted to JSON Lines.
 */
export function detectFormat(sample: string, options: DetectFormatOptions): DetectedFormat {
  const lines = sampleLines(sample);
  const format = options.format ?? 'auto';
  if (options.delimiter !== undefined && options.delimiter.length !== 1) {
    throw new OptionError(`delimiter must be a single character, got "${options.delimiter}".`);
  }
  const quotedCsv = (delimiter: string): DetectedFormat => ({
    format: delimiter === '\t' ? 'tsv' : 'csv',
    layout: { kind: 'delimited', delimiter, quotes: true },
  });
  switch (format) {
    case 'csv':
      return quotedCsv(options.delimiter ?? ',');
    case 'tsv':
      return quotedCsv('\t');
    case 'jsonl':
      return { format, layout: { kind: 'lines' } };
    case 'whitespace':
      if (options.kind === 'catalog') {
        throw new OptionError(
          'Catalogs cannot be whitespace-separated: titles contain spaces. Use csv, tsv or jsonl.',
        );
      }
      return { format, layout: { kind: 'whitespace' } };
    case 'movielens':
      return { format, layout: movieLensLayout(lines, options.kind) };
    case 'auto':
      return sniff(lines, options);
    default:
      throw new OptionError(
        `Unknown format "${String(format)}": use auto, csv, tsv, jsonl, whitespace or movielens.`,
      );
  }
}

function sniff(lines: readonly string[], options: DetectFormatOptions): DetectedFormat {
  const first = lines[0] ?? '';
  if (first.startsWith('{')) return { format: 'jsonl', layout: { kind: 'lines' } };
  if (first.startsWith('[')) {
    throw new DataError(
      'UNKNOWN_FORMAT',
      'The input looks like a JSON array. Write one JSON object per line (JSON Lines), e.g. with `jq -c ".[]"`, and import that.',
    );
  }
  if (options.kind === 'interactions') {
    const layout = movieLensRatingsLayout(lines);
    if (layout !== null) return { format: 'movielens', layout };
  } else if (lines.length > 0 && lines.every(isMovieLensItemLine)) {
    return { format: 'movielens', layout: { kind: 'delimited', delimiter: '|', quotes: false } };
  }
  if (options.delimiter !== undefined) {
    return {
      format: options.delimiter === '\t' ? 'tsv' : 'csv',
      layout: { kind: 'delimited', delimiter: options.delimiter, quotes: true },
    };
  }
  let best = '';
  let bestCount = 0;
  for (const delimiter of CANDIDATE_DELIMITERS) {
    const count = first.split(delimiter).length - 1;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  if (best !== '') {
    return {
      format: best === '\t' ? 'tsv' : 'csv',
      layout: { kind: 'delimited', delimiter: best, quotes: true },
    };
  }
  if (options.kind === 'interactions' && /\S +\S/.test(first)) {
    return { format: 'whitespace', layout: { kind: 'whitespace' } };
  }
  // A single column (e.g. a list of item ids) reads the same in any delimited format.
  return { format: 'csv', layout: { kind: 'delimited', delimiter: ',', quotes: true } };
}

function movieLensLayout(
  lines: readonly string[],
  kind: DetectFormatOptions['kind'],
): RecordLayout {
  if (kind === 'catalog') return { kind: 'delimited', delimiter: '|', quotes: false };
  const first = lines[0] ?? '';
  if (first.includes('::')) return { kind: 'separator', separator: '::' };
  if (isMovieLensRatingsHeader(first) || (first.includes(',') && !first.includes('\t'))) {
    return { kind: 'delimited', delimiter: ',', quotes: true };
  }
  return { kind: 'delimited', delimiter: '\t', quotes: false };
}

/** Non-blank lines of a sample (LF, CRLF or CR-only endings), without a byte order mark. */
function sampleLines(sample: string): string[] {
  const text = sample.charCodeAt(0) === 0xfeff ? sample.slice(1) : sample;
  const out: string[] = [];
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line !== '') out.push(line);
    if (out.length === SNIFF_LINES) break;
  }
  return out;
}
