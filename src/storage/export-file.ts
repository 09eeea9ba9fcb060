import type { InteractionDataset } from '../core/data/interaction-log';
import { EVENT_TYPES, type Item } from '../core/data/types';
import { toBase64 } from './base64';
import type { ModelRecord } from './hearth-db-schema';
import type { StoredCheckpoint } from './store-types';

/**
 * Layout of the JSON file written by `exportAll`. Typed arrays are base64 of their bytes in
 * little-endian order; `interactions.users[i]` indexes `interactions.userIds` (same for items) and
 * `types[i]` indexes `eventTypes`; a NaN value means "no value".
 */
export interface HearthExport {
  readonly format: 'hearth-export';
  readonly formatVersion: 1;
  readonly dbName: string;
  readonly exportedAt: string;
  readonly catalog: readonly Item[];
  readonly interactions: {
    readonly rows: number;
    readonly eventTypes: readonly string[];
    readonly userIds: readonly string[];
    readonly itemIds: readonly string[];
    /** Base64 Int32Array. */
    readonly users: string;
    /** Base64 Int32Array. */
    readonly items: string;
    /** Base64 Uint8Array. */
    readonly types: string;
    /** Base64 Float32Array. */
    readonly values: string;
    /** Base64 Float64Array (ms since the epoch). */
    readonly timestamps: string;
  };
  readonly models: readonly {
    readonly name: string;
    readonly version: number;
    readonly savedAt: number;
    readonly meta: Readonly<Record<string, unknown>>;
    /** Base64 model file. */
    readonly bytes: string;
  }[];
  readonly checkpoints: readonly {
    readonly runId: string;
    readonly savedAt: number;
    readonly meta: Readonly<Record<string, unknown>>;
    readonly epoch: number;
    readonly lossHistory: readonly number[];
    /** Base64 Float32Array. */
    readonly userFactors: string;
    /** Base64 Float32Array. */
    readonly itemFactors: string;
    /** Base64 Float32Array. */
    readonly itemBias: string;
  }[];
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

/** Builds the export file as a JSON Blob. */
export function buildExport(input: ExportInput): Blob {
  const { columns, userVocab, itemVocab } = input.interactions;
  const n = columns.length;
  const file: HearthExport = {
    format: 'hearth-export',
    formatVersion: 1,
    dbName: input.dbName,
    exportedAt: new Date(input.exportedAt).toISOString(),
    catalog: input.catalog,
    interactions: {
      rows: n,
      eventTypes: EVENT_TYPES,
      userIds: userVocab.toArray(),
      itemIds: itemVocab.toArray(),
      users: toBase64(columns.users.subarray(0, n)),
      items: toBase64(columns.items.subarray(0, n)),
      types: toBase64(columns.types.subarray(0, n)),
      values: toBase64(columns.values.subarray(0, n)),
      timestamps: toBase64(columns.timestamps.subarray(0, n)),
    },
    models: input.models.map((m) => ({
      name: m.name,
      version: m.version,
      savedAt: m.savedAt,
      meta: m.meta,
      bytes: toBase64(m.bytes),
    })),
    checkpoints: input.checkpoints.map((c) => ({
      runId: c.runId,
      savedAt: c.savedAt,
      meta: c.meta,
      epoch: c.checkpoint.epoch,
      lossHistory: c.checkpoint.lossHistory,
      userFactors: toBase64(c.checkpoint.userFactors),
      itemFactors: toBase64(c.checkpoint.itemFactors),
      itemBias: toBase64(c.checkpoint.itemBias),
    })),
    meta: input.meta,
  };
  return new Blob([JSON.stringify(file)], { type: 'application/json' });
}
