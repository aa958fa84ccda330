/**
 * Token buckets: `burst` tokens at most, refilled at `perSecond`. One bucket guards one socket's
 * messages; a keyed set of them guards connections per IP and publishes per key and IP. The keyed
 * set is bounded, so a flood of distinct addresses cannot grow memory without limit.
 */

/** How fast tokens come back, and how many can be saved up. */
export interface RateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: how many can be spent at once. */
  burst: number;
}

/** The answer of one `take`: allowed, or the seconds until a token is back. */
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/** One bucket. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = limit.burst;
    this.updatedAt = now();
  }

  /** Spends one token when there is one. */
  take(): RateDecision {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    const missing = 1 - this.tokens;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / this.limit.perSecond)) };
  }

  /** True when the bucket is full again (nothing to remember about this key). */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.limit.burst;
  }

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.updatedAt) / 1000;
    this.updatedAt = t;
    this.tokens = Math.min(this.limit.burst, this.tokens + elapsed * this.limit.perSecond);
  }
}

/** Buckets by key (an IP, a publish key), at most `maxKeys` of them. */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 50_000,
  ) {}

  /** Spends one token from `key`'s bucket. */
  take(key: string): RateDecision {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.sweep();
      // Still full after dropping idle keys: forget the oldest key rather than grow.
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      bucket = new TokenBucket(this.limit, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  /** Forgets keys whose bucket has refilled; called periodically. */
  sweep(): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(key);
  }

  /** Number of keys remembered (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }
}
