import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../src/core/random';
import {
  createCatalogParser,
  createInteractionParser,
  parseCatalog,
  parseInteractions,
  type InteractionParseOptions,
  type ParsedInteractions,
} from '../../../../src/core/data/parse/index';

/** Everything observable about a parse, in a form `toEqual` compares exactly. */
function snapshot(parsed: ParsedInteractions) {
  const { columns, userVocab, itemVocab } = parsed.dataset;
  return {
    report: parsed.report,
    users: userVocab.toArray(),
    items: itemVocab.toArray(),
    columns: {
      users: Array.from(columns.users),
      items: Array.from(columns.items),
      types: Array.from(columns.types),
      values: Array.from(columns.values),
      timestamps: Array.from(columns.timestamps),
    },
  };
}

function parseChunks(
  chunks: readonly (string | Uint8Array)[],
  options: InteractionParseOptions = {},
) {
  const parser = createInteractionParser(options);
  for (const chunk of chunks) parser.push(chunk);
  return snapshot(parser.finish());
}

function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(bytes.slice(start, cut));
    start = cut;
  }
  return out;
}

// Multi-byte characters of 2, 3 and 4 bytes, quoted newlines, CRLF, a BOM and bad rows.
const CSV =
  '\uFEFFuser,item,rating,timestamp\r\n' +
  'zoë,"caffè, crème",4.5,1700000000\r\n' +
  '東京,"line one\r\nline two ""quoted""",3,2024-01-01T00:00:00Z\r\n' +
  'u3,🍕 pizza,bad,1700000002\r\n' +
  '\r\n' +
  'u4,plain,1,\r\n' +
  'u5,"never closed,2,3\r\n' +
  'u6,after,2,1700000003';

const JSONL =
  '{"user":"zoë","item":"☕","type":"view","ts":1700000000}\n' +
  '{"user":"ü","item":"🍕","type":"purchase","ts":"2024-02-03"}\n' +
  'not json\n' +
  '{"user":"a","item":"b","value":2}\n';

describe('streaming parse', () => {
  const bytes = new TextEncoder().encode(CSV);
  const expected = parseChunks([bytes]);

  it('matches the expected one-shot result', () => {
    expect(expected.report).toMatchObject({ totalRows: 6, acceptedRows: 4, rejectedRows: 2 });
    expect(expected.report.errors.map((e) => e.line)).toEqual([5, 8]);
    expect(expected.items).toEqual([
      'caffè, crème',
      'line one\r\nline two "quoted"',
      'plain',
      'after',
    ]);
    expect(expected.users).toEqual(['zoë', '東京', 'u4', 'u6']);
    expect(expected.columns.timestamps).toEqual([
      1_700_000_000_000,
      Date.UTC(2024, 0, 1),
      NaN,
      1_700_000_003_000,
    ]);
  });

  it('gives the same result for every two-chunk split of the bytes', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(parseChunks(splitAt(bytes, [cut])), `split at byte ${cut}`).toEqual(expected);
    }
  });

  it('gives the same result for one-byte chunks and random chunk sizes', () => {
    expect(parseChunks(Array.from(bytes, (b) => new Uint8Array([b])))).toEqual(expected);
    const rng = createRng(7);
    for (let trial = 0; trial < 30; trial++) {
      const cuts: number[] = [];
      for (let at = rng.int(8); at < bytes.length; at += 1 + rng.int(12)) cuts.push(at);
      expect(parseChunks(splitAt(bytes, cuts)), `trial ${trial}`).toEqual(expected);
    }
  });

  it('gives the same result for string chunks split anywhere', () => {
    for (let cut = 0; cut <= CSV.length; cut++) {
      expect(parseChunks([CSV.slice(0, cut), CSV.slice(cut)]), `split at char ${cut}`).toEqual(
        expected,
      );
    }
  });

  it('streams JSON Lines the same way', () => {
    const jsonBytes = new TextEncoder().encode(JSONL);
    const whole = parseChunks([jsonBytes]);
    expect(whole.report).toMatchObject({ format: 'jsonl', acceptedRows: 3, rejectedRows: 1 });
    expect(whole.report.errors[0]!.line).toBe(3);
    for (let cut = 0; cut <= jsonBytes.length; cut++) {
      expect(parseChunks(splitAt(jsonBytes, [cut]))).toEqual(whole);
    }
  });

  it('sniffs the format from input arriving one byte at a time', () => {
    const text = Array.from(
      { length: 12 },
      (_, i) => `${i + 1}\t${i + 100}\t4\t88125094${i % 10}`,
    ).join('\n');
    const parsed = parseChunks(
      Array.from(new TextEncoder().encode(text), (b) => new Uint8Array([b])),
    );
    expect(parsed.report).toMatchObject({ format: 'movielens', acceptedRows: 12 });
  });

  it('rejects invalid UTF-8 even when the bad sequence is split across chunks', () => {
    const parser = createInteractionParser();
    parser.push(new Uint8Array([0x61, 0x0a, 0x62, 0xe2, 0x82]));
    expect(() => {
      parser.push(new Uint8Array([0x41, 0x0a]));
      parser.finish();
    }).toThrow(expect.objectContaining({ code: 'UNREADABLE_INPUT' }));
  });

  it('rejects input ending inside a UTF-8 character', () => {
    const parser = createInteractionParser();
    parser.push(new Uint8Array([0x61, 0x0a, 0x62, 0xe2, 0x82]));
    expect(() => parser.finish()).toThrow(expect.objectContaining({ code: 'UNREADABLE_INPUT' }));
  });
});

describe('input shapes', () => {
  const bytes = new TextEncoder().encode(CSV);
  const expected = parseChunks([bytes]);

  const stream = (): ReadableStream<Uint8Array> =>
    new ReadableStream({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 5) controller.enqueue(bytes.slice(i, i + 5));
        controller.close();
      },
    });

  async function* strings(): AsyncGenerator<string> {
    for (let i = 0; i < CSV.length; i += 3) yield CSV.slice(i, i + 3);
  }

  it('accepts strings, bytes, ArrayBuffers, Blobs, ReadableStreams and async iterables', async () => {
    const inputs = [
      CSV,
      bytes,
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      new Blob([bytes]),
      stream(),
      strings(),
    ];
    for (const input of inputs) expect(snapshot(await parseInteractions(input))).toEqual(expected);
  });

  it('rejects unsupported input with OptionError', async () => {
    await expect(parseInteractions(42 as unknown as string)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
  });

  it('parses catalogs incrementally with the same result as one-shot', async () => {
    const catalog = 'id,title,tags\n1,Café,"a;b"\n2,Naïve,c\n';
    const catalogBytes = new TextEncoder().encode(catalog);
    const whole = await parseCatalog(catalogBytes);
    for (let cut = 0; cut <= catalogBytes.length; cut++) {
      const parser = createCatalogParser();
      for (const chunk of splitAt(catalogBytes, [cut])) parser.push(chunk);
      expect(parser.finish()).toEqual(whole);
    }
  });
});
