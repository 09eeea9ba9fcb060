import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFederatedClient } from '../../src/federated/federated-client';
import { runCrashCheck } from '../../src/server/load-tool';
import { spawnServer } from '../../src/server/spawn-server';
import { TOKEN } from './server-test-helpers';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
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
    // #8: lost is a set difference of ticket ids, not a difference of counts.
    expect(result.lostTicketIds).toEqual([]);
    expect(result.lostUpdates).toBe(0);
    expect(result.recovered).toBeGreaterThanOrEqual(result.acknowledged);
  }, 60_000);

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

  it('#2 mid-log corruption: the server refuses naming file and offset; --recover salvages and it starts', async () => {
    const data = join(dir, 'data');
    const args = ['--data-dir', data, '--token', TOKEN, '--port', '0'];
    const log = readdirSync(data).find((n) => /^round-\d+\.log$/.test(n))!;
    const path = join(data, log);
    const raw = readFileSync(path);
    const at = Math.floor(raw.length / 2);
    raw.writeUInt8(raw.readUInt8(at) ^ 0x01, at);
    writeFileSync(path, raw);
    const refused = await spawnServer({ entry, args }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    const message = (refused as Error).message;
    expect(message).toContain(`${path} at byte `);
    expect(message).toMatch(/--recover --data-dir/);
    expect(message).toMatch(/\[STORE_CORRUPT\]/);
    const recovered = await run(process.execPath, [entry, '--recover', '--data-dir', data]);
    expect(recovered.stdout).toMatch(/recovered .*round-\d+\.log/);
    expect(recovered.stdout).toMatch(/kept \d+ records/);
    expect(readdirSync(data).some((n) => n.startsWith(`${log}.damaged-`))).toBe(true);
    const server = await spawnServer({ entry, args });
    await server.stop('SIGTERM');
  }, 30_000);
});
