import { DataError } from '../core/errors';
import { InteractionLogBuilder, type InteractionDataset } from '../core/data/interaction-log';
import { EVENT_TYPES, type Interaction } from '../core/data/types';
import { Vocabulary } from '../core/data/vocabulary';
import type { LogRecord } from './hearth-db-schema';

/**
 * Rows on their way into storage: columns whose user/item ints index the batch's own id lists
 * (mapped to the database's vocabularies inside the write transaction).
 */
export interface RowBatch {
  readonly length: number;
  /** Local user vocabulary: `users[i]` indexes this list. */
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly types: Uint8Array;
  readonly values: Float32Array;
  readonly timestamps: Float64Array;
}

const TYPE_CODES = new Map<string, number>(EVENT_TYPES.map((type, code) => [type, code]));
const TYPE_LIST = EVENT_TYPES.join(', ');

function invalidRow(index: number, field: string, problem: string): DataError {
  return new DataError(
    'INVALID_ROW',
    `Interaction ${index} (0-based): ${field} ${problem}. Nothing was stored; fix or drop that row and append again.`,
  );
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

/**
 * The problem with one event as a `DataError` naming its index and field, or null when it can be
 * stored: `itemId` a non-empty string, `type` one of `EVENT_TYPES`, `timestamp` finite, `value`
 * finite when given, `userId` non-empty when given.
 */
export function checkInteraction(event: unknown, index: number): DataError | null {
  if (typeof event !== 'object' || event === null)
    return invalidRow(index, 'the row', 'is not an object');
  const { itemId, userId, type, value, timestamp } = event as Partial<
    Record<keyof Interaction, unknown>
  >;
  if (typeof itemId !== 'string' || itemId === '') {
    return invalidRow(
      index,
      'itemId',
      itemId === undefined ? 'is missing' : `must be a non-empty string, got ${describe(itemId)}`,
    );
  }
  if (userId !== undefined && (typeof userId !== 'string' || userId === '')) {
    return invalidRow(
      index,
      'userId',
      `must be a non-empty string when given, got ${describe(userId)}`,
    );
  }
  if (typeof type !== 'string' || !TYPE_CODES.has(type)) {
    return invalidRow(
      index,
      'type',
      `${describe(type)} is not an event type (use one of ${TYPE_LIST})`,
    );
  }
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
    return invalidRow(
      index,
      'timestamp',
      `must be a finite number of milliseconds since the epoch, got ${describe(timestamp)}`,
    );
  }
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
    return invalidRow(index, 'value', `must be a finite number when given, got ${describe(value)}`);
  }
  return null;
}

/**
 * Validates every event, then packs them into a {@link RowBatch}. Rows without `userId` belong to
 * `defaultUserId`.
 *
 * @throws DataError `INVALID_ROW` naming the first bad row and field (missing itemId, unknown type,
 *   non-finite timestamp or value, empty userId); nothing is packed then.
 */
export function batchFromInteractions(
  events: readonly Interaction[],
  defaultUserId: string,
): RowBatch {
  for (let i = 0; i < events.length; i++) {
    const problem = checkInteraction(events[i], i);
    if (problem !== null) throw problem;
  }
  return packRows(events.length, (push) => {
    for (const { itemId, userId, type, value, timestamp } of events) {
      push(userId ?? defaultUserId, itemId, TYPE_CODES.get(type)!, value ?? NaN, timestamp);
    }
  });
}

/**
 * Packs a parsed dataset as a {@link RowBatch}. Rows without a timestamp (NaN, e.g. a file with no
 * time column) are stamped `now` so that age retention and `recentInteractions` can order them.
 *
 * @throws DataError `INVALID_ROW` for rows whose ints fall outside the vocabularies, unknown type
 *   codes, or infinite timestamps/values.
 */
export function batchFromDataset(dataset: InteractionDataset, now: number): RowBatch {
  const { columns, userVocab, itemVocab } = dataset;
  const n = columns.length;
  const users = columns.users.subarray(0, n);
  const items = columns.items.subarray(0, n);
  const types = columns.types.subarray(0, n);
  const values = columns.values.subarray(0, n);
  const timestamps = columns.timestamps.slice(0, n);
  if (
    users.length < n ||
    items.length < n ||
    types.length < n ||
    values.length < n ||
    timestamps.length < n
  ) {
    throw new DataError(
      'INVALID_ROW',
      `The dataset's columns are shorter than its length (${n}); rebuild it with InteractionLogBuilder.`,
    );
  }
  const numUsers = userVocab.size;
  const numItems = itemVocab.size;
  for (let i = 0; i < n; i++) {
    const u = users[i]!;
    const it = items[i]!;
    if (u < 0 || u >= numUsers)
      throw invalidRow(i, 'user', `index ${u} is outside the user vocabulary (size ${numUsers})`);
    if (it < 0 || it >= numItems)
      throw invalidRow(i, 'item', `index ${it} is outside the item vocabulary (size ${numItems})`);
    if (types[i]! >= EVENT_TYPES.length)
      throw invalidRow(i, 'type', `code ${types[i]!} is not an event type code`);
    const t = timestamps[i]!;
    if (t !== t) timestamps[i] = now;
    else if (!Number.isFinite(t)) throw invalidRow(i, 'timestamp', `must be finite, got ${t}`);
    const v = values[i]!;
    if (v === Infinity || v === -Infinity) throw invalidRow(i, 'value', `must be finite, got ${v}`);
  }
  return {
    length: n,
    userIds: userVocab.toArray(),
    itemIds: itemVocab.toArray(),
    users,
    items,
    types,
    values,
    timestamps,
  };
}

/** Packs append-log records (string ids) as a {@link RowBatch}, in log order. */
export function batchFromLog(records: readonly LogRecord[]): RowBatch {
  return packRows(records.length, (push) => {
    for (const r of records) push(r.user, r.item, r.type, r.value, r.timestamp);
  });
}

/**
 * Packs rows with string ids into a {@link RowBatch} through the engine's `Vocabulary` and
 * `InteractionLogBuilder`: `visit` calls `push` once per row, in order.
 */
function packRows(
  n: number,
  visit: (
    push: (user: string, item: string, type: number, value: number, timestamp: number) => void,
  ) => void,
): RowBatch {
  const userVocab = new Vocabulary();
  const itemVocab = new Vocabulary();
  const builder = new InteractionLogBuilder(n);
  visit((user, item, type, value, timestamp) =>
    builder.push(userVocab.add(user), itemVocab.add(item), type, value, timestamp),
  );
  const { users, items, types, values, timestamps } = builder.build();
  return {
    length: n,
    userIds: userVocab.toArray(),
    itemIds: itemVocab.toArray(),
    users,
    items,
    types,
    values,
    timestamps,
  };
}

/**
 * The rows of a batch as append-log records. Values are already rounded to float32, so an event
 * reads back the same before and after the log is compacted into a chunk.
 */
export function logRecordsFromBatch(batch: RowBatch): LogRecord[] {
  const out: LogRecord[] = new Array<LogRecord>(batch.length);
  for (let i = 0; i < batch.length; i++) {
    out[i] = {
      user: batch.userIds[batch.users[i]!]!,
      item: batch.itemIds[batch.items[i]!]!,
      type: batch.types[i]!,
      value: batch.values[i]!,
      timestamp: batch.timestamps[i]!,
    };
  }
  return out;
}
