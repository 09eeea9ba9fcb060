/**
 * Offline queue of federated contributions, persisted in the store's metadata: retries failed
 * sends with exponential backoff and jitter, drops a job after a bounded number of attempts, and
 * flushes when the browser comes back online. It never sends while `isAllowed` (the consent check)
 * says no, and asks again right before every send. Browser-safe.
 */
import { OptionError } from '../core/errors';
import type { Rng } from '../core/random';
import { createCryptoRng } from './clip-and-noise';
import type { MetaStore } from './consent-store';

/** Metadata key of the queue unless overridden. */
export const UPLOAD_QUEUE_META_KEY = 'federated.upload-queue';

/** One queued contribution. `payload` must be structured-cloneable (it is stored in IndexedDB). */
export interface QueuedJob<T> {
  readonly id: string;
  readonly payload: T;
  /** Failed sends so far. */
  readonly attempts: number;
  /** Earliest time of the next send (ms since epoch). */
  readonly nextAttemptAt: number;
  readonly enqueuedAt: number;
}

/** What one {@link UploadQueue.flush} did. */
export interface FlushResult {
  readonly sent: number;
  /** Sends that failed and were rescheduled. */
  readonly retried: number;
  /** Jobs given up (attempts exhausted or a non-retryable error). */
  readonly dropped: number;
  /** Jobs still queued afterwards. */
  readonly pending: number;
  /** Why nothing was sent, when nothing could be: no consent or offline. */
  readonly blocked?: 'not-allowed' | 'offline';
}

/** Options of {@link createUploadQueue}. */
export interface UploadQueueOptions<T> {
  readonly store: MetaStore;
  /** Sends one job; a rejection schedules a retry (or drops the job, see `isRetryable`). */
  readonly send: (payload: T) => Promise<void>;
  /** Consent check, run before each send; false stops the flush and keeps the jobs. */
  readonly isAllowed: () => Promise<boolean>;
  /** Whether a failed send is worth retrying (default: always). */
  readonly isRetryable?: (error: unknown) => boolean;
  /** Sends per job before it is dropped (default 5). */
  readonly maxAttempts?: number;
  /** Delay after the first failure (default 2,000 ms); doubles per failure. */
  readonly baseDelayMs?: number;
  /** Largest delay (default 10 minutes). */
  readonly maxDelayMs?: number;
  /** Jitter randomness (default: the platform CSPRNG, so devices do not retry in lockstep). */
  readonly rng?: Rng;
  /** Clock (default `Date.now`). */
  readonly now?: () => number;
  /** Whether the device is online (default `navigator.onLine`, true where unknown). */
  readonly isOnline?: () => boolean;
  /** Where `online` events come from (default `globalThis` when it is an event target). */
  readonly events?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  /** Metadata key (default {@link UPLOAD_QUEUE_META_KEY}). */
  readonly key?: string;
  /** Called when a job is given up. */
  readonly onDrop?: (job: QueuedJob<T>, error: unknown) => void;
}

/** A persisted retry queue. */
export interface UploadQueue<T> {
  /** Stores a job, due now; {@link UploadQueue.flush} sends it. */
  enqueue(payload: T): Promise<QueuedJob<T>>;
  /** Sends every due job, one at a time; concurrent calls share one run. */
  flush(): Promise<FlushResult>;
  /** The queued jobs, oldest first. */
  pending(): Promise<readonly QueuedJob<T>[]>;
  /** Forgets every queued job (e.g. when consent is revoked). */
  clear(): Promise<void>;
  /** Stops the timer and the `online` listener; the persisted jobs stay. */
  dispose(): void;
}

/**
 * Delay before retry number `attempts` (1-based): `base · 2^(attempts−1)`, capped at `max`, then
 * scaled by a uniform factor in [0.5, 1) ("equal jitter") so a fleet that failed together spreads out.
 */
export function backoffDelay(attempts: number, baseMs: number, maxMs: number, rng: Rng): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp * (0.5 + 0.5 * rng.next()));
}

const defaultIsOnline = (): boolean => {
  const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
  return nav?.onLine !== false;
};

const defaultEvents = (): UploadQueueOptions<unknown>['events'] => {
  const g = globalThis as Partial<EventTarget>;
  return typeof g.addEventListener === 'function' && typeof g.removeEventListener === 'function'
    ? (g as EventTarget)
    : undefined;
};

/** Creates the queue; it flushes on `online` and whenever a retry falls due. */
export function createUploadQueue<T>(o: UploadQueueOptions<T>): UploadQueue<T> {
  const key = o.key ?? UPLOAD_QUEUE_META_KEY;
  const maxAttempts = o.maxAttempts ?? 5;
  const baseMs = o.baseDelayMs ?? 2000;
  const maxMs = o.maxDelayMs ?? 10 * 60_000;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new OptionError(
      `upload queue: maxAttempts must be a positive integer (got ${maxAttempts}).`,
    );
  if (!(baseMs > 0) || !(maxMs >= baseMs))
    throw new OptionError('upload queue: need baseDelayMs > 0 and maxDelayMs ≥ baseDelayMs.');
  const now = o.now ?? Date.now;
  const isOnline = o.isOnline ?? defaultIsOnline;
  const isRetryable = o.isRetryable ?? (() => true);
  let rng = o.rng;
  const events = o.events ?? defaultEvents();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<FlushResult> | undefined;
  let disposed = false;
  let counter = 0;

  const load = async (): Promise<QueuedJob<T>[]> =>
    (await o.store.getMeta<QueuedJob<T>[]>(key)) ?? [];
  const save = (jobs: readonly QueuedJob<T>[]): Promise<void> => o.store.setMeta(key, jobs);

  const schedule = (jobs: readonly QueuedJob<T>[]): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (disposed || jobs.length === 0) return;
    const next = Math.min(...jobs.map((j) => j.nextAttemptAt));
    timer = setTimeout(
      () => {
        timer = undefined;
        void flush().catch(() => undefined);
      },
      Math.max(0, next - now()),
    );
  };

  const run = async (): Promise<FlushResult> => {
    let sent = 0;
    let retried = 0;
    let dropped = 0;
    let blocked: FlushResult['blocked'];
    for (;;) {
      const jobs = await load();
      const t = now();
      const job = jobs.find((j) => j.nextAttemptAt <= t);
      if (!job || disposed) break;
      if (!isOnline()) {
        blocked = 'offline';
        break;
      }
      // Asked right before each send: consent may have been revoked in another tab meanwhile.
      if (!(await o.isAllowed())) {
        blocked = 'not-allowed';
        break;
      }
      let failure: { error: unknown } | undefined;
      try {
        await o.send(job.payload);
      } catch (error) {
        failure = { error };
      }
      // Re-read: `clear` or `enqueue` may have run while the send was in flight.
      const current = await load();
      const rest = current.filter((j) => j.id !== job.id);
      if (!failure) {
        sent++;
        await save(rest);
        continue;
      }
      const attempts = job.attempts + 1;
      if (attempts >= maxAttempts || !isRetryable(failure.error)) {
        dropped++;
        await save(rest);
        o.onDrop?.({ ...job, attempts }, failure.error);
        continue;
      }
      retried++;
      rng ??= createCryptoRng();
      const retry: QueuedJob<T> = {
        ...job,
        attempts,
        nextAttemptAt: now() + backoffDelay(attempts, baseMs, maxMs, rng),
      };
      if (rest.length < current.length) await save([...rest, retry]);
    }
    const left = await load();
    schedule(blocked === 'not-allowed' ? [] : left);
    return { sent, retried, dropped, pending: left.length, ...(blocked ? { blocked } : {}) };
  };

  const flush = (): Promise<FlushResult> => {
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  };

  const onOnline = (): void => {
    void flush().catch(() => undefined);
  };
  events?.addEventListener('online', onOnline);

  return {
    async enqueue(payload) {
      const t = now();
      const job: QueuedJob<T> = {
        id: `${t.toString(36)}-${(counter++).toString(36)}`,
        payload,
        attempts: 0,
        nextAttemptAt: t,
        enqueuedAt: t,
      };
      await save([...(await load()), job]);
      return job;
    },
    flush,
    pending: load,
    async clear() {
      await save([]);
      schedule([]);
    },
    dispose() {
      disposed = true;
      schedule([]);
      events?.removeEventListener('online', onOnline);
    },
  };
}
