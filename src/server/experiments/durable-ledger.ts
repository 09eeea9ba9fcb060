/**
 * The experiment ledger backed by the data directory: a report is answered `accepted` only once
 * its record is on stable storage (the server's append log: group commit, fdatasync, torn tail cut
 * on open), and only then added to the sums, so what a client was told always survives a crash
 * and a restart rebuilds exactly the same sums. The log is folded into a snapshot on start and
 * every `compactEvery` records, which bounds both the log and the start-up replay.
 */
import { join } from 'node:path';
import type { ExperimentReportReceipt } from '../../federated/experiment-protocol';
import { createLogFile, openAppendLog, type AppendLog } from '../append-log';
import { nodeFileLayer, writeFileAtomic, type FileLayer } from '../durability/file-layer';
import { StoreWriteError } from '../durability/store-errors';
import {
  createLedgerCore,
  type ExperimentLedgerOptions,
  type ExperimentLedgerView,
} from './experiment-ledger';
import { createExperimentSums, type ExperimentSums } from './experiment-sums';
import {
  decodeLedgerRecord,
  decodeLedgerSnapshot,
  encodeLedgerRecord,
  encodeLedgerSnapshot,
  ledgerKey,
  ledgerLogName,
  ledgerSnapshotName,
} from './ledger-files';
import type { CheckedReport } from './report-check';

/** Records after which the log is folded into the snapshot by default. */
export const DEFAULT_COMPACT_EVERY = 50_000;

/** Options of {@link openExperimentLedger}. */
export interface DurableExperimentLedgerOptions extends ExperimentLedgerOptions {
  /** Folder of the ledger's files (the server uses `<data-dir>/experiments`); created if missing. */
  readonly dir: string;
  /** File operations (default: the real file system; tests pass a simulated disk). */
  readonly layer?: FileLayer;
  /** Records after which the log is folded into the snapshot (default 50,000). */
  readonly compactEvery?: number;
}

/** A ledger whose accepted reports survive restarts and crashes. */
export interface DurableExperimentLedger extends ExperimentLedgerView {
  /**
   * Checks a parsed JSON report and, once its record is durable, adds it to the sums. Rejects
   * with `UpdateRejectedError` (400) naming the bad field, or `StoreWriteError` when the disk
   * failed (nothing was added; the report may be retried).
   */
  ingest(body: unknown): Promise<ExperimentReportReceipt>;
  /** Waits for writes in flight and closes the logs. */
  close(): Promise<void>;
}

interface LedgerEntry {
  readonly key: string;
  readonly sums: ExperimentSums;
  log: AppendLog;
  generation: number;
  records: number;
  /** Set while the log is being folded into the snapshot: appends wait for it. */
  gate: Promise<void> | null;
  /** Appends past the gate whose records are not yet durable. */
  readonly inflight: Set<Promise<void>>;
  /** Reports being written, by id: a retry arriving meanwhile waits for the first one. */
  readonly pending: Map<string, Promise<void>>;
  /** Set when a compaction failed half-way: the entry refuses reports until a restart. */
  broken: unknown;
}

async function readSnapshots(layer: FileLayer, dir: string): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>();
  for (const name of await layer.list(dir)) {
    const key = /^(.+)\.snapshot\.json$/.exec(name)?.[1];
    const bytes = key === undefined ? null : await layer.readFile(join(dir, name));
    if (key !== undefined && bytes !== null) found.set(key, bytes);
  }
  return found;
}

/**
 * Opens (or creates) the durable experiment ledger in `options.dir`: reads each experiment
 * version's snapshot, replays its log, folds both into a fresh snapshot and removes logs of
 * older generations. Throws `StoreCorruptError` naming the file when one is damaged beyond a torn
 * tail, `OptionError` when a definition is invalid.
 */
export async function openExperimentLedger(
  options: DurableExperimentLedgerOptions,
): Promise<DurableExperimentLedger> {
  const layer = options.layer ?? nodeFileLayer;
  const { dir } = options;
  const compactEvery = options.compactEvery ?? DEFAULT_COMPACT_EVERY;
  await layer.mkdir(dir);
  const snapshots = await readSnapshots(layer, dir);
  const generations = new Map<string, number>();
  const core = createLedgerCore(options, (plan) => {
    const key = ledgerKey(plan);
    const bytes = snapshots.get(key);
    if (bytes === undefined) return createExperimentSums(plan);
    const snapshot = decodeLedgerSnapshot(plan, bytes, join(dir, ledgerSnapshotName(key)));
    generations.set(key, snapshot.generation);
    return createExperimentSums(plan, snapshot);
  });
  const entries = new Map<string, LedgerEntry>();
  for (const [id, sums] of core.sums) {
    const key = ledgerKey(sums.plan);
    const generation = generations.get(key) ?? 0;
    const path = join(dir, ledgerLogName(key, generation));
    const opened = await openAppendLog({ path, layer, round: generation, create: true });
    for (const { offset, body } of opened.records) {
      sums.add(decodeLedgerRecord(sums.plan, body, { file: path, offset }));
    }
    const entry: LedgerEntry = {
      key,
      sums,
      log: opened.log,
      generation,
      records: opened.records.length,
      gate: null,
      inflight: new Set(),
      pending: new Map(),
      broken: null,
    };
    entries.set(id, entry);
    if (entry.records > 0) await compact(entry);
    await removeStaleLogs(entry);
  }

  async function removeStaleLogs(entry: LedgerEntry): Promise<void> {
    for (const name of await layer.list(dir)) {
      const generation = new RegExp(`^${entry.key.replace(/\./g, '\\.')}\\.(\\d+)\\.log$`).exec(
        name,
      )?.[1];
      if (generation !== undefined && Number(generation) !== entry.generation) {
        await layer.remove(join(dir, name));
      }
    }
  }

  /** New empty log, then the snapshot naming it (atomic), then the old log goes. */
  async function compact(entry: LedgerEntry): Promise<void> {
    const next = entry.generation + 1;
    const path = join(dir, ledgerLogName(entry.key, next));
    await createLogFile({ path, round: next, layer });
    const snapshot = encodeLedgerSnapshot(entry.sums.snapshot(), next);
    await writeFileAtomic(layer, join(dir, ledgerSnapshotName(entry.key)), snapshot);
    await entry.log.close();
    await layer.remove(join(dir, ledgerLogName(entry.key, entry.generation)));
    entry.log = (await openAppendLog({ path, layer, round: next })).log;
    entry.generation = next;
    entry.records = 0;
  }

  function startCompaction(entry: LedgerEntry): void {
    const run = async (): Promise<void> => {
      await Promise.allSettled([...entry.inflight]);
      try {
        await compact(entry);
      } catch (error) {
        entry.broken = error;
      } finally {
        entry.gate = null;
      }
    };
    entry.gate = run();
  }

  async function write(entry: LedgerEntry, report: CheckedReport): Promise<void> {
    while (entry.gate !== null) await entry.gate;
    if (entry.broken !== null) {
      throw new StoreWriteError(
        `Folding the experiment log ${entry.key} into its snapshot failed; restart the server ` +
          'once the disk is healthy (it rebuilds the sums from the files).',
        { cause: entry.broken },
      );
    }
    // Sums change only after the record is durable, in log order (appends resolve in order).
    const appended = entry.log.append(encodeLedgerRecord(report)).then(() => {
      entry.sums.add(report);
      entry.records++;
    });
    entry.inflight.add(appended);
    try {
      await appended;
    } finally {
      entry.inflight.delete(appended);
    }
    if (entry.records >= compactEvery && entry.gate === null) startCompaction(entry);
  }

  const { sums: _sums, check: _check, ...view } = core;
  return {
    ...view,
    async ingest(body) {
      for (;;) {
        const report = core.check(body);
        if (report === null) return { status: 'duplicate' };
        const entry = entries.get(report.plan.definition.id);
        if (entry === undefined) throw new StoreWriteError('The experiment has no log open.');
        const earlier = entry.pending.get(report.reportId);
        if (earlier !== undefined) {
          // The same report is being written: once it is, this one is a duplicate (or, if that
          // write failed, this one is written instead).
          await earlier.catch(() => undefined);
          continue;
        }
        const done = write(entry, report);
        entry.pending.set(report.reportId, done);
        try {
          await done;
        } finally {
          entry.pending.delete(report.reportId);
        }
        return { status: 'accepted' };
      }
    },
    async close() {
      for (const entry of entries.values()) {
        while (entry.gate !== null) await entry.gate;
        await Promise.allSettled([...entry.inflight]);
        await entry.log.close();
      }
    },
  };
}
