import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './run-cli';
import { INTERACTION_FLAGS } from '../../src/cli/commands/interaction-flags';
import { parseInteractions } from '../../src/core/data/parse/index';

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-cli-messages-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('#12 CLI messages', () => {
  it('#12 an error line never carries a terminal escape sequence from its input', async () => {
    const run = await cli([
      'eval',
      '--interactions',
      join(dir, 'missing-\u001b[2J\u001b]0;x\u0007.csv'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(RAW_UNSAFE);
    expect(run.stderr).toContain('\\u001b[2J');
  });

  it('#12 row errors printed on stderr are escaped', async () => {
    const file = join(dir, 'rows.jsonl');
    writeFileSync(file, '{"user":"u1","item":"a"}\n{"user":"u1","item":\u001b[31m}\n');
    const run = await cli(['eval', '--interactions', file, '--model', 'pop']);
    expect(run.stderr).toMatch(/line 2: invalid JSON/);
    expect(run.stderr).not.toMatch(RAW_UNSAFE);
  });

  it('#12 the no-usable-rows hint names only flags the CLI has', async () => {
    let message = '';
    try {
      await parseInteractions('user,item,when\nu1,,x\nu2,,y\n');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/None of the 2 interaction rows could be used/);
    const named = [...message.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThanOrEqual(5);
    const flags = new Set(INTERACTION_FLAGS.map((flag) => flag.name));
    for (const name of named) expect(flags, `--${name}`).toContain(name);
  });
});
