import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, jsonOut } from './run-cli';
import { plantedTsv } from '../fixtures/synthetic';

const dir = mkdtempSync(join(tmpdir(), 'hearth-train-stages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hearth train --json', () => {
  it('says how many slices the log was parsed in and how long each stage took', async () => {
    const tsv = join(dir, 'interactions.tsv');
    writeFileSync(tsv, plantedTsv({ users: 60, items: 30, pIn: 0.4, seed: 5 }));
    const run = await cli([
      'train',
      '--interactions',
      tsv,
      '--user-col',
      '0',
      '--item-col',
      '1',
      '--out',
      join(dir, 'model'),
      '--no-tune',
      '--backend',
      'typed',
      '--factors',
      '8',
      '--epochs',
      '2',
      '--json',
    ]);
    const out = jsonOut(run);
    // A small log is parsed in one pass.
    expect(out['parseThreads']).toBe(1);
    const stages = out['stageMs'] as Record<string, number>;
    expect(Object.keys(stages)).toEqual([
      'read',
      'catalog',
      'matrix',
      'mf',
      'co-occurrence',
      'trending',
      'write',
    ]);
    for (const ms of Object.values(stages)) expect(ms).toBeGreaterThanOrEqual(0);
    expect(stages['mf']).toBeGreaterThanOrEqual(Math.floor(out['trainMs'] as number));
  });
});
