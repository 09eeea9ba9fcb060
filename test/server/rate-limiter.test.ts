import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/server/rate-limiter';

describe('rate limiter', () => {
  it('allows a burst, then refuses with a retry delay, then refills', () => {
    let t = 0;
    const limiter = createRateLimiter({ perSecond: 2, burst: 3, now: () => t });
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    const refused = limiter.take('a');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBe(500);
    // Other keys have their own bucket.
    expect(limiter.take('b').allowed).toBe(true);
    t = 500;
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('evicts the least recently used key beyond maxKeys', () => {
    const limiter = createRateLimiter({ perSecond: 1, burst: 1, maxKeys: 2, now: () => 0 });
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    expect(limiter.size).toBe(2);
    // 'a' was evicted, so it starts with a full bucket again.
    expect(limiter.take('a').allowed).toBe(true);
  });
});
