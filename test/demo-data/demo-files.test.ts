import { describe, expect, it } from 'vitest';
import { parseCatalog, parseInteractions } from '../../src/core/data/parse';
import { EVENT_TYPES, type Item } from '../../src/core/data/types';
import {
  catalogToJsonl,
  EVENTS_CSV_HEADER,
  eventsToCsv,
  generateDemoData,
  isoTimestamp,
} from '../../src/core/demo-data';

describe('demo files', () => {
  const data = generateDemoData({ seed: 11, products: 300, shoppers: 200 });

  it('writes a catalog that parseCatalog reads back exactly, rejecting nothing', async () => {
    const text = catalogToJsonl(data.catalog.items);
    expect(text.split('\n')).toHaveLength(301);
    const { items, report } = await parseCatalog(text);
    expect(report.format).toBe('jsonl');
    expect(report.rejectedRows).toBe(0);
    expect(report.acceptedRows).toBe(300);
    expect(items).toEqual(data.catalog.items);
  });

  it('writes events that parseInteractions reads back exactly, rejecting nothing', async () => {
    const text = eventsToCsv(data.events);
    expect(text.startsWith(`${EVENTS_CSV_HEADER}\n`)).toBe(true);
    const { dataset, report } = await parseInteractions(text);
    expect(report.rejectedRows).toBe(0);
    const { columns } = data.events;
    expect(report.acceptedRows).toBe(columns.length);
    const parsed = dataset.columns;
    let mismatches = 0;
    for (let e = 0; e < columns.length; e++) {
      if (
        dataset.userVocab.idAt(parsed.users[e]!) !== data.events.userIds[columns.users[e]!] ||
        dataset.itemVocab.idAt(parsed.items[e]!) !== data.events.itemIds[columns.items[e]!] ||
        parsed.types[e] !== columns.types[e] ||
        parsed.timestamps[e] !== columns.timestamps[e]
      ) {
        mismatches++;
      }
    }
    expect(mismatches).toBe(0);
    expect(EVENT_TYPES[parsed.types[0]!]).toBe('view');
  });

  it('keeps attributes whose names the parser would claim under attr_ keys', async () => {
    const item: Item = { id: 'a1', attributes: { name: 'Nick', brand: 'Acme', id: 'x' } };
    const line = catalogToJsonl([item]);
    expect(JSON.parse(line)).toEqual({ id: 'a1', attr_name: 'Nick', brand: 'Acme', attr_id: 'x' });
    const { items } = await parseCatalog(line);
    expect(items[0]!.title).toBeUndefined();
    expect(items[0]!.attributes).toEqual({ attr_name: 'Nick', brand: 'Acme', attr_id: 'x' });
  });

  it('formats timestamps as ISO 8601 UTC, dropping zero milliseconds', () => {
    expect(isoTimestamp(Date.UTC(2026, 7, 3, 19, 12, 5))).toBe('2026-08-03T19:12:05Z');
    expect(isoTimestamp(Date.UTC(2026, 7, 3, 19, 12, 5, 250))).toBe('2026-08-03T19:12:05.250Z');
  });

  it('describes the data in its manifest', () => {
    const { manifest } = data;
    expect(manifest).toMatchObject({
      generator: 'hearth-demo-data',
      seed: 11,
      products: 300,
      shoppers: 200,
      events: data.events.columns.length,
      subcategories: 95,
      endTime: '2026-11-01T00:00:00Z',
      startTime: '2026-08-03T00:00:00Z',
    });
    const byType = Object.values(manifest.eventsByType).reduce((a, b) => a + b, 0);
    expect(byType).toBe(manifest.events);
    expect(manifest.trending).toHaveLength(6);
    expect(JSON.parse(JSON.stringify(manifest))).toEqual(manifest);
  });
});
