import { afterEach, describe, expect, it, vi } from 'vitest';
import { CancelledError } from '../../src/core/errors';
import { TRAIN_BYTES_PER_EVENT, type ImportProgress } from '../../src/storage';
import { IMPORT_SLICE_BYTES } from '../../src/storage/streaming-import';
import { csvLog, csvLogText, NO_LIMITS, rowsForSlices } from './import-test-logs';
import { datasetEvents, makeEvents, openStore, uniqueDbName } from './storage-test-helpers';

const ROWS = rowsForSlices(1.5);
const LOG_URL = new URL('https://shop.example/exports/events.csv');

/** What the mocked download did. */
interface Download {
  /** Bytes handed to the reader so far. */
  pulled: number;
  cancelled: boolean;
}

/**
 * Serves `text` at {@link LOG_URL} through a mocked `fetch`: a stream of pieces of 1–64 KiB (cut
 * anywhere, inside lines too), with `Content-Length` unless told otherwise; `breakAt` makes the
 * stream fail once that many bytes were delivered.
 */
function serve(
  text: string,
  options: { readonly contentLength?: boolean; readonly breakAt?: number } = {},
): Download {
  const bytes = new TextEncoder().encode(text);
  const download: Download = { pulled: 0, cancelled: false };
  let seed = 7;
  vi.stubGlobal('fetch', async (input: URL | string) => {
    expect(String(input)).toBe(LOG_URL.href);
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (options.breakAt !== undefined && download.pulled >= options.breakAt) {
            controller.error(new TypeError('network error'));
            return;
          }
          if (download.pulled >= bytes.length) {
            controller.close();
            return;
          }
          seed = (seed * 1103515245 + 12345) % 2 ** 31;
          const size = 1024 + (seed % (63 * 1024));
          const piece = bytes.slice(download.pulled, download.pulled + size);
          download.pulled += piece.length;
          controller.enqueue(piece);
        },
        cancel() {
          download.cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    const headers: Record<string, string> =
      options.contentLength === false ? {} : { 'content-length': String(bytes.length) };
    return new Response(body, { headers });
  });
  return download;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('importing a log from a URL', () => {
  it('stores exactly what the same file stores, slice by slice, without holding the body', async () => {
    const text = csvLogText(ROWS, { bad: { line: 1234, text: 'user1,,click,1700000000' } });
    const fromFile = await openStore({ dbName: uniqueDbName('url-file') });
    const fileImport = await fromFile.importInteractions(new Blob([text]), { limits: NO_LIMITS });

    const download = serve(text);
    const store = await openStore({ dbName: uniqueDbName('url') });
    const progress: (ImportProgress & { readonly pulled: number })[] = [];
    const { report, append } = await store.importInteractions(LOG_URL, {
      limits: NO_LIMITS,
      onProgress: (p) => progress.push({ ...p, pulled: download.pulled }),
    });
    expect(report).toEqual(fileImport.report);
    expect(report.errors[0]).toMatchObject({ line: 1234 });
    expect(append).toEqual(fileImport.append);
    expect(datasetEvents(await store.readInteractions())).toEqual(
      datasetEvents(await fromFile.readInteractions()),
    );

    expect(progress.length).toBe(2);
    expect(progress.every((p) => p.totalKnown && p.totalBytes === text.length)).toBe(true);
    expect(progress.at(-1)!.bytesRead).toBe(text.length);
    expect(progress[0]!.estimatedEvents).toBeGreaterThan(ROWS * 0.9);
    expect(progress[0]!.estimatedEvents).toBeLessThan(ROWS * 1.1);
    // The first slice was stored before much more than it had been downloaded.
    expect(progress[0]!.pulled).toBeLessThan(IMPORT_SLICE_BYTES + 2 * 64 * 1024);
  });

  it('imports a download of unknown length, telling progress that the total is unknown', async () => {
    const text = csvLogText(rowsForSlices(1.5));
    serve(text, { contentLength: false });
    const store = await openStore({ dbName: uniqueDbName('url-no-length') });
    const progress: ImportProgress[] = [];
    const { append } = await store.importInteractions(LOG_URL, {
      limits: NO_LIMITS,
      onProgress: (p) => progress.push(p),
    });
    expect(append.appended).toBe(rowsForSlices(1.5));
    expect(progress.map((p) => p.totalKnown)).toEqual([false, false]);
    expect(progress.map((p) => p.totalBytes)).toEqual(progress.map((p) => p.bytesRead));
    expect(progress.at(-1)!.estimatedEvents).toBe(progress.at(-1)!.events);
  });

  it('refuses a log too large for the device from its Content-Length before storing anything', async () => {
    const download = serve(csvLogText(ROWS));
    const store = await openStore({ dbName: uniqueDbName('url-too-large') });
    await store.appendInteractions(makeEvents(100));
    const limits = { ...NO_LIMITS, memoryBytes: 50_000 * TRAIN_BYTES_PER_EVENT };
    await expect(store.importInteractions(LOG_URL, { limits })).rejects.toMatchObject({
      code: 'LOG_TOO_LARGE',
      message: expect.stringMatching(/about .* events/),
    });
    expect(await store.countInteractions()).toBe(100);
    expect(download.cancelled).toBe(true);
    expect(download.pulled).toBeLessThan(IMPORT_SLICE_BYTES + 2 * 64 * 1024);
  });

  it('keeps nothing of a cancelled download and stops reading it', async () => {
    const download = serve(csvLogText(ROWS));
    const store = await openStore({ dbName: uniqueDbName('url-cancel') });
    await store.appendInteractions(makeEvents(10));
    const controller = new AbortController();
    const failed = store.importInteractions(LOG_URL, {
      limits: NO_LIMITS,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(failed).rejects.toBeInstanceOf(CancelledError);
    expect(await store.countInteractions()).toBe(10);
    expect(download.cancelled).toBe(true);
  });

  it('keeps nothing of a download that breaks off and says how far it got', async () => {
    serve(csvLogText(ROWS), { breakAt: IMPORT_SLICE_BYTES + 100_000 });
    const store = await openStore({ dbName: uniqueDbName('url-broken') });
    await store.appendInteractions(makeEvents(10));
    await expect(store.importInteractions(LOG_URL, { limits: NO_LIMITS })).rejects.toMatchObject({
      code: 'UNREADABLE_INPUT',
      message: expect.stringMatching(/broke off after .* bytes.*nothing of it was kept/),
    });
    expect(await store.countInteractions()).toBe(10);
  });

  it('reads a ReadableStream given directly in slices too', async () => {
    const text = csvLogText(rowsForSlices(1.5));
    const store = await openStore({ dbName: uniqueDbName('stream') });
    const progress: ImportProgress[] = [];
    const { append } = await store.importInteractions(csvLog(rowsForSlices(1.5)).stream(), {
      limits: NO_LIMITS,
      onProgress: (p) => progress.push(p),
    });
    expect(append.appended).toBe(rowsForSlices(1.5));
    expect(progress.at(-1)!.bytesRead).toBe(text.length);
  });
});
