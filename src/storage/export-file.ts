import type { InteractionDataset } from '../core/data/interaction-log';
import { EVENT_TYPES, type Item } from '../core/data/types';
import type { ModelRecord } from './hearth-db-schema';
import type { StoredCheckpoint } from './store-types';
import { buildZip, type ZipEntry } from './zip-archive';

/** Events file of an export: `user_id,item_id,event,value,timestamp`, ISO 8601 times. */
export const EXPORT_EVENTS_FILE = 'events.csv';
/** Catalog file of an export: one item (JSON) per line. */
export const EXPORT_CATALOG_FILE = 'catalog.jsonl';
/** Manifest of an export: {@link HearthExportManifest}. */
export const EXPORT_MANIFEST_FILE = 'manifest.json';

/**
 * `manifest.json` of the zip archive `exportAll` writes. The archive holds `events.csv` (every
 * stored event, readable and importable with `importInteractions`), `catalog.jsonl` (importable
 * with `importCatalog`), `models/*.hearth` (model files, as `loadModel` and `hearth-recs
 * recommend` read them) and `checkpoints/*.json` (training checkpoints, numbers as JSON arrays).
 */
export interface HearthExportManifest {
  readonly format: 'hearth-export';
  readonly formatVersion: 2;
  readonly dbName: string;
  readonly exportedAt: string;
  /** What each file holds and how to import it back. */
  readonly files: Readonly<Record<string, string>>;
  readonly events: {
    readonly file: string;
    readonly rows: number;
    readonly users: number;
    readonly items: number;
    /** Earliest and latest event time (ISO 8601), null without timed events. */
    readonly from: string | null;
    readonly to: string | null;
  };
  readonly catalog: { readonly file: string; readonly items: number };
  readonly models: readonly {
    readonly file: string;
    readonly name: string;
    readonly version: number;
    readonly savedAt: string;
    readonly bytes: number;
    readonly meta: Readonly<Record<string, unknown>>;
  }[];
  readonly checkpoints: readonly {
    readonly file: string;
    readonly runId: string;
    readonly savedAt: string;
    readonly epoch: number;
    readonly meta: Readonly<Record<string, unknown>>;
  }[];
  /** Settings stored on the device (e.g. the federated-learning consent). */
  readonly meta: Readonly<Record<string, unknown>>;
}

/** What `exportAll` read from the database. */
export interface ExportInput {
  readonly dbName: string;
  readonly exportedAt: number;
  readonly catalog: readonly Item[];
  readonly interactions: InteractionDataset;
  readonly models: readonly ModelRecord[];
  readonly checkpoints: readonly StoredCheckpoint[];
  readonly meta: Readonly<Record<string, unknown>>;
}

/** Rows encoded per piece of `events.csv` (bounds the size of each intermediate string). */
const ROWS_PER_PIECE = 8192;

/** Builds the export: a zip archive of readable files (see {@link HearthExportManifest}). */
export function buildExport(input: ExportInput): Blob {
  const encoder = new TextEncoder();
  const text = (s: string): Uint8Array[] => [encoder.encode(s)];
  const events = eventsCsv(input.interactions, encoder);
  const models = input.models.map((m) => ({
    file: `models/${safeName(m.name)}-v${m.version}.hearth`,
    record: m,
  }));
  const checkpoints = input.checkpoints.map((c) => ({
    file: `checkpoints/${safeName(c.runId)}.json`,
    record: c,
  }));
  const manifest: HearthExportManifest = {
    format: 'hearth-export',
    formatVersion: 2,
    dbName: input.dbName,
    exportedAt: isoTime(input.exportedAt),
    files: {
      [EXPORT_MANIFEST_FILE]: 'This summary.',
      [EXPORT_EVENTS_FILE]:
        'Every stored event: user_id, item_id, event type, value (empty: none), timestamp (ISO 8601, UTC; empty: unknown). Import it back with importInteractions (the "Your data" page of the demo).',
      [EXPORT_CATALOG_FILE]:
        'The catalog, one item per line (JSON). Import it back with importCatalog.',
      'models/':
        'Model files (binary .hearth), as loadModel and `hearth-recs recommend` read them.',
      'checkpoints/': 'Training checkpoints: factors and biases as JSON number arrays.',
    },
    events: { file: EXPORT_EVENTS_FILE, ...events.summary },
    catalog: { file: EXPORT_CATALOG_FILE, items: input.catalog.length },
    models: models.map(({ file, record: m }) => ({
      file,
      name: m.name,
      version: m.version,
      savedAt: isoTime(m.savedAt),
      bytes: m.bytes.byteLength,
      meta: m.meta,
    })),
    checkpoints: checkpoints.map(({ file, record: c }) => ({
      file,
      runId: c.runId,
      savedAt: isoTime(c.savedAt),
      epoch: c.checkpoint.epoch,
      meta: c.meta,
    })),
    meta: input.meta,
  };
  const entries: ZipEntry[] = [
    { name: EXPORT_MANIFEST_FILE, parts: text(`${JSON.stringify(manifest, null, 2)}\n`) },
    { name: EXPORT_EVENTS_FILE, parts: events.parts },
    {
      name: EXPORT_CATALOG_FILE,
      parts: text(input.catalog.map((item) => `${JSON.stringify(item)}\n`).join('')),
    },
    ...models.map(({ file, record }) => ({ name: file, parts: [record.bytes] })),
    ...checkpoints.map(({ file, record: c }) => ({
      name: file,
      parts: text(
        JSON.stringify({
          runId: c.runId,
          epoch: c.checkpoint.epoch,
          lossHistory: c.checkpoint.lossHistory,
          userFactors: Array.from(c.checkpoint.userFactors),
          itemFactors: Array.from(c.checkpoint.itemFactors),
          itemBias: Array.from(c.checkpoint.itemBias),
        }),
      ),
    })),
  ];
  return buildZip(entries, new Date(input.exportedAt));
}

/** `events.csv` in pieces, and its summary for the manifest. */
function eventsCsv(
  dataset: InteractionDataset,
  encoder: TextEncoder,
): { parts: Uint8Array[]; summary: Omit<HearthExportManifest['events'], 'file'> } {
  const { columns: c, userVocab, itemVocab } = dataset;
  const users = userVocab.toArray().map(csvField);
  const items = itemVocab.toArray().map(csvField);
  const parts = [encoder.encode('user_id,item_id,event,value,timestamp\n')];
  let from = Infinity;
  let to = -Infinity;
  for (let start = 0; start < c.length; start += ROWS_PER_PIECE) {
    const end = Math.min(c.length, start + ROWS_PER_PIECE);
    let piece = '';
    for (let r = start; r < end; r++) {
      const value = c.values[r]!;
      const t = c.timestamps[r]!;
      if (t < from) from = t;
      if (t > to) to = t;
      piece += `${users[c.users[r]!]},${items[c.items[r]!]},${EVENT_TYPES[c.types[r]!]},${
        Number.isNaN(value) ? '' : value
      },${Number.isNaN(t) ? '' : isoTime(t)}\n`;
    }
    parts.push(encoder.encode(piece));
  }
  return {
    parts,
    summary: {
      rows: c.length,
      users: userVocab.size,
      items: itemVocab.size,
      from: Number.isFinite(from) ? isoTime(from) : null,
      to: Number.isFinite(to) ? isoTime(to) : null,
    },
  };
}

/** A CSV field: quoted when it holds a delimiter, quote, line break or edge blanks. */
function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** ISO 8601 (UTC) of a time in ms; out-of-range times as their number. */
function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}

/** A name usable as a file name in every OS: other characters become `_`. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || '_';
}
