import { describe, expect, it } from 'vitest';
import { InteractionLogBuilder } from '../../src/core/data/interaction-log';
import { parseCatalog } from '../../src/core/data/parse/parse-catalog';
import { parseInteractions } from '../../src/core/data/parse/parse-interactions';
import { EVENT_TYPES } from '../../src/core/data/types';
import { Vocabulary } from '../../src/core/data/vocabulary';
import { buildExport, type HearthExportManifest } from '../../src/storage/export-file';
import { readStoredZip, zipText } from './zip-reader';

const T0 = Date.UTC(2024, 2, 1, 12, 0, 0, 250);

/** A small log with ids that need CSV quoting, an event without value and one without time. */
function dataset() {
  const userVocab = new Vocabulary();
  const itemVocab = new Vocabulary();
  const b = new InteractionLogBuilder();
  const code = (t: string) => EVENT_TYPES.indexOf(t as (typeof EVENT_TYPES)[number]);
  const rows: [string, string, string, number, number][] = [
    ['local', 'p1', 'click', NaN, T0],
    ['local', 'sku,"42"', 'purchase', 2, T0 + 1000],
    ['other user', 'p1', 'rating', 4.5, T0 + 2000],
    ['local', 'p3', 'view', NaN, NaN],
  ];
  for (const [u, i, t, v, ts] of rows) b.push(userVocab.add(u), itemVocab.add(i), code(t), v, ts);
  return { userVocab, itemVocab, columns: b.build() };
}

const rowsOf = (ds: ReturnType<typeof dataset>) =>
  Array.from({ length: ds.columns.length }, (_, r) => ({
    user: ds.userVocab.toArray()[ds.columns.users[r]!],
    item: ds.itemVocab.toArray()[ds.columns.items[r]!],
    type: EVENT_TYPES[ds.columns.types[r]!],
    value: ds.columns.values[r],
    timestamp: ds.columns.timestamps[r],
  }));

async function exported() {
  const blob = buildExport({
    dbName: 'hearth-demo-store',
    exportedAt: T0 + 60_000,
    catalog: [
      { id: 'p1', title: 'Kettle', price: 30 },
      { id: 'p3', title: 'Mug', category: ['Kitchen'] },
    ],
    interactions: dataset(),
    models: [
      {
        name: 'default',
        version: 3,
        savedAt: T0,
        meta: { source: 'trained' },
        bytes: new Uint8Array([72, 82, 0, 255]),
      },
    ],
    checkpoints: [
      {
        runId: 'run/1',
        savedAt: T0,
        meta: {},
        checkpoint: {
          epoch: 2,
          lossHistory: [0.5, 0.25],
          userFactors: new Float32Array([0.5, -1]),
          itemFactors: new Float32Array([1, 2]),
          itemBias: new Float32Array([0.125]),
        },
      },
    ],
    meta: { 'federated.consent': { granted: false, changedAt: null } },
  });
  return { blob, files: await readStoredZip(blob) };
}

describe('export file', () => {
  it('#13 is a zip of readable files: events as CSV with ISO times, ids, types and values, plus a JSON manifest', async () => {
    const { blob, files } = await exported();
    expect(blob.type).toBe('application/zip');
    expect([...files.keys()]).toEqual([
      'manifest.json',
      'events.csv',
      'catalog.jsonl',
      'models/default-v3.hearth',
      'checkpoints/run_1.json',
    ]);
    expect(zipText(files, 'events.csv')).toBe(
      [
        'user_id,item_id,event,value,timestamp',
        'local,p1,click,,2024-03-01T12:00:00.250Z',
        'local,"sku,""42""",purchase,2,2024-03-01T12:00:01.250Z',
        'other user,p1,rating,4.5,2024-03-01T12:00:02.250Z',
        'local,p3,view,,',
        '',
      ].join('\n'),
    );
    const manifest = JSON.parse(zipText(files, 'manifest.json')) as HearthExportManifest;
    expect(manifest).toMatchObject({
      format: 'hearth-export',
      formatVersion: 2,
      dbName: 'hearth-demo-store',
      exportedAt: '2024-03-01T12:01:00.250Z',
      events: {
        file: 'events.csv',
        rows: 4,
        users: 2,
        items: 3,
        from: '2024-03-01T12:00:00.250Z',
        to: '2024-03-01T12:00:02.250Z',
      },
      catalog: { file: 'catalog.jsonl', items: 2 },
      models: [{ file: 'models/default-v3.hearth', name: 'default', version: 3, bytes: 4 }],
      checkpoints: [{ file: 'checkpoints/run_1.json', runId: 'run/1', epoch: 2 }],
      meta: { 'federated.consent': { granted: false, changedAt: null } },
    });
    expect(files.get('models/default-v3.hearth')).toEqual(new Uint8Array([72, 82, 0, 255]));
    expect(JSON.parse(zipText(files, 'checkpoints/run_1.json'))).toEqual({
      runId: 'run/1',
      epoch: 2,
      lossHistory: [0.5, 0.25],
      userFactors: [0.5, -1],
      itemFactors: [1, 2],
      itemBias: [0.125],
    });
  });

  it('#13 imports back: events.csv and catalog.jsonl parse to the same events and items', async () => {
    const { files } = await exported();
    const events = await parseInteractions(zipText(files, 'events.csv'));
    expect(events.report.rejectedRows).toBe(0);
    expect(rowsOf(events.dataset)).toEqual(rowsOf(dataset()));
    const catalog = await parseCatalog(zipText(files, 'catalog.jsonl'));
    expect(catalog.items).toEqual([
      { id: 'p1', title: 'Kettle', price: 30 },
      { id: 'p3', title: 'Mug', category: ['Kitchen'] },
    ]);
  });
});
