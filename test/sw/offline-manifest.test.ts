import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildOfflineManifest,
  offlineContentHash,
} from '../../src/cli/commands/offline-manifest-command';
import { contentHash } from '../../src/sw/content-hash';
import { changedFiles, manifestKeyOf, resolveOfflineManifest } from '../../src/sw/offline-manifest';
import { offlineCacheName, offlineManifestUrl } from '../../src/sw/sw-config';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-offline-'));
  for (const [path, text] of [
    ['index.html', '<!doctype html>'],
    ['hearth-sw.js', 'self.x = 1'],
    ['model/model.hearth', 'model bytes v1'],
    ['model/catalog.json', '[]'],
    ['images/p1.svg', '<svg/>'],
    ['.vite/manifest.json', '{}'],
    ['assets/app-abc.js.map', '{}'],
  ] as const) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const SITE = 'https://shop.example/';

describe('offline version manifest', () => {
  it('lists served files by content hash, without the worker, dot folders, maps or runtime prefixes', () => {
    const { manifest, bytes } = buildOfflineManifest({
      dir,
      runtime: ['images/'],
      immutable: ['model/catalog.json'],
    });
    expect(Object.keys(manifest.files)).toEqual(['index.html', 'model/model.hearth']);
    expect(manifest.immutable).toEqual(['model/catalog.json']);
    expect(manifest.files['model/model.hearth']).toBe(offlineContentHash('model bytes v1'));
    expect(manifest.runtime).toEqual(['images/']);
    expect(bytes).toBe('<!doctype html>'.length + 'model bytes v1'.length);
  });

  it('the service worker reads what the CLI writes, and hashes bytes the same way', async () => {
    const { manifest } = buildOfflineManifest({ dir, include: ['model/'] });
    const resolved = resolveOfflineManifest(
      JSON.parse(JSON.stringify(manifest)),
      `${SITE}hearth-offline.json`,
    );
    expect([...resolved.files.keys()]).toEqual([
      `${SITE}model/catalog.json`,
      `${SITE}model/model.hearth`,
    ]);
    const bytes = new TextEncoder().encode('model bytes v1');
    expect(await contentHash(bytes.buffer)).toBe(offlineContentHash(bytes));
  });

  it('a changed file changes the version and is the only one reported as changed', () => {
    const url = `${SITE}hearth-offline.json`;
    const before = buildOfflineManifest({ dir });
    writeFileSync(join(dir, 'model/model.hearth'), 'model bytes v2');
    const after = buildOfflineManifest({ dir });
    expect(after.manifest.version).not.toBe(before.manifest.version);
    const changed = changedFiles(
      resolveOfflineManifest(before.manifest, url),
      resolveOfflineManifest(after.manifest, url),
    );
    expect(changed).toEqual([`${SITE}model/model.hearth`]);
    expect(changedFiles(null, resolveOfflineManifest(after.manifest, url))).toHaveLength(4);
  });

  it('names the wrong field of a broken manifest', () => {
    const url = `${SITE}hearth-offline.json`;
    expect(() => resolveOfflineManifest([], url)).toThrow(/not a JSON object/);
    expect(() => resolveOfflineManifest({ format: 'x', version: '1', files: {} }, url)).toThrow(
      /format "x"/,
    );
    expect(() =>
      resolveOfflineManifest(
        { format: 'hearth-offline/1', version: '1', files: { 'a.js': 'nope' } },
        url,
      ),
    ).toThrow(/lists "a\.js" with hash "nope"/);
  });

  it('refuses a folder with nothing to list', () => {
    expect(() => buildOfflineManifest({ dir, include: ['nothing/'] })).toThrow(/No file/);
    expect(() => buildOfflineManifest({ dir: join(dir, 'missing') })).toThrow(/not a folder/);
  });

  it('maps pages to their index.html and keeps a file query as another file', () => {
    expect(manifestKeyOf(`${SITE}shop/?ref=mail#top`, true)).toBe(`${SITE}shop/index.html`);
    expect(manifestKeyOf(`${SITE}model/model.hearth?v=2`, false)).toBe(
      `${SITE}model/model.hearth?v=2`,
    );
  });

  it('finds its manifest next to the worker or where ?manifest= says; one cache per scope', () => {
    expect(offlineManifestUrl(`${SITE}hearth-sw.js`)).toBe(`${SITE}hearth-offline.json`);
    expect(offlineManifestUrl(`${SITE}hearth-sw.js?manifest=/model/offline.json`)).toBe(
      `${SITE}model/offline.json`,
    );
    expect(offlineCacheName(`${SITE}`)).not.toBe(offlineCacheName(`${SITE}shop/`));
    expect(offlineCacheName(`${SITE}`).startsWith('hearth')).toBe(true);
  });
});
