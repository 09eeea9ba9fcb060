import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ENGINE_DOC_BLOCKS,
  QUALITY_DOCS,
  expectedEngineBlocks,
  readDocBlock,
  replaceDocBlock,
} from '../../bench/engine-doc-blocks';
import { pairedDifference } from '../../bench/robustness/paired-difference';

const root = join(__dirname, '..', '..');

describe('README.md and docs/engine.md quality tables', () => {
  it('are the tables bench/results.json generates (npm run bench rewrites them)', () => {
    const { results } = JSON.parse(readFileSync(join(root, 'bench', 'results.json'), 'utf8'));
    const expected = expectedEngineBlocks(results);
    for (const file of QUALITY_DOCS) {
      const doc = readFileSync(join(root, file), 'utf8');
      for (const name of ENGINE_DOC_BLOCKS) {
        expect(readDocBlock(doc, name), `${file} ${name}`).toEqual(expected[name]);
      }
    }
  });

  it('a block is replaced between its markers only', () => {
    const doc = 'a\n<!-- x:start -->\nold\n<!-- x:end -->\nb';
    const next = replaceDocBlock(doc, 'x', ['new 1', 'new 2']);
    expect(next).toBe('a\n<!-- x:start -->\nnew 1\nnew 2\n<!-- x:end -->\nb');
    expect(readDocBlock(next, 'x')).toEqual(['new 1', 'new 2']);
    expect(() => replaceDocBlock(doc, 'y', [])).toThrow(/no <!-- y:start -->/);
  });

  it('robustness rows show the tuned score with its family next to every baseline', () => {
    const rows = expectedEngineBlocks({
      'robustness.few-users.users': 150,
      'robustness.few-users.items': 7116,
      'robustness.few-users.pairs': 18974,
      'robustness.few-users.tunedNdcg10': 0.25,
      'robustness.few-users.family': 'ease',
      'robustness.few-users.easeNdcg10': 0.24,
      'robustness.few-users.pipelineMs': 12_300,
      'robustness.few-users.tunedMinusEase': -0.004,
      'robustness.few-users.tunedMinusEaseSe': 0.005,
    })['robustness-table'];
    expect(rows).toHaveLength(3);
    expect(rows[2]).toContain('few users × many items (150 × 7,116, 18,974)');
    expect(rows[2]).toContain('**0.2500** (ease)');
    expect(rows[2]).toContain('| 0.2400 |');
    expect(rows[2]).toContain('12.3 s');
    expect(rows[2]).toContain('−0.0040 ± 0.0100');
  });
});

describe('pairedDifference', () => {
  it('is the mean per-user gap over shared users with its standard error', () => {
    const a = new Map([
      [1, 0.5],
      [2, 0.3],
      [3, 0.9],
      [9, 1],
    ]);
    const b = new Map([
      [1, 0.4],
      [2, 0.4],
      [3, 0.6],
    ]);
    const d = pairedDifference(a, b);
    expect(d.users).toBe(3);
    expect(d.mean).toBeCloseTo((0.1 - 0.1 + 0.3) / 3, 10);
    const diffs = [0.1, -0.1, 0.3];
    const sd = Math.sqrt(diffs.reduce((s, x) => s + (x - d.mean) ** 2, 0) / 2);
    expect(d.se).toBeCloseTo(sd / Math.sqrt(3), 10);
    expect(pairedDifference(a, new Map())).toEqual({ mean: 0, se: 0, users: 0 });
  });
});
