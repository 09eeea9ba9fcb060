import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DOC_BLOCKS,
  docPaths,
  expectedBlocks,
  readBlock,
  replaceBlock,
} from '../../bench/privacy-doc-blocks';

const root = join(import.meta.dirname, '..', '..');

describe('docs/privacy.md DP figures come from the bench', () => {
  it('each generated block equals what bench/results.json and chosen-settings.json say', () => {
    const doc = readFileSync(docPaths(root).doc, 'utf8');
    const expected = expectedBlocks(root);
    for (const name of DOC_BLOCKS) {
      expect(
        readBlock(doc, name),
        `block ${name} (regenerate: npx tsx bench/privacy-doc-blocks.ts)`,
      ).toEqual(expected[name]);
    }
  });

  it('the DP-by-population block covers every curve point', () => {
    const block = expectedBlocks(root)['dp-by-users'];
    for (const n of ['1,000', '3,000', '10,000', '30,000']) {
      const row = block.find((line) => line.startsWith(`| ${n} |`));
      expect(row, `row for ${n} shoppers`).toBeDefined();
      expect(row).not.toContain('n/a');
    }
  });

  it('replaceBlock swaps only the marked text', () => {
    const doc = 'a\n<!-- dp-settings:start -->\nold\n<!-- dp-settings:end -->\nb\n';
    const out = replaceBlock(doc, 'dp-settings', ['| new |']);
    expect(out).toBe('a\n<!-- dp-settings:start -->\n| new |\n<!-- dp-settings:end -->\nb\n');
    expect(readBlock(out, 'dp-settings')).toEqual(['| new |']);
  });
});
