import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/random';
import { createSimulatedDisk } from '../../../src/server/durability/simulated-disk';
import { openExperimentLedger } from '../../../src/server/experiments/durable-ledger';
import { createExperimentLedger } from '../../../src/server/experiments/experiment-ledger';
import type { ExperimentReport } from '../../../src/federated/experiment-protocol';
import {
  NOW,
  noisyDefinition,
  noisyReport,
  plainDefinition,
  plainReports,
} from './experiment-fixtures';

const definitions = [plainDefinition, noisyDefinition];
const root = mkdtempSync(join(tmpdir(), 'hearth-ledger-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Plain and noised reports, interleaved. */
function mixedReports(seed: number, count: number): ExperimentReport[] {
  const rng = createRng(seed);
  const plain = plainReports(seed, count);
  return plain.flatMap((report, i) =>
    i % 3 === 0 ? [report, noisyReport(rng, plainDefinition.arms[i % 3]!.id)] : [report],
  );
}

describe('durable experiment ledger', () => {
  it('reproduces the same sums exactly after a restart, compactions included', async () => {
    const dir = join(root, 'restart');
    const reports = mixedReports(21, 40);
    const memory = createExperimentLedger({ definitions, now: () => NOW });
    let ledger = await openExperimentLedger({ definitions, dir, now: () => NOW, compactEvery: 7 });
    // Concurrent ingests, retries among them: group commit keeps the log in acceptance order.
    const receipts = await Promise.all(
      [...reports, ...reports.slice(0, 5)].map((report) => ledger.ingest(report)),
    );
    expect(receipts.filter((r) => r.status === 'accepted')).toHaveLength(reports.length);
    for (const report of reports) memory.ingest(report);
    const before = definitions.map((d) => ledger.aggregates(d.id));
    expect(before).toEqual(definitions.map((d) => memory.aggregates(d.id)));
    await ledger.close();
    ledger = await openExperimentLedger({ definitions, dir, now: () => NOW, compactEvery: 7 });
    expect(definitions.map((d) => ledger.aggregates(d.id))).toEqual(before);
    // Ids survive too: a retry after the restart is still a duplicate.
    for (const report of reports.slice(-5)) {
      expect(await ledger.ingest(report)).toEqual({ status: 'duplicate' });
    }
    expect(ledger.status().map((s) => s.acceptedReports)).toEqual(
      memory.status().map((s) => s.acceptedReports),
    );
    await ledger.close();
    // One snapshot and one log per experiment version remain.
    const names = readdirSync(dir).sort();
    expect(names).toHaveLength(4);
    expect(names.join(' ')).toMatch(
      /^rows-dp-v1\.[1-9]\d*\.log rows-dp-v1\.snapshot\.json rows-v2-v3\.[1-9]\d*\.log rows-v2-v3\.snapshot\.json$/,
    );
  });

  it('cuts a torn tail left by a crash mid-write and keeps every acknowledged report', async () => {
    const dir = join(root, 'torn');
    const reports = plainReports(4, 12);
    let ledger = await openExperimentLedger({ definitions, dir, now: () => NOW });
    for (const report of reports) await ledger.ingest(report);
    const before = ledger.aggregates(plainDefinition.id);
    await ledger.close();
    // Restarting compacts, so write more and tear the last record by hand.
    ledger = await openExperimentLedger({ definitions, dir, now: () => NOW });
    const extra = plainReports(5, 1)[0]!;
    await ledger.ingest(extra);
    await ledger.close();
    const log = readdirSync(dir).find((n) => n.startsWith('rows-v2-v3.') && n.endsWith('.log'))!;
    await appendFile(join(dir, log), new Uint8Array([40, 0, 0, 0, 1, 2, 3]));
    ledger = await openExperimentLedger({ definitions, dir, now: () => NOW });
    const memory = createExperimentLedger({ definitions, now: () => NOW });
    for (const report of [...reports, extra]) memory.ingest(report);
    expect(ledger.aggregates(plainDefinition.id)).toEqual(memory.aggregates(plainDefinition.id));
    expect(before.arms).toHaveLength(3);
    await ledger.close();
  });

  it('loses no acknowledged report at a power loss at any point, compaction included', async () => {
    const reports = plainReports(8, 14);
    for (let seed = 1; seed <= 40; seed++) {
      const disk = createSimulatedDisk();
      const options = { definitions, dir: '/data/experiments', now: () => NOW, compactEvery: 4 };
      const ledger = await openExperimentLedger({ ...options, layer: disk });
      disk.schedulePowerLoss(1 + ((seed * 7) % 60), createRng(seed));
      const acknowledged: ExperimentReport[] = [];
      for (const report of reports) {
        try {
          await ledger.ingest(report);
          acknowledged.push(report);
        } catch {
          break;
        }
      }
      const reopened = await openExperimentLedger({ ...options, layer: disk.restart() });
      const memory = createExperimentLedger({ definitions, now: () => NOW });
      // Each acknowledged report is there (a retry is a duplicate); the one in flight may be too.
      const statuses: string[] = [];
      for (const report of reports) statuses.push((await reopened.ingest(report)).status);
      const kept = statuses.filter((s) => s === 'duplicate').length;
      expect(statuses.slice(0, kept).every((s) => s === 'duplicate')).toBe(true);
      expect(kept - acknowledged.length).toBeGreaterThanOrEqual(0);
      expect(kept - acknowledged.length).toBeLessThanOrEqual(1);
      for (const report of reports) memory.ingest(report);
      expect(reopened.aggregates(plainDefinition.id)).toEqual(
        memory.aggregates(plainDefinition.id),
      );
      await reopened.close();
    }
  });
});
