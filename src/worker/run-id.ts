import type { InteractionDataset } from '../core/data/interaction-log';
import type { EventWeights } from '../core/data/types';
import { crc32 } from '../core/model-file/crc32';

const bytesOf = (a: Int32Array | Uint8Array): Uint8Array =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Identifies a training run: a checksum of the data (row count, users, items, event types and
 * both vocabularies) and of every option that shapes the result. Two runs with the same id start
 * from the same state and produce the same model, so a checkpoint of one resumes the other.
 */
export function trainingRunId(
  dataset: InteractionDataset,
  options: Readonly<Record<string, number>>,
  eventWeights: EventWeights,
): string {
  const { columns, userVocab, itemVocab } = dataset;
  const n = columns.length;
  const header = JSON.stringify({
    n,
    users: userVocab.size,
    items: itemVocab.size,
    options: Object.fromEntries(Object.entries(options).sort(([a], [b]) => a.localeCompare(b))),
    eventWeights,
  });
  const encoder = new TextEncoder();
  let crc = crc32(encoder.encode(header));
  crc = crc32(bytesOf(columns.users.subarray(0, n)), crc);
  crc = crc32(bytesOf(columns.items.subarray(0, n)), crc);
  crc = crc32(columns.types.subarray(0, n), crc);
  crc = crc32(encoder.encode(userVocab.toArray().join('\n')), crc);
  crc = crc32(encoder.encode(itemVocab.toArray().join('\n')), crc);
  return `run-${n}-${crc.toString(16).padStart(8, '0')}`;
}
