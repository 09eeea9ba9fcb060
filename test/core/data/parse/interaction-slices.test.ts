import { describe, expect, it } from 'vitest';
import { parseInteractions } from '../../../../src/core/data/parse';
import {
  createInteractionRowParser,
  type InteractionParseOptions,
  type ParsedInteractions,
} from '../../../../src/core/data/parse/parse-interactions';
import {
  interactionSliceOf,
  mergeInteractionSlices,
  probeInteractionLayout,
  type InteractionSlice,
} from '../../../../src/core/data/parse/interaction-slices';
import { DataError } from '../../../../src/core/errors';
import { expectSameParse } from '../../../fixtures/same-parse';

const encoder = new TextEncoder();

/** Parses `text` cut at the given line starts: the first slice finds the layout, the rest resume. */
function parseInSlices(
  text: string,
  cuts: readonly number[],
  options: InteractionParseOptions = {},
): ParsedInteractions {
  const bounds = [0, ...cuts, text.length];
  const firstParser = createInteractionRowParser({ options });
  firstParser.push(text.slice(0, bounds[1]));
  const layout = firstParser.layout();
  if (layout === null) throw new Error('the first slice did not settle the layout');
  const slices: InteractionSlice[] = [interactionSliceOf(firstParser.finishSlice())];
  for (let s = 1; s + 1 < bounds.length; s++) {
    const parser = createInteractionRowParser({ options, resume: layout });
    // Bytes in uneven chunks, as a thread reads them.
    const bytes = encoder.encode(text.slice(bounds[s], bounds[s + 1]));
    for (let at = 0; at < bytes.length; at += 7) parser.push(bytes.subarray(at, at + 7));
    slices.push(interactionSliceOf(parser.finishSlice()));
  }
  return mergeInteractionSlices({
    slices,
    ...(options.maxReportedErrors !== undefined
      ? { maxReportedErrors: options.maxReportedErrors }
      : {}),
  });
}

/** Offsets just after each line break of `text`. */
function lineStarts(text: string): number[] {
  const starts: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) {
    starts.push(i + 1);
  }
  return starts;
}

// Ids in several forms (prefixed, numeric, text), a bad row of each kind, blank and CRLF lines.
const LOG = [
  '\ufeffuser_id,item_id,event,timestamp,qty',
  'u001,p0042,view,1700000000,',
  'u002,p0042,purchase,1700000100,2',
  '',
  'u001,sku-7,cart,1700000200,1\r',
  'anna,17,click,2024-01-02T03:04:05Z,',
  'u003,,view,1700000300,',
  'u002,p0043,wave,1700000400,',
  'u004,p0042,click,yesterday,',
  'u002,17,view,1700000500,1,extra',
  'u005,p0099,view,1700000600,-3',
  'bob,sku-7,rating,1700000700,4.5',
  'u001,p0043,click,1700000800,',
  'u006',
  'u001,p0042,view,1700000900,',
  'café,p0100,view,1700001000,',
  'u006,p0042,purchase,1700001100,1',
  '',
].join('\n');

describe('mergeInteractionSlices', () => {
  it('equals one parse for every way of cutting the file at line breaks', async () => {
    const expected = await parseInteractions(LOG);
    expect(expected.report.rejectedRows).toBeGreaterThanOrEqual(6);
    // The first slice needs the lines the format is sniffed from (5 non-blank ones).
    const starts = lineStarts(LOG).slice(5);
    for (const cut of starts) expectSameParse(parseInSlices(LOG, [cut]), expected);
    for (let a = 0; a < starts.length; a++) {
      for (let b = a + 1; b < starts.length; b += 3) {
        expectSameParse(parseInSlices(LOG, [starts[a]!, starts[b]!]), expected);
      }
    }
  });

  it('lists the first errors of the whole file with their file line numbers', async () => {
    const bad = Array.from({ length: 30 }, (_, i) => `u${i},,view,1700000000`);
    const text = [
      'user,item,event,timestamp',
      'u1,p1,view,1700000000',
      ...bad,
      'u2,p2,view,1',
    ].join('\n');
    const expected = await parseInteractions(text, { maxReportedErrors: 5 });
    const starts = lineStarts(text);
    const merged = parseInSlices(text, [starts[5]!, starts[20]!], { maxReportedErrors: 5 });
    expectSameParse(merged, expected);
    expect(merged.report.errors[0]).toEqual({ line: 3, reason: 'empty item id (column "item")' });
    expect(merged.report.truncatedErrors).toBe(25);
  });

  it('throws the one-parse error when no slice has a usable row', async () => {
    const rows = Array.from({ length: 8 }, (_, i) => `u${i},,view`);
    const text = ['user,item,event', ...rows].join('\n');
    const starts = lineStarts(text);
    const single = await parseInteractions(text).catch((error: unknown) => error);
    expect(single).toBeInstanceOf(DataError);
    expect(() => parseInSlices(text, [starts[5]!])).toThrow((single as DataError).message);
  });

  it('keeps slices of a headerless, tab-separated file', async () => {
    const text = Array.from(
      { length: 40 },
      (_, i) => `${i % 7}\t${(i * 5) % 11}\t${i % 3}\t1700000000`,
    ).join('\n');
    const expected = await parseInteractions(text);
    const starts = lineStarts(text);
    expectSameParse(parseInSlices(text, [starts[10]!, starts[25]!]), expected);
  });
});

describe('probeInteractionLayout', () => {
  it('finds the layout from the head, and none for JSON Lines or a head too short to tell', () => {
    const layout = probeInteractionLayout({ head: encoder.encode(LOG.slice(0, 200)), options: {} });
    expect(layout?.header).toEqual(['user_id', 'item_id', 'event', 'timestamp', 'qty']);
    expect(layout?.cols.item).toBe(1);
    const jsonl = '{"user":"u1","item":"p1"}\n{"user":"u2","item":"p2"}\n';
    expect(probeInteractionLayout({ head: encoder.encode(jsonl), options: {} })).toBeNull();
    expect(probeInteractionLayout({ head: encoder.encode('user,item\n'), options: {} })).toBeNull();
  });
});
