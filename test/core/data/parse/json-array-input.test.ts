import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../../../src/core/data/parse';

describe('parseCatalog with a JSON array (catalog.json from hearth train)', () => {
  const items = [
    { id: 'a', title: 'Alpha', price: 3, tags: ['x', 'y'] },
    { id: 'b', title: 'Beta' },
  ];

  it('reads the array like JSON Lines', async () => {
    const { items: got, report } = await parseCatalog(JSON.stringify(items));
    expect(got.map((i) => i.id)).toEqual(['a', 'b']);
    expect(got[0]!.price).toBe(3);
    expect(report.acceptedRows).toBe(2);
    expect(report.rejectedRows).toBe(0);
  });

  it('accepts bytes split across chunks, with a BOM and leading whitespace', async () => {
    const bytes = new TextEncoder().encode(`\uFEFF \n${JSON.stringify(items, null, 2)}`);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    }
    const { items: got } = await parseCatalog(chunks());
    expect(got.map((i) => i.id)).toEqual(['a', 'b']);
  });

  it('reports a bad element by its position and keeps the good ones', async () => {
    const { items: got, report } = await parseCatalog(
      JSON.stringify([{ id: 'a' }, 42, { id: 'c' }]),
    );
    expect(got.map((i) => i.id)).toEqual(['a', 'c']);
    expect(report.rejectedRows).toBe(1);
    expect(report.errors[0]!.line).toBe(2);
  });

  it('rejects an array that is not valid JSON with a clear error', async () => {
    await expect(parseCatalog('[{"id": "a"},')).rejects.toMatchObject({ code: 'UNREADABLE_INPUT' });
  });

  it('leaves JSON Lines input untouched', async () => {
    const { items: got } = await parseCatalog('{"id":"a"}\n{"id":"b"}\n');
    expect(got.map((i) => i.id)).toEqual(['a', 'b']);
  });
});
