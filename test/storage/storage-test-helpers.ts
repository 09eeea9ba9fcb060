import { deleteDB } from 'idb';
import { afterEach } from 'vitest';
import type { InteractionDataset } from '../../src/core/data/interaction-log';
import { EVENT_TYPES, type Interaction } from '../../src/core/data/types';
import { createHearthStore } from '../../src/storage';
import type { HearthStore, HearthStoreOptions } from '../../src/storage';

let counter = 0;
const opened: HearthStore[] = [];
const names = new Set<string>();

/** A database name no other test uses. */
export function uniqueDbName(label: string): string {
  const name = `hearth-test-${label}-${Date.now()}-${counter++}`;
  names.add(name);
  return name;
}

/** Opens a store that is disposed and deleted after the test. */
export async function openStore(
  options: HearthStoreOptions & { readonly dbName: string },
): Promise<HearthStore> {
  names.add(options.dbName);
  const store = await createHearthStore(options);
  opened.push(store);
  return store;
}

afterEach(async () => {
  for (const store of opened.splice(0)) store.dispose();
  for (const name of [...names]) await deleteDB(name);
  names.clear();
});

/** `n` deterministic events: item `${prefix}-${i}`, user `u${i % users}`, increasing timestamps. */
export function makeEvents(
  n: number,
  options: {
    readonly prefix?: string;
    readonly users?: number;
    readonly start?: number;
    readonly step?: number;
  } = {},
): Interaction[] {
  const { prefix = 'item', users = 3, start = 1_700_000_000_000, step = 1000 } = options;
  const out: Interaction[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      itemId: `${prefix}-${i}`,
      userId: `u${i % users}`,
      type: EVENT_TYPES[i % EVENT_TYPES.length]!,
      ...(i % 4 === 0 ? {} : { value: (i % 7) + 0.25 }),
      timestamp: start + i * step,
    });
  }
  return out;
}

/** A dataset's rows as plain events (ids resolved, value omitted when NaN), in stored order. */
export function datasetEvents(dataset: InteractionDataset): Interaction[] {
  const { columns, userVocab, itemVocab } = dataset;
  const out: Interaction[] = [];
  for (let i = 0; i < columns.length; i++) {
    const value = columns.values[i]!;
    out.push({
      itemId: itemVocab.idAt(columns.items[i]!),
      userId: userVocab.idAt(columns.users[i]!),
      type: EVENT_TYPES[columns.types[i]!]!,
      ...(value === value ? { value } : {}),
      timestamp: columns.timestamps[i]!,
    });
  }
  return out;
}

/** What an event reads back as: values rounded to float32, the default user filled in. */
export function asStored(events: readonly Interaction[], visitorId = 'local'): Interaction[] {
  return events.map((e) => ({
    itemId: e.itemId,
    userId: e.userId ?? visitorId,
    type: e.type,
    ...(e.value === undefined ? {} : { value: Math.fround(e.value) }),
    timestamp: e.timestamp,
  }));
}
