import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_FLAGS } from '../../src/server/server-flags';

// The README's recipes are what new users copy: its engine snippet must be the one the package's
// consumer test runs with plain `node`, and every CLI command and flag it shows must exist.

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const readme = read('README.md');

/** The first fenced block of `lang` after `heading`. */
function block(heading: string, lang: string): string {
  const at = readme.indexOf(heading);
  expect(at, heading).toBeGreaterThanOrEqual(0);
  const open = readme.indexOf(`\`\`\`${lang}\n`, at);
  const start = open + lang.length + 4;
  return readme.slice(start, readme.indexOf('\n```', start) + 1);
}

/** Every `--flag` of the CLI (`name: '…'` in its flag specs). */
function cliFlags(): Set<string> {
  const names = new Set<string>();
  for (const dir of ['src/cli/', 'src/cli/commands/']) {
    for (const file of readdirSync(new URL(dir, root)).filter((f) => f.endsWith('.ts'))) {
      for (const m of read(`${dir}${file}`).matchAll(/\bname: '([a-z][a-z0-9-]*)'/g))
        names.add(m[1]!);
    }
  }
  return names;
}

describe('README', () => {
  it('shows the engine recipe the package consumer test runs with plain node', () => {
    const snippet = block('## Recipe 3', 'js');
    expect(snippet).toContain("from 'hearth-recs'");
    const consumer = read('test/consumers/node-engine.consumer.mjs');
    // Either a byte-identical copy, or the test reads the snippet from the README itself.
    expect(consumer.includes(snippet) || consumer.includes('README.md')).toBe(true);
  });

  it('imports only entries the package exports', () => {
    const exported = Object.keys(JSON.parse(read('package.json')).exports as object).map((key) =>
      key === '.' ? 'hearth-recs' : `hearth-recs/${key.slice(2)}`,
    );
    const docs = [readme, read('docs/reference/widget.md')].join('\n');
    const imported = new Set([...docs.matchAll(/from '(hearth-recs[^']*)'/g)].map((m) => m[1]!));
    expect(imported.size).toBeGreaterThanOrEqual(3);
    for (const path of imported) expect(exported, path).toContain(path);
  });

  it('uses only CLI commands and flags that exist', () => {
    const flags = cliFlags();
    const lines = [...readme.matchAll(/npx hearth-recs ([^\n`#]*)/g)].map((m) => m[1]!.trim());
    expect(lines.length).toBeGreaterThan(8);
    for (const line of lines) {
      const [command, ...rest] = line.split(/\s+/);
      if (command === '…' || command === '--help') continue;
      // `server` is dispatched by the bin to the aggregation server, with flags of its own.
      const known =
        command === 'server'
          ? new Set([...Object.keys(SERVER_FLAGS)])
          : existsSync(new URL(`src/cli/commands/${command}-command.ts`, root))
            ? flags
            : null;
      expect(known, `unknown command in "${line}"`).not.toBeNull();
      for (const word of rest) {
        const flag = /^--([a-z][a-z0-9-]*)$/.exec(word)?.[1];
        if (flag !== undefined) expect(known, `${line}: --${flag}`).toContain(flag);
      }
    }
  });

  it('links only files that exist', () => {
    for (const [, target] of readme.matchAll(/\]\(((?:docs|BENCHMARKS)[^)#]*)/g)) {
      expect(existsSync(new URL(target!, root)), target).toBe(true);
    }
  });
});
