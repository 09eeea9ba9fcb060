import { deleteDB } from 'idb';
import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataPage } from '../../../src/app/data-panel/data-page';
import { createHearthRuntime } from '../../../src/app/runtime/hearth-runtime';
import { installNetworkMeter } from '../../../src/app/runtime/network-meter';
import { createStoreReader } from '../../../src/app/runtime/store-reader';
import {
  AppServicesContext,
  type AppServices,
  type HearthBinding,
} from '../../../src/app/runtime/use-hearth';
import type { DeviceLimits } from '../../../src/storage';
import { TRAIN_BYTES_PER_EVENT } from '../../../src/storage';
import {
  createLocalRecommender,
  type Recommender,
  type RecommenderConfig,
} from '../../../src/worker';
import { cleanup, perform, render, textOf } from '../render';

const MALFORMED = [
  'user_id,item_id,event,timestamp',
  'u1,i1,click,1700000000',
  'u1,,click,1700000001',
  'u2,i2,teleport,1700000002',
  'u2,i3,purchase,1700000003',
].join('\n');

let binding: HearthBinding | null = null;
let dbName = '';
let counter = 0;

afterEach(async () => {
  await cleanup();
  binding?.runtime.dispose();
  binding?.reader.dispose();
  binding = null;
  await new Promise((resolve) => setTimeout(resolve, 50));
  await deleteDB(dbName);
});

async function renderDataPage(limits?: DeviceLimits): Promise<HTMLElement> {
  dbName = `hearth-app-data-${Date.now()}-${counter++}`;
  const create = (config: RecommenderConfig): Recommender => {
    const recommender = createLocalRecommender(config);
    if (limits === undefined) return recommender;
    // A device this small: what the page shows when a log does not fit.
    return {
      ...recommender,
      importInteractions: (input, options) =>
        recommender.importInteractions(input, { ...options, limits }),
    };
  };
  const workbench: HearthBinding = {
    runtime: createHearthRuntime({ config: { dbName, fineTuneAfterEvents: 0 }, create }),
    reader: createStoreReader({ dbName }),
  };
  binding = workbench;
  const services: AppServices = {
    storefront: workbench,
    workbench: () => workbench,
    meter: installNetworkMeter({ target: { fetch: globalThis.fetch }, origin: location.origin }),
  };
  const { container } = await render(
    createElement(AppServicesContext.Provider, { value: services }, createElement(DataPage)),
  );
  return container;
}

const fileOf = (text: string, name: string): File => new File([text], name, { type: 'text/csv' });

function transferOf(file: File): DataTransfer {
  const transfer = new DataTransfer();
  transfer.items.add(file);
  return transfer;
}

describe('DataPage (bring your own data)', () => {
  it('imports a file chosen in the picker and lists every rejected row with its line', async () => {
    const root = await renderDataPage();
    const input = root.querySelector<HTMLInputElement>('input[type="file"]')!;
    await perform(() => {
      input.files = transferOf(fileOf(MALFORMED, 'broken.csv')).files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await vi.waitFor(() =>
      expect(root.querySelector('[data-testid="import-report"]')).not.toBeNull(),
    );
    expect(textOf(root, '[data-testid="accepted-rows"]')).toBe('2');
    expect(textOf(root, '[data-testid="rejected-rows"]')).toBe('2');
    const rows = [...root.querySelectorAll('.import-report__errors tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent),
    );
    expect(rows.map((r) => r[0])).toEqual(['3', '4']);
    expect(rows[1]![1]).toContain('"teleport" is not an event type');
    expect(root.textContent).toContain('Selected: broken.csv');
    await vi.waitFor(() =>
      expect(textOf(root, '[data-testid="workbench-stored"]')).toContain('2 events'),
    );
  });

  it('imports a dropped file, and explains a file without any good row', async () => {
    const root = await renderDataPage();
    const zone = root.querySelector<HTMLElement>('[data-testid="drop-zone"]')!;
    const drop = (file: File) =>
      perform(() => {
        const dataTransfer = transferOf(file);
        zone.dispatchEvent(
          new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer }),
        );
        zone.dispatchEvent(
          new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer }),
        );
      });
    await drop(fileOf('user,item\nu1,i1\nu2,i2\nu1,i2\n', 'good.csv'));
    await vi.waitFor(() =>
      expect(root.querySelector('[data-testid="accepted-rows"]')?.textContent).toBe('3'),
    );
    await drop(fileOf('user_id,item_id,event\nu1,,click\n', 'junk.csv'));
    await vi.waitFor(() =>
      expect(root.querySelector('[data-testid="import-error"]')?.textContent).toContain(
        'Nothing was imported',
      ),
    );
    expect(root.querySelector('[data-testid="import-error"]')?.getAttribute('role')).toBe('alert');
  });

  it('says when a log is too large for the device, and keeps nothing of it', async () => {
    const root = await renderDataPage({
      memoryBytes: 1_000 * TRAIN_BYTES_PER_EVENT,
      storageBytes: null,
      memorySource: 'a test device',
    });
    const lines = ['user_id,item_id,event,timestamp'];
    for (let i = 0; i < 5_000; i++) lines.push(`u${i % 50},i${i % 300},view,${1_700_000_000 + i}`);
    const input = root.querySelector<HTMLInputElement>('input[type="file"]')!;
    await perform(() => {
      input.files = transferOf(fileOf(lines.join('\n'), 'huge.csv')).files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await vi.waitFor(() =>
      expect(root.querySelector('[data-testid="import-error"]')).not.toBeNull(),
    );
    const error = root.querySelector('[data-testid="import-error"]')!;
    expect(error.getAttribute('data-code')).toBe('LOG_TOO_LARGE');
    expect(error.textContent).toContain('This log is too large for this device');
    expect(error.textContent).toContain('npx hearth-recs train');
    await vi.waitFor(() =>
      expect(textOf(root, '[data-testid="workbench-stored"]')).toContain('0 events'),
    );
  });
});
