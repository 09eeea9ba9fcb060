import { describe, expect, it } from 'vitest';
import { CONSENT_META_KEY, createConsentStore } from '../../src/federated/consent-store';
import { createMemoryMetaStore } from './memory-meta-store';

describe('createConsentStore', () => {
  it('is not granted by default', async () => {
    const consent = createConsentStore({ store: createMemoryMetaStore() });
    expect(await consent.isGranted()).toBe(false);
    expect(await consent.get()).toEqual({ granted: false, changedAt: null });
  });

  it('persists grant and revoke, shared by every store on the same metadata', async () => {
    const meta = createMemoryMetaStore();
    const a = createConsentStore({ store: meta, now: () => 1000 });
    const b = createConsentStore({ store: meta });
    await a.grant();
    expect(await b.get()).toEqual({ granted: true, changedAt: 1000 });
    await b.revoke();
    expect(await a.isGranted()).toBe(false);
  });

  it('treats a corrupt record as not granted', async () => {
    const meta = createMemoryMetaStore();
    await meta.setMeta(CONSENT_META_KEY, { granted: 'yes' });
    expect(await createConsentStore({ store: meta }).isGranted()).toBe(false);
  });

  it('notifies listeners until they unsubscribe', async () => {
    const consent = createConsentStore({ store: createMemoryMetaStore(), now: () => 5 });
    const seen: boolean[] = [];
    const off = consent.onChange((c) => seen.push(c.granted));
    await consent.grant();
    await consent.revoke();
    off();
    await consent.grant();
    expect(seen).toEqual([true, false]);
  });
});
