/**
 * The identity provider's JSON Web Key Set, fetched and cached so that a key rotation never locks
 * a valid token out. A token whose `kid` is not in the cached set makes the hub refetch the set
 * (at most one fetch per cooldown, concurrent misses share it), and only a set fetched for that
 * token may refuse the key for good (4004). While the set cannot be confirmed (a fetch within the
 * cooldown, an unreachable or broken key set) the answer is `KeySetUnavailable`: a retryable 4103.
 */
import { createLocalJWKSet, errors, type FlattenedJWSInput, type JWSHeaderParameters } from 'jose';

/** The key set could not be fetched or confirmed now; the client should retry after `retryAfterSeconds`. */
export class KeySetUnavailable extends Error {
  override readonly name = 'KeySetUnavailable';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export interface RemoteKeySetOptions {
  url: URL;
  /** Shortest time between two fetches (success or failure), ms. */
  cooldownMs: number;
  /** How long a fetched set is used before it is refetched, ms. */
  cacheMaxAgeMs: number;
  /** Time for one fetch, ms. */
  timeoutMs: number;
  now: () => number;
}

/** Largest key set read; an identity provider's set is a few KiB. */
const MAX_JWKS_BYTES = 256 * 1024;

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;
export type KeyLookup = (header: JWSHeaderParameters, token: FlattenedJWSInput) => ReturnType<LocalKeySet>;

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_JWKS_BYTES) {
      await reader.cancel();
      throw new Error(`larger than ${MAX_JWKS_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A key lookup for `jwtVerify` backed by the remote set. */
export function createRemoteKeySet(options: RemoteKeySetOptions): KeyLookup {
  const { url, cooldownMs, cacheMaxAgeMs, timeoutMs, now } = options;
  const retryAfter = Math.max(1, Math.ceil(cooldownMs / 1000));
  let local: LocalKeySet | null = null;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<void> | null = null;

  const fetchSet = async (): Promise<void> => {
    let text: string;
    try {
      const response = await fetch(url, {
        redirect: 'manual',
        headers: { accept: 'application/json, application/jwk-set+json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new Error(`answered HTTP ${response.status}`);
      }
      text = await readBounded(response);
    } catch (err) {
      throw new KeySetUnavailable(`key set ${url.href} unreachable: ${(err as Error).message}`, retryAfter);
    }
    try {
      local = createLocalJWKSet(JSON.parse(text));
    } catch (err) {
      throw new KeySetUnavailable(`key set ${url.href} unreadable: ${(err as Error).message}`, retryAfter);
    }
    fetchedAt = attemptedAt;
  };

  /** Joins the fetch in flight, or starts one unless the last started within the cooldown. */
  const refetch = (): Promise<void> => {
    if (pending) return pending;
    const wait = attemptedAt + cooldownMs - now();
    if (wait > 0) {
      return Promise.reject(
        new KeySetUnavailable('key set fetched moments ago; retry to confirm', Math.max(1, Math.ceil(wait / 1000))),
      );
    }
    attemptedAt = now();
    const current = fetchSet().finally(() => {
      if (pending === current) pending = null;
    });
    pending = current;
    return current;
  };

  return async (header, token) => {
    if (!local || now() - fetchedAt >= cacheMaxAgeMs) await refetch();
    try {
      return await local!(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      // The key may have been published after the cached fetch: only a set fetched now refuses it.
      await refetch();
      return local!(header, token);
    }
  };
}
