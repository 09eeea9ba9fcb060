import { IMPORT_SLICE_BYTES } from '../../src/storage/streaming-import';

/** Device limits that refuse nothing. */
export const NO_LIMITS = { memoryBytes: null, storageBytes: null, memorySource: 'test' } as const;

/** Rows of about 36 bytes (as {@link csvLogText} writes them) that span `slices` import slices. */
export function rowsForSlices(slices: number): number {
  return Math.ceil((slices * IMPORT_SLICE_BYTES) / 36);
}

/**
 * A CSV log of `rows` events over 40 users and 500 items, with a header (line 1): item ids start
 * with `prefix`, timestamps count up from `start` seconds; `bad` replaces one line.
 */
export function csvLogText(
  rows: number,
  options: {
    readonly prefix?: string;
    readonly start?: number;
    readonly bad?: { readonly line: number; readonly text: string };
  } = {},
): string {
  const { prefix = 'item', start = 1_700_000_000, bad } = options;
  const lines = ['user_id,item_id,type,timestamp'];
  for (let i = 0; i < rows; i++) {
    const line = lines.length + 1;
    lines.push(
      bad?.line === line ? bad.text : `user${i % 40},${prefix}-${(i * 7) % 500},click,${start + i}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** {@link csvLogText} as a `Blob`. */
export function csvLog(rows: number, options: Parameters<typeof csvLogText>[1] = {}): Blob {
  return new Blob([csvLogText(rows, options)]);
}
