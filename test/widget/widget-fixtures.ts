import { vi } from 'vitest';
import { deleteDB } from 'idb';
import { encodeBundle } from '../../src/core/bundle/bundle-file';
import { trainModelBundle } from '../../src/core/bundle/train-bundle';
import type { Item } from '../../src/core/data/types';
import { createHearthStore } from '../../src/storage';
import {
  disposeSharedRuntime,
  sharedRuntime,
  type WidgetRuntime,
} from '../../src/widget/shared-runtime';
import { smallBundleData } from '../fixtures/synthetic';

/** A model and catalog served from blob: URLs (workers of the page can fetch them). */
export interface WidgetFixture {
  readonly modelSrc: string;
  readonly catalogSrc: string;
  readonly catalog: readonly Item[];
}

const pixel = (i: number): string =>
  `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="hsl(${i * 37} 60% 60%)"/></svg>`)}`;

let fixture: Promise<WidgetFixture> | null = null;

/** Trains the small planted bundle once per test file (typed path, a few epochs). */
export function widgetFixture(): Promise<WidgetFixture> {
  fixture ??= (async () => {
    const { dataset, catalog: planted } = smallBundleData();
    const catalog = planted.map((item, i) => ({ ...item, imageUrl: pixel(i) }));
    const bundle = await trainModelBundle({ dataset, catalog, mf: { factors: 8, epochs: 4 } });
    const model = new Blob([encodeBundle(bundle) as Uint8Array<ArrayBuffer>]);
    const json = new Blob([JSON.stringify(catalog)], { type: 'application/json' });
    return {
      modelSrc: URL.createObjectURL(model),
      catalogSrc: URL.createObjectURL(json),
      catalog,
    };
  })();
  return fixture;
}

let counter = 0;
const dbNames = new Set<string>();

/** Creates the page's shared runtime on a database of its own (elements then reuse it). */
export function freshRuntime(
  options: { readonly modelSrc?: string; readonly catalogSrc?: string } = {},
): { readonly runtime: WidgetRuntime; readonly dbName: string } {
  const dbName = `hearth-widget-${Date.now()}-${counter++}`;
  dbNames.add(dbName);
  return { runtime: sharedRuntime({ ...options, dbName }), dbName };
}

/** Events the visitor has stored in a database (what consent lets reach IndexedDB). */
export async function storedEvents(dbName: string): Promise<number> {
  const store = await createHearthStore({ dbName });
  try {
    return (await store.recentInteractions(1000, 'local')).length;
  } finally {
    store.dispose();
  }
}

/** Remembers a database some test created under another name (to delete it afterwards). */
export function forgetDatabaseLater(name: string): void {
  dbNames.add(name);
}

/** Disposes the shared runtime, removes test elements and deletes the test databases. */
export async function cleanUpWidgets(): Promise<void> {
  document.body.replaceChildren();
  disposeSharedRuntime();
  // Terminated workers drop their connections asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 60));
  for (const name of [...dbNames]) await deleteDB(name);
  dbNames.clear();
}

/** Adds markup to the page and returns the first element matching `selector`. */
export function mount<T extends Element>(html: string, selector: string): T {
  const host = document.createElement('div');
  host.innerHTML = html;
  document.body.append(host);
  const found = host.querySelector<T>(selector);
  if (!found) throw new Error(`mount: nothing matches ${selector}`);
  return found;
}

/**
 * Replaces `window.Worker` with a subclass that records every worker started; returns the list
 * (undo with `vi.unstubAllGlobals()`).
 */
export function recordWorkers(): unknown[] {
  const created: unknown[] = [];
  const RealWorker = window.Worker;
  vi.stubGlobal(
    'Worker',
    class extends RealWorker {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        created.push(url);
      }
    },
  );
  return created;
}
