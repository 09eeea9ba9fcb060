import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, jsonOut } from './run-cli';
import { plantedPairs } from '../fixtures/synthetic';

const FAST = ['--backend', 'typed', '--no-tune', '--factors', '8', '--epochs', '6', '--quiet'];
const ROWS = 300;
/** Data rows (0-based) that carry the bad weight: six of the 300. */
const POISONED = [10, 60, 110, 160, 210, 260];

let dir: string;
const pairs = plantedPairs({ users: 100, items: 40, pIn: 0.3, seed: 5 });

/** A CSV of the first 300 planted pairs with a weight column; `weight(row)` gives its text. */
function writeLog(name: string, weight: (row: number) => string | null): string {
  const lines = ['user,item,weight,timestamp'];
  for (let e = 0; e < ROWS; e++) {
    const w = weight(e);
    if (w === null) continue;
    lines.push(`u${pairs.rows[e]!},i${pairs.cols[e]!},${w},${1_700_000_000 + e}`);
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-weight-col-'));
  expect(pairs.rows.length).toBeGreaterThanOrEqual(ROWS);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('#10 hearth-recs --weight-col', () => {
  for (const bad of ['1e308', '3e38']) {
    it(`#10 six rows at ${bad} in 300 are rejected by name, and NDCG@10 is that of the clean rows`, async () => {
      const poisoned = writeLog(`poisoned-${bad}.csv`, (e) => (POISONED.includes(e) ? bad : '1'));
      const clean = writeLog(`clean-${bad}.csv`, (e) => (POISONED.includes(e) ? null : '1'));
      const args = ['eval', '--weight-col', 'weight', ...FAST, '--json'];
      const run = await cli([...args, '--interactions', poisoned]);
      const out = jsonOut(run);
      expect(out['rejectedRows']).toBe(6);
      for (const row of POISONED) {
        expect(run.stderr).toContain(
          `line ${row + 2}: value (column "weight") is above the maximum of 1000000000: "${bad}"`,
        );
      }
      const reference = jsonOut(await cli([...args, '--interactions', clean]));
      const ndcg = (o: Record<string, unknown>): number =>
        (o['metrics'] as Record<string, number>)['ndcg@10']!;
      expect(ndcg(out)).toBeGreaterThan(0.1);
      expect(ndcg(out)).toBe(ndcg(reference));
    });
  }

  it('#10 train rejects negative, zero and hex weights by line, as eval does', async () => {
    const bad: Record<number, string> = { 3: '-1000', 4: '0', 5: '0x10' };
    const log = writeLog('mixed.csv', (e) => bad[e] ?? '1');
    for (const command of [
      ['train', '--out', join(dir, 'model-mixed')],
      ['eval', '--model', 'pop'],
    ]) {
      const run = await cli([...command, '--interactions', log, '--weight-col', 'weight', ...FAST]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('rejected 3:');
      expect(run.stderr).toMatch(/line 5: value \(column "weight"\) must be positive/);
      expect(run.stderr).toMatch(/line 6: value \(column "weight"\) must be positive/);
      expect(run.stderr).toContain('line 7: value (column "weight") is not a number: "0x10"');
    }
  });

  it('#10 train uses the weights: a heavy item leads the for-you row only when weighted', async () => {
    // Every user's rows on item i1 weigh a play count of 250000 in the weighted log.
    const weighted = writeLog('weighted.csv', (e) => (pairs.cols[e] === 1 ? '250000' : '1'));
    const flat = writeLog('flat.csv', () => '1');
    const top = async (log: string, name: string): Promise<string[]> => {
      const out = join(dir, name);
      const train = await cli([
        'train',
        '--interactions',
        log,
        '--weight-col',
        'weight',
        ...FAST,
        '--out',
        out,
      ]);
      expect(train.code, train.stderr).toBe(0);
      const row = jsonOut(await cli(['recommend', '--model', out, '--history', 'i5', '--json']));
      const items = row['items'] as { id: string; score: number }[];
      for (const item of items) expect(Number.isFinite(item.score)).toBe(true);
      return items.map((item) => item.id);
    };
    const heavy = await top(weighted, 'model-weighted');
    const plain = await top(flat, 'model-flat');
    expect(heavy[0]).toBe('i1');
    expect(plain[0]).not.toBe('i1');
  });
});
