import { request } from 'node:http';
import { createFederatedHttpServer, type FederatedHttpServer } from '../../src/server/http-server';
import { createMemoryStore } from '../../src/server/memory-store';
import { createRoundManager, type RoundManager } from '../../src/server/round-manager';
import type { ServerConfig } from '../../src/server/server-config';
import { TOKEN, smallModel } from './server-test-helpers';

/** Header that authorizes test requests. */
export const AUTH = { Authorization: `Bearer ${TOKEN}` };

/** A running in-process server. */
export interface TestServer {
  readonly base: string;
  readonly port: number;
  readonly http: FederatedHttpServer;
  readonly manager: RoundManager;
  close(): Promise<void>;
}

/** Starts manager + HTTP server on 127.0.0.1. */
export async function startTestServer(
  config: ServerConfig,
  o: { readonly bodyGraceMs?: number } = {},
): Promise<TestServer> {
  const manager = await createRoundManager({
    store: createMemoryStore(),
    config,
    initialModel: smallModel(),
  });
  const http = createFederatedHttpServer({ manager, config, tickMs: 50, ...o });
  const port = await http.listen(0, '127.0.0.1');
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    http,
    manager,
    async close() {
      await http.close();
      await manager.close();
    },
  };
}

/**
 * A `fetch` whose connections come from `localAddress` (any 127.0.0.0/8 address works on Linux
 * loopback), so one test plays several client addresses.
 */
export function fetchFrom(localAddress: string): typeof fetch {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(String(input));
      const headers = new Headers(init?.headers);
      const body = init?.body;
      const bytes =
        body === undefined || body === null
          ? null
          : typeof body === 'string'
            ? Buffer.from(body)
            : Buffer.from(body as Uint8Array);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method: init?.method ?? 'GET',
          localAddress,
          headers: {
            ...Object.fromEntries(headers.entries()),
            ...(bytes ? { 'Content-Length': String(bytes.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const out = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (typeof v === 'string') out.set(k, v);
            }
            const status = res.statusCode ?? 500;
            resolve(
              new Response(status === 304 ? null : Buffer.concat(chunks), {
                status,
                headers: out,
              }),
            );
          });
        },
      );
      req.on('error', reject);
      req.end(bytes ?? undefined);
    });
}

/** A fresh ECDH P-256 public key, raw and base64 (what a throw-away secure-round member sends). */
export async function throwAwayKey(): Promise<string> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const raw = await crypto.subtle.exportKey('raw', pair.publicKey);
  return Buffer.from(raw).toString('base64');
}

/** The `{error: {reason}}` of a refusal, or 'ok' for a 2xx answer. */
export async function outcomeOf(res: Response): Promise<string> {
  if (res.ok) return 'ok';
  const body = (await res.json()) as { error: { reason: string } };
  return body.error.reason;
}
