/**
 * Close codes and close reasons. The range of a code says what the client must do, so a client
 * also handles a code it does not know. `docs/protocol.md` lists them for people.
 */

/** Close codes the hub uses. 4000–4099 stop, 4100–4199 back off, 4200–4299 reconnect at once. */
export const CloseCode = {
  /** Normal closure by the client. */
  Normal: 1000,
  /** Hub shutting down (SIGTERM); reconnect promptly. */
  GoingAway: 1001,
  /** A frame broke the protocol (malformed JSON, unknown type, binary). */
  PolicyViolation: 1008,
  /** A frame exceeded the hub's inbound limit. */
  MessageTooBig: 1009,
  /** The token's `exp` has passed; a client with a tokenProvider fetches one new token. */
  TokenExpired: 4001,
  /** The token is valid but its role is not allowed. */
  Forbidden: 4003,
  /** The token could not be verified (signature, algorithm, issuer, audience, nbf, shape). */
  InvalidToken: 4004,
  /** A token for a different user was sent mid-session. */
  UserMismatch: 4005,
  /** The client speaks a protocol version the hub does not. */
  UnsupportedProtocol: 4006,
  /** Too many messages on this socket; reason carries `retry-after=N`. */
  RateLimited: 4100,
  /** No `auth` message within the hub's auth timeout. */
  AuthTimeout: 4101,
  /** The client did not read fast enough; its outbound buffer overflowed. */
  SlowConsumer: 4102,
  /** Too many connections from this address, or the hub is at capacity; `retry-after=N`. */
  Overloaded: 4103,
  /** The hub is restarting; reconnect at once and resume. */
  HubRestarting: 4200,
  /** The hub needs the client to reconnect and resume (e.g. after a storage failover). */
  ResumeRequired: 4201,
} as const;

/** What a client does after a close, decided by the code's range. */
export type CloseAction = 'stop' | 'refresh-token' | 'backoff' | 'reconnect-now';

/** The documented close-code policy (also in docs/protocol.md). */
export function closeAction(code: number): CloseAction {
  if (code === CloseCode.TokenExpired) return 'refresh-token';
  if (code >= 4000 && code <= 4099) return 'stop';
  if (code >= 4100 && code <= 4199) return 'backoff';
  if (code >= 4200 && code <= 4299) return 'reconnect-now';
  if (code === CloseCode.GoingAway) return 'reconnect-now';
  return 'backoff';
}

/**
 * Hints a close reason may carry after its slug, as `slug; name=seconds`:
 * - `retry-after`: the least wait before the next attempt (rate limit, overload);
 * - `retry-within`: a "reconnect at once" close asks clients to spread their return over this
 *   span, so that a hub closing a thousand sockets does not get a thousand attempts in the same
 *   quarter second.
 */
export type RetryHint = 'retry-after' | 'retry-within';

/**
 * Builds a close reason, e.g. `rate-limited; retry-after=5` or `hub shutting down; retry-within=2`.
 * Seconds round up: to whole seconds for `retry-after`, to tenths for `retry-within`.
 */
export function closeReason(slug: string, seconds?: number, hint: RetryHint = 'retry-after'): string {
  if (seconds === undefined) return slug;
  return `${slug}; ${hint}=${hint === 'retry-after' ? Math.ceil(seconds) : Math.ceil(seconds * 10) / 10}`;
}

/** Reads a hint (seconds, decimals allowed) out of a close reason, in ms; undefined when absent. */
export function retryHintMs(reason: string, hint: RetryHint = 'retry-after'): number | undefined {
  const m = new RegExp(`${hint}=(\\d{1,6}(?:\\.\\d{1,3})?)`).exec(reason);
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}
