/**
 * Token verification for the hub: a JWT presented in the client's first `auth` message is turned
 * into a `SessionUser` or into the close code the client acts on (see `CloseCode` in protocol.ts).
 *
 * - Exactly one key source: an HS256 shared secret, a PEM public key (RS256 or ES256, detected
 *   from the key), or a JWKS URL (RS256/ES256; see `jwks.ts`: keys cached, refetched on an unknown
 *   `kid`, so a key rotation at the identity provider is followed without a restart or a lock-out).
 * - Every token carries `exp`, lives at most `maxTokenLifetimeSec`, and is not issued in the future;
 *   the one leeway (`clockToleranceSec`) applies to `exp`, `nbf` and `iat`, at the handshake and for
 *   the session's expiry (`validUntil`).
 * - Algorithms are pinned to the key source, so `alg: none` and algorithm confusion (an HS256
 *   token signed with the RSA public key as the secret) are refused.
 * - The verifier never throws: every failure is an `AuthResult` with a close code and reason.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { errors, type JWTPayload, type JWTVerifyOptions, jwtVerify, SignJWT } from 'jose';
import { CloseCode, closeReason, type SessionUser } from '../core/protocol.js';
import { createRemoteKeySet, type KeyLookup, KeySetUnavailable } from './jwks.js';

export interface AuthOptions {
  /** HS256 shared secret. */
  jwtSecret?: string;
  /** PEM public key (SPKI `PUBLIC KEY` or an X.509 certificate); RS256 for RSA, ES256 for P-256. */
  publicKey?: string;
  /** URL of a JSON Web Key Set (RS256/ES256 keys). https, or http for localhost only unless `allowHttpJwks`. */
  jwksUrl?: string;
  /** Required `iss` when set. */
  issuer?: string;
  /** Required `aud` when set. */
  audience?: string;
  /** Claim holding the role (a string or an array of strings); default `role`. When absent or null, `roles` is read. */
  roleClaim?: string;
  /** Roles allowed to connect; default `['admin', 'super_admin']`. */
  allowedRoles?: string[];
  /** Leeway for `exp`, `nbf` and `iat`, in seconds; default 5 (`DEFAULT_CLOCK_TOLERANCE_SEC`). */
  clockToleranceSec?: number;
  /** Longest accepted token lifetime, `exp` − (`iat`, or now without one), in seconds; default 24 h. */
  maxTokenLifetimeSec?: number;
  /** Shortest time between two JWKS fetches (an unknown `kid` triggers one); default 5 s. */
  jwksCooldownSec?: number;
  /** How long a fetched JWKS is used before it is refetched; default 10 minutes. */
  jwksCacheMaxAgeSec?: number;
  /** Allow an `http:` JWKS URL on a non-loopback host (e.g. inside a private network). Default false. */
  allowHttpJwks?: boolean;
  /** Clock (epoch ms) for the JWKS cooldown and cache age; for tests. */
  now?: () => number;
}

export type AuthResult =
  | {
      ok: true;
      user: SessionUser;
      /** The token's `exp`, epoch ms: when the client should have refreshed. */
      expiresAt?: number;
      /** `exp` plus the verifier's leeway, epoch ms: when the session is closed with 4001. */
      validUntil?: number;
    }
  | { ok: false; code: number; reason: string };

/** Thrown by `createVerifier` when the options do not describe exactly one usable key source. */
export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';
}

/** Longest token accepted; anything longer is refused before any parsing. */
const MAX_TOKEN_LENGTH = 16 * 1024;
/** Roles let in without `allowedRoles`. */
export const DEFAULT_ROLES: readonly string[] = ['admin', 'super_admin'];
/** The leeway for clock skew between the token's issuer and the hub, seconds. */
export const DEFAULT_CLOCK_TOLERANCE_SEC = 5;
/** Longest token lifetime accepted by default, seconds (24 h). */
export const DEFAULT_MAX_TOKEN_LIFETIME_SEC = 24 * 60 * 60;

type Key = Uint8Array | KeyObject | KeyLookup;

function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\.\d+\.\d+\.\d+$/.test(hostname)
  );
}

function publicKeyAlgorithm(pem: string): { key: KeyObject; alg: 'RS256' | 'ES256' } {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new AuthConfigError(`publicKey is not a readable PEM public key or certificate (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new AuthConfigError(`publicKey: RSA keys must have at least 2048 bits (got ${bits})`);
    return { key, alg: 'RS256' };
  }
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return { key, alg: 'ES256' };
  }
  throw new AuthConfigError(
    `publicKey must be an RSA key (RS256) or an EC P-256 key (ES256); got ${key.asymmetricKeyType}` +
      (key.asymmetricKeyDetails?.namedCurve ? ` ${key.asymmetricKeyDetails.namedCurve}` : ''),
  );
}

function resolveKey(options: AuthOptions, now: () => number): { key: Key; algorithms: string[] } {
  const sources = (['jwtSecret', 'publicKey', 'jwksUrl'] as const).filter(
    (k) => options[k] !== undefined && options[k] !== '',
  );
  if (sources.length !== 1) {
    throw new AuthConfigError(
      sources.length === 0
        ? 'auth: configure exactly one key source (jwtSecret, publicKey or jwksUrl); none is set'
        : `auth: configure exactly one key source (jwtSecret, publicKey or jwksUrl); got ${sources.join(' and ')}`,
    );
  }
  if (options.jwtSecret !== undefined && options.jwtSecret !== '') {
    if (typeof options.jwtSecret !== 'string') throw new AuthConfigError('jwtSecret must be a string');
    return { key: new TextEncoder().encode(options.jwtSecret), algorithms: ['HS256'] };
  }
  if (options.publicKey !== undefined && options.publicKey !== '') {
    const { key, alg } = publicKeyAlgorithm(options.publicKey);
    return { key, algorithms: [alg] };
  }
  let url: URL;
  try {
    url = new URL(String(options.jwksUrl));
  } catch {
    throw new AuthConfigError(`jwksUrl is not a valid URL: ${options.jwksUrl}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AuthConfigError('jwksUrl must be an https URL');
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && !options.allowHttpJwks) {
    throw new AuthConfigError('jwksUrl must use https (http is accepted for localhost, or with allowHttpJwks)');
  }
  const seconds = (v: number | undefined, fallback: number, name: string): number => {
    if (v === undefined) return fallback * 1000;
    if (!Number.isFinite(v) || v < 0) throw new AuthConfigError(`${name} must be a non-negative number of seconds`);
    return Math.round(v * 1000);
  };
  const jwks = createRemoteKeySet({
    url,
    cooldownMs: seconds(options.jwksCooldownSec, 5, 'jwksCooldownSec'),
    cacheMaxAgeMs: seconds(options.jwksCacheMaxAgeSec, 600, 'jwksCacheMaxAgeSec'),
    timeoutMs: 5000,
    now,
  });
  return { key: jwks, algorithms: ['RS256', 'ES256'] };
}

/** Reads a claim by exact name first, then as a dotted path (e.g. `realm_access.roles`). */
function readClaim(payload: JWTPayload, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  if (!name.includes('.')) return undefined;
  let cur: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function rolesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** The allowed role a token carries: `super_admin` wins over `admin`, then the order of `allowed`. */
function pickRole(held: string[], allowed: string[]): string | undefined {
  const candidates = held.filter((r) => allowed.includes(r));
  if (candidates.length === 0) return undefined;
  if (candidates.includes('super_admin')) return 'super_admin';
  if (candidates.includes('admin')) return 'admin';
  return allowed.find((r) => candidates.includes(r));
}

const invalid = (what: string): AuthResult => ({
  ok: false,
  code: CloseCode.InvalidToken,
  reason: `invalid-token: ${what}`,
});

function classify(err: unknown): AuthResult {
  if (err instanceof KeySetUnavailable) {
    // The key set could not be fetched or confirmed: the hub's problem, not the token's. Back off.
    return { ok: false, code: CloseCode.Overloaded, reason: closeReason('auth-unavailable', err.retryAfterSeconds) };
  }
  if (err instanceof errors.JWTExpired) {
    // `iat` too far in the past is also a JWTExpired in jose; only `exp` means "refresh".
    return err.claim === 'exp'
      ? { ok: false, code: CloseCode.TokenExpired, reason: 'token-expired' }
      : invalid(`${err.claim} check failed`);
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'iss':
        return invalid('issuer mismatch');
      case 'aud':
        return invalid('audience mismatch');
      case 'nbf':
        return invalid('not yet valid');
      default:
        return invalid(`${err.claim} claim ${err.reason === 'missing' ? 'missing' : 'invalid'}`);
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return invalid('algorithm not allowed');
  if (err instanceof errors.JWSSignatureVerificationFailed) return invalid('bad signature');
  if (err instanceof errors.JWKSNoMatchingKey) return invalid('no matching key');
  if (err instanceof errors.JWKSMultipleMatchingKeys) return invalid('ambiguous key id');
  if (err instanceof errors.JOSENotSupported) return invalid('unsupported algorithm or key');
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return invalid('malformed');
  return invalid('malformed');
}

/**
 * Builds a token verifier. Throws `AuthConfigError` at once when the options are unusable; the
 * returned function never throws.
 */
export function createVerifier(options: AuthOptions): (token: string) => Promise<AuthResult> {
  const now = options.now ?? Date.now;
  const { key, algorithms } = resolveKey(options, now);
  const allowedRoles = options.allowedRoles?.length ? [...options.allowedRoles] : [...DEFAULT_ROLES];
  const roleClaim = options.roleClaim || 'role';
  const tolerance = options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new AuthConfigError('clockToleranceSec must be a non-negative number');
  }
  const maxLifetime = options.maxTokenLifetimeSec ?? DEFAULT_MAX_TOKEN_LIFETIME_SEC;
  if (!Number.isFinite(maxLifetime) || maxLifetime <= 0) {
    throw new AuthConfigError('maxTokenLifetimeSec must be a positive number of seconds');
  }
  const verifyOptions: JWTVerifyOptions = { algorithms, clockTolerance: tolerance, requiredClaims: ['exp'] };
  if (options.issuer) verifyOptions.issuer = options.issuer;
  if (options.audience) verifyOptions.audience = options.audience;

  return async (token: string): Promise<AuthResult> => {
    if (typeof token !== 'string' || token.length === 0) return invalid('malformed');
    if (token.length > MAX_TOKEN_LENGTH) return invalid('too long');
    try {
      const { payload } =
        typeof key === 'function'
          ? await jwtVerify(token, key, verifyOptions)
          : await jwtVerify(token, key, verifyOptions);
      if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 256) {
        return invalid('missing sub');
      }
      // jose checked that `exp` is a number and not past (with the leeway), and `iat` is a number if present.
      const exp = payload.exp!;
      const nowSec = Date.now() / 1000;
      if (payload.iat !== undefined && payload.iat > nowSec + tolerance) return invalid('issued in the future');
      if (exp - (payload.iat ?? nowSec) > maxLifetime) return invalid(`lifetime over ${maxLifetime} s`);
      let claim = readClaim(payload, roleClaim);
      if (claim == null && roleClaim !== 'roles') claim = payload.roles; // absent or null: no role given
      const role = pickRole(rolesOf(claim), allowedRoles);
      if (!role) return { ok: false, code: CloseCode.Forbidden, reason: 'forbidden: role not allowed' };
      const user: SessionUser = { id: payload.sub, role };
      if (typeof payload.name === 'string' && payload.name.length <= 200) user.name = payload.name;
      if (typeof payload.email === 'string' && payload.email.length <= 320) user.email = payload.email;
      return { ok: true, user, expiresAt: exp * 1000, validUntil: (exp + tolerance) * 1000 };
    } catch (err) {
      return classify(err);
    }
  };
}

/**
 * Signs HS256 tokens for the demo and for tests (the CLI's `--demo` mode). Not for production
 * identity: a real deployment's tokens come from its own backend or identity provider.
 */
export function createDemoTokenSigner(
  secret: string,
): (claims: { sub: string; role: string; name?: string; email?: string }, ttlSeconds: number) => Promise<string> {
  if (typeof secret !== 'string' || secret.length === 0) throw new AuthConfigError('demo signer: secret is required');
  const key = new TextEncoder().encode(secret);
  return async (claims, ttlSeconds) => {
    const extra: JWTPayload = { role: claims.role };
    if (claims.name !== undefined) extra.name = claims.name;
    if (claims.email !== undefined) extra.email = claims.email;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(extra)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + Math.round(ttlSeconds))
      .sign(key);
  };
}
