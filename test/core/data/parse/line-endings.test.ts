import { describe, expect, it } from 'vitest';
import { parseCatalog, parseInteractions } from '../../../../src/core/data/parse/index';

/** Feeds `text` in chunks of `size` characters, so line endings fall across chunk boundaries. */
async function* chunked(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

function pairs(parsed: Awaited<ReturnType<typeof parseInteractions>>): string[] {
  const { columns, userVocab, itemVocab } = parsed.dataset;
  const out: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    out.push(`${userVocab.idAt(columns.users[i]!)}:${itemVocab.idAt(columns.items[i]!)}`);
  }
  return out;
}

const LINES = ['user,item,rating', 'u1,i1,4', 'u1,i2,bad', 'u2,i1,5', '', 'u2,i3,3'];

describe('#12 CR-only line endings', () => {
  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR-only', '\r'],
  ] as const) {
    it(`#12 CSV with ${name} line endings gives the same rows and line numbers`, async () => {
      const text = LINES.join(eol) + eol;
      for (const input of [text, chunked(text, 1), chunked(text, 7)]) {
        const parsed = await parseInteractions(input);
        expect(pairs(parsed)).toEqual(['u1:i1', 'u2:i1', 'u2:i3']);
        expect(parsed.report.format).toBe('csv');
        expect(parsed.report.errors).toEqual([
          { line: 3, reason: expect.stringMatching(/rating/) as unknown as string },
        ]);
        expect(Array.from(parsed.dataset.columns.values)).toEqual([4, 5, 3]);
      }
    });
  }

  it('#12 tab-separated and whitespace logs with CR-only endings are split into rows', async () => {
    const tsv = await parseInteractions('u1\ti1\t5\r\nu1\ti2\t3\ru2\ti1\t4\r');
    expect(pairs(tsv)).toEqual(['u1:i1', 'u1:i2', 'u2:i1']);
    const spaced = await parseInteractions('u1 i1 5 1700000000\ru2 i2 3 1700000001\r', {
      format: 'whitespace',
    });
    expect(pairs(spaced)).toEqual(['u1:i1', 'u2:i2']);
  });

  it('#12 a catalog with CR-only endings reads every item', async () => {
    const parsed = await parseCatalog('id,title\rp1,Knife\rp2,Board\r');
    expect(parsed.items.map((item) => [item.id, item.title])).toEqual([
      ['p1', 'Knife'],
      ['p2', 'Board'],
    ]);
  });

  it('a quoted field keeps its CRLF line break as one record', async () => {
    const parsed = await parseCatalog('id,title\r\np1,"two\r\nlines"\r\np2,Board\r\n');
    expect(parsed.items.map((item) => item.id)).toEqual(['p1', 'p2']);
  });
});
