import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDocBlock } from '../../bench/doc-blocks';
import { SCALE_DOC, SCALE_TRAIN_BLOCK, expectedScaleBlock } from '../../bench/scale-doc-blocks';

const root = join(__dirname, '..', '..');

describe('docs/scale.md cost table', () => {
  it('is the table bench/results.json generates (npm run bench rewrites it)', () => {
    const { results } = JSON.parse(readFileSync(join(root, 'bench', 'results.json'), 'utf8'));
    const doc = readFileSync(join(root, SCALE_DOC), 'utf8');
    const expected = expectedScaleBlock(results).filter((line) => line !== '');
    expect(readDocBlock(doc, SCALE_TRAIN_BLOCK)).toEqual(expected);
  });

  it('says n/a for a figure the results lack', () => {
    const lines = expectedScaleBlock({ 'scale.events10m.parseMs': 6331 });
    expect(lines[4]).toMatch(/^\| 10M \| 6\.3 s \(n\/a\) \| n\/a \|/);
  });
});
