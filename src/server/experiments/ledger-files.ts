/**
 * Files of the durable experiment ledger, in `<data-dir>/experiments/`, per experiment version
 * (`<id>-v<version>`):
 * - `<key>.<generation>.log`: accepted reports since the snapshot, one record each (the server's
 *   append log: checksummed frames, group commit, torn tail cut on open);
 * - `<key>.snapshot.json`: the sums and remembered report ids up to the start of that log, and its
 *   generation (written atomically; absent before the first compaction: generation 0, empty).
 * Records and snapshots are JSON; JSON numbers round-trip doubles exactly, so a restart adds the
 * same numbers in the same order and reproduces the sums bit for bit.
 */
import { StoreCorruptError } from '../durability/store-errors';
import type { SumsSnapshot } from './experiment-sums';
import type { CheckedReport, ExperimentPlan } from './report-check';

/** Format of snapshot files. */
const SNAPSHOT_FORMAT = 1;

const REMEDY =
  'Nothing was changed. Restore the experiments folder of the data directory from a backup, or ' +
  'move the damaged file away to start that experiment from empty sums.';

/** File-name stem of one experiment version. */
export const ledgerKey = (plan: ExperimentPlan): string =>
  `${plan.definition.id}-v${plan.definition.version}`;

/** Log file of generation `generation`. */
export const ledgerLogName = (key: string, generation: number): string =>
  `${key}.${generation}.log`;

/** Snapshot file of an experiment version. */
export const ledgerSnapshotName = (key: string): string => `${key}.snapshot.json`;

/** A snapshot as stored. */
export interface LedgerSnapshot extends SumsSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  /** Generation of the log that continues this snapshot. */
  readonly generation: number;
}

/** Encodes an accepted report as a log record. */
export function encodeLedgerRecord(report: CheckedReport): Uint8Array {
  const record = {
    r: report.reportId,
    p: report.period,
    d: report.day,
    m: report.multiplier,
    a: report.blocks.map((block) => [block.arm, ...block.vector]),
  };
  return new TextEncoder().encode(JSON.stringify(record));
}

const isNumberList = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v));

/** Decodes a log record of `file`; throws {@link StoreCorruptError} at `offset` when malformed. */
export function decodeLedgerRecord(
  plan: ExperimentPlan,
  body: Uint8Array,
  where: { readonly file: string; readonly offset: number },
): CheckedReport {
  const corrupt = (problem: string): never => {
    throw new StoreCorruptError({ ...where, problem, remedy: REMEDY });
  };
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;
  } catch {
    return corrupt('a record with a valid checksum is not JSON');
  }
  const blocks = record['a'];
  if (
    typeof record['r'] !== 'string' ||
    typeof record['p'] !== 'string' ||
    typeof record['d'] !== 'number' ||
    typeof record['m'] !== 'number' ||
    !Array.isArray(blocks) ||
    !blocks.every((b) => isNumberList(b) && b.length === plan.length + 1)
  ) {
    return corrupt('a record does not have the shape of an accepted report');
  }
  return {
    plan,
    reportId: record['r'],
    period: record['p'],
    day: record['d'],
    multiplier: record['m'],
    blocks: (blocks as number[][]).map(([arm, ...vector]) => {
      if (arm === undefined || plan.definition.arms[arm] === undefined) {
        return corrupt(`a record names arm index ${String(arm)}, which the definition lacks`);
      }
      return { arm, vector: Float64Array.from(vector) };
    }),
  };
}

/** Encodes a snapshot file. */
export function encodeLedgerSnapshot(sums: SumsSnapshot, generation: number): Uint8Array {
  const snapshot: LedgerSnapshot = { format: SNAPSHOT_FORMAT, generation, ...sums };
  return new TextEncoder().encode(JSON.stringify(snapshot));
}

/** Decodes the snapshot `file` of `plan`; throws {@link StoreCorruptError} when malformed. */
export function decodeLedgerSnapshot(
  plan: ExperimentPlan,
  bytes: Uint8Array,
  file: string,
): LedgerSnapshot {
  const corrupt = (problem: string): never => {
    throw new StoreCorruptError({ file, problem, remedy: REMEDY });
  };
  let parsed: Partial<LedgerSnapshot>;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes)) as Partial<LedgerSnapshot>;
  } catch {
    return corrupt('not valid JSON');
  }
  const arms = plan.definition.arms.length;
  if (parsed.format !== SNAPSHOT_FORMAT) return corrupt(`format is not ${SNAPSHOT_FORMAT}`);
  if (!(Number.isInteger(parsed.generation) && (parsed.generation ?? -1) >= 0)) {
    return corrupt('generation is not a non-negative integer');
  }
  if (
    !Array.isArray(parsed.sums) ||
    parsed.sums.length !== arms ||
    !parsed.sums.every((s) => isNumberList(s) && s.length === plan.length)
  ) {
    return corrupt(`sums do not hold ${arms} arms of ${plan.length} slots`);
  }
  if (!isNumberList(parsed.noiseUnits) || parsed.noiseUnits.length !== arms) {
    return corrupt('noiseUnits do not hold one number per arm');
  }
  if (
    !Array.isArray(parsed.seen) ||
    !parsed.seen.every(
      (entry) =>
        Array.isArray(entry) &&
        typeof entry[0] === 'number' &&
        Array.isArray(entry[1]) &&
        entry[1].every((id) => typeof id === 'string'),
    )
  ) {
    return corrupt('seen is not a list of [day, report ids]');
  }
  if (!(Number.isInteger(parsed.accepted) && (parsed.accepted ?? -1) >= 0)) {
    return corrupt('accepted is not a non-negative integer');
  }
  return parsed as LedgerSnapshot;
}
