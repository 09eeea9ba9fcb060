import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRng } from '../../src/core/random';
import { backoffDelay, createUploadQueue, type QueuedJob } from '../../src/federated/upload-queue';
import { createMemoryMetaStore } from './memory-meta-store';

interface Job {
  readonly n: number;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(
  o: { fail?: number; allowed?: boolean; online?: boolean; maxAttempts?: number } = {},
) {
  const store = createMemoryMetaStore();
  const events = new EventTarget();
  const state = { fail: o.fail ?? 0, allowed: o.allowed ?? true, online: o.online ?? true };
  const sent: number[] = [];
  const attemptsAt: number[] = [];
  const dropped: QueuedJob<Job>[] = [];
  const queue = createUploadQueue<Job>({
    store,
    events,
    rng: createRng(7),
    baseDelayMs: 1000,
    maxDelayMs: 8000,
    maxAttempts: o.maxAttempts ?? 5,
    isOnline: () => state.online,
    isAllowed: () => Promise.resolve(state.allowed),
    onDrop: (job) => dropped.push(job),
    send(job) {
      attemptsAt.push(Date.now());
      if (state.fail > 0) {
        state.fail--;
        return Promise.reject(new TypeError('Failed to fetch'));
      }
      sent.push(job.n);
      return Promise.resolve();
    },
  });
  return { store, events, state, sent, attemptsAt, dropped, queue };
}

describe('backoffDelay', () => {
  it('doubles per attempt, caps, and jitters within [½, 1) of the step', () => {
    const rng = createRng(3);
    for (let attempt = 1; attempt <= 8; attempt++) {
      const step = Math.min(8000, 1000 * 2 ** (attempt - 1));
      for (let k = 0; k < 50; k++) {
        const d = backoffDelay(attempt, 1000, 8000, rng);
        expect(d).toBeGreaterThanOrEqual(step / 2);
        expect(d).toBeLessThanOrEqual(step);
      }
    }
  });
});

describe('createUploadQueue', () => {
  it('sends queued jobs in order and empties the persisted queue', async () => {
    const t = setup();
    await t.queue.enqueue({ n: 1 });
    await t.queue.enqueue({ n: 2 });
    expect(t.store.data.size).toBe(1);
    const result = await t.queue.flush();
    expect(result).toEqual({ sent: 2, retried: 0, dropped: 0, pending: 0 });
    expect(t.sent).toEqual([1, 2]);
    expect(await t.queue.pending()).toEqual([]);
    t.queue.dispose();
  });

  it('retries with growing, jittered delays and succeeds after transient failures', async () => {
    const t = setup({ fail: 3 });
    await t.queue.enqueue({ n: 1 });
    const first = await t.queue.flush();
    expect(first).toMatchObject({ sent: 0, retried: 1, pending: 1 });
    const [job] = await t.queue.pending();
    expect(job!.attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.sent).toEqual([1]);
    const gaps = t.attemptsAt.slice(1).map((at, i) => at - t.attemptsAt[i]!);
    expect(gaps).toHaveLength(3);
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(500 * 2 ** i);
      expect(gap).toBeLessThanOrEqual(1000 * 2 ** i);
    });
    expect(await t.queue.pending()).toEqual([]);
    t.queue.dispose();
  });

  it('drops a job after maxAttempts', async () => {
    const t = setup({ fail: 100, maxAttempts: 3 });
    await t.queue.enqueue({ n: 9 });
    await t.queue.flush();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.attemptsAt).toHaveLength(3);
    expect(t.dropped.map((j) => [j.payload.n, j.attempts])).toEqual([[9, 3]]);
    expect(await t.queue.pending()).toEqual([]);
    t.queue.dispose();
  });

  it('drops at once on a non-retryable error', async () => {
    const store = createMemoryMetaStore();
    let calls = 0;
    const queue = createUploadQueue<Job>({
      store,
      rng: createRng(1),
      isOnline: () => true,
      isAllowed: () => Promise.resolve(true),
      isRetryable: () => false,
      send: () => {
        calls++;
        return Promise.reject(new Error('bad update'));
      },
    });
    await queue.enqueue({ n: 1 });
    expect(await queue.flush()).toMatchObject({ dropped: 1, pending: 0 });
    expect(calls).toBe(1);
    queue.dispose();
  });

  it('waits while offline and flushes on the online event', async () => {
    const t = setup({ online: false });
    await t.queue.enqueue({ n: 4 });
    expect(await t.queue.flush()).toMatchObject({ sent: 0, pending: 1, blocked: 'offline' });
    expect(t.attemptsAt).toEqual([]);
    t.state.online = true;
    t.events.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.sent).toEqual([4]);
    t.queue.dispose();
  });

  it('never sends without consent, keeps the job, and sends once allowed', async () => {
    const t = setup({ allowed: false });
    await t.queue.enqueue({ n: 5 });
    expect(await t.queue.flush()).toMatchObject({ sent: 0, pending: 1, blocked: 'not-allowed' });
    await vi.advanceTimersByTimeAsync(60_000);
    t.events.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.attemptsAt).toEqual([]);
    t.state.allowed = true;
    expect(await t.queue.flush()).toMatchObject({ sent: 1, pending: 0 });
    t.queue.dispose();
  });

  it('re-checks consent before every send, not once per flush', async () => {
    const store = createMemoryMetaStore();
    let allowed = true;
    const sent: number[] = [];
    const queue = createUploadQueue<Job>({
      store,
      rng: createRng(1),
      isOnline: () => true,
      isAllowed: () => Promise.resolve(allowed),
      send: (job) => {
        sent.push(job.n);
        allowed = false; // revoked while the first job was in flight
        return Promise.resolve();
      },
    });
    await queue.enqueue({ n: 1 });
    await queue.enqueue({ n: 2 });
    expect(await queue.flush()).toMatchObject({ sent: 1, pending: 1, blocked: 'not-allowed' });
    expect(sent).toEqual([1]);
    queue.dispose();
  });

  it('survives a restart: a new queue on the same store sends the persisted job', async () => {
    const t = setup({ online: false });
    await t.queue.enqueue({ n: 8 });
    t.queue.dispose();
    const sent: number[] = [];
    const again = createUploadQueue<Job>({
      store: t.store,
      rng: createRng(1),
      isOnline: () => true,
      isAllowed: () => Promise.resolve(true),
      send: (job) => {
        sent.push(job.n);
        return Promise.resolve();
      },
    });
    await again.flush();
    expect(sent).toEqual([8]);
    again.dispose();
  });

  it('rejects a bad retry policy', () => {
    const store = createMemoryMetaStore();
    const base = { store, send: () => Promise.resolve(), isAllowed: () => Promise.resolve(true) };
    expect(() => createUploadQueue({ ...base, maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => createUploadQueue({ ...base, baseDelayMs: 10, maxDelayMs: 5 })).toThrow(
      /maxDelayMs/,
    );
  });
});
