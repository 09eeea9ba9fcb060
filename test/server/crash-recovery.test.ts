import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFederatedClient } from '../../src/federated/federated-client';
import { runCrashCheck } from '../../src/server/load-tool';
import { spawnServer } from '../../src/server/spawn-server';
import { TOKEN } from './server-test-helpers';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let entry: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-crash-'));
  entry = join(dir, 'hearth-server.mjs');
  // Bundle the real entry point, exactly as scripts/build-server.mjs does, into a private folder.
  await build({
    entryPoints: [join(REPO, 'src/server/main.ts')],
    outfile: entry,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    absWorkingDir: REPO,
    logLevel: 'warning',
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kill -9 mid-round', () => {
  it('every acknowledged update is back after a restart', async () => {
    const result = await runCrashCheck({
      entry,
      dataDir: join(dir, 'data'),
      token: TOKEN,
      serverArgs: [
        '--items',
        '200',
        '--factors',
        '8',
        '--min-cohort',
        '10',
        '--max-cohort',
        '1000',
        '--rate',
        '10000',
        '--burst',
        '10000',
        // One test process is every client: no per-address seat or connection limit, no proof of work.
        ...[
          '--joins-per-address',
          '0',
          '--join-difficulty',
          '0',
          '--connections-per-address',
          '10000',
        ],
      ],
      clients: 100,
      killAfterAcks: 5,
    });
    expect(result.acknowledged).toBeGreaterThanOrEqual(5);
    expect(result.acknowledged).toBeLessThanOrEqual(100);
    expect(result.recovered).toBeGreaterThanOrEqual(result.acknowledged);
    expect(result.lostUpdates).toBe(0);
  });

  it('the restarted server keeps its model, round and token, and refuses a missing token at startup', async () => {
    const data = join(dir, 'data');
    const args = ['--data-dir', data, '--token', TOKEN, '--port', '0'];
    const server = await spawnServer({ entry, args });
    try {
      const status = await createFederatedClient({ baseUrl: server.url, token: TOKEN }).status();
      expect(status.round?.roundId).toBe('r1');
      expect(status.acceptedTotal).toBeGreaterThanOrEqual(5);
    } finally {
      await server.stop('SIGTERM');
    }
    await expect(
      spawnServer({ entry, args: ['--data-dir', data, '--port', '0'], env: {} }),
    ).rejects.toThrow(/token/);
  });
});
