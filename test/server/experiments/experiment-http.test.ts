import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/random';
import {
  EXPERIMENT_REPORTS_PATH,
  EXPERIMENTS_PATH,
  experimentAnalysisPath,
  type ExperimentsDocument,
} from '../../../src/federated/experiment-protocol';
import type { DurableExperimentLedger } from '../../../src/server/experiments/durable-ledger';
import { createExperimentLedger } from '../../../src/server/experiments/experiment-ledger';
import { experimentLedgerFromFlags } from '../../../src/server/experiments/experiments-flag';
import type { ExperimentService } from '../../../src/server/experiments/experiment-routes';
import {
  createFederatedHttpServer,
  type FederatedHttpServer,
} from '../../../src/server/http-server';
import { createMemoryStore } from '../../../src/server/memory-store';
import { createRoundManager, type RoundManager } from '../../../src/server/round-manager';
import { TOKEN, smallModel, testConfig } from '../server-test-helpers';
import { NOW, noisyDefinition, plainDefinition, plainReport } from './experiment-fixtures';

let http: FederatedHttpServer | null = null;
let manager: RoundManager | null = null;
const root = mkdtempSync(join(tmpdir(), 'hearth-exp-http-'));

async function start(experiments?: ExperimentService, rate = 10_000): Promise<string> {
  const config = testConfig({ rateLimit: { perSecond: rate, burst: rate } });
  manager = await createRoundManager({
    store: createMemoryStore(),
    config,
    initialModel: smallModel(),
  });
  http = createFederatedHttpServer({ manager, config, ...(experiments ? { experiments } : {}) });
  return `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}`;
}

afterEach(async () => {
  await http?.close();
  await manager?.close();
  http = null;
  manager = null;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const auth = { Authorization: `Bearer ${TOKEN}` };
const json = { ...auth, 'Content-Type': 'application/json' };
const memoryLedger = () =>
  createExperimentLedger({ definitions: [plainDefinition, noisyDefinition], now: () => NOW });

async function refusal(
  res: Response,
): Promise<{ status: number; reason: string; message: string }> {
  const body = (await res.json()) as { error: { reason: string; message: string } };
  return { status: res.status, ...body.error };
}

describe('experiment routes', () => {
  it('serve the definitions with an ETag and answer 304 when unchanged', async () => {
    const base = await start(memoryLedger());
    const res = await fetch(`${base}${EXPERIMENTS_PATH}`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const document = (await res.json()) as ExperimentsDocument;
    expect(document.protocol).toBe(1);
    expect(document.experiments.map((d) => d.id)).toEqual(['rows-v2', 'rows-dp']);
    const again = await fetch(`${base}${EXPERIMENTS_PATH}`, {
      headers: { ...auth, 'If-None-Match': etag },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
  });

  it('need the deployment token and the right method', async () => {
    const base = await start(memoryLedger());
    for (const path of [
      EXPERIMENTS_PATH,
      EXPERIMENT_REPORTS_PATH,
      experimentAnalysisPath('rows-v2'),
    ]) {
      const res = await fetch(`${base}${path}`);
      expect(await refusal(res)).toMatchObject({ status: 401, reason: 'unauthorized' });
    }
    const wrong = await fetch(`${base}${EXPERIMENT_REPORTS_PATH}`, { headers: auth });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });

  it('accept a report, answer a retry duplicate, and serve the analysis', async () => {
    const base = await start(memoryLedger());
    const report = plainReport(createRng(9), 'model-v2');
    const post = () =>
      fetch(`${base}${EXPERIMENT_REPORTS_PATH}`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify(report),
      });
    expect(await (await post()).json()).toEqual({ status: 'accepted' });
    expect(await (await post()).json()).toEqual({ status: 'duplicate' });
    const analysis = (await (
      await fetch(`${base}${experimentAnalysisPath('rows-v2')}`, { headers: auth })
    ).json()) as { experimentId: string; arms: { visitors: number }[]; status: string };
    expect(analysis.experimentId).toBe('rows-v2');
    expect(analysis.arms.map((a) => a.visitors)).toEqual([0, 1, 0]);
    expect(analysis.status).toBe('not-enough-data');
    const status = (await (await fetch(`${base}/v1/status`, { headers: auth })).json()) as {
      experiments: unknown[];
    };
    expect(status.experiments[0]).toEqual({
      experimentId: 'rows-v2',
      version: 3,
      acceptedReports: 1,
      rememberedReportIds: 1,
    });
  });

  it('refuse a bad report with a 400 naming the field, a large body with 413, an unknown id with 404', async () => {
    const base = await start(memoryLedger());
    const bad = { ...plainReport(createRng(2), 'control'), period: '2026/03/09' };
    const res = await fetch(`${base}${EXPERIMENT_REPORTS_PATH}`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(bad),
    });
    const refused = await refusal(res);
    expect(refused).toMatchObject({ status: 400, reason: 'bad-request' });
    expect(refused.message).toMatch(/period must be a UTC day/);
    const big = await fetch(`${base}${EXPERIMENT_REPORTS_PATH}`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ ...bad, padding: 'x'.repeat(17 * 1024) }),
    });
    expect(big.status).toBe(413);
    const notJson = await fetch(`${base}${EXPERIMENT_REPORTS_PATH}`, {
      method: 'POST',
      headers: json,
      body: '{not json',
    });
    expect(await refusal(notJson)).toMatchObject({ status: 400, reason: 'bad-request' });
    const unknown = await refusal(
      await fetch(`${base}${experimentAnalysisPath('nope')}`, { headers: auth }),
    );
    expect(unknown).toMatchObject({ status: 404, reason: 'not-found' });
    expect(unknown.message).toMatch(/No experiment "nope"/);
  });

  it('are rate limited like every route', async () => {
    const base = await start(memoryLedger(), 1);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await fetch(`${base}${EXPERIMENTS_PATH}`, { headers: auth })).status);
    }
    expect(statuses).toEqual([200, 429, 429]);
  });

  it('serve an empty document and 404s without --experiments', async () => {
    const base = await start();
    const document = await (await fetch(`${base}${EXPERIMENTS_PATH}`, { headers: auth })).json();
    expect(document).toEqual({ protocol: 1, experiments: [] });
    const report = await fetch(`${base}${EXPERIMENT_REPORTS_PATH}`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(plainReport(createRng(1), 'control')),
    });
    expect(await refusal(report)).toMatchObject({ status: 404, reason: 'not-found' });
    const analysis = await fetch(`${base}${experimentAnalysisPath('rows-v2')}`, { headers: auth });
    expect((await refusal(analysis)).message).toMatch(/--experiments FILE/);
  });
});

describe('--experiments FILE', () => {
  it('opens the durable ledger from a document or a list, and names the file and field of an error', async () => {
    const file = join(root, 'experiments.json');
    writeFileSync(file, JSON.stringify({ protocol: 1, experiments: [plainDefinition] }));
    const ledger = (await experimentLedgerFromFlags({
      file,
      retention: '7',
      dataDir: join(root, 'data'),
    })) as DurableExperimentLedger;
    expect(ledger.document().experiments).toEqual([plainDefinition]);
    await ledger.close();
    writeFileSync(file, JSON.stringify([plainDefinition, { ...plainDefinition, version: 0 }]));
    await expect(
      experimentLedgerFromFlags({ file, retention: undefined, dataDir: join(root, 'data') }),
    ).rejects.toThrow(
      /experiments\.json: \[1\]: Experiment definition: version must be an integer ≥ 1/,
    );
    await expect(
      experimentLedgerFromFlags({
        file: join(root, 'missing.json'),
        retention: undefined,
        dataDir: root,
      }),
    ).rejects.toThrow(/--experiments: cannot read .*missing\.json \(ENOENT\)/);
    await expect(
      experimentLedgerFromFlags({ file: undefined, retention: '3', dataDir: root }),
    ).rejects.toThrow(/--experiment-retention needs --experiments FILE/);
  });
});
