/**
 * Layout of the server's data directory and read-only access to it, shared by the disk store, the
 * recovery command and the load tool's durability check:
 * - `state.json`: the committed state; `model-v<N>.hfm`: model version N;
 * - `round-<R>.log`: the open round's log (created, header only, before the state naming R).
 */
import { join } from 'node:path';
import { decodeRecord, type RoundRecord, type StoredState } from '../federated-store';
import type { FileLayer } from './file-layer';
import { scanLog, type LogScan, type ScannedRecord } from './log-format';
import { parseStoredState } from './state-file';
import { StoreCorruptError, recoverCommand } from './store-errors';

/** File name of the committed state. */
export const STATE_FILE = 'state.json';
/** File name of model version `version`. */
export const modelFileName = (version: number): string => `model-v${version}.hfm`;
/** File name of round `round`'s log. */
export const logFileName = (round: number): string => `round-${round}.log`;

/** A decoded record and where it starts in its log. */
export interface LocatedRecord {
  readonly offset: number;
  readonly record: RoundRecord;
  /** The encoded record (what was framed). */
  readonly body: Uint8Array;
}

/**
 * Reads `state.json` of `dir`: null for a directory that was never committed to; throws
 * {@link StoreCorruptError} when it is damaged, or missing while later versions exist.
 */
export async function readStateFile(layer: FileLayer, dir: string): Promise<StoredState | null> {
  const file = join(dir, STATE_FILE);
  const bytes = await layer.readFile(file);
  if (bytes) return parseStoredState(new TextDecoder().decode(bytes), file);
  // A crash during the very first commit leaves model-v0 and an empty round-1 log behind, nothing
  // more; anything beyond that means the state file was lost.
  const later = (await layer.list(dir)).find((name) => {
    const model = /^model-v(\d+)\.hfm$/.exec(name);
    const log = /^round-(\d+)\.log$/.exec(name);
    return (model && Number(model[1]) > 0) || (log && Number(log[1]) > 1);
  });
  if (later) {
    throw new StoreCorruptError({
      file,
      problem: `missing, but the directory holds ${later} from later rounds`,
      remedy: 'Nothing was changed; restore state.json from a backup of the data directory.',
    });
  }
  return null;
}

/** The first record of `scanned` that does not decode, as a problem at its offset. */
export interface UndecodableRecord {
  readonly offset: number;
  readonly index: number;
  readonly problem: string;
}

/** Decodes scanned records in order; stops at the first one that does not decode. */
export function decodeScannedRecords(scanned: readonly ScannedRecord[]): {
  records: LocatedRecord[];
  bad: UndecodableRecord | null;
} {
  const records: LocatedRecord[] = [];
  for (const [index, { offset, body }] of scanned.entries()) {
    try {
      records.push({ offset, record: decodeRecord(body), body });
    } catch (error) {
      const problem = `record ${index + 1} has a valid checksum but cannot be decoded: ${(error as Error).message}`;
      return { records, bad: { offset, index, problem } };
    }
  }
  return { records, bad: null };
}

/** Throws a {@link StoreCorruptError} for an undecodable record of `file` in `dir`. */
export function undecodableRecordError(
  dir: string,
  file: string,
  bad: UndecodableRecord,
): StoreCorruptError {
  return new StoreCorruptError({
    file,
    offset: bad.offset,
    problem: bad.problem,
    remedy: `Nothing was changed; keep the records before it with: ${recoverCommand(dir)}`,
  });
}

/** What a read-only look at a data directory found. */
export interface DataDirInspection {
  /** Null for a directory that holds no committed state. */
  readonly state: StoredState | null;
  readonly logPath: string | null;
  /** Null when the open round's log is missing. */
  readonly scan: LogScan | null;
  /** Decodable records before the first damage. */
  readonly records: readonly LocatedRecord[];
  /** The first damage that stops a start (null: the server would start, cutting a torn tail). */
  readonly damage: { readonly offset: number | null; readonly problem: string } | null;
}

/** Reads state and the open round's log of `dir` without changing anything. */
export async function inspectDataDir(layer: FileLayer, dir: string): Promise<DataDirInspection> {
  const state = await readStateFile(layer, dir);
  if (!state) return { state, logPath: null, scan: null, records: [], damage: null };
  const logPath = join(dir, logFileName(state.roundNumber));
  const bytes = await layer.readFile(logPath);
  if (!bytes) {
    const problem = 'the log of the open round is missing';
    return { state, logPath, scan: null, records: [], damage: { offset: null, problem } };
  }
  const scan = scanLog(bytes);
  const { records, bad } = decodeScannedRecords(scan.records);
  const round = scan.header?.round;
  const damage = bad
    ? { offset: bad.offset, problem: bad.problem }
    : scan.end.kind === 'corrupt'
      ? { offset: scan.end.offset, problem: scan.end.problem }
      : round !== null && round !== undefined && round !== state.roundNumber
        ? { offset: 8, problem: `the header belongs to round ${round}` }
        : null;
  return { state, logPath, scan, records, damage };
}

/** Ticket ids of the update records of the open round in `dir` (read-only; for durability checks). */
export async function readAcceptedTicketIds(layer: FileLayer, dir: string): Promise<Set<string>> {
  const { records } = await inspectDataDir(layer, dir);
  const ids = new Set<string>();
  for (const { record } of records) if (record.type === 'update') ids.add(record.ticketId);
  return ids;
}
