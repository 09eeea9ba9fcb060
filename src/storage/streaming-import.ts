import { CancelledError } from '../core/errors';
import type { InteractionDataset } from '../core/data/interaction-log';
import type { ImportReport, ParseInput } from '../core/data/parse';
import type { HearthConnection } from './hearth-connection';
import { INTERACTION_STORES } from './hearth-db-schema';
import {
  detectDeviceLimits,
  importCapacity,
  logTooLargeError,
  STORED_BYTES_PER_EVENT,
} from './import-capacity';
import { createImportChunkWriter, type SlicedImportTarget } from './import-chunk-writer';
import {
  interruptedImport,
  newImportId,
  undoJournaledImport,
  writeJournal,
  type ImportJournal,
} from './import-journal';
import {
  isSliceable,
  type InteractionImportOptions,
  type InterruptedImport,
} from './import-options';
import {
  blobSlices,
  downloadSlices,
  isByteStream,
  streamSlices,
  type ImportSlices,
} from './import-slices';
import { compactLog, storedRows } from './interaction-writes';
import { commitOrAbort, isQuotaError } from './quota';
import type { AppendResult, InteractionImportResult, StoreChange } from './store-types';
import { withWebLock } from './tab-sync';

export type { SlicedImportTarget } from './import-chunk-writer';

/** Bytes read from the input per step: one slice is decoded, parsed and stored at a time. */
export const IMPORT_SLICE_BYTES = 4 << 20;

/** What {@link importInteractionsInto} uses of the store. */
export interface ImportHost extends Omit<SlicedImportTarget, 'connection'> {
  /** Database name: imports of one database take turns under a Web Lock named after it. */
  readonly dbName: string;
  run<T>(write: (connection: HearthConnection) => Promise<T>): Promise<T>;
  /** Appends a parsed dataset in one write (with quota recovery). */
  appendDataset(dataset: InteractionDataset): Promise<AppendResult>;
  /** Tells this and other tabs about a change. */
  publish(change: StoreChange): void;
  /** Rows stored now. */
  countRows(): Promise<number>;
}

/**
 * `HearthStore.importInteractions`. Imports of one database run one at a time across the
 * origin's tabs and workers (a Web Lock, waited for; cancellable with `options.signal`), and each
 * first undoes an import that a closed tab left unfinished ({@link recoverInterruptedImport}). A
 * `File`/`Blob`, a `URL` (downloaded as a stream) or a byte stream is imported slice by slice
 * ({@link importLogInSlices}); a string or bytes in memory are parsed whole and appended in one
 * write.
 */
export async function importInteractionsInto(
  host: ImportHost,
  source: ParseInput | URL,
  options: InteractionImportOptions,
): Promise<InteractionImportResult> {
  return withImportLock(host.dbName, options.signal, async () => {
    let interrupted: InterruptedImport | null = null;
    const recover = async (connection: HearthConnection): Promise<void> => {
      const found = await recoverInterruptedImport(connection);
      if (found === null) return;
      interrupted ??= found;
      host.publish({
        kind: 'import-recovered',
        removed: found.removedRows,
        message: found.message,
      });
      if (found.removedRows > 0) await publishRows(host, 0);
    };
    const imported = await importSource(host, source, options, recover);
    return interrupted === null ? imported : { ...imported, interruptedImport: interrupted };
  });
}

async function importSource(
  host: ImportHost,
  source: ParseInput | URL,
  options: InteractionImportOptions,
  recover: (connection: HearthConnection) => Promise<void>,
): Promise<InteractionImportResult> {
  const open = slicesOf(source);
  if (open === null) {
    await host.run(recover);
    const { parseInteractions } = await import('../core/data/parse/parse-interactions');
    const { dataset, report } = await parseInteractions(source as ParseInput, {
      defaultUserId: host.visitorId,
      ...options,
    });
    return { report, append: await host.appendDataset(dataset) };
  }
  let attempts = 0;
  const imported = await host.run(async (connection) => {
    // A connection closed by another tab makes the store retry once; an import stops instead:
    // after an erase the log must not come back, and a download cannot be read again.
    if (attempts++ > 0) throw connectionLost();
    await recover(connection);
    return importLogInSlices({ ...host, connection }, await open(), options);
  });
  await publishRows(host, imported.append.appended);
  return imported;
}

async function publishRows(host: ImportHost, appended: number): Promise<void> {
  host.publish({ kind: 'interactions', appended, total: await host.countRows() });
}

/** How to read an input in slices, or null for an input parsed whole (a string, bytes). */
function slicesOf(source: ParseInput | URL): (() => Promise<ImportSlices>) | null {
  if (source instanceof URL) return () => downloadSlices(source, IMPORT_SLICE_BYTES);
  if (isSliceable(source)) return async () => blobSlices(source, IMPORT_SLICE_BYTES);
  if (isByteStream(source)) return async () => streamSlices(source, IMPORT_SLICE_BYTES, null);
  return null;
}

function connectionLost(): CancelledError {
  return new CancelledError(
    'The import stopped: another tab erased the data or a newer version of the page opened the database. What it had stored is removed by the next import; import the log again if you still want it.',
  );
}

/**
 * Imports a large interaction log in slices of {@link IMPORT_SLICE_BYTES}: each slice is parsed
 * by the incremental parser and its rows are stored as typed-array chunks in their own
 * transaction, with the import's journal, so memory holds one slice, the id lists and nothing of
 * the rows already stored. Before the first write, the size of the log (estimated from the first
 * slice and the input's length) is checked against the device (`detectDeviceLimits`) and refused
 * with `LOG_TOO_LARGE` when it cannot be stored and trained on; the check repeats with the real
 * count as slices arrive. If anything fails (a cancel, a quota error, a too-large log, an input
 * with no valid row, a broken download), every row this import wrote is removed again, and none
 * other: rows stored before it or beside it are never touched. If the tab closes first, the
 * journal lets the next import remove them. The retention policy applies once, at the end.
 * Call it holding the import lock (as {@link importInteractionsInto} does).
 */
export async function importLogInSlices(
  target: SlicedImportTarget,
  slices: ImportSlices,
  options: InteractionImportOptions,
): Promise<{ readonly report: ImportReport; readonly append: AppendResult }> {
  const { onProgress, limits: givenLimits, signal, ...parseOptions } = options;
  const { createInteractionParser } = await import('../core/data/parse/parse-interactions');
  const parser = createInteractionParser({ defaultUserId: target.visitorId, ...parseOptions });
  const limits = givenLimits ?? (await detectDeviceLimits());
  const { storedEvents, journal } = await beginImport(target.connection);
  const writer = createImportChunkWriter(target, journal);
  let totalBytes = slices.totalBytes;
  let bytesRead = 0;
  let estimatedEvents = 0;
  let events = 0;
  const check = (newEvents: number, estimated: boolean): void => {
    const capacity = importCapacity({ storedEvents, newEvents, limits });
    if (!capacity.fits) throw logTooLargeError(capacity, estimated);
  };
  try {
    for (;;) {
      throwIfImportAborted(signal);
      const bytes = await slices.next();
      if (bytes === null) break;
      bytesRead += bytes.length;
      // A compressed download decodes to more than its Content-Length: the length is unknown then.
      if (totalBytes !== null && bytesRead > totalBytes) totalBytes = null;
      if (bytesRead === bytes.length) {
        estimatedEvents = estimateEvents(bytes, totalBytes ?? bytes.length);
        check(estimatedEvents, totalBytes === null || bytesRead < totalBytes);
      }
      parser.push(bytes);
      const taken = parser.takeRows();
      check(events + taken.columns.length, false);
      await writer.add(taken);
      events += taken.columns.length;
      estimatedEvents = Math.max(estimatedEvents, events);
      onProgress?.({
        bytesRead,
        totalBytes: totalBytes ?? bytesRead,
        totalKnown: totalBytes !== null,
        events,
        estimatedEvents,
      });
    }
    throwIfImportAborted(signal);
    const { dataset, report } = parser.finish();
    check(events + dataset.columns.length, false);
    const evicted = await writer.finish(dataset);
    events += dataset.columns.length;
    return { report, append: { appended: events, evicted } };
  } catch (error) {
    await slices.cancel();
    await rollBack(target.connection);
    if (isQuotaError(error)) {
      throw logTooLargeError(
        importCapacity({
          storedEvents,
          newEvents: Math.max(estimatedEvents, events),
          // What fit before the browser refused more is the storage this site really has.
          limits: { ...limits, storageBytes: events * STORED_BYTES_PER_EVENT },
        }),
        true,
      );
    }
    throw error;
  }
}

/** Events an input of `totalBytes` holds, from the lines of its first slice. */
export function estimateEvents(first: Uint8Array, totalBytes: number): number {
  let lines = 0;
  for (let i = 0; i < first.length; i++) if (first[i] === 10) lines++;
  if (first.length < totalBytes || first[first.length - 1] !== 10) lines++;
  return Math.ceil((totalBytes / Math.max(1, first.length)) * lines);
}

function throwIfImportAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw importCancelled();
}

function importCancelled(): CancelledError {
  return new CancelledError(
    'The import was cancelled; nothing of it was kept. Start it again to load the data.',
  );
}

/**
 * Runs `fn` holding the import lock of the database (`hearth:<dbName>:import`), waiting for an
 * import of another tab or worker to end first.
 *
 * @throws CancelledError when `signal` aborts while waiting.
 */
async function withImportLock<T>(
  dbName: string,
  signal: AbortSignal | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  let started = false;
  try {
    const held = await withWebLock(
      `hearth:${dbName}:import`,
      async () => {
        started = true;
        return { value: await fn() };
      },
      signal === undefined ? {} : { signal },
    );
    // Only a lock asked for without waiting comes back empty.
    if (held === null) throw importCancelled();
    return held.value;
  } catch (error) {
    if (!started && error instanceof CancelledError) throw importCancelled();
    throw error;
  }
}

/**
 * Moves the append log into chunks (so the import's rows come after it in insertion order) and
 * starts the import's journal, in one transaction. Returns the rows stored before the import.
 */
async function beginImport({
  db,
  mirror,
}: HearthConnection): Promise<{ readonly storedEvents: number; readonly journal: ImportJournal }> {
  const tx = db.transaction(INTERACTION_STORES, 'readwrite');
  try {
    // Moves rows already stored without adding any: never a quota failure to simulate.
    return await commitOrAbort(
      tx,
      async () => {
        await compactLog(tx, mirror);
        const [last, rows] = await Promise.all([
          tx.objectStore('chunks').openKeyCursor(null, 'prev'),
          storedRows(tx),
        ]);
        const journal = { importId: newImportId(), afterChunk: last?.primaryKey ?? 0, rows: 0 };
        writeJournal(tx, journal);
        return { storedEvents: rows.chunkRows + rows.logRows, journal };
      },
      undefined,
    );
  } catch (error) {
    mirror.invalidate();
    throw error;
  }
}

/**
 * Removes the rows of this tab's failed import (its journal's chunks) and the journal. When that
 * fails too (the connection is gone), or its rows no longer match the journal, the journal stays
 * for the next import to act on and report.
 */
async function rollBack({ db, mirror }: HearthConnection): Promise<void> {
  mirror.invalidate();
  try {
    const tx = db.transaction(INTERACTION_STORES, 'readwrite');
    await commitOrAbort(tx, () => undoJournaledImport(tx, { keepUnmatched: true }), undefined);
  } catch {
    // The original error says what went wrong; the journal keeps the rows findable.
  }
}

/**
 * Undoes an import that a tab or worker left unfinished (closed or crashed in the middle): its
 * journaled rows are removed, or kept when they no longer match the journal. Returns what was
 * done, or null when there was nothing to do. Call it holding the import lock: a journal seen
 * outside it may belong to an import still running in another tab.
 */
export async function recoverInterruptedImport({
  db,
}: HearthConnection): Promise<InterruptedImport | null> {
  const tx = db.transaction(INTERACTION_STORES, 'readwrite');
  const undone = await commitOrAbort(
    tx,
    () => undoJournaledImport(tx, { keepUnmatched: false }),
    undefined,
  );
  if (undone === null || undone.journal.rows === 0) return null;
  return interruptedImport(undone.journal, undone.removed);
}
