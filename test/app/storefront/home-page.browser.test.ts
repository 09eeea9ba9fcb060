import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installNetworkMeter } from '../../../src/app/runtime/network-meter';
import { AppServicesContext, type AppServices } from '../../../src/app/runtime/use-hearth';
import { HomePage } from '../../../src/app/storefront/home-page';
import { buildCategoryTree } from '../../../src/app/storefront/category-tree';
import { indexProducts } from '../../../src/app/storefront/product';
import { CatalogContext, type Catalog } from '../../../src/app/storefront/use-catalog';
import type { FederatedStatus } from '../../../src/worker';
import { createFakeFederated } from '../fake-federated';
import { createFakeRecommender, fakeBinding } from '../fake-recommender';
import { cleanup, perform, render, textOf } from '../render';

afterEach(cleanup);

const EMPTY_CATALOG: Catalog = { ...indexProducts([]), tree: buildCategoryTree([]) };

function home(initial: Partial<FederatedStatus>) {
  const federated = createFakeFederated({ initial });
  const binding = fakeBinding(createFakeRecommender(federated.members));
  const target = { fetch: (() => Promise.resolve(new Response('ok'))) as typeof fetch };
  const meter = installNetworkMeter({ target, origin: location.origin });
  const services: AppServices = { storefront: binding, workbench: () => binding, meter };
  const element = createElement(
    AppServicesContext.Provider,
    { value: services },
    createElement(CatalogContext.Provider, { value: EMPTY_CATALOG }, createElement(HomePage)),
  );
  return { element, target };
}

const flowText = async (container: HTMLElement): Promise<string> => {
  await vi.waitFor(() => expect(textOf(container, '[data-testid="data-flow"]')).not.toBe(''));
  return textOf(container, '[data-testid="data-flow"]');
};

describe('HomePage: what it says leaves the device', () => {
  it('#13 after opting in and sending 97 KB it no longer says "Nothing is sent anywhere"', async () => {
    const { element } = home({
      consent: { granted: true, changedAt: Date.now() - 60_000 },
      bytesSent: 99_328,
      requests: 4,
    });
    const { container } = await render(element);
    const text = await flowText(container);
    expect(container.textContent).not.toContain('Nothing is sent anywhere');
    expect(text).not.toContain('Nothing about you');
    expect(text).toContain('You opted in to federated learning');
    expect(text).toContain('97.0 KB sent in this visit');
    expect(container.querySelector('[data-testid="data-flow"] a')?.getAttribute('href')).toBe(
      '#/privacy',
    );
  });

  it('says nothing was sent while that is true, and follows the page meter when it stops being', async () => {
    const { element, target } = home({});
    const { container } = await render(element);
    expect(await flowText(container)).toBe('Nothing about you has been sent anywhere.');
    await perform(() =>
      target
        .fetch('https://elsewhere.example/collect', { method: 'POST', body: 'x'.repeat(2048) })
        .then(() => undefined),
    );
    expect(textOf(container, '[data-testid="data-flow"]')).toBe(
      '2.0 KB left this device in this visit. What left, and why.',
    );
  });

  it('after opting out, still counts what was sent before', async () => {
    const { element } = home({
      consent: { granted: false, changedAt: Date.now() - 1_000 },
      bytesSent: 5_120,
    });
    const { container } = await render(element);
    expect(await flowText(container)).toContain(
      '5.0 KB left this device in this visit; you have opted out of federated learning since.',
    );
  });
});
