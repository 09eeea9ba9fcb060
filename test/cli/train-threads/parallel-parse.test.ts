import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseInteractions, type ParsedInteractions } from '../../../src/core/data/parse';
import { DataError } from '../../../src/core/errors';
import { openInputFile } from '../../../src/cli/read-input';
import { parseInteractionFile } from '../../../src/cli/train-threads/parallel-parse';
import { expectSameParse } from '../../fixtures/same-parse';

const dir = mkdtempSync(join(tmpdir(), 'hearth-parallel-parse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A log of `rows` rows with prefixed, plain and text ids, and a bad row every 997. */
function logText(rows: number, quoteAt = -1): string {
  const lines = ['user_id,item_id,event,timestamp'];
  const events = ['view', 'click', 'cart', 'purchase'];
  for (let r = 0; r < rows; r++) {
    const user =
      r % 5 === 0 ? `shopper-${(r * 7) % 301}` : `u${String((r * 13) % 997).padStart(5, '0')}`;
    const item =
      r % 3 === 0 ? String((r * 11) % 1009) : `p${String((r * 17) % 2003).padStart(4, '0')}`;
    const event = r % 997 === 5 ? 'wave' : events[r % 4]!;
    const title = r === quoteAt ? '"a ""quoted"" id"' : item;
    lines.push(`${user},${title},${event},${1_700_000_000 + r}`);
  }
  return `${lines.join('\n')}\n`;
}

function write(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const SMALL = { minBytes: 0, headBytes: 4096 } as const;

/** Parses on 3 threads with a small head; returns the result and the slices it was parsed in. */
async function parseCounting(
  path: string,
): Promise<{ parsed: ParsedInteractions; slices: number }> {
  let slices = 0;
  const parsed = await parseInteractionFile({
    path,
    threads: 3,
    ...SMALL,
    onSlices: (n) => (slices = n),
  });
  return { parsed, slices };
}

describe('parseInteractionFile', () => {
  it('parses slices on threads to exactly the one-thread result, errors on the same lines', async () => {
    const path = write('log.csv', logText(20_000));
    const serial = await parseInteractions(openInputFile(path));
    const { parsed: parallel, slices } = await parseCounting(path);
    expect(slices).toBe(3);
    expect(serial.report.rejectedRows).toBeGreaterThan(10);
    expectSameParse(parallel, serial);
  });

  it('falls back to one pass when a quoted field comes before the last slice', async () => {
    const path = write('quoted.csv', logText(20_000, 3_000));
    const serial = await parseInteractions(openInputFile(path));
    expect(serial.dataset.itemVocab.has('a "quoted" id')).toBe(true);
    const { parsed: parallel, slices } = await parseCounting(path);
    expect(slices).toBe(1);
    expectSameParse(parallel, serial);
  });

  it('fails on a slice with bad bytes as one parse does', async () => {
    const text = new TextEncoder().encode(logText(20_000));
    text[text.length - 10] = 0xff;
    const path = write('binary.csv', text);
    const serial = await parseInteractions(openInputFile(path)).catch((error: unknown) => error);
    expect(serial).toBeInstanceOf(DataError);
    const parallel = parseInteractionFile({ path, threads: 2, ...SMALL });
    await expect(parallel).rejects.toBeInstanceOf(DataError);
    await expect(parallel).rejects.toThrow((serial as DataError).message);
  });

  it('names a missing file as one parse does', async () => {
    const path = join(dir, 'missing.csv');
    await expect(parseInteractionFile({ path, threads: 2, ...SMALL })).rejects.toThrow(
      /Cannot read .*missing\.csv/,
    );
  });
});
