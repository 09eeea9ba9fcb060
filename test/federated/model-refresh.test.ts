import { describe, expect, it } from 'vitest';
import { createFederatedClient } from '../../src/federated/federated-client';
import { createInitialModel, encodeFederatedModel } from '../../src/federated/federated-model';
import type { VersionedModel } from '../../src/federated/federated-model';
import { createModelRefresher } from '../../src/federated/model-refresh';

/** A fake `/v1/model` endpoint that honours If-None-Match. */
function fakeServer() {
  let version = 1;
  const seen: (string | null)[] = [];
  const fetch: typeof globalThis.fetch = (_input, init) => {
    const ifNoneMatch = new Headers(init?.headers).get('If-None-Match');
    seen.push(ifNoneMatch);
    const etag = `"v${version}"`;
    if (ifNoneMatch === etag) return Promise.resolve(new Response(null, { status: 304 }));
    const model = createInitialModel({ numItems: 6, seed: version, hyper: { factors: 2 } });
    const body = encodeFederatedModel({ version, model }) as Uint8Array<ArrayBuffer>;
    return Promise.resolve(new Response(body, { status: 200, headers: { ETag: etag } }));
  };
  return {
    fetch,
    seen,
    bump: () => {
      version++;
    },
  };
}

describe('createModelRefresher', () => {
  it('hands over a new model, sends If-None-Match afterwards and ignores 304', async () => {
    const server = fakeServer();
    const client = createFederatedClient({
      baseUrl: 'http://fl.test',
      token: 't',
      fetch: server.fetch,
    });
    const got: VersionedModel[] = [];
    const refresher = createModelRefresher({ client, onModel: (m) => got.push(m) });
    expect((await refresher.refresh())?.version).toBe(1);
    expect(await refresher.refresh()).toBeNull();
    server.bump();
    expect((await refresher.refresh())?.version).toBe(2);
    expect(server.seen).toEqual([null, '"v1"', '"v1"']);
    expect(got.map((m) => m.version)).toEqual([1, 2]);
    expect(got[1]!.model.numItems).toBe(6);
    expect(refresher.etag).toBe('"v2"');
    expect(refresher.version).toBe(2);
  });

  it('starts from a known validator and shares concurrent requests', async () => {
    const server = fakeServer();
    const client = createFederatedClient({
      baseUrl: 'http://fl.test',
      token: 't',
      fetch: server.fetch,
    });
    const refresher = createModelRefresher({ client, etag: '"v1"', onModel: () => undefined });
    const [a, b] = await Promise.all([refresher.refresh(), refresher.refresh()]);
    expect(a).toBeNull();
    expect(b).toBeNull();
    expect(server.seen).toEqual(['"v1"']);
  });
});
