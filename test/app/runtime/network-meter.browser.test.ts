import { describe, expect, it } from 'vitest';
import {
  bodyBytes,
  installNetworkMeter,
  isOffDevice,
} from '../../../src/app/runtime/network-meter';

const ORIGIN = 'https://shop.example';

/** A fake global whose fetch records what it was asked to send (and reads stream bodies). */
function fakeTarget() {
  const sent: { url: string; body: string | null }[] = [];
  const target = {
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      sent.push({ url: request.url, body: request.body ? await request.text() : null });
      return new Response('ok');
    }) as typeof fetch,
  };
  return { target, sent };
}

describe('network meter', () => {
  it('counts request bodies sent to other origins and to /v1/ endpoints, and nothing else', async () => {
    const { target, sent } = fakeTarget();
    const meter = installNetworkMeter({ target, origin: ORIGIN });
    let notified = 0;
    meter.subscribe(() => notified++);
    await target.fetch(`${ORIGIN}/demo/catalog.jsonl`);
    await target.fetch(`${ORIGIN}/api/cart`, { method: 'POST', body: 'same origin' });
    expect(meter.snapshot()).toEqual({ bytesSent: 0, requests: 0 });
    await target.fetch('https://tracker.example/collect', { method: 'POST', body: 'héllo' });
    await target.fetch(`${ORIGIN}/v1/updates`, { method: 'POST', body: new Uint8Array(100) });
    await target.fetch(new Request('https://other.example/x', { method: 'PUT', body: 'abcd' }));
    expect(meter.snapshot()).toEqual({ bytesSent: 6 + 100 + 4, requests: 3 });
    expect(notified).toBe(3);
    // The wrapped fetch still sent every body unchanged.
    expect(sent.map((s) => s.body)).toEqual([
      null,
      'same origin',
      'héllo',
      '\0'.repeat(100),
      'abcd',
    ]);
    meter.uninstall();
    await target.fetch('https://tracker.example/collect', { method: 'POST', body: 'after' });
    expect(meter.snapshot().bytesSent).toBe(110);
  });

  it('counts a streamed body while still sending all of it', async () => {
    const { target, sent } = fakeTarget();
    const meter = installNetworkMeter({ target, origin: ORIGIN });
    const stream = new Blob(['0123456789', 'abcdef']).stream();
    await target.fetch('https://other.example/upload', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(meter.snapshot()).toEqual({ bytesSent: 16, requests: 1 });
    expect(sent[0]?.body).toBe('0123456789abcdef');
    meter.uninstall();
  });

  it('sizes every body type as fetch would send it', async () => {
    const form = new FormData();
    form.append('a', 'xyz');
    form.append('file', new Blob(['12345']));
    expect(await bodyBytes(null)).toBe(0);
    expect(await bodyBytes('€')).toBe(3);
    expect(await bodyBytes(new Blob(['abc']))).toBe(3);
    expect(await bodyBytes(new ArrayBuffer(7))).toBe(7);
    expect(await bodyBytes(new URLSearchParams({ q: 'a b' }))).toBe('q=a+b'.length);
    expect(await bodyBytes(form)).toBe('a'.length + 3 + 'file'.length + 5);
  });

  it('tells what leaves the device', () => {
    expect(isOffDevice(new URL(`${ORIGIN}/demo/model.hearth`), ORIGIN)).toBe(false);
    expect(isOffDevice(new URL(`${ORIGIN}/v1/federated`), ORIGIN)).toBe(true);
    expect(isOffDevice(new URL('http://shop.example/x'), ORIGIN)).toBe(true);
  });
});
