import { describe, expect, it } from 'vitest';
import { DataError, OptionError } from '../../../../src/core/errors';
import { EVENT_TYPES, type EventType } from '../../../../src/core/data/types';
import {
  parseInteractions,
  type InteractionParseOptions,
  type ParsedInteractions,
} from '../../../../src/core/data/parse/index';

/** Rows of a parsed dataset as plain tuples, ids mapped back. */
function rows(parsed: ParsedInteractions): [string, string, EventType, number, number][] {
  const { columns, userVocab, itemVocab } = parsed.dataset;
  const out: [string, string, EventType, number, number][] = [];
  for (let i = 0; i < columns.length; i++) {
    out.push([
      userVocab.idAt(columns.users[i]!),
      itemVocab.idAt(columns.items[i]!),
      EVENT_TYPES[columns.types[i]!]!,
      columns.values[i]!,
      columns.timestamps[i]!,
    ]);
  }
  return out;
}

async function parse(text: string, options: InteractionParseOptions = {}) {
  return parseInteractions(text, options);
}

async function dataError(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe('parseInteractions formats', () => {
  it('reads CSV with a header, finding columns by name', async () => {
    const parsed = await parse(
      'user_id,product_id,event_type,ts\nu1,p1,view,1700000000\nu2,p2,Add_To_Cart,1700000001\n',
    );
    expect(parsed.report).toMatchObject({
      format: 'csv',
      totalRows: 2,
      acceptedRows: 2,
      rejectedRows: 0,
    });
    expect(rows(parsed)).toEqual([
      ['u1', 'p1', 'view', NaN, 1_700_000_000_000],
      ['u2', 'p2', 'cart', NaN, 1_700_000_001_000],
    ]);
  });

  it('reads TSV and defaults to rating events when a value column exists', async () => {
    const parsed = await parse('userId\titemId\trating\nalice\tbook\t4.5\n');
    expect(parsed.report.format).toBe('tsv');
    expect(rows(parsed)).toEqual([['alice', 'book', 'rating', 4.5, NaN]]);
  });

  it('reads JSON Lines with key aliases, numbers as ids and ISO dates', async () => {
    const text = [
      '{"visitor_id": 7, "sku": "A-1", "event": "purchase", "quantity": 2, "time": "2024-01-02T03:04:05Z"}',
      '{"userId": "x", "itemId": 12, "type": "buy"}',
      '',
    ].join('\n');
    const parsed = await parse(text);
    expect(parsed.report.format).toBe('jsonl');
    expect(rows(parsed)).toEqual([
      ['7', 'A-1', 'purchase', 2, Date.UTC(2024, 0, 2, 3, 4, 5)],
      ['x', '12', 'purchase', NaN, NaN],
    ]);
  });

  it('reads whitespace-separated headerless columns with default positions', async () => {
    const parsed = await parse('1   10  5 881250949\n2\t 20 3  881250950\n');
    expect(parsed.report.format).toBe('whitespace');
    expect(rows(parsed)).toEqual([
      ['1', '10', 'rating', 5, 881_250_949_000],
      ['2', '20', 'rating', 3, 881_250_950_000],
    ]);
  });

  it('maps headerless whitespace columns by index, as the CLI passes them', async () => {
    const parsed = await parse('5 100 u9\n6 101 u8\n', {
      format: 'whitespace',
      columns: { user: '2', item: 0 },
    });
    expect(rows(parsed)).toEqual([
      ['u9', '5', 'click', NaN, NaN],
      ['u8', '6', 'click', NaN, NaN],
    ]);
  });

  it('reads MovieLens u.data lines as ratings with second timestamps', async () => {
    const parsed = await parse('196\t242\t3\t881250949\n186\t302\t3\t891717742\n');
    expect(parsed.report.format).toBe('movielens');
    expect(rows(parsed)[0]).toEqual(['196', '242', 'rating', 3, 881_250_949_000]);
  });

  it('reads MovieLens ratings.csv and ratings.dat', async () => {
    const csv = await parse('userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n');
    expect(csv.report.format).toBe('movielens');
    expect(rows(csv)).toEqual([['1', '31', 'rating', 2.5, 1_260_759_144_000]]);
    const dat = await parse('1::1193::5::978300760\n1::661::3::978302109\n');
    expect(dat.report.format).toBe('movielens');
    expect(rows(dat)[1]).toEqual(['1', '661', 'rating', 3, 978_302_109_000]);
  });

  it('honours an explicit format over sniffing', async () => {
    const parsed = await parse('a,b\tc\nd,e\tf\n', { format: 'tsv', header: false });
    expect(parsed.report.format).toBe('tsv');
    expect(rows(parsed)).toEqual([
      ['a,b', 'c', 'click', NaN, NaN],
      ['d,e', 'f', 'click', NaN, NaN],
    ]);
  });

  it('sniffs semicolon-separated files as CSV', async () => {
    const parsed = await parse('user;item;rating\nu;i;4,5\nu;j;3\n');
    expect(parsed.report.format).toBe('csv');
    expect(parsed.report.errors).toEqual([
      { line: 2, reason: 'value (column "rating") is not a number: "4,5"' },
    ]);
    expect(rows(parsed)).toEqual([['u', 'j', 'rating', 3, NaN]]);
  });

  it('treats a single headerless column as item ids of the default user', async () => {
    const parsed = await parse('10\n11\n10\n', { defaultUserId: 'me' });
    expect(rows(parsed).map((r) => [r[0], r[1], r[2]])).toEqual([
      ['me', '10', 'click'],
      ['me', '11', 'click'],
      ['me', '10', 'click'],
    ]);
    expect(parsed.dataset.itemVocab.size).toBe(2);
  });
});

describe('parseInteractions CSV details', () => {
  it('handles RFC 4180 quoting: delimiters, doubled quotes and newlines inside quotes', async () => {
    const text = 'user,item,rating\n"u,1","say ""hi""",4\nu2,"multi\nline",3\nu3,plain,2\n';
    const parsed = await parse(text);
    expect(rows(parsed).map((r) => [r[0], r[1]])).toEqual([
      ['u,1', 'say "hi"'],
      ['u2', 'multi\nline'],
      ['u3', 'plain'],
    ]);
  });

  it('reports physical line numbers after quoted newlines', async () => {
    const parsed = await parse('user,item,rating\nu,"a\nb\nc",1\nu,x,bad\n');
    expect(parsed.report.errors).toEqual([
      { line: 5, reason: 'value (column "rating") is not a number: "bad"' },
    ]);
  });

  it('strips a UTF-8 BOM and accepts CRLF line endings', async () => {
    const bytes = new TextEncoder().encode(
      '\uFEFFuser,item,rating\r\nu1,i1,5\r\nu2,"i\r\n2",4\r\n',
    );
    const parsed = await parseInteractions(bytes);
    expect(rows(parsed)).toEqual([
      ['u1', 'i1', 'rating', 5, NaN],
      ['u2', 'i\r\n2', 'rating', 4, NaN],
    ]);
    expect(parsed.dataset.userVocab.toArray()).toEqual(['u1', 'u2']);
  });

  it('rejects an unterminated quote at its line and keeps reading after it', async () => {
    const parsed = await parse('user,item\nu1,i1\nu2,"broken\n');
    expect(rows(parsed).map((r) => r[1])).toEqual(['i1']);
    expect(parsed.report.errors).toEqual([
      { line: 3, reason: 'unterminated quoted field: a " opens a field but never closes it' },
    ]);
  });

  it('keeps ids with leading zeros distinct from plain integers', async () => {
    const parsed = await parse('user,item\n1,007\n1,7\n01,7\n');
    expect(parsed.dataset.itemVocab.toArray()).toEqual(['007', '7']);
    expect(parsed.dataset.userVocab.toArray()).toEqual(['1', '01']);
  });
});

describe('parseInteractions column mapping', () => {
  it('maps columns by header name, case- and separator-insensitively', async () => {
    const parsed = await parse('who,what,how much,when\na,b,2,2024-05-01\n', {
      columns: { user: 'WHO', item: 'what', value: 'how_much', timestamp: 'when' },
      defaultType: 'purchase',
    });
    expect(rows(parsed)).toEqual([['a', 'b', 'purchase', 2, Date.UTC(2024, 4, 1)]]);
  });

  it('maps columns by index in a file with a header', async () => {
    const parsed = await parse('x,y,z\n1,2,3\n', { columns: { user: 2, item: 0 }, header: true });
    expect(rows(parsed)).toEqual([['3', '1', 'click', NaN, NaN]]);
  });

  it('uses one default user when there is no user column', async () => {
    const parsed = await parse('item,type\na,view\nb,click\n');
    expect(parsed.dataset.userVocab.toArray()).toEqual(['local']);
    expect(rows(parsed).map((r) => r[2])).toEqual(['view', 'click']);
  });

  it('detects a header from non-numeric text above numbers', async () => {
    const parsed = await parse('a,b,c\n1,2,3\n', { columns: { user: 0, item: 1, value: 2 } });
    expect(parsed.report.totalRows).toBe(1);
    expect(rows(parsed)).toEqual([['1', '2', 'rating', 3, NaN]]);
  });

  it('treats a numeric first row as data', async () => {
    const parsed = await parse('1,2,3\n4,5,6\n');
    expect(parsed.report.totalRows).toBe(2);
  });

  it('throws UNKNOWN_COLUMN listing the available columns for an unknown name', async () => {
    const error = await dataError(parse('user,sku\nu,i\n', { columns: { item: 'product' } }));
    expect(error.code).toBe('UNKNOWN_COLUMN');
    expect(error.message).toContain('"user", "sku"');
    expect(error.message).toContain('--item-col');
  });

  it('throws UNKNOWN_COLUMN when no item column can be found', async () => {
    const error = await dataError(parse('user,thing\nu,i\n'));
    expect(error.code).toBe('UNKNOWN_COLUMN');
    expect(error.message).toMatch(/map the item column with --item-col or columns\.item/i);
  });

  it('names the CLI flags that exist: --weight-col for values, --time-col for timestamps', async () => {
    const value = await dataError(parse('user,item\nu,i\n', { columns: { value: 'plays' } }));
    expect(value.message).toContain('--weight-col or columns.value');
    const time = await dataError(parse('user,item\nu,i\n', { columns: { timestamp: 'when' } }));
    expect(time.message).toContain('--time-col or columns.timestamp');
    expect(`${value.message} ${time.message}`).not.toMatch(/--value-col|--timestamp-col/);
  });

  it('throws UNKNOWN_COLUMN for an out-of-range index', async () => {
    const error = await dataError(parse('1 2\n3 4\n', { columns: { item: 5 } }));
    expect(error.code).toBe('UNKNOWN_COLUMN');
    expect(error.message).toContain('out of range');
  });

  it('throws UNKNOWN_COLUMN for a JSON key that no row has', async () => {
    const error = await dataError(
      parse('{"item":"a","ts":1}\n', { columns: { timestamp: 'time_ms' } }),
    );
    expect(error.code).toBe('UNKNOWN_COLUMN');
    expect(error.message).toContain('"item", "ts"');
  });

  it('rejects invalid options with OptionError', async () => {
    await expect(parse('a\n', { defaultType: 'like' as EventType })).rejects.toBeInstanceOf(
      OptionError,
    );
    await expect(parse('a\n', { maxReportedErrors: -1 })).rejects.toBeInstanceOf(OptionError);
    await expect(parse('a\n', { delimiter: '::' })).rejects.toBeInstanceOf(OptionError);
  });
});

describe('parseInteractions bad rows', () => {
  it('rejects each malformed row with its line and field, keeping its neighbours', async () => {
    const text = [
      'user,item,rating,type,timestamp', // 1
      'u1,i1,5,rating,1700000000', // 2 ok
      'u2,,4,rating,1700000000', // 3 empty item
      '', // 4 blank
      'u3,i3,abc,rating,1700000000', // 5 bad value
      'u4,i4,3,teleport,1700000000', // 6 bad type
      'u5,i5,3,rating,yesterday', // 7 bad timestamp
      'u6,i6', // 8 too few columns
      ',i7,1,view,1700000000', // 9 empty user
      'u8,i8,2,VIEW,', // 10 ok, no timestamp
    ].join('\n');
    const parsed = await parse(text);
    expect(parsed.report).toMatchObject({
      totalRows: 8,
      acceptedRows: 2,
      rejectedRows: 6,
      truncatedErrors: 0,
    });
    expect(parsed.report.errors.map((e) => e.line)).toEqual([3, 5, 6, 7, 8, 9]);
    const [item, value, type, time, columns, user] = parsed.report.errors.map((e) => e.reason);
    expect(item).toBe('empty item id (column "item")');
    expect(value).toBe('value (column "rating") is not a number: "abc"');
    expect(type).toContain('type (column "type") "teleport" is not an event type');
    expect(time).toBe(
      'timestamp (column "timestamp") is not a Unix time or ISO 8601 date: "yesterday"',
    );
    expect(columns).toBe('too few columns: expected at least 5, found 2');
    expect(user).toBe('empty user id (column "user")');
    expect(rows(parsed)).toEqual([
      ['u1', 'i1', 'rating', 5, 1_700_000_000_000],
      ['u8', 'i8', 'view', 2, NaN],
    ]);
    // Rejected rows never reach the vocabularies.
    expect(parsed.dataset.itemVocab.toArray()).toEqual(['i1', 'i8']);
  });

  it('rejects invalid and non-object JSON lines', async () => {
    const text = '{"item":"a"}\n{"item":\n[1,2]\n"text"\n{"user":"u"}\n{"item":true}\n';
    const parsed = await parse(text, { format: 'jsonl' });
    expect(parsed.report.errors.map((e) => [e.line, e.reason.split(' (')[0]])).toEqual([
      [2, 'invalid JSON'],
      [3, 'not a JSON object'],
      [4, 'not a JSON object'],
      [5, 'missing item id'],
      [6, 'item'],
    ]);
    expect(parsed.report.errors[4]!.reason).toBe('item (key "item") must be a string or number');
    expect(parsed.report.acceptedRows).toBe(1);
  });

  it('keeps only maxReportedErrors errors and counts the rest', async () => {
    const text =
      'user,item,rating\n' +
      Array.from({ length: 30 }, (_, i) => `u${i},i,x`).join('\n') +
      '\nu,i,1\n';
    const parsed = await parse(text, { maxReportedErrors: 5 });
    expect(parsed.report.rejectedRows).toBe(30);
    expect(parsed.report.errors).toHaveLength(5);
    expect(parsed.report.truncatedErrors).toBe(25);
    expect(parsed.report.errors[4]!.line).toBe(6);
  });
});

describe('parseInteractions errors', () => {
  it('throws EMPTY_INPUT for empty, blank or header-only input', async () => {
    for (const text of ['', '\n\n  \n', 'user,item,rating\n']) {
      expect((await dataError(parse(text))).code).toBe('EMPTY_INPUT');
    }
  });

  it('throws INVALID_ROW summarizing the first errors when no row is valid', async () => {
    const error = await dataError(parse('user,item,rating\nu,i,x\nu,j,y\n'));
    expect(error.code).toBe('INVALID_ROW');
    expect(error.message).toContain('line 2: value (column "rating") is not a number: "x"');
    expect(error.message).toContain('line 3');
  });

  it('throws UNREADABLE_INPUT for NUL bytes and invalid UTF-8', async () => {
    const nul = await dataError(
      parseInteractions(new Uint8Array([0x61, 0x2c, 0x62, 0x0a, 0x00, 0x01])),
    );
    expect(nul.code).toBe('UNREADABLE_INPUT');
    const latin1 = await dataError(parseInteractions(new Uint8Array([0x75, 0x2c, 0xe9, 0x0a])));
    expect(latin1.code).toBe('UNREADABLE_INPUT');
    expect(latin1.message).toContain('UTF-8');
  });

  it('reads latin-1 bytes when told the encoding', async () => {
    const parsed = await parseInteractions(new Uint8Array([0x75, 0x2c, 0xe9, 0x0a]), {
      encoding: 'latin1',
      header: false,
    });
    expect(rows(parsed)[0]!.slice(0, 2)).toEqual(['u', 'é']);
  });

  it('throws UNKNOWN_FORMAT for a JSON array', async () => {
    expect((await dataError(parse('[{"item":"a"}]'))).code).toBe('UNKNOWN_FORMAT');
  });

  it('stops with CancelledError when the signal fires', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(parse('a\n', { signal: controller.signal })).rejects.toMatchObject({
      code: 'TRAINING_CANCELLED',
    });
  });
});
