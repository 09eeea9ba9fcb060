/**
 * `hearth-recs server --recover --data-dir DIR`: salvages a data directory whose round log the
 * server refuses (see docs/server-durability.md). It keeps every intact, decodable record before
 * the first damage, copies the damaged file aside (never deletes it), writes a fresh log holding the
 * kept records, and reports what it kept and dropped. A damaged `state.json` or a missing model file
 * cannot be rebuilt from the logs: it says so and changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { STATE_FILE, inspectDataDir, modelFileName } from './data-dir';
import { nodeFileLayer, writeFileAtomic, type FileLayer } from './file-layer';
import {
  FRAME_BYTES,
  LOG_HEADER_BYTES,
  encodeLogHeader,
  frameRecord,
  type LogHeader,
} from './log-format';
import { StoreCorruptError } from './store-errors';

/** What {@link recoverDataDir} did. */
export interface RecoveryReport {
  /** `empty`: no committed state; `healthy`: nothing to do; `recovered`: a new log was written. */
  readonly status: 'empty' | 'healthy' | 'recovered';
  readonly logPath: string | null;
  /** Records in the (new) log and how many of them are updates. */
  readonly keptRecords: number;
  readonly keptUpdates: number;
  /** Bytes of the old log after the last kept record (dropped from the new log). */
  readonly droppedBytes: number;
  /** Offset and description of the damage that was cut, when there was some. */
  readonly damage: { readonly offset: number | null; readonly problem: string } | null;
  /** Where the damaged file's bytes were kept. */
  readonly damagedCopy: string | null;
}

/** Options of {@link recoverDataDir}. */
export interface RecoverOptions {
  readonly dir: string;
  /** File operations (default: the real file system). */
  readonly layer?: FileLayer;
  /** Clock for the damaged copy's name (default: now). */
  readonly now?: () => Date;
}

/** Salvages the open round's log of `o.dir`; see the module comment. */
export async function recoverDataDir(o: RecoverOptions): Promise<RecoveryReport> {
  const layer = o.layer ?? nodeFileLayer;
  const found = await inspectDataDir(layer, o.dir);
  const { state, logPath, scan, damage } = found;
  const none = { keptRecords: 0, keptUpdates: 0, droppedBytes: 0, damage: null, damagedCopy: null };
  if (!state || !logPath) return { status: 'empty', logPath: null, ...none };
  const modelPath = join(o.dir, modelFileName(state.modelVersion));
  if (!(await layer.readFile(modelPath))) {
    throw new StoreCorruptError({
      file: modelPath,
      problem: `missing, but ${STATE_FILE} names model version ${state.modelVersion}`,
      remedy: 'It cannot be rebuilt from the logs: restore it from a backup of the data directory.',
    });
  }
  const updates = (records: typeof found.records): number =>
    records.filter((r) => r.record.type === 'update').length;
  if (!damage) {
    return {
      status: 'healthy',
      logPath,
      ...none,
      keptRecords: found.records.length,
      keptUpdates: updates(found.records),
    };
  }
  // Records of a log whose header names another round belong to that round: keep none of them.
  const wrongRound = scan?.header?.round != null && scan.header.round !== state.roundNumber;
  const kept = wrongRound ? [] : found.records;
  const old = (await layer.readFile(logPath)) ?? new Uint8Array(0);
  const last = kept.at(-1);
  const keptEnd = last
    ? last.offset + FRAME_BYTES + last.body.length
    : scan?.header?.version === 1
      ? LOG_HEADER_BYTES
      : 0;
  let damagedCopy: string | null = null;
  if (old.length > 0) {
    const stamp = (o.now ?? (() => new Date()))().toISOString().replace(/[:.]/g, '-');
    damagedCopy = `${logPath}.damaged-${stamp}`;
    await writeFileAtomic(layer, damagedCopy, old);
  }
  const header: LogHeader = {
    version: 1,
    round: state.roundNumber,
    salt: randomBytes(4).readUInt32LE(0),
  };
  const parts = [
    encodeLogHeader(state.roundNumber, header.salt),
    ...kept.map((r) => frameRecord(header, r.body)),
  ];
  const bytes = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  await writeFileAtomic(layer, logPath, bytes);
  return {
    status: 'recovered',
    logPath,
    keptRecords: kept.length,
    keptUpdates: updates(kept),
    droppedBytes: Math.max(0, old.length - keptEnd),
    damage,
    damagedCopy,
  };
}

/** Human-readable lines for a {@link RecoveryReport}. */
export function formatRecoveryReport(report: RecoveryReport): string {
  if (report.status === 'empty')
    return 'hearth-server: the data directory holds no committed state; nothing to recover.';
  const kept = `${report.keptRecords} records (${report.keptUpdates} updates)`;
  if (report.status === 'healthy') {
    return `hearth-server: ${report.logPath} is intact: ${kept}; nothing changed.`;
  }
  const where = report.damage?.offset == null ? '' : ` at byte ${report.damage.offset}`;
  return [
    `hearth-server: recovered ${report.logPath}`,
    `  damage${where}: ${report.damage?.problem ?? 'unknown'}`,
    `  kept ${kept} before the damage; dropped ${report.droppedBytes} bytes after it`,
    report.damagedCopy
      ? `  the damaged file's bytes are kept in ${report.damagedCopy}`
      : '  the log was missing or empty: a new one was created',
    '  start the server as before.',
  ].join('\n');
}
