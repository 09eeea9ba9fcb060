import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createInteractionParser,
  parseCatalog,
  parseInteractions,
} from '../../../../src/core/data/parse/index';

/** Byte-wise equality: `toEqual` on 100k-element typed arrays takes seconds. */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

const ML100K = '/work/shared/data/ml-100k';
const present = existsSync(join(ML100K, 'u.data')) && existsSync(join(ML100K, 'u.item'));
if (!present)
  console.warn(`MovieLens 100K not found at ${ML100K}: skipping the real-file parser tests.`);

describe.skipIf(!present)('MovieLens 100K files', () => {
  it('parses u.data: 100,000 ratings by 943 users of 1,682 items', async () => {
    const bytes = new Uint8Array(readFileSync(join(ML100K, 'u.data')));
    const { dataset, report } = await parseInteractions(bytes);
    expect(report).toEqual({
      format: 'movielens',
      totalRows: 100_000,
      acceptedRows: 100_000,
      rejectedRows: 0,
      errors: [],
      truncatedErrors: 0,
    });
    expect(dataset.userVocab.size).toBe(943);
    expect(dataset.itemVocab.size).toBe(1682);
    const { columns } = dataset;
    // First line: 196 242 3 881250949.
    expect(dataset.userVocab.idAt(columns.users[0]!)).toBe('196');
    expect(dataset.itemVocab.idAt(columns.items[0]!)).toBe('242');
    expect(columns.values[0]).toBe(3);
    expect(columns.timestamps[0]).toBe(881_250_949_000);
    let sum = 0;
    for (let i = 0; i < columns.length; i++) sum += columns.values[i]!;
    expect(sum / columns.length).toBeCloseTo(3.52986, 4);

    // Streamed in 64 KiB chunks, the result is identical.
    const parser = createInteractionParser();
    for (let i = 0; i < bytes.length; i += 65_536) parser.push(bytes.subarray(i, i + 65_536));
    const streamed = parser.finish();
    expect(streamed.report).toEqual(report);
    const streamedColumns = streamed.dataset.columns;
    expect(streamedColumns.length).toBe(columns.length);
    for (const key of ['users', 'items', 'types', 'values', 'timestamps'] as const) {
      expect(sameBytes(streamedColumns[key], columns[key]), key).toBe(true);
    }
    expect(streamed.dataset.itemVocab.toArray()).toEqual(dataset.itemVocab.toArray());
  });

  it('parses u.item: 1,682 movies with latin-1 titles and genres', async () => {
    const { items, report } = await parseCatalog(
      new Uint8Array(readFileSync(join(ML100K, 'u.item'))),
    );
    expect(report).toMatchObject({
      format: 'movielens',
      totalRows: 1682,
      acceptedRows: 1682,
      rejectedRows: 0,
    });
    expect(items).toHaveLength(1682);
    expect(items[0]).toMatchObject({
      id: '1',
      title: 'Toy Story (1995)',
      category: ['Animation'],
      tags: ['Animation', "Children's", 'Comedy'],
      attributes: { releaseDate: '1995-01-01', year: 1995 },
    });
    expect(items.find((item) => item.id === '1005')?.title).toMatch(/^Double vie de Véronique/);
    expect(items.every((item) => (item.tags?.length ?? 0) > 0)).toBe(true);
  });
});
