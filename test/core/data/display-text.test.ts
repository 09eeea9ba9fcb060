import { describe, expect, it } from 'vitest';
import { escapeControlCharacters, jsonErrorDetail } from '../../../src/core/data/display-text';
import { parseCatalog, parseInteractions } from '../../../src/core/data/parse/index';
import { DataError, ModelFileError } from '../../../src/core/errors';
import { crc32 } from '../../../src/core/model-file/crc32';
import { decodeModelFile } from '../../../src/core/model-file/decode-model-file';
import { encodeModelFile } from '../../../src/core/model-file/encode-model-file';

const ESC = '\u001b';
/** A terminal escape sequence (clear screen) and a one-character CSI (U+009B). */
const ATTACK = `${ESC}[2J${ESC}]0;pwned\u0007\u009b31m\u202e`;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202e]/;

describe('escapeControlCharacters', () => {
  it('escapes C0, DEL, C1, separators and bidi overrides JSON-style, and keeps other text', () => {
    expect(escapeControlCharacters(`a${ESC}[1mb\n\t\u007f\u009b\u2028\u202ec é ✓`)).toBe(
      'a\\u001b[1mb\\n\\t\\u007f\\u009b\\u2028\\u202ec é ✓',
    );
    expect(escapeControlCharacters('plain, "quoted" \\ text')).toBe('plain, "quoted" \\ text');
  });

  it('is idempotent, so text escaped at the source can be escaped again when printed', () => {
    const once = escapeControlCharacters(ATTACK);
    expect(escapeControlCharacters(once)).toBe(once);
    expect(once).not.toMatch(RAW_UNSAFE);
  });

  it('shortens long JSON parser messages', () => {
    const detail = jsonErrorDetail(new SyntaxError(`x${ESC}`.repeat(500)));
    expect(detail.length).toBeLessThan(1200);
    expect(detail).not.toMatch(RAW_UNSAFE);
  });
});

describe('#12 JSON-parse errors never echo raw control characters', () => {
  it('#12 a JSON Lines row error escapes the terminal escape sequence the row holds', async () => {
    const parsed = await parseInteractions(`{"item":"a"}\n{"item":${ATTACK}}\n`, {
      format: 'jsonl',
    });
    expect(parsed.report.rejectedRows).toBe(1);
    const reason = parsed.report.errors[0]!.reason;
    expect(reason).toMatch(/^invalid JSON/);
    expect(reason).not.toMatch(RAW_UNSAFE);
    expect(reason).toContain('\\u001b');
  });

  it('#12 a catalog JSON array error escapes it too', async () => {
    const error: unknown = await parseCatalog(`[{"id":"a"}, ${ATTACK}]`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(/not valid JSON/);
    expect((error as Error).message).not.toMatch(RAW_UNSAFE);
  });

  it('#12 a row error quoting a value escapes C1 controls and bidi overrides', async () => {
    const parsed = await parseInteractions(`user,item,type\nu1,i1,view\nu1,i2,${ATTACK}\n`);
    const reason = parsed.report.errors[0]!.reason;
    expect(reason).toMatch(/is not an event type/);
    expect(reason).not.toMatch(RAW_UNSAFE);
    expect(reason).toContain('\\u009b');
  });

  it('#12 a model file whose header is not JSON is reported with the header text escaped', () => {
    const file = encodeModelFile({ header: { kind: 'x' }, tensors: {} });
    const headerStart = 16;
    // Replace the header's opening brace by ESC: still sealed, no longer JSON.
    expect(file[headerStart]).toBe('{'.charCodeAt(0));
    file[headerStart] = 0x1b;
    const at = file.length - 4;
    new DataView(file.buffer).setUint32(at, crc32(file.subarray(0, at)), true);
    let error: unknown;
    try {
      decodeModelFile(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(/header is not valid UTF-8 JSON/);
    expect((error as Error).message).not.toMatch(RAW_UNSAFE);
  });
});
