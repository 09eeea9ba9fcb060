import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDemoFiles } from '../../scripts/generate-demo-data';
import { parseCatalog, parseInteractions } from '../../src/core/data/parse';

/** Hash of every file under `dir`, by relative path. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path.slice(dir.length + 1)] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  }
  return out;
}

describe('scripts/generate-demo-data writeDemoFiles', () => {
  const dirs: string[] = [];
  const freshDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-demo-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('writes the same bytes for the same seed, and files the parsers accept whole', async () => {
    const options = { seed: 5, products: 150, shoppers: 60 };
    const a = await freshDir();
    const b = await freshDir();
    const written = await writeDemoFiles({ ...options, out: a });
    await writeDemoFiles({ ...options, out: b });
    const files = await snapshot(a);
    expect(Object.keys(files)).toHaveLength(3 + 150);
    expect(files['catalog.jsonl']).toBeDefined();
    expect(files['events.csv']).toBeDefined();
    expect(files['manifest.json']).toBeDefined();
    expect(files[join('images', 'p0150.svg')]).toBeDefined();
    expect(await snapshot(b)).toEqual(files);
    expect(written.largestImageBytes).toBeLessThan(1536);

    const catalog = await parseCatalog(await readFile(join(a, 'catalog.jsonl')));
    expect(catalog.report.rejectedRows).toBe(0);
    expect(catalog.items).toHaveLength(150);
    const events = await parseInteractions(await readFile(join(a, 'events.csv')));
    expect(events.report.rejectedRows).toBe(0);
    const manifest = JSON.parse(await readFile(join(a, 'manifest.json'), 'utf8')) as {
      events: number;
    };
    expect(events.dataset.columns.length).toBe(manifest.events);
    const known = new Set(catalog.items.map((item) => item.id));
    expect(events.dataset.itemVocab.toArray().every((id) => known.has(id))).toBe(true);

    const other = await freshDir();
    await writeDemoFiles({ ...options, seed: 6, out: other });
    expect((await snapshot(other))['events.csv']).not.toBe(files['events.csv']);
  });

  it('removes product images left over from a larger catalog', async () => {
    const dir = await freshDir();
    await writeDemoFiles({ products: 120, shoppers: 10, out: dir });
    await writeDemoFiles({ products: 100, shoppers: 10, out: dir });
    const images = await readdir(join(dir, 'images'));
    expect(images).toHaveLength(100);
    expect(images).not.toContain('p0101.svg');
  });
});
