/**
 * Reconnect delays: exponential backoff with full jitter, so that a thousand tabs dropped by the
 * same hub restart do not come back in lockstep.
 * See https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/.
 */

/** Backoff settings; every field in milliseconds except `factor`. */
export interface BackoffOptions {
  /** Cap of the first retry's delay (default 1000). */
  initialMs: number;
  /** Largest cap any retry can reach (default 30000). */
  maxMs: number;
  /** Growth of the cap per attempt (default 2). */
  factor: number;
  /**
   * Largest cap while a hub that said it is going away (close 1001 or 4200–4299) comes back, for
   * `restartWindowMs` after that close (default 5000). A restarting hub is expected back within
   * seconds: the full cap would keep its clients away long after it is up again.
   */
  restartMaxMs: number;
  /** How long after such a close retries stay within `restartMaxMs` (default 30000). */
  restartWindowMs: number;
}

/** The defaults documented on `RealtimeConnectionOptions.backoff`. */
export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 1000,
  maxMs: 30_000,
  factor: 2,
  restartMaxMs: 5000,
  restartWindowMs: 30_000,
};

/** The upper bound of the delay before retry number `attempt` (0-based): min(max, initial · factor^attempt). */
export function backoffCap(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  // Exponentiation overflows to Infinity for large attempts; Math.min then still yields maxMs.
  return Math.max(0, Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt)));
}

/**
 * Full jitter: a uniform draw in [0, cap). `floorMs` (a hub's `retry-after`) is added rather than
 * used as a minimum, because a floor alone would make every client told "retry after 5 s" come
 * back in the same millisecond; the jitter on top keeps them spread.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
  floorMs = 0,
): number {
  const r = Math.min(Math.max(random(), 0), 1);
  return floorMs + r * backoffCap(attempt, options);
}
