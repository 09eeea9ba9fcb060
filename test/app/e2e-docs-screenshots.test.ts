import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DOCS_SCREENSHOTS_ENV, publishDocsImage } from '../../e2e/docs-images';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const E2E = join(ROOT, 'e2e');
const temps: string[] = [];

afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('e2e screenshots and the tracked docs/images', () => {
  it('#13 no e2e spec writes into docs/images itself: only publishDocsImage may, when asked', () => {
    const offenders = readdirSync(E2E)
      .filter((name) => name.endsWith('.spec.ts'))
      .filter((name) => {
        const source = readFileSync(join(E2E, name), 'utf8');
        return /['"`]docs\/images|copyFileSync\(|writeFileSync\(/.test(source);
      });
    expect(offenders).toEqual([]);
  });

  it('publishDocsImage copies only with HEARTH_DOCS_SCREENSHOTS=1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-docs-'));
    temps.push(dir);
    const shot = join(dir, 'shot.png');
    writeFileSync(shot, 'png');
    const docs = join(dir, 'docs');
    expect(publishDocsImage({ shot, name: 'a', env: {}, dir: docs })).toBe(false);
    expect(
      publishDocsImage({ shot, name: 'a', env: { [DOCS_SCREENSHOTS_ENV]: '0' }, dir: docs }),
    ).toBe(false);
    expect(existsSync(join(docs, 'a.png'))).toBe(false);
    expect(
      publishDocsImage({ shot, name: 'a', env: { [DOCS_SCREENSHOTS_ENV]: '1' }, dir: docs }),
    ).toBe(true);
    expect(readFileSync(join(docs, 'a.png'), 'utf8')).toBe('png');
  });

  it('npm test does not ask for them; npm run docs:screenshots does', () => {
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts['test:e2e']).not.toContain(DOCS_SCREENSHOTS_ENV);
    expect(scripts['docs:screenshots']).toContain('scripts/docs-screenshots.mjs');
    const script = readFileSync(join(ROOT, 'scripts/docs-screenshots.mjs'), 'utf8');
    expect(script).toContain(`${DOCS_SCREENSHOTS_ENV}: '1'`);
  });
});
