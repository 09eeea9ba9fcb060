/**
 * A static file server for the scale benches: serves folders under URL prefixes with gzip for
 * compressible types (as a CDN would), cross-origin isolation headers (so the page can measure its
 * memory with `performance.measureUserAgentSpecificMemory`) and a log of every response's bytes.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { createGzip } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.hearth': 'application/octet-stream',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};
/** wasm and the model compress; images (none here) would not. */
const GZIP = new Set(['.html', '.js', '.mjs', '.json', '.wasm', '.hearth', '.css', '.svg']);

/** One served response. */
export interface ServedFile {
  readonly path: string;
  readonly status: number;
  /** Body bytes sent so far (after gzip). */
  bytes: number;
}

/** A link to shape every response with: bandwidth shared by all responses, and a round trip. */
export interface LinkShape {
  /** Bytes per second, shared by all responses (20 Mbit/s = 2,500,000). */
  readonly bytesPerSecond: number;
  /** Added before each response's first byte (ms). */
  readonly rttMs: number;
}

/**
 * A pass-through that releases chunks no faster than the shared link allows: each chunk is sent
 * when the link has finished the bytes queued before it.
 */
function shaped(link: LinkShape | null, clock: { free: number }, record: ServedFile): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      record.bytes += chunk.length;
      if (!link) return done(null, chunk);
      const now = performance.now();
      clock.free = Math.max(clock.free, now) + (1000 * chunk.length) / link.bytesPerSecond;
      setTimeout(() => done(null, chunk), Math.max(0, clock.free - now));
    },
  });
}

/** A running server. */
export interface StaticServer {
  readonly origin: string;
  /** Responses so far, in order. */
  readonly served: readonly ServedFile[];
  close(): Promise<void>;
}

/**
 * Serves `mounts` (URL prefix, e.g. `/model/`, → folder) on 127.0.0.1 at a free port, shaped by
 * `link` when given (server-side, so requests from workers are shaped like the page's).
 */
export async function startStaticServer(
  mounts: Readonly<Record<string, string>>,
  link: LinkShape | null = null,
): Promise<StaticServer> {
  const served: ServedFile[] = [];
  const clock = { free: 0 };
  const server: Server = createServer((req, res) => {
    if (link && link.rttMs > 0) setTimeout(() => respond(req, res), link.rttMs);
    else respond(req, res);
  });
  function respond(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = decodeURIComponent(url.pathname);
    const prefix = Object.keys(mounts)
      .filter((p) => path.startsWith(p))
      .sort((a, b) => b.length - a.length)[0];
    const file =
      prefix === undefined ? null : normalize(join(mounts[prefix]!, path.slice(prefix.length)));
    const inside =
      file !== null && prefix !== undefined && file.startsWith(normalize(mounts[prefix]!));
    const target =
      inside && existsSync(file) && statSync(file).isDirectory() ? join(file, 'index.html') : file;
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (!inside || target === null || !existsSync(target) || !statSync(target).isFile()) {
      served.push({ path, status: 404, bytes: 0 });
      res.writeHead(404).end();
      return;
    }
    const record: ServedFile = { path, status: 200, bytes: 0 };
    served.push(record);
    const ext = extname(target);
    res.setHeader('Content-Type', TYPES[ext] ?? 'application/octet-stream');
    res.setHeader('Cache-Control', 'no-cache');
    if (GZIP.has(ext) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      createReadStream(target)
        .pipe(createGzip({ level: 6 }))
        .pipe(shaped(link, clock, record))
        .pipe(res);
    } else {
      res.writeHead(200, { 'Content-Length': statSync(target).size });
      createReadStream(target)
        .pipe(shaped(link, clock, record))
        .pipe(res);
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    served,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
