import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, jsonOut } from './run-cli';

describe('hearth-recs generate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-generate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a catalog, an event log and a manifest that train reads', async () => {
    const out = join(dir, 'shop');
    const manifest = jsonOut(
      await cli([
        'generate',
        '--items',
        '400',
        '--events',
        '6000',
        '--seed',
        '3',
        '--out',
        out,
        '--json',
      ]),
    );
    expect(manifest['events']).toBe(6000);
    expect(manifest['products']).toBe(400);
    const onDisk = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as unknown;
    expect(onDisk).toEqual(manifest);
    expect(readFileSync(join(out, 'events.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(6001);
    const model = join(dir, 'model');
    const trained = jsonOut(
      await cli([
        'train',
        '--interactions',
        join(out, 'events.csv'),
        '--items',
        join(out, 'catalog.jsonl'),
        '--out',
        model,
        '--no-tune',
        '--epochs',
        '2',
        '--threads',
        '2',
        '--json',
        '-q',
      ]),
    );
    expect(trained['interactions']).toBeGreaterThan(0);
    expect(existsSync(join(model, 'model.hearth'))).toBe(true);
  });

  it('names the flag when a size is out of range', async () => {
    const run = await cli(['generate', '--events', '0', '--out', join(dir, 'bad')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--events must be an integer/);
    const threads = await cli(['train', '--interactions', 'x.csv', '--out', dir, '--threads', '0']);
    expect(threads.stderr).toMatch(/--threads must be an integer/);
  });

  it('is listed in --help with its flags', async () => {
    expect((await cli(['--help'])).stdout).toMatch(/generate/);
    const help = (await cli(['generate', '--help'])).stdout;
    for (const flag of ['--items', '--events', '--seed', '--out']) expect(help).toContain(flag);
  });
});
