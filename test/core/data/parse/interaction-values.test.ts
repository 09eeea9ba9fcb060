import { describe, expect, it } from 'vitest';
import { parseInteractions } from '../../../../src/core/data/parse/index';
import { MAX_INTERACTION_VALUE } from '../../../../src/core/data/parse/field-values';

const BAD = [
  '-1000',
  '0',
  '-0',
  '1e308',
  '3.5e38',
  '3e38',
  '0x10',
  '0b11',
  '0o7',
  'Infinity',
  'NaN',
];
const GOOD = ['1', '0.5', '4', '250000', String(MAX_INTERACTION_VALUE)];

describe('#10 interaction values are checked, never silently reinterpreted', () => {
  it('#10 a bad weight is a row error naming the line and the weight column', async () => {
    const lines = ['user,item,weight', ...[...GOOD, ...BAD].map((w, i) => `u${i},i${i},${w}`)];
    const parsed = await parseInteractions(`${lines.join('\n')}\n`);
    expect(Array.from(parsed.dataset.columns.values)).toEqual(GOOD.map(Number));
    expect(parsed.report.rejectedRows).toBe(BAD.length);
    expect(parsed.report.errors.map((e) => e.line)).toEqual(BAD.map((_, i) => GOOD.length + i + 2));
    for (const [i, error] of parsed.report.errors.entries()) {
      expect(error.reason).toContain('value (column "weight")');
      expect(error.reason).toContain(JSON.stringify(BAD[i]));
    }
    const reasonOf = (w: string): string => parsed.report.errors[BAD.indexOf(w)]!.reason;
    expect(reasonOf('-1000')).toMatch(/must be positive.*dismiss/);
    expect(reasonOf('0')).toMatch(/must be positive.*leave it empty/);
    expect(reasonOf('1e308')).toMatch(/above the maximum of 1000000000/);
    expect(reasonOf('3e38')).toMatch(/above the maximum/);
    expect(reasonOf('0x10')).toMatch(/is not a number/);
    expect(reasonOf('Infinity')).toMatch(/is not a number/);
  });

  it('#10 JSON Lines values get the same checks, naming the key', async () => {
    const rows = [
      { user: 'u1', item: 'a', count: 3 },
      { user: 'u1', item: 'b', count: -2 },
      { user: 'u1', item: 'c', count: 1e308 },
      { user: 'u1', item: 'd', count: '0x10' },
      { user: 'u1', item: 'e', count: 0 },
      { user: 'u1', item: 'f', count: '12' },
    ];
    const parsed = await parseInteractions(rows.map((r) => JSON.stringify(r)).join('\n'));
    expect(Array.from(parsed.dataset.columns.values)).toEqual([3, 12]);
    expect(parsed.report.errors.map((e) => [e.line, e.reason])).toEqual([
      [2, expect.stringMatching(/^value \(key "count"\) must be positive.*: "-2"$/)],
      [3, expect.stringMatching(/^value \(key "count"\) is above the maximum.*: "1e\+308"$/)],
      [4, 'value (key "count") is not a number: "0x10"'],
      [5, expect.stringMatching(/^value \(key "count"\) must be positive/)],
    ]);
  });

  it('an empty value is an event without a value, not an error', async () => {
    const parsed = await parseInteractions('user,item,type,weight\nu1,a,view,\nu1,b,cart,2\n');
    expect(parsed.report.rejectedRows).toBe(0);
    expect(Array.from(parsed.dataset.columns.values)).toEqual([NaN, 2]);
  });

  it('#10 a headerless `user item unix-time` log reads its third column as the time, not a weight', async () => {
    const parsed = await parseInteractions('u1\ti1\t1700000000\nu2\ti2\t1700000060\n');
    expect(parsed.report.rejectedRows).toBe(0);
    expect(Array.from(parsed.dataset.columns.timestamps)).toEqual([1.7e12, 1.70000006e12]);
    expect(Array.from(parsed.dataset.columns.values)).toEqual([NaN, NaN]);
    const dated = await parseInteractions('u1,i1,2024-05-01T10:00:00Z\n');
    expect(dated.dataset.columns.timestamps[0]).toBe(Date.parse('2024-05-01T10:00:00Z'));
    // Small numbers there are still values (ratings, counts), and four columns keep the default.
    const rated = await parseInteractions('u1 i1 4\nu1 i2 5\n');
    expect(Array.from(rated.dataset.columns.values)).toEqual([4, 5]);
    const four = await parseInteractions('u1\ti1\t3\t1700000000\n');
    expect(four.dataset.columns.values[0]).toBe(3);
  });
});
