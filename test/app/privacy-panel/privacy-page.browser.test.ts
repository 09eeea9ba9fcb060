import { createElement } from 'react';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { PrivacyPage } from '../../../src/app/privacy-panel/privacy-page';
import { installNetworkMeter } from '../../../src/app/runtime/network-meter';
import { AppServicesContext, type AppServices } from '../../../src/app/runtime/use-hearth';
import { CartContext } from '../../../src/app/storefront/use-cart';
import type { StorageReport } from '../../../src/storage';
import { createFakeFederated } from '../fake-federated';
import { createFakeRecommender, fakeBinding } from '../fake-recommender';
import { button, cleanup, perform, render, textOf } from '../render';

afterEach(cleanup);

const report = (interactions: number): StorageReport => ({
  interactions,
  catalogItems: 2400,
  models: 1,
  checkpoints: 0,
  bytes: {
    interactions: interactions * 41,
    catalog: 2_400_000,
    models: 1_100_000,
    checkpoints: 0,
    meta: 10,
  },
  estimate: { usage: 4_000_000, quota: 4_000_000_000 },
  persisted: false,
});

function setup() {
  let stored = 3;
  const erased = vi.fn();
  const recommender = createFakeRecommender({
    ...createFakeFederated().members,
    storage: () => Promise.resolve(report(stored)),
    exportAll: () => Promise.resolve(new Blob(['{"format":"hearth-export"}'])),
    eraseAll: async () => {
      stored = 0;
      erased();
      return { remainingDatabases: [], remainingCaches: [] };
    },
  });
  const binding = fakeBinding(recommender);
  const target = { fetch: (() => Promise.resolve(new Response('ok'))) as typeof fetch };
  const meter = installNetworkMeter({ target, origin: location.origin });
  const services: AppServices = { storefront: binding, workbench: () => binding, meter };
  const dispatch = vi.fn();
  const element = createElement(
    AppServicesContext.Provider,
    { value: services },
    createElement(
      CartContext.Provider,
      { value: { lines: [], dispatch } },
      createElement(PrivacyPage),
    ),
  );
  return { element, erased, runtime: binding.runtime, dispatch, target };
}

describe('PrivacyPage', () => {
  it('shows what is stored per store, the estimate, persistence and the bytes sent (0)', async () => {
    const { element, target } = setup();
    const { container } = await render(element);
    await vi.waitFor(() =>
      expect(container.querySelector('[data-testid="storage-interactions"]')?.textContent).toBe(
        '3',
      ),
    );
    expect(textOf(container, '[data-testid="storage-catalog"]')).toBe('2,400');
    expect(textOf(container, '[data-testid="storage-estimate"]')).toBe(
      '3.8 MB used of 3.7 GB (0.10%)',
    );
    expect(textOf(container, '[data-testid="persisted"]')).toContain(
      'no: the browser may evict it',
    );
    expect(textOf(container, '[data-testid="bytes-sent"]')).toBe('0 B');
    await perform(() =>
      target
        .fetch('https://elsewhere.example/v1/update', { method: 'POST', body: 'x'.repeat(2048) })
        .then(() => undefined),
    );
    expect(textOf(container, '[data-testid="bytes-sent"]')).toBe('2.0 KB');
    await vi.waitFor(() =>
      expect(textOf(container, '[data-testid="fl-consent"]')).toContain('you have not opted in'),
    );
    expect(container.querySelector('[role="switch"]')).not.toBeNull();
  });

  it('erases only after confirmation, then shows the proof and restarts the shop empty', async () => {
    const { element, erased, runtime, dispatch } = setup();
    const { container } = await render(element);
    await perform(() => button(container, 'Erase everything').click());
    expect(erased).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(button(container, 'Yes, erase everything'));
    await perform(() => button(container, 'Cancel').click());
    expect(document.activeElement).toBe(button(container, 'Erase everything'));
    expect(erased).not.toHaveBeenCalled();

    await perform(() => button(container, 'Erase everything').click());
    await perform(() => button(container, 'Yes, erase everything').click());
    await vi.waitFor(() =>
      expect(container.querySelector('[data-testid="erase-proof"]')).not.toBeNull(),
    );
    expect(erased).toHaveBeenCalledTimes(1);
    expect(runtime.getState().generation).toBe(1);
    expect(dispatch).toHaveBeenCalledWith({ type: 'clear' });
    const proof = textOf(container, '[data-testid="erase-proof"]');
    expect(proof).toContain('Erased: nothing remains.');
    expect(proof).toContain(
      'Shop data (IndexedDB “hearth-demo-store”): database gone; no Hearth caches.',
    );
    await vi.waitFor(() =>
      expect(textOf(container, '[data-testid="storage-interactions"]')).toBe('0'),
    );
  });

  it('exports everything as a download link', async () => {
    const { container, click } = await renderWithDownloads();
    const link = await exportLink(container);
    expect(link.download).toMatch(/^hearth-shop-data-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\.zip$/);
    expect(await (await fetch(link.href)).text()).toBe('{"format":"hearth-export"}');
    expect(click).toHaveBeenCalledTimes(1);
  });

  it('#13 erasing removes the earlier export link and revokes its URL (no erased events download)', async () => {
    const { container } = await renderWithDownloads();
    const { href } = await exportLink(container);
    await perform(() => button(container, 'Erase everything').click());
    await perform(() => button(container, 'Yes, erase everything').click());
    await vi.waitFor(() =>
      expect(container.querySelector('[data-testid="erase-proof"]')).not.toBeNull(),
    );
    await vi.waitFor(() =>
      expect(container.querySelector('[data-testid="export-link"]')).toBeNull(),
    );
    expect(textOf(container, '[data-testid="export-erased"]')).toContain('link was removed');
    await expect(fetch(href)).rejects.toThrow();
  });

  it('a new export revokes the URL of the previous one', async () => {
    const { container } = await renderWithDownloads();
    const first = (await exportLink(container)).href;
    const second = await exportLink(container, first);
    expect(second.href).not.toBe(first);
    await expect(fetch(first)).rejects.toThrow();
  });
});

/** The privacy page, with the automatic download (a click on a detached link) stubbed out. */
async function renderWithDownloads() {
  const { element } = setup();
  const { container } = await render(element);
  const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
  onTestFinished(() => click.mockRestore());
  return { container, click };
}

/** Clicks "Export shop data" and waits for the download link (a new one when `previous` is given). */
async function exportLink(container: HTMLElement, previous?: string): Promise<HTMLAnchorElement> {
  const find = () => container.querySelector<HTMLAnchorElement>('[data-testid="export-link"]');
  await perform(() => button(container, 'Export shop data').click());
  await vi.waitFor(() => {
    expect(find()).not.toBeNull();
    expect(find()!.href).not.toBe(previous);
  });
  return find()!;
}
