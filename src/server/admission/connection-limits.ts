/**
 * Connection-level limits of the HTTP edge: explicit Node timeouts (headers, whole request,
 * keep-alive), header count and size caps, a total connection cap, and a cap on the connections
 * one client address holds open (trusted proxies are exempt: they carry many clients; give the
 * proxy its own per-client limits).
 */
import type { Server, ServerOptions } from 'node:http';
import type { ServerConfig } from '../server-config';
import { clientKey, normalizeAddress, type ClientAddressResolver } from './client-address';
import type { EdgeLog } from './edge-log';

/** Most request headers accepted (Node's default is 2000). */
export const MAX_HEADERS_COUNT = 64;

/** Largest request head in bytes. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** Options for `http.createServer` that must be set at creation. */
export function serverOptions(config: Pick<ServerConfig, 'headersTimeoutMs'>): ServerOptions {
  return {
    maxHeaderSize: MAX_HEADER_BYTES,
    // Node checks headersTimeout / requestTimeout on this interval (default 30 s).
    connectionsCheckingInterval: Math.max(250, Math.min(2_000, config.headersTimeoutMs / 4)),
  };
}

/** Open connections by socket address, for the per-address cap. */
export interface ConnectionCounter {
  /** Connections currently open from `address` (socket peer; IPv6: its /56). */
  openFrom(address: string): number;
}

/** Applies the timeouts and connection caps of `config` to `server`. */
export function applyConnectionLimits(
  server: Server,
  o: {
    readonly config: Pick<
      ServerConfig,
      | 'headersTimeoutMs'
      | 'requestTimeoutMs'
      | 'keepAliveTimeoutMs'
      | 'connectionsPerAddress'
      | 'maxConnections'
    >;
    readonly resolver: ClientAddressResolver;
    readonly log: EdgeLog;
  },
): ConnectionCounter {
  const { config } = o;
  server.headersTimeout = config.headersTimeoutMs;
  server.requestTimeout = config.requestTimeoutMs;
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.maxHeadersCount = MAX_HEADERS_COUNT;
  server.maxConnections = config.maxConnections;
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const peer = normalizeAddress(socket.remoteAddress) || 'unknown';
    if (o.resolver.isTrusted(peer)) return;
    const address = clientKey(peer);
    const count = (open.get(address) ?? 0) + 1;
    if (count > config.connectionsPerAddress) {
      o.log.count('refusedConnections');
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
  return { openFrom: (address) => open.get(clientKey(address)) ?? 0 };
}
