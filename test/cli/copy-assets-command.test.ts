import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyBrowserAssets } from '../../src/cli/commands/copy-assets-command';
import { HearthError } from '../../src/core/errors';

const made: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-copy-assets-'));
  made.push(dir);
  return dir;
};

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('hearth-recs copy-assets', () => {
  it('copies every file of the widget build, nested folders included', () => {
    const from = tempDir();
    mkdirSync(join(from, 'chunks'));
    writeFileSync(join(from, 'hearth-recs.js'), 'entry');
    writeFileSync(join(from, 'hearth.worker.js'), 'worker');
    writeFileSync(join(from, 'chunks/shared-1.js'), 'chunk');
    const out = join(tempDir(), 'public/hearth');
    expect(copyBrowserAssets(from, out)).toBe(3);
    expect(readFileSync(join(out, 'chunks/shared-1.js'), 'utf8')).toBe('chunk');
    expect(existsSync(join(out, 'hearth.worker.js'))).toBe(true);
  });

  it('says how to build the widget when there is no build to copy', () => {
    const empty = tempDir();
    const out = join(tempDir(), 'x');
    for (const from of [null, empty]) {
      let caught: unknown;
      try {
        copyBrowserAssets(from, out);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(HearthError);
      expect((caught as HearthError).code).toBe('UNREADABLE_INPUT');
      expect((caught as Error).message).toContain('npm run build:browser');
    }
    expect(existsSync(out)).toBe(false);
  });
});
