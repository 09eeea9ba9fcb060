import { describe, expect, it } from 'vitest';
import { parseInteractions } from '../../../../src/core/data/parse';

/** Parses `user,item` rows and returns the user and item vocabularies in index order. */
async function vocabularies(rows: readonly string[]): Promise<[string[], string[], number[]]> {
  const { dataset } = await parseInteractions(['user_id,item_id', ...rows].join('\n'));
  return [
    dataset.userVocab.toArray(),
    dataset.itemVocab.toArray(),
    Array.from(dataset.columns.items),
  ];
}

describe('id interning', () => {
  it('keeps ids that differ only in leading zeros, prefix or digit count apart', async () => {
    const [users, items, column] = await vocabularies([
      'u1,p042',
      'u01,p0042',
      'u1,p42',
      'v1,42',
      ' u1 ,042',
      'u1,p0042',
      'x-7,a1b22',
      'u1,a1b022',
      'u1,0',
      'u1,00',
    ]);
    expect(users).toEqual(['u1', 'u01', 'v1', 'x-7']);
    expect(items).toEqual(['p042', 'p0042', 'p42', '42', '042', 'a1b22', 'a1b022', '0', '00']);
    expect(column).toEqual([0, 1, 2, 3, 4, 1, 5, 6, 7, 8]);
  });

  it('takes ids with ever-new prefixes and huge numbers through the vocabulary', async () => {
    const rows: string[] = [];
    for (let r = 0; r < 200; r++) rows.push(`h${r.toString(36)}x${r},n${9_000_000_000 + r}`);
    rows.push('h0x0,n9000000000');
    const [users, items, column] = await vocabularies(rows);
    expect(users).toHaveLength(200);
    expect(items).toHaveLength(200);
    expect(column.at(-1)).toBe(0);
    expect(users[199]).toBe(`h${(199).toString(36)}x199`);
  });
});
