import { createServer, request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  addressPrefixKey,
  clientKey,
  createClientAddressResolver,
} from '../../src/server/admission/client-address';
import { SERVER_FLAGS, configFromFlags } from '../../src/server/server-flags';
import {
  AUTH,
  fetchFrom,
  outcomeOf,
  startTestServer,
  type TestServer,
} from './admission-test-helpers';
import { testConfig } from './server-test-helpers';

let server: TestServer | null = null;
let proxy: Server | null = null;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  if (proxy) await new Promise((resolve) => proxy!.close(resolve));
  proxy = null;
  await server?.close();
  server = null;
  vi.restoreAllMocks();
});

/**
 * A reverse proxy on 127.0.0.1 in front of `target` that appends the client's address to
 * `X-Forwarded-For`, as the demo's `/v1` proxy (vite preview, `xfwd`) or nginx does.
 */
async function startProxy(target: number): Promise<string> {
  proxy = createServer((req, res) => {
    const forwarded = [req.headers['x-forwarded-for'], req.socket.remoteAddress]
      .filter(Boolean)
      .join(', ');
    const upstream = request(
      {
        host: '127.0.0.1',
        port: target,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, 'x-forwarded-for': forwarded },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

/** Opens a raw connection from `localAddress`; resolves once connected or refused. */
function rawConnection(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    sockets.push(socket);
    socket.on('error', () => undefined);
    // Flowing, so the client side sees the server's close (a paused socket never reads the FIN).
    socket.resume();
    socket.once('connect', () => resolve(socket));
    socket.once('close', () => resolve(socket));
  });
}

/** Head of a join request promising `length` body bytes. */
const slowHead = (length: number): string =>
  `POST /v1/rounds/join HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.Authorization}\r\n` +
  `Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{`;

const closed = (s: Socket): Promise<void> =>
  s.destroyed ? Promise.resolve() : new Promise((resolve) => s.once('close', () => resolve()));

describe('HTTP edge', () => {
  it('#7 behind a trusted proxy two devices have separate rate-limit buckets; a spoofed X-Forwarded-For from an untrusted peer is ignored', async () => {
    server = await startTestServer(
      testConfig({ rateLimit: { perSecond: 0.01, burst: 2 }, trustedProxies: ['127.0.0.1/32'] }),
    );
    const front = await startProxy(server.port);
    const status = async (from: string, base: string, headers: Record<string, string> = {}) =>
      outcomeOf(await fetchFrom(from)(`${base}/v1/status`, { headers: { ...AUTH, ...headers } }));
    const a = [];
    for (let i = 0; i < 3; i++) a.push(await status('127.0.0.2', front));
    const b = [];
    for (let i = 0; i < 2; i++) b.push(await status('127.0.0.3', front));
    expect(a).toEqual(['ok', 'ok', 'rate-limited']);
    expect(b).toEqual(['ok', 'ok']);
    // Straight to the server from an untrusted peer: a fresh X-Forwarded-For each time buys nothing.
    const spoofed = [];
    for (let i = 0; i < 3; i++) {
      spoofed.push(
        await status('127.0.0.4', server.base, { 'X-Forwarded-For': `198.51.100.${i + 1}` }),
      );
    }
    expect(spoofed).toEqual(['ok', 'ok', 'rate-limited']);
  });

  it('#7 200 slow-body connections from one address: at most connectionsPerAddress stay open, and their bodies are cut', async () => {
    server = await startTestServer(
      testConfig({ connectionsPerAddress: 16, minBodyBytesPerSecond: 100_000 }),
      { bodyGraceMs: 300 },
    );
    const port = server.port;
    const conns = await Promise.all(
      Array.from({ length: 200 }, () => rawConnection(port, '127.0.0.5')),
    );
    for (const s of conns) if (!s.destroyed) s.write(slowHead(60_000));
    // The server closes the connections past the cap as it accepts them.
    await vi.waitFor(
      () => expect(conns.filter((s) => !s.destroyed).length).toBeLessThanOrEqual(16),
      { timeout: 3_000, interval: 50 },
    );
    const open = conns.filter((s) => !s.destroyed);
    expect(open.length).toBeGreaterThan(0);
    // Another address is not affected; the slow ones are cut at 0.3 s + 60 kB / 100 kB/s.
    expect(
      await outcomeOf(await fetchFrom('127.0.0.6')(`${server.base}/v1/status`, { headers: AUTH })),
    ).toBe('ok');
    await Promise.all(open.map(closed));
    const status = (await (await fetch(`${server.base}/v1/status`, { headers: AUTH })).json()) as {
      edge: { slowBodies: number; refusedConnections: number };
    };
    expect(status.edge.refusedConnections).toBeGreaterThanOrEqual(184);
    expect(status.edge.slowBodies).toBe(open.length);
    // The address's connections were released: it is served again.
    expect(
      await outcomeOf(await fetchFrom('127.0.0.5')(`${server.base}/v1/status`, { headers: AUTH })),
    ).toBe('ok');
  });

  it('#7 aborted uploads are counted and logged as one summary line, not a stack trace each', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    server = await startTestServer(testConfig());
    const conns = await Promise.all(
      Array.from({ length: 20 }, () => rawConnection(server!.port, '127.0.0.7')),
    );
    for (const s of conns) s.write(slowHead(5_000));
    await new Promise((r) => setTimeout(r, 150));
    for (const s of conns) s.destroy();
    await new Promise((r) => setTimeout(r, 150));
    const status = (await (await fetch(`${server.base}/v1/status`, { headers: AUTH })).json()) as {
      edge: { abortedUploads: number };
    };
    expect(status.edge.abortedUploads).toBe(20);
    await server.close();
    server = null;
    const text = lines.join('');
    expect(text).toBe('hearth-server: 20 uploads aborted by the client\n');
  });

  it('#7 a request whose headers never finish is closed after headersTimeout', async () => {
    server = await startTestServer(testConfig({ headersTimeoutMs: 400, requestTimeoutMs: 1000 }));
    expect(server.http.server).toMatchObject({
      headersTimeout: 400,
      requestTimeout: 1000,
      keepAliveTimeout: 5000,
      maxHeadersCount: 64,
    });
    const s = await rawConnection(server.port, '127.0.0.8');
    s.write('GET /v1/status HTTP/1.1\r\nHost: x\r\n');
    // Node answers 408 and closes; without the setting it would wait for its 60 s default.
    await closed(s);
    expect(s.destroyed).toBe(true);
  });
});

describe('client address', () => {
  const resolver = createClientAddressResolver({ trustedProxies: ['10.0.0.0/8', 'fd00::/8'] });

  it('uses the right-most untrusted X-Forwarded-For hop only from a trusted peer', () => {
    expect(resolver.resolve('10.1.2.3', '203.0.113.9, 198.51.100.4, 10.0.0.7')).toBe(
      '198.51.100.4',
    );
    expect(resolver.resolve('::ffff:10.1.2.3', '203.0.113.9')).toBe('203.0.113.9');
    expect(resolver.resolve('fd00::1', ['2001:db8::1', 'fd00::2'])).toBe('2001:db8::1');
    expect(resolver.resolve('10.1.2.3', '10.0.0.9, 10.0.0.7')).toBe('10.0.0.9');
    expect(resolver.resolve('10.1.2.3', 'garbage, 10.0.0.7')).toBe('10.1.2.3');
    expect(resolver.resolve('10.1.2.3', undefined)).toBe('10.1.2.3');
    expect(resolver.resolve('192.0.2.1', '203.0.113.9')).toBe('192.0.2.1');
    expect(resolver.resolve('::ffff:192.0.2.1', undefined)).toBe('192.0.2.1');
  });

  it('keys IPv6 budgets by prefix and IPv4 by address', () => {
    expect(addressPrefixKey('2001:db8:1:2ff:1::1', 56)).toBe('2001:db8:1:200:0:0:0:0/56');
    expect(addressPrefixKey('2001:db8:1:2aa::9', 56)).toBe('2001:db8:1:200:0:0:0:0/56');
    expect(addressPrefixKey('::ffff:192.0.2.1', 56)).not.toBe(
      addressPrefixKey('::ffff:192.0.3.1', 56),
    );
    expect(addressPrefixKey('192.0.2.1', 56)).toBe('192.0.2.1');
    // Rate limits, connection caps and join seats all count an IPv6 /56 as one client.
    expect(clientKey('2001:db8:1:2ff::1')).toBe(clientKey('2001:db8:1:200:aaaa::7'));
    expect(clientKey('2001:db8:1:300::1')).not.toBe(clientKey('2001:db8:1:200::1'));
  });
});

describe('edge flags', () => {
  it('reads the admission and connection flags, timeouts in seconds', () => {
    const { values } = parseArgs({
      options: SERVER_FLAGS,
      args: [
        ...['--token', 'x'.repeat(16), '--trusted-proxy', '10.0.0.0/8,127.0.0.1'],
        ...['--trusted-proxy', 'fd00::/8', '--headers-timeout', '2.5', '--join-difficulty', '12'],
        ...['--joins-per-address', '0', '--connections-per-address', '4', '--min-body-rate', '512'],
      ],
    });
    expect(configFromFlags(values, {})).toMatchObject({
      trustedProxies: ['10.0.0.0/8', '127.0.0.1', 'fd00::/8'],
      headersTimeoutMs: 2500,
      requestTimeoutMs: 60_000,
      joinDifficulty: 12,
      joinsPerAddress: 0,
      connectionsPerAddress: 4,
      minBodyBytesPerSecond: 512,
    });
    const bad = parseArgs({
      options: SERVER_FLAGS,
      args: ['--token', 'x'.repeat(16), '--trusted-proxy', 'proxy.local'],
    }).values;
    expect(() => configFromFlags(bad, {})).toThrow(/Trusted proxy "proxy.local"/);
  });
});
