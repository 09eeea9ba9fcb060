import type { Item } from '../types';
import type { FieldSpans } from './field-spans';
import type { RecordLayout } from './detect-format';

/** MovieLens 100K genres in `u.genre` order: the order of the genre flags in `u.item`. */
export const MOVIELENS_GENRES = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
] as const;

/** Fields before the genre flags in `u.item`: id, title, release date, video date, IMDb URL. */
const ITEM_HEAD_FIELDS = 5;
const ITEM_FIELDS = ITEM_HEAD_FIELDS + MOVIELENS_GENRES.length;

const U_DATA_LINE = /^\d+\t\d+\t\d+(?:\.\d+)?\t\d+$/;
const RATINGS_DAT_LINE = /^\d+::\d+::\d+(?:\.\d+)?::\d+$/;
const FLAG = /^[01]$/;

/** Whether a line is the header of MovieLens `ratings.csv` (ml-latest, ml-20m, ml-25m …). */
export function isMovieLensRatingsHeader(line: string): boolean {
  return line.trim().toLowerCase() === 'userid,movieid,rating,timestamp';
}

/**
 * Layout of a MovieLens ratings file (`u.data`, `ratings.csv` or `ratings.dat`) recognised from
 * its first non-blank lines, or null when the lines are not one of those.
 */
export function movieLensRatingsLayout(lines: readonly string[]): RecordLayout | null {
  const first = lines[0];
  if (first === undefined) return null;
  if (isMovieLensRatingsHeader(first)) return { kind: 'delimited', delimiter: ',', quotes: true };
  if (lines.every((line) => U_DATA_LINE.test(line)))
    return { kind: 'delimited', delimiter: '\t', quotes: false };
  if (lines.every((line) => RATINGS_DAT_LINE.test(line)))
    return { kind: 'separator', separator: '::' };
  return null;
}

/** Whether a line looks like MovieLens `u.item`: 24 `|`-separated fields ending in 19 0/1 flags. */
export function isMovieLensItemLine(line: string): boolean {
  const fields = line.split('|');
  if (fields.length !== ITEM_FIELDS || !/^\d+$/.test(fields[0] ?? '')) return false;
  return fields.slice(ITEM_HEAD_FIELDS).every((flag) => FLAG.test(flag));
}

const MONTHS: Readonly<Record<string, string>> = {
  jan: '01',
  feb: '02',
  mar: '03',
  apr: '04',
  may: '05',
  jun: '06',
  jul: '07',
  aug: '08',
  sep: '09',
  oct: '10',
  nov: '11',
  dec: '12',
};

/**
 * Converts one `u.item` record to an {@link Item}: the title, `attributes.releaseDate` (ISO
 * `YYYY-MM-DD` when parseable) and `attributes.year`, `attributes.imdbUrl`, the first set genre as
 * `category` and every set genre as `tags`. Returns the rejection reason instead when malformed.
 */
export function movieLensItemFromFields(fields: FieldSpans): Item | string {
  if (fields.count < ITEM_FIELDS) {
    return (
      `too few fields: expected ${ITEM_FIELDS} (id|title|release date|video release date|IMDb URL|` +
      `${MOVIELENS_GENRES.length} genre flags), found ${fields.count}`
    );
  }
  const id = fields.get(0);
  if (id === '') return 'empty item id (field 1, id)';
  const genres: string[] = [];
  for (let g = 0; g < MOVIELENS_GENRES.length; g++) {
    const flag = fields.get(ITEM_HEAD_FIELDS + g);
    if (!FLAG.test(flag)) {
      return `genre flag ${MOVIELENS_GENRES[g]} (field ${ITEM_HEAD_FIELDS + g + 1}) must be 0 or 1, got "${flag}"`;
    }
    if (flag === '1') genres.push(MOVIELENS_GENRES[g]!);
  }
  const attributes: Record<string, string | number> = {};
  const released = fields.get(2);
  if (released !== '') {
    const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(released);
    const month = match ? MONTHS[match[2]!.toLowerCase()] : undefined;
    attributes.releaseDate =
      match && month !== undefined
        ? `${match[3]!}-${month}-${match[1]!.padStart(2, '0')}`
        : released;
    const year = /\d{4}/.exec(released);
    if (year) attributes.year = Number(year[0]);
  }
  const imdbUrl = fields.get(4);
  if (imdbUrl !== '') attributes.imdbUrl = imdbUrl;
  const title = fields.get(1);
  return {
    id,
    ...(title !== '' ? { title } : {}),
    ...(genres.length > 0 ? { category: [genres[0]!], tags: genres } : {}),
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
}
