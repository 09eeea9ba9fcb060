import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBundle } from '../../src/core/bundle/bundle-file';
import { catalogShardOf } from '../../src/core/catalog/catalog-shard-index';
import { sniffModelFile } from '../../src/core/model-file';
import { cli, jsonOut, oneLineError } from './run-cli';
import { plantedCatalog, plantedTsv } from '../fixtures/synthetic';

let dir: string;
let tsv: string;
let catalog: string;
const COLS = ['--user-col', '0', '--item-col', '1'];
const FAST = ['--backend', 'typed', '--no-tune', '--factors', '8', '--epochs', '3'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-delivery-test-'));
  tsv = join(dir, 'interactions.tsv');
  catalog = join(dir, 'catalog.jsonl');
  writeFileSync(tsv, plantedTsv({ users: 60, items: 40, pIn: 0.4, seed: 5 }));
  const items = plantedCatalog(40, 4, 8).map((item) => JSON.stringify(item));
  writeFileSync(catalog, `${items.join('\n')}\n`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const train = (out: string, ...flags: string[]) =>
  cli([
    'train',
    '--interactions',
    tsv,
    ...COLS,
    '--items',
    catalog,
    '--out',
    out,
    ...FAST,
    ...flags,
    '--json',
  ]);

describe('hearth train: model delivery', () => {
  it('writes int8 item factors by default and reports raw and gzip bytes', async () => {
    const out = join(dir, 'default');
    const summary = jsonOut(await train(out));
    const bytes = readFileSync(join(out, 'model.hearth'));
    expect(summary).toMatchObject({
      itemFactors: 'int8',
      modelBytes: bytes.length,
      catalogSrc: 'catalog.json',
      catalogShards: 0,
    });
    expect(summary['modelGzipBytes']).toBeGreaterThan(0);
    expect(summary['modelGzipBytes']).toBeLessThan(bytes.length);
    expect(sniffModelFile(bytes)?.version).toBe(2);
    expect(existsSync(join(out, 'catalog-index.json'))).toBe(false);
    // The quantized model serves: recommend reads it back.
    const row = jsonOut(
      await cli(['recommend', '--model', out, '--history', 'i0,i4', '-k', '3', '--json']),
    );
    expect(row['source']).toBe('personal');
  });

  it('--item-factors float32 writes the exact, version-1 file', async () => {
    const out = join(dir, 'float32');
    const summary = jsonOut(await train(out, '--item-factors', 'float32'));
    expect(summary['itemFactors']).toBe('float32');
    expect(sniffModelFile(readFileSync(join(out, 'model.hearth')))?.version).toBe(1);
  });

  it('--catalog-layout sharded writes content-named shards and their index; single removes them', async () => {
    const out = join(dir, 'sharded');
    const summary = jsonOut(
      await train(out, '--catalog-layout', 'sharded', '--items-per-shard', '8'),
    );
    expect(summary).toMatchObject({ catalogSrc: 'catalog-index.json', catalogShards: 6 });
    const index = JSON.parse(readFileSync(join(out, 'catalog-index.json'), 'utf8')) as {
      kind: string;
      items: number;
      shards: string[];
    };
    expect(index).toMatchObject({ kind: 'hearth-catalog-index', items: 48 });
    expect(index.shards).toHaveLength(6);
    const seen = new Set<string>();
    index.shards.forEach((name, shard) => {
      const text = readFileSync(join(out, name), 'utf8');
      const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
      expect(name).toBe(`catalog-shards/${shard}-${hash}.json`);
      for (const item of JSON.parse(text) as { id: string; title?: string }[]) {
        expect(catalogShardOf(item.id, 6)).toBe(shard);
        seen.add(item.id);
      }
    });
    expect(seen.size).toBe(48);
    // The single file is still there (recommend reads it) and holds the same items.
    expect(JSON.parse(readFileSync(join(out, 'catalog.json'), 'utf8'))).toHaveLength(48);
    jsonOut(await train(out, '--catalog-layout', 'single'));
    expect(existsSync(join(out, 'catalog-index.json'))).toBe(false);
    expect(existsSync(join(out, 'catalog-shards'))).toBe(false);
    expect(readdirSync(out).sort()).toEqual(['catalog.json', 'model.hearth']);
  });

  it('--head-items writes the head of popular items that names model.hearth', async () => {
    const out = join(dir, 'head');
    const summary = jsonOut(await train(out, '--head-items', '10'));
    expect(summary).toMatchObject({ modelSrc: 'model-head.hearth', headItems: 10 });
    const head = decodeBundle(readFileSync(join(out, 'model-head.hearth')));
    expect(head.itemIds).toHaveLength(10);
    expect(head.head).toEqual({ fullModel: 'model.hearth', totalItems: 48 });
    expect(summary['headGzipBytes']).toBeLessThan(summary['modelGzipBytes'] as number);
    // Small catalogs get none by default, and a run without one removes the old head.
    expect(jsonOut(await train(out))).toMatchObject({ modelSrc: 'model.hearth', headItems: 0 });
    expect(existsSync(join(out, 'model-head.hearth'))).toBe(false);
  });

  it('refuses unknown delivery flags before reading any data', async () => {
    const missing = join(dir, 'missing.tsv');
    const base = ['train', '--interactions', missing, '--out', join(dir, 'x')];
    expect(oneLineError(await cli([...base, '--item-factors', 'int4']))).toMatch(
      /--item-factors must be one of int8, float16, float32 \(got "int4"\)/,
    );
    expect(oneLineError(await cli([...base, '--catalog-layout', 'split']))).toMatch(
      /--catalog-layout must be one of auto, single, sharded/,
    );
    expect(oneLineError(await cli([...base, '--items-per-shard', '0']))).toMatch(
      /--items-per-shard must be a positive integer/,
    );
    expect(oneLineError(await cli([...base, '--head-items', '-1']))).toMatch(
      /--head-items must be a whole number ≥ 0/,
    );
  });
});
