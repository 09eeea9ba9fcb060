import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './run-cli';
import { plantedTsv } from '../fixtures/synthetic';

let dir: string;
let tsv: string;
const COLS = ['--user-col', '0', '--item-col', '1'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-fedsim-'));
  tsv = join(dir, 'interactions.tsv');
  writeFileSync(tsv, plantedTsv({ users: 100, items: 40, pIn: 0.4, seed: 3 }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hearth federated-sim', () => {
  it('--json reports per-round quality, centralized quality, bytes and privacy', async () => {
    const run = await cli([
      'federated-sim',
      '--interactions',
      tsv,
      ...COLS,
      '--rounds',
      '4',
      '--factors',
      '8',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!) as {
      users: number;
      rounds: {
        round: number;
        ndcg10: number;
        recall20: number;
        uploadBytes: number;
        cohort: number;
      }[];
      federated: { ndcg10: number };
      centralized: { ndcg10: number; recall20: number };
      uploadBytesPerClientRound: number;
      privacy: { epsilon: number | null };
    };
    expect(out.users).toBeGreaterThan(90);
    expect(out.rounds.map((r) => r.round)).toEqual([1, 2, 3, 4]);
    for (const r of out.rounds) {
      expect(r.ndcg10).toBeGreaterThan(0);
      expect(r.recall20).toBeGreaterThan(0);
      expect(r.cohort).toBe(out.users);
    }
    expect(out.federated.ndcg10).toBe(out.rounds[3]!.ndcg10);
    expect(out.federated.ndcg10).toBeGreaterThan(0.9 * out.centralized.ndcg10);
    expect(out.uploadBytesPerClientRound).toBeGreaterThan(0);
    expect(out.uploadBytesPerClientRound).toBeLessThanOrEqual(100_000);
    expect(out.privacy.epsilon).toBeNull();
  });

  it('--dp-epsilon calibrates noise to the budget; text output has a table', async () => {
    const run = await cli([
      'federated-sim',
      '--interactions',
      tsv,
      ...COLS,
      '--rounds',
      '2',
      '--factors',
      '4',
      '--dp-epsilon',
      '8',
      '--training',
      'rounds',
      '--clients',
      '60',
      '--skip-centralized',
      '--quiet',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/user-level DP ε=\d/);
    expect(run.stdout).toMatch(/round {2}NDCG@10/);
    expect(run.stdout).not.toMatch(/centralized/);
  });

  it('with --dp-epsilon defaults to the one-shot co-occurrence release', async () => {
    const run = await cli([
      'federated-sim',
      '--interactions',
      tsv,
      ...COLS,
      '--dp-epsilon',
      '8',
      '--json',
      '--quiet',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.mode).toBe('cooccurrence');
    expect(out.rounds.map((r: { release: string }) => r.release)).toEqual(['popularity', 'pairs']);
    expect(out.privacy.epsilon).toBeLessThanOrEqual(8);
    expect(out.privacy.epsilon).toBeGreaterThan(7.9);
    expect(out.uploadBytesPerClientRound).toBeLessThanOrEqual(100_000);
    expect(out.federated.ndcg10).toBeGreaterThan(0);
    const sampled = await cli([
      'federated-sim',
      '--interactions',
      tsv,
      ...COLS,
      '--dp-epsilon',
      '8',
      '--clients',
      '60',
    ]);
    expect(sampled.code).toBe(1);
    expect(sampled.stderr).toMatch(/--clients applies to --training rounds/);
  });

  it('refuses more clients than users and a bad ε with one line', async () => {
    const a = await cli(['federated-sim', '--interactions', tsv, ...COLS, '--clients', '500']);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/--clients 500 exceeds the \d+ users/);
    const b = await cli(['federated-sim', '--interactions', tsv, ...COLS, '--dp-epsilon', '-1']);
    expect(b.stderr).toMatch(/--dp-epsilon needs a positive number/);
  });
});
