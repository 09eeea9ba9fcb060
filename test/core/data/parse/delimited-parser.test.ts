import { describe, expect, it } from 'vitest';
import {
  createDelimitedReader,
  MAX_QUOTED_FIELD_CHARS,
} from '../../../../src/core/data/parse/delimited-parser';
import { FieldSpans, parseNumber } from '../../../../src/core/data/parse/field-spans';
import {
  createSeparatorReader,
  createWhitespaceReader,
  type RecordReader,
} from '../../../../src/core/data/parse/line-splitter';

/** All records of `text` as field arrays (or `!error`), with the line each starts on. */
function readAll(reader: RecordReader, text: string): [number, string[] | string][] {
  const spans = new FieldSpans();
  const out: [number, string[] | string][] = [];
  let pos = 0;
  let line = 1;
  while (pos < text.length) {
    const next = reader.read(text, pos, true, spans);
    out.push([line, spans.error !== null ? `!${spans.error}` : spans.toArray()]);
    line += spans.lines;
    pos = next;
  }
  return out;
}

describe('createDelimitedReader', () => {
  const csv = createDelimitedReader({ delimiter: ',' });

  it('splits RFC 4180 records', () => {
    const text = 'a,"b,c","d ""e"" f"\r\n"multi\nline",,"" \n  "lead",x"y",z\n"tail"junk,end';
    expect(readAll(csv, text)).toEqual([
      [1, ['a', 'b,c', 'd "e" f']],
      [2, ['multi\nline', '', '']],
      [4, ['lead', 'x"y"', 'z']],
      [5, ['tailjunk', 'end']],
    ]);
  });

  it('keeps trailing empty fields and reads a last line without newline', () => {
    expect(readAll(csv, 'a,b,\nc')).toEqual([
      [1, ['a', 'b', '']],
      [2, ['c']],
    ]);
  });

  it('asks for more text instead of guessing at a chunk end', () => {
    const spans = new FieldSpans();
    expect(csv.read('a,b', 0, false, spans)).toBe(-1);
    expect(csv.read('a,"b\n', 0, false, spans)).toBe(-1);
    expect(csv.read('a,"b"', 0, false, spans)).toBe(-1);
    expect(csv.read('a,b\nc', 0, false, spans)).toBe(4);
  });

  it('rejects a runaway quoted field and resumes on the next line', () => {
    const text = `x,"open\nnext,row\n${'y'.repeat(MAX_QUOTED_FIELD_CHARS)}\n`;
    const records = readAll(csv, text);
    expect(records[0]![1]).toMatch(/^!unterminated/);
    expect(records[1]).toEqual([2, ['next', 'row']]);
  });

  it('treats quotes literally when quoting is off', () => {
    const pipe = createDelimitedReader({ delimiter: '|', quotes: false });
    expect(readAll(pipe, '"a|b"|c\n')).toEqual([[1, ['"a', 'b"', 'c']]]);
  });
});

describe('line readers', () => {
  it('splits on runs of blanks and on literal separators', () => {
    expect(readAll(createWhitespaceReader(), '  a \t b  c\r\n\nd\n')).toEqual([
      [1, ['a', 'b', 'c']],
      [2, []],
      [3, ['d']],
    ]);
    expect(readAll(createSeparatorReader('::'), '1::2::3\r\n4::5\n')).toEqual([
      [1, ['1', '2', '3']],
      [2, ['4', '5']],
    ]);
  });
});

describe('FieldSpans numbers', () => {
  it('parses plain decimals exactly like Number and rejects non-numbers', () => {
    for (const text of [
      '0',
      '3',
      '-2.5',
      '+4',
      '0.1',
      '123456789.123456',
      '1e3',
      ' 7 ',
      '.5',
      '5.',
      '12345678901234567890',
    ]) {
      expect(parseNumber(text), text).toBe(Number(text));
    }
    for (const text of ['', ' ', 'abc', '1,5', '-', '.', '1.2.3', 'Infinity', 'NaN']) {
      expect(parseNumber(text), text).toBeNaN();
    }
  });
});
