/**
 * HTTP front of the aggregation server on `node:http` (no framework). Every route needs the
 * deployment token; every refusal is a 4xx JSON `{error: {reason, message}}` counted per reason.
 *
 * - `GET /v1/model` — model file, `ETag`, `Cache-Control: no-cache` (revalidate), 304 on If-None-Match
 * - `GET /v1/rounds/join/challenge` — {@link JoinChallenge} for the open round (join admission)
 * - `POST /v1/rounds/join` — JSON {@link JoinRequest} with the solved challenge in the
 *   `Hearth-Admission` header → {@link JoinResponse} (see `./admission/join-gate.ts`)
 * - `POST /v1/rounds/:id/update` — binary update frame → {@link UpdateAck} once durable
 * - `GET /v1/rounds/:id[?lists=1]` — {@link RoundState} (phase, its deadline; with `lists=1`, secure
 *   rounds' sharers, survivors and dropped members)
 * - `GET /v1/rounds/:id/members/:slot` — {@link RoundMembers} (secure rounds: slots, masking
 *   parameters, the slot's neighbours' keys)
 * - `POST /v1/rounds/:id/shares` — JSON {@link SharesRequest} (secure rounds: encrypted shares)
 * - `GET /v1/rounds/:id/shares/:slot` — {@link ShareInbox} (secure rounds: shares sent to a slot)
 * - `POST /v1/rounds/:id/unmask` — JSON {@link UnmaskRequest}
 * - `GET /v1/status` — {@link ServerStatus}, plus `edge`: what the edge refused or cut off, and
 *   `experiments`: reports accepted and ids remembered per experiment
 * - `/v1/experiments`, `/v1/experiments/reports`, `/v1/experiments/:id/analysis` — experiments
 *   (`./experiments/experiment-routes.ts`)
 *
 * Client address: the socket peer, or behind a trusted proxy its `X-Forwarded-For` client; rate
 * limits and join budgets count against it. Timeouts and connection caps: `./admission/connection-limits.ts`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual, createHash } from 'node:crypto';
import { HearthError } from '../core/errors';
import { CHALLENGE_PATH, ADMISSION_HEADER, type JoinChallenge } from '../federated/join-admission';
import {
  REJECT_STATUS,
  UpdateRejectedError,
  parseJoinRequest,
  parseSharesRequest,
  parseUnmaskRequest,
  type RejectBody,
  type RejectReason,
} from '../federated/federated-protocol';
import { BodyTooLarge, ClientAborted, SlowBody, readBody } from './admission/body-reader';
import { clientKey, createClientAddressResolver } from './admission/client-address';
import { applyConnectionLimits, serverOptions } from './admission/connection-limits';
import { createEdgeLog } from './admission/edge-log';
import { createJoinGate } from './admission/join-gate';
import {
  handleExperimentRequest,
  isExperimentPath,
  type ExperimentService,
} from './experiments/experiment-routes';
import { createRateLimiter } from './rate-limiter';
import type { RoundManager } from './round-manager';
import type { ServerConfig } from './server-config';

/** Largest join body accepted (share and unmask bodies: {@link RoundManager.maxJsonBytes}). */
const MAX_JSON_BYTES = 64 * 1024;

/** A running HTTP server. */
export interface FederatedHttpServer {
  readonly server: Server;
  /** Listens and resolves with the bound port. */
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting connections, waits for in-flight requests, stops the deadline timer. */
  close(): Promise<void>;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Creates the HTTP server around a round manager. */
export function createFederatedHttpServer(o: {
  readonly manager: RoundManager;
  readonly config: ServerConfig;
  /** The experiment ledger (`--experiments`); without it the experiment routes serve none. */
  readonly experiments?: ExperimentService;
  /** Deadline check interval. Default 1000 ms. */
  readonly tickMs?: number;
  /** Time any body may take before `minBodyBytesPerSecond` applies. Default 5 s. */
  readonly bodyGraceMs?: number;
}): FederatedHttpServer {
  const { manager, config } = o;
  const tokenDigest = digest(`Bearer ${config.token}`);
  const limiter = createRateLimiter(config.rateLimit);
  const resolver = createClientAddressResolver(config);
  const edgeLog = createEdgeLog({});
  const gate = createJoinGate({
    config,
    currentRound: () => {
      const r = manager.status().round;
      if (!r) return null;
      const joinPhase = r.aggregation === 'secure' ? 'joining' : 'collecting';
      return { roundId: r.roundId, joinable: r.phase === joinPhase };
    },
  });
  const readLimited = (req: IncomingMessage, limit: number): Promise<Uint8Array> =>
    readBody(req, {
      limit,
      minBytesPerSecond: config.minBodyBytesPerSecond,
      ...(o.bodyGraceMs !== undefined ? { graceMs: o.bodyGraceMs } : {}),
    });

  const refuse = (
    res: ServerResponse,
    reason: RejectReason,
    message: string,
    headers: Record<string, string> = {},
  ): void => {
    manager.countRejection(reason);
    const body: RejectBody = { error: { reason, message } };
    sendJson(res, REJECT_STATUS[reason], body, headers);
  };

  const parseJson = (bytes: Uint8Array): unknown => {
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      throw new UpdateRejectedError('bad-request', 'The body is not valid UTF-8 JSON.');
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    // Compare digests so the check takes the same time whatever the header holds.
    const auth = digest(String(req.headers['authorization'] ?? ''));
    if (!timingSafeEqual(auth, tokenDigest)) {
      return refuse(
        res,
        'unauthorized',
        'Send the deployment token as "Authorization: Bearer <token>".',
        {
          'WWW-Authenticate': 'Bearer',
        },
      );
    }
    const address = resolver.resolve(req.socket.remoteAddress, req.headers['x-forwarded-for']);
    const decision = limiter.take(clientKey(address));
    if (!decision.allowed) {
      return refuse(res, 'rate-limited', 'Too many requests from this address; slow down.', {
        'Retry-After': String(Math.ceil(decision.retryAfterMs / 1000)),
      });
    }
    const allow = (m: string): boolean => {
      if (method === m) return true;
      refuse(res, 'method-not-allowed', `${method} is not allowed on ${path}; use ${m}.`, {
        Allow: m,
      });
      return false;
    };
    if (isExperimentPath(path)) {
      return handleExperimentRequest(o.experiments ?? null, {
        path,
        ifNoneMatch: req.headers['if-none-match'],
        allow,
        readJson: async (limit) => parseJson(await readLimited(req, limit)),
        send: (status, body, headers) => sendJson(res, status, body, headers),
        notModified: (headers) => res.writeHead(304, headers).end(),
      });
    }
    if (path === '/v1/model') {
      if (!allow('GET')) return;
      const model = manager.model();
      const headers = {
        ETag: model.etag,
        'Cache-Control': 'no-cache',
        'X-Hearth-Model-Version': String(model.version),
      };
      if (req.headers['if-none-match'] === model.etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      res.writeHead(200, {
        ...headers,
        'Content-Type': 'application/octet-stream',
        'Content-Length': model.bytes.length,
      });
      res.end(model.bytes);
      return;
    }
    if (path === '/v1/status') {
      if (!allow('GET')) return;
      const edge = { ...edgeLog.stats(), admission: gate.stats() };
      const experiments = o.experiments?.status();
      return sendJson(res, 200, {
        ...manager.status(),
        edge,
        ...(experiments ? { experiments } : {}),
      });
    }
    if (path === CHALLENGE_PATH) {
      if (!allow('GET')) return;
      const challenge: JoinChallenge = gate.challenge();
      return sendJson(res, 200, challenge);
    }
    if (path === '/v1/rounds/join') {
      if (!allow('POST')) return;
      const request = parseJoinRequest(parseJson(await readLimited(req, MAX_JSON_BYTES)));
      // Admission comes first: no ticket and no key registration without it.
      const admission = gate.admit({
        address,
        header: req.headers[ADMISSION_HEADER.toLowerCase()],
        keys: request,
      });
      try {
        return sendJson(res, 200, await manager.join(request));
      } catch (error) {
        admission.refund();
        throw error;
      }
    }
    const m =
      /^\/v1\/rounds\/([A-Za-z0-9_-]{1,64})(?:\/(update|unmask|members|shares)(?:\/(\d{1,9}))?)?$/.exec(
        path,
      );
    if (m && (m[3] === undefined || m[2] === 'shares' || m[2] === 'members')) {
      const roundId = m[1]!;
      if (m[2] === 'update') {
        if (!allow('POST')) return;
        const body = await readLimited(req, manager.maxUpdateBytes());
        return sendJson(res, 200, await manager.submitUpdate(roundId, body));
      }
      if (m[2] === 'unmask') {
        if (!allow('POST')) return;
        const request = parseUnmaskRequest(
          parseJson(await readLimited(req, manager.maxJsonBytes())),
        );
        return sendJson(res, 200, await manager.unmask(roundId, request));
      }
      if (m[2] === 'shares' && m[3] === undefined) {
        if (!allow('POST')) return;
        const request = parseSharesRequest(
          parseJson(await readLimited(req, manager.maxJsonBytes())),
        );
        return sendJson(res, 200, await manager.postShares(roundId, request));
      }
      if (!allow('GET')) return;
      if (m[2] === 'shares') return sendJson(res, 200, manager.shareInbox(roundId, Number(m[3])));
      if (m[2] === 'members' && m[3] !== undefined) {
        return sendJson(res, 200, manager.members(roundId, Number(m[3])));
      }
      if (m[2] === 'members') return refuse(res, 'not-found', 'Ask for /members/<your slot>.');
      return sendJson(res, 200, manager.roundState(roundId, url.searchParams.get('lists') === '1'));
    }
    return refuse(res, 'not-found', `No route ${path}; see docs/privacy.md for the protocol.`);
  };

  const server = createServer(serverOptions(config), (req, res) => {
    route(req, res).catch((error: unknown) => {
      // The socket is gone or being closed: count it, answer nothing, log no stack.
      if (error instanceof ClientAborted) return edgeLog.count('abortedUploads');
      if (error instanceof SlowBody) return edgeLog.count('slowBodies');
      if (res.headersSent) return;
      if (error instanceof BodyTooLarge) {
        refuse(res, 'too-large', 'The body is larger than this round accepts.', {
          Connection: 'close',
        });
        return;
      }
      if (error instanceof UpdateRejectedError) return refuse(res, error.reason, error.message);
      const message =
        error instanceof HearthError
          ? error.message
          : 'Internal error; the request was not applied.';
      process.stderr.write(
        `hearth-server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      sendJson(res, 500, { error: { reason: 'internal', message } });
    });
  });
  applyConnectionLimits(server, { config, resolver, log: edgeLog });
  let timer: ReturnType<typeof setInterval> | null = null;
  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        // A deep accept queue: a thousand devices may connect in the same instant.
        server.listen({ port, host, backlog: 4096 }, () => {
          server.off('error', reject);
          timer = setInterval(() => {
            manager
              .tick()
              .catch((e: unknown) =>
                process.stderr.write(`hearth-server: tick failed: ${String(e)}\n`),
              );
          }, o.tickMs ?? 1000);
          timer.unref();
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    async close() {
      if (timer) clearInterval(timer);
      edgeLog.flush();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
