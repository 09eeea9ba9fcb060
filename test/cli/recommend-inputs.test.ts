import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, oneLineError } from './run-cli';
import { decodeModelFile, encodeModelFile } from '../../src/core/model-file';
import type { ModelTensor } from '../../src/core/model-file';
import { plantedTsv } from '../fixtures/synthetic';

let dir: string;
let model: string;

/** A copy of the trained model directory with `catalog.json` replaced by `text`. */
function withCatalog(name: string, text: string): string {
  const copy = join(dir, name);
  cpSync(model, copy, { recursive: true });
  writeFileSync(join(copy, 'catalog.json'), text);
  return copy;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-recommend-inputs-'));
  const log = join(dir, 'log.tsv');
  writeFileSync(log, plantedTsv({ users: 60, items: 30, pIn: 0.4, seed: 3 }));
  model = join(dir, 'model');
  const args = ['--user-col', '0', '--item-col', '1', '--backend', 'typed', '--no-tune'];
  const run = await cli([
    'train',
    '--interactions',
    log,
    ...args,
    '--epochs',
    '3',
    '--out',
    model,
    '--quiet',
  ]);
  expect(run.code, run.stderr).toBe(0);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('#11 hearth-recs recommend refuses bad model directories by name', () => {
  it('#11 a sealed model with ±Infinity popularity is one error line, never "score": null', async () => {
    for (const [i, value] of [Infinity, -Infinity, NaN].entries()) {
      const copy = withCatalog(`inf-${i}`, readFileSync(join(model, 'catalog.json'), 'utf8'));
      const content = decodeModelFile(readFileSync(join(copy, 'model.hearth')));
      const tensors: Record<string, ModelTensor> = { ...content.tensors };
      const popularity = (tensors['popularity'] as Float32Array).slice();
      popularity.fill(value);
      tensors['popularity'] = popularity;
      writeFileSync(
        join(copy, 'model.hearth'),
        encodeModelFile({ header: content.header, tensors }),
      );
      const run = await cli(['recommend', '--model', copy, '--type', 'popular', '--json']);
      expect(run.stdout).not.toContain('null');
      expect(oneLineError(run)).toMatch(/tensor "popularity" holds (-?Infinity|NaN) at row 0/);
    }
  });

  const shapes: [string, string, RegExp][] = [
    ['object', '{}', /but it holds an object/],
    ['null', 'null', /but it holds null/],
    ['number', '42', /but it holds a number/],
    ['numbers', '[1, 2]', /but element 0 is a number/],
    ['nulls', '[{"id": "a"}, null]', /but element 1 is null/],
    ['no id', '[{"title": "Knife"}]', /but element 0 has no "id"/],
    ['numeric id', '[{"id": 7}]', /but element 0 has an "id" that is a number/],
    [
      'bad title',
      '[{"id": "a", "title": {"x": 1}}]',
      /but element 0 \("a"\) has a "title" that is an object/,
    ],
  ];
  for (const [name, text, reason] of shapes) {
    it(`#11 catalog.json holding ${name} names the file and the expected shape`, async () => {
      const copy = withCatalog(`catalog-${name.replace(/\W/g, '-')}`, text);
      const line = oneLineError(await cli(['recommend', '--model', copy, '--history', 'i1']));
      expect(line).toContain(
        `The catalog "${join(copy, 'catalog.json')}" must be a JSON array of item objects`,
      );
      expect(line).toMatch(reason);
      expect(line).not.toContain('is not iterable');
    });
  }

  it('catalog.json that is not JSON names the file and escapes the parser excerpt', async () => {
    const copy = withCatalog('catalog-garbage', '[{"id": \u001b[31m}]');
    const line = oneLineError(await cli(['recommend', '--model', copy, '--history', 'i1']));
    expect(line).toContain(`The catalog "${join(copy, 'catalog.json')}" is not valid JSON`);
    expect(line).not.toContain('\u001b');
  });
});
