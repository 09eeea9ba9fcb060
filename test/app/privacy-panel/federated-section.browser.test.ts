import { createElement, Fragment } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { FederatedSection } from '../../../src/app/privacy-panel/federated-section';
import { NetworkSection } from '../../../src/app/privacy-panel/network-section';
import { installNetworkMeter } from '../../../src/app/runtime/network-meter';
import {
  AppServicesContext,
  useRuntimeState,
  type AppServices,
  type HearthBinding,
} from '../../../src/app/runtime/use-hearth';
import type { FederatedStatus, Recommender } from '../../../src/worker';
import { createFakeFederated, federatedStatus } from '../fake-federated';
import { createFakeRecommender, fakeBinding, type FakeRecommender } from '../fake-recommender';
import { button, cleanup, perform, render, textOf } from '../render';

afterEach(cleanup);

/** The two sections as the privacy page wires them: the network total follows the shop's status. */
function Sections({ binding }: { readonly binding: HearthBinding }) {
  const state = useRuntimeState(binding.runtime);
  return createElement(
    Fragment,
    null,
    createElement(NetworkSection, { federated: state.federated }),
    createElement(FederatedSection, { binding }),
  );
}

async function setup(initial: Partial<FederatedStatus> = {}, overrides: Partial<Recommender> = {}) {
  const federated = createFakeFederated({ initial });
  const recommender: FakeRecommender = createFakeRecommender({
    ...federated.members,
    ...overrides,
  });
  const binding = fakeBinding(recommender);
  const target = { fetch: (() => Promise.resolve(new Response('ok'))) as typeof fetch };
  const meter = installNetworkMeter({ target, origin: location.origin });
  const services: AppServices = { storefront: binding, workbench: () => binding, meter };
  const { container } = await render(
    createElement(
      AppServicesContext.Provider,
      { value: services },
      createElement(Sections, { binding }),
    ),
  );
  const section = container.querySelector<HTMLElement>('[data-testid="federated"]')!;
  await waitForText(container, 'federated', /./);
  return { container, section, federated, recommender, target };
}

/** Polls (inside act) until the element's text matches. */
async function waitForText(root: ParentNode, testId: string, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const text = root.querySelector(`[data-testid="${testId}"]`)?.textContent ?? '';
    if (pattern.test(text) && !text.includes('Reading the federated')) return;
    await perform(() => new Promise((resolve) => setTimeout(resolve, 10)));
  }
  throw new Error(`[data-testid="${testId}"] never matched ${String(pattern)}`);
}

const theSwitch = (root: ParentNode): HTMLInputElement =>
  root.querySelector<HTMLInputElement>('[role="switch"]')!;

const fact = (root: ParentNode, id: string): string => textOf(root, `[data-testid="${id}"]`);

describe('FederatedSection', () => {
  it('starts switched off: an accessible switch, nothing sent, "Contribute now" disabled', async () => {
    const { container, section } = await setup();
    const control = theSwitch(section);
    expect(control.type).toBe('checkbox');
    expect(control.checked).toBe(false);
    expect(control.labels?.[0]?.textContent).toBe(
      "Contribute to the shop's shared model (federated learning)",
    );
    expect(control.getAttribute('aria-describedby')).toBe('fl-consent-state');
    expect(fact(section, 'fl-consent')).toBe('Off: you have not opted in (it starts off).');
    expect(button(section, 'Contribute now').disabled).toBe(true);
    expect(section.textContent).toContain('Never sent');
    expect(section.textContent).toContain('docs/privacy.md');
    expect(fact(section, 'fl-requests')).toBe('0');
    expect(fact(section, 'fl-global')).toBe('none yet');
    expect(fact(section, 'fl-last-attempt')).toBe('None yet.');
    expect(fact(container, 'bytes-sent')).toBe('0 B');
    expect(container.textContent).toContain('You have not opted in, so the worker sends nothing.');
  });

  it('opts in, contributes, and adds the worker’s bytes to the page’s in the total', async () => {
    const { container, section, federated, target } = await setup();
    await perform(() => theSwitch(section).click());
    expect(federated.consentCalls).toEqual([true]);
    expect(theSwitch(section).checked).toBe(true);
    expect(fact(section, 'fl-consent')).toMatch(/^On since \d\d:\d\d:\d\d\.$/);
    expect(fact(section, 'fl-outcome')).toContain('Federated learning is on');

    await perform(() => button(section, 'Contribute now').click());
    expect(federated.participateCalls()).toBe(1);
    expect(fact(section, 'fl-updates')).toBe('1');
    expect(fact(section, 'fl-bytes-sent')).toBe('1000 B');
    expect(fact(section, 'fl-last-attempt')).toMatch(
      /^Contributed: the server acknowledged the update \(\d\d:\d\d:\d\d\)$/,
    );
    expect(fact(section, 'fl-outcome')).toContain('Contributed');

    await perform(() =>
      target
        .fetch(`${location.origin}/v1/other`, { method: 'POST', body: 'x'.repeat(2048) })
        .then(() => undefined),
    );
    expect(fact(container, 'page-bytes-sent')).toBe('2.0 KB');
    expect(fact(container, 'fl-total-bytes-sent')).toBe('1000 B');
    expect(fact(container, 'bytes-sent')).toBe('3.0 KB');
    expect(textOf(container, '.big-number')).toBe('3.0 KB sent in 3 requests');
  });

  it('shows the participant’s live numbers from federated events', async () => {
    const { section, recommender } = await setup({
      consent: { granted: true, changedAt: Date.now() },
    });
    await perform(() =>
      recommender.emit({
        type: 'federated',
        status: federatedStatus({
          consent: { granted: true, changedAt: Date.now() },
          requests: 5,
          bytesSent: 3 * 1024,
          bytesReceived: 2 * 1024 * 1024,
          updatesSent: 2,
          pendingUploads: 1,
          globalModelVersion: 3,
          lastAttempt: {
            status: 'queued',
            at: Date.now(),
            message: 'The server could not be reached.',
          },
        }),
      }),
    );
    expect(fact(section, 'fl-requests')).toBe('5');
    expect(fact(section, 'fl-bytes-sent')).toBe('3.0 KB');
    expect(fact(section, 'fl-bytes-received')).toBe('2.0 MB');
    expect(fact(section, 'fl-updates')).toBe('2');
    expect(fact(section, 'fl-pending')).toBe('1');
    expect(fact(section, 'fl-global-version')).toBe('v3');
    expect(fact(section, 'fl-global')).toBe('v3');
    await perform(() =>
      recommender.emit({ type: 'model-changed', version: 5, source: 'federated' }),
    );
    expect(fact(section, 'fl-global')).toBe('v3, serving your rows as model v5');
    expect(fact(section, 'fl-last-attempt')).toMatch(
      /^Queued: .* \(\d\d:\d\d:\d\d\) — The server could not be reached\.$/,
    );
  });

  it('#6 shows the device’s own ε ledger: spent against the budget, rounds, floor, refusals', async () => {
    const { section, recommender } = await setup({
      consent: { granted: true, changedAt: Date.now() },
    });
    expect(fact(section, 'fl-epsilon')).toBe('ε = 0.00 of 16.00 (δ = 0.00001); 16.00 left.');
    expect(fact(section, 'fl-refused')).toBe('No round refused so far.');
    const base = federatedStatus().privacy;
    await perform(() =>
      recommender.emit({
        type: 'federated',
        status: federatedStatus({
          consent: { granted: true, changedAt: Date.now() },
          lastAttempt: {
            status: 'refused',
            at: Date.now(),
            message: 'Round r9 refused: no noise.',
          },
          privacy: {
            ...base,
            epsilonSpent: 4.3821,
            roundsContributed: 1,
            refused: [
              {
                roundId: 'r9',
                reason: 'noise-below-floor',
                message: 'Round r9 refused: no noise.',
                at: Date.now(),
              },
            ],
          },
        }),
      }),
    );
    expect(fact(section, 'fl-epsilon')).toBe('ε = 4.38 of 16.00 (δ = 0.00001); 11.62 left.');
    expect(fact(section, 'fl-rounds')).toBe('1');
    expect(fact(section, 'fl-floor')).toBe(
      'Noise multiplier at least 0.6, ε at most 8.00 per round and 16.00 in total.',
    );
    expect(fact(section, 'fl-refused')).toMatch(/^\d\d:\d\d:\d\d: Round r9 refused: no noise\.$/);
    expect(fact(section, 'fl-last-attempt')).toMatch(/^Refused by this device: .*Round r9 refused/);
  });

  it('opts out at once and says the queued contributions were dropped', async () => {
    const { section, federated } = await setup({
      consent: { granted: true, changedAt: Date.now() },
      pendingUploads: 2,
    });
    expect(theSwitch(section).checked).toBe(true);
    expect(button(section, 'Contribute now').disabled).toBe(false);
    await perform(() => theSwitch(section).click());
    expect(federated.consentCalls).toEqual([false]);
    expect(theSwitch(section).checked).toBe(false);
    expect(fact(section, 'fl-outcome')).toBe(
      'Federated learning is off: this device sends nothing more to the server. 2 queued contributions were dropped.',
    );
    expect(fact(section, 'fl-pending')).toBe('0');
    expect(fact(section, 'fl-consent')).toMatch(/^Off since /);
    expect(button(section, 'Contribute now').disabled).toBe(true);
  });

  it('says plainly that nothing can be switched on when no server is configured', async () => {
    const { container, section } = await setup({ configured: false });
    expect(theSwitch(section)).toBeNull();
    expect(section.querySelector('button')).toBeNull();
    expect(fact(section, 'fl-unconfigured')).toContain(
      'no federated-learning server is configured for this shop',
    );
    expect(container.textContent).toContain('No server is configured for this shop');
  });

  it('shows a failed switch as an alert and puts the switch back', async () => {
    const { section } = await setup(
      {},
      { setFederatedConsent: () => Promise.reject(new Error('the worker is gone')) },
    );
    await perform(() => theSwitch(section).click());
    expect(theSwitch(section).checked).toBe(false);
    expect(textOf(section, '[role="alert"]')).toBe(
      'Could not switch federated learning on: the worker is gone',
    );
  });
});
