/**
 * Token-bucket rate limiting per client address. Addresses live only in memory (never logged or
 * stored) and idle buckets are dropped, so the limiter holds no lasting record of who called.
 */

/** Outcome of one request against the limiter. */
export interface RateDecision {
  readonly allowed: boolean;
  /** When refused: milliseconds until a token is available. */
  readonly retryAfterMs: number;
}

/** A per-key token bucket. */
export interface RateLimiter {
  take(key: string): RateDecision;
  /** Keys currently tracked. */
  readonly size: number;
}

/** Creates a limiter allowing `perSecond` sustained and `burst` requests at once per key. */
export function createRateLimiter(o: {
  readonly perSecond: number;
  readonly burst: number;
  readonly now?: () => number;
  /** Upper bound on tracked keys; the oldest are evicted. Default 100,000. */
  readonly maxKeys?: number;
}): RateLimiter {
  const now = o.now ?? Date.now;
  const maxKeys = o.maxKeys ?? 100_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    get size() {
      return buckets.size;
    },
    take(key) {
      const t = now();
      let b = buckets.get(key);
      if (b) {
        b.tokens = Math.min(o.burst, b.tokens + ((t - b.at) / 1000) * o.perSecond);
        b.at = t;
        // Re-insert so Map order is least-recently-used first.
        buckets.delete(key);
      } else {
        b = { tokens: o.burst, at: t };
        if (buckets.size >= maxKeys) {
          const oldest = buckets.keys().next();
          if (!oldest.done) buckets.delete(oldest.value);
        }
      }
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { allowed: true, retryAfterMs: 0 };
      }
      return { allowed: false, retryAfterMs: Math.ceil(((1 - b.tokens) / o.perSecond) * 1000) };
    },
  };
}
