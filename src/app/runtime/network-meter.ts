/** What the page has sent off the device, as counted by {@link installNetworkMeter}. */
export interface NetworkMeterSnapshot {
  /** Bytes of request bodies sent to other origins or to `/v1/` (federated learning) endpoints. */
  readonly bytesSent: number;
  /** Requests with a body counted in `bytesSent`. */
  readonly requests: number;
}

/** Counts bytes leaving the device through `fetch`. */
export interface NetworkMeter {
  snapshot(): NetworkMeterSnapshot;
  subscribe(listener: () => void): () => void;
  /** Restores the original `fetch`. */
  uninstall(): void;
}

/** Options of {@link installNetworkMeter}. */
export interface NetworkMeterOptions {
  /** The global object whose `fetch` is wrapped (default `globalThis`). */
  readonly target?: { fetch: typeof fetch };
  /** Origin counted as "this device's site" (default `location.origin`). */
  readonly origin?: string;
}

/**
 * Size in bytes of a request body as `fetch` would send it (FormData: its fields, approximately).
 * Consumes a stream body: pass a tee'd branch.
 */
export async function bodyBytes(body: BodyInit | null | undefined): Promise<number> {
  if (body === null || body === undefined) return 0;
  if (typeof body === 'string') return new TextEncoder().encode(body).byteLength;
  if (body instanceof Blob) return body.size;
  if (body instanceof ArrayBuffer) return body.byteLength;
  if (ArrayBuffer.isView(body)) return body.byteLength;
  if (body instanceof URLSearchParams) return new TextEncoder().encode(body.toString()).byteLength;
  if (body instanceof FormData) {
    let total = 0;
    for (const [name, value] of body) {
      total += new TextEncoder().encode(name).byteLength;
      total += typeof value === 'string' ? new TextEncoder().encode(value).byteLength : value.size;
    }
    return total;
  }
  // A ReadableStream: its length is only known by reading it.
  return (await new Response(body).arrayBuffer()).byteLength;
}

/** Whether a request to `url` leaves the device in the privacy panel's sense. */
export function isOffDevice(url: URL, origin: string): boolean {
  return url.origin !== origin || url.pathname.startsWith('/v1/');
}

/**
 * Wraps `fetch` so that every request body sent to another origin or to a `/v1/` endpoint (where
 * federated learning would upload) is counted. Hearth's runtime only downloads same-origin files,
 * so the count stays 0 unless something starts uploading.
 */
export function installNetworkMeter(options: NetworkMeterOptions = {}): NetworkMeter {
  const target = options.target ?? globalThis;
  const origin = options.origin ?? location.origin;
  const original = target.fetch;
  const listeners = new Set<() => void>();
  let state: NetworkMeterSnapshot = { bytesSent: 0, requests: 0 };

  const count = (bytes: number): void => {
    state = { bytesSent: state.bytesSent + bytes, requests: state.requests + 1 };
    for (const listener of [...listeners]) listener();
  };

  const metered: typeof fetch = async (input, init) => {
    const request = input instanceof Request ? input : null;
    const url = new URL(request?.url ?? String(input), location.href);
    if (!isOffDevice(url, origin)) return original.call(target, input, init);
    let sendInit = init;
    let size: Promise<number>;
    const body = init?.body;
    if (body instanceof ReadableStream) {
      // Send one branch and count the other, so the stream is read only once by each.
      const [send, measure] = body.tee();
      sendInit = { ...init, body: send };
      size = bodyBytes(measure);
    } else if (body !== undefined) {
      size = bodyBytes(body);
    } else {
      // Read a Request's body from a clone: the original must still be sendable.
      size = request?.body
        ? request
            .clone()
            .arrayBuffer()
            .then((b) => b.byteLength)
        : Promise.resolve(0);
    }
    const sent = original.call(target, input, sendInit);
    // The caller handles a failed request; counting must not report it as unhandled meanwhile.
    sent.catch(() => undefined);
    const bytes = await size;
    if (bytes > 0) count(bytes);
    return sent;
  };
  target.fetch = metered;

  return {
    snapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    uninstall() {
      if (target.fetch === metered) target.fetch = original;
      listeners.clear();
    },
  };
}
