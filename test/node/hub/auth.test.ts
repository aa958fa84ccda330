import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { CloseCode } from '../../../src/core/protocol.js';
import { AuthConfigError, createDemoTokenSigner, createVerifier } from '../../../src/hub/auth.js';
import { JwksServer, signingKey } from '../../support/jwks-server.js';

const SECRET = 'test-secret-with-enough-entropy-0123456789';
const enc = new TextEncoder();
const now = () => Math.floor(Date.now() / 1000);
const b64url = (obj: unknown) => Buffer.from(JSON.stringify(obj)).toString('base64url');

type SignKey = Parameters<SignJWT['sign']>[0];

async function sign(
  payload: JWTPayload,
  key: SignKey,
  header: { alg: string; kid?: string } = { alg: 'HS256' },
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader(header).sign(key);
}

const hs = (payload: JWTPayload) => sign(payload, enc.encode(SECRET));
const base = () => ({ sub: 'u-1', role: 'admin', exp: now() + 600 });

describe('createVerifier: configuration', () => {
  test('refuses no key source and more than one', () => {
    assert.throws(() => createVerifier({}), AuthConfigError);
    assert.throws(() => createVerifier({}), /exactly one key source.*none/);
    assert.throws(
      () => createVerifier({ jwtSecret: 's', jwksUrl: 'https://idp.example.com/jwks' }),
      /jwtSecret and jwksUrl/,
    );
  });
  test('refuses a plain-http JWKS URL on a public host, a bad PEM, a non-P-256 EC key', async () => {
    assert.throws(() => createVerifier({ jwksUrl: 'http://idp.example.com/jwks' }), /https/);
    assert.doesNotThrow(() => createVerifier({ jwksUrl: 'http://127.0.0.1:9/jwks' }));
    assert.throws(() => createVerifier({ publicKey: 'not a key' }), /PEM/);
    const { publicKey } = await generateKeyPair('ES384', { extractable: true });
    const pem = await exportSPKI(publicKey);
    assert.throws(() => createVerifier({ publicKey: pem }), /P-256/);
  });
});

describe('createVerifier: HS256', () => {
  const verify = createVerifier({ jwtSecret: SECRET });

  test('accepts a valid token and returns the user and expiry', async () => {
    const exp = now() + 600;
    const r = await verify(
      await hs({ sub: 'u-1', role: 'admin', name: 'Ada Lovelace', email: 'ada@example.com', exp }),
    );
    assert.deepEqual(r, {
      ok: true,
      user: { id: 'u-1', role: 'admin', name: 'Ada Lovelace', email: 'ada@example.com' },
      expiresAt: exp * 1000,
      validUntil: (exp + 5) * 1000,
    });
  });

  test('a token without exp → 4004 (a session must end); exp on its own is enough', async () => {
    const r = await verify(await hs({ sub: 'u-1', role: 'super_admin' }));
    assert.deepEqual(r, { ok: false, code: CloseCode.InvalidToken, reason: 'invalid-token: exp claim missing' });
    const r2 = await verify(await hs({ sub: 'u-1', role: 'super_admin', iat: now() }));
    assert.equal(!r2.ok && r2.reason, 'invalid-token: exp claim missing');
    assert.equal((await verify(await hs({ sub: 'u-1', role: 'admin', exp: now() + 60 }))).ok, true);
  });

  test('iat more than the leeway in the future → 4004; within the leeway passes', async () => {
    const far = await verify(await hs({ ...base(), iat: now() + 1000 * 365 * 24 * 3600 }));
    assert.deepEqual(far, { ok: false, code: CloseCode.InvalidToken, reason: 'invalid-token: issued in the future' });
    const minute = await verify(await hs({ ...base(), iat: now() + 60 }));
    assert.equal(!minute.ok && minute.reason, 'invalid-token: issued in the future');
    assert.equal((await verify(await hs({ ...base(), iat: now() + 3 }))).ok, true);
  });

  test('lifetime over the maximum (default 24 h, configurable) → 4004', async () => {
    const day = 24 * 3600;
    const long = await verify(await hs({ ...base(), iat: now(), exp: now() + day + 60 }));
    assert.deepEqual(long, { ok: false, code: CloseCode.InvalidToken, reason: 'invalid-token: lifetime over 86400 s' });
    // Without iat the lifetime counts from now.
    const noIat = await verify(await hs({ ...base(), exp: now() + day + 60 }));
    assert.equal(!noIat.ok && noIat.reason, 'invalid-token: lifetime over 86400 s');
    // Issued two days ago, expiring in an hour: a 49 h token.
    const old = await verify(await hs({ ...base(), iat: now() - 2 * day, exp: now() + 3600 }));
    assert.equal(!old.ok && old.code, CloseCode.InvalidToken);
    assert.equal((await verify(await hs({ ...base(), iat: now(), exp: now() + day - 60 }))).ok, true);
    const hourly = createVerifier({ jwtSecret: SECRET, maxTokenLifetimeSec: 3600 });
    assert.equal((await hourly(await hs({ ...base(), iat: now() }))).ok, true, '10 min is under an hour');
    const r = await hourly(await hs({ ...base(), iat: now(), exp: now() + 7200 }));
    assert.equal(!r.ok && r.reason, 'invalid-token: lifetime over 3600 s');
    assert.throws(() => createVerifier({ jwtSecret: SECRET, maxTokenLifetimeSec: 0 }), /maxTokenLifetimeSec/);
  });

  test('the demo signer produces tokens the verifier accepts', async () => {
    const signDemo = createDemoTokenSigner(SECRET);
    const token = await signDemo({ sub: 'demo', role: 'super_admin', name: 'Demo Admin' }, 60);
    const r = await verify(token);
    assert.equal(r.ok, true);
    if (!r.ok) return;
    assert.deepEqual(r.user, { id: 'demo', role: 'super_admin', name: 'Demo Admin' });
    assert.ok(r.expiresAt && Math.abs(r.expiresAt - (Date.now() + 60_000)) < 5_000);
  });

  test('expired token → 4001 token-expired', async () => {
    const r = await verify(await hs({ ...base(), exp: now() - 60 }));
    assert.deepEqual(r, { ok: false, code: CloseCode.TokenExpired, reason: 'token-expired' });
  });

  test('clock tolerance: expired 2 s ago still passes with the default 5 s, valid until exp + 5 s', async () => {
    const exp = now() - 2;
    const r = await verify(await hs({ ...base(), exp }));
    assert.equal(r.ok, true);
    assert.equal(r.ok && r.validUntil, (exp + 5) * 1000);
    const strict = createVerifier({ jwtSecret: SECRET, clockToleranceSec: 0 });
    assert.equal((await strict(await hs({ ...base(), exp }))).ok, false);
  });

  test('not yet valid (nbf in the future) → 4004', async () => {
    const r = await verify(await hs({ ...base(), nbf: now() + 120 }));
    assert.deepEqual(r, { ok: false, code: CloseCode.InvalidToken, reason: 'invalid-token: not yet valid' });
  });

  test('wrong signature → 4004 bad signature; an expired forged token is not reported as expired', async () => {
    const forged = await sign(base(), enc.encode('another-secret-another-secret-0000'));
    assert.deepEqual(await verify(forged), {
      ok: false,
      code: CloseCode.InvalidToken,
      reason: 'invalid-token: bad signature',
    });
    const forgedExpired = await sign({ ...base(), exp: now() - 100 }, enc.encode('x'.repeat(32)));
    assert.deepEqual(await verify(forgedExpired), {
      ok: false,
      code: CloseCode.InvalidToken,
      reason: 'invalid-token: bad signature',
    });
    // Tampered payload with the original signature.
    const [h, , s] = (await hs(base())).split('.');
    const tampered = `${h}.${b64url({ ...base(), role: 'super_admin', sub: 'attacker' })}.${s}`;
    assert.deepEqual(await verify(tampered), {
      ok: false,
      code: CloseCode.InvalidToken,
      reason: 'invalid-token: bad signature',
    });
  });

  test('alg: none (hand-crafted) is refused', async () => {
    const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(base())}.`;
    assert.deepEqual(await verify(token), {
      ok: false,
      code: CloseCode.InvalidToken,
      reason: 'invalid-token: algorithm not allowed',
    });
    // Also refused by a public-key verifier, and with a signature part present.
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const pk = createVerifier({ publicKey: await exportSPKI(publicKey) });
    assert.equal((await pk(`${token}c2ln`)).ok, false);
  });

  test('malformed input → 4004 malformed, never throws', async () => {
    for (const t of ['', 'abc', 'a.b.c', 'eyJ.eyJ.', 'x'.repeat(20_000), null as unknown as string]) {
      const r = await verify(t);
      assert.equal(r.ok, false, String(t).slice(0, 20));
      if (!r.ok) assert.equal(r.code, CloseCode.InvalidToken);
    }
    const r = await verify('a.b.c');
    assert.deepEqual(r, { ok: false, code: CloseCode.InvalidToken, reason: 'invalid-token: malformed' });
  });

  test('missing sub → 4004', async () => {
    const r = await verify(await hs({ role: 'admin', exp: now() + 60 }));
    assert.deepEqual(r, { ok: false, code: CloseCode.InvalidToken, reason: 'invalid-token: missing sub' });
  });

  test('role not allowed → 4003; no role at all → 4003', async () => {
    const r = await verify(await hs({ ...base(), role: 'viewer' }));
    assert.deepEqual(r, { ok: false, code: CloseCode.Forbidden, reason: 'forbidden: role not allowed' });
    const { role: _role, ...noRole } = base();
    const r2 = await verify(await hs(noRole));
    assert.equal(!r2.ok && r2.code, CloseCode.Forbidden);
  });

  test('roles array: super_admin is picked over admin; unknown roles ignored', async () => {
    const { role: _role, ...rest } = base();
    const r = await verify(await hs({ ...rest, roles: ['viewer', 'admin', 'super_admin'] }));
    assert.equal(r.ok && r.user.role, 'super_admin');
    const r2 = await verify(await hs({ ...rest, roles: ['viewer', 'admin'] }));
    assert.equal(r2.ok && r2.user.role, 'admin');
    const r3 = await verify(await hs({ ...rest, roles: ['viewer', 'billing'] }));
    assert.equal(!r3.ok && r3.code, CloseCode.Forbidden);
  });

  test('configurable role claim (also as a dotted path) and allowed roles', async () => {
    const v = createVerifier({ jwtSecret: SECRET, roleClaim: 'realm_access.roles', allowedRoles: ['ops'] });
    const r = await v(await hs({ sub: 'k1', exp: now() + 60, realm_access: { roles: ['offline', 'ops'] } }));
    assert.equal(r.ok && r.user.role, 'ops');
    const r2 = await v(await hs({ ...base() }));
    assert.equal(!r2.ok && r2.code, CloseCode.Forbidden);
  });
});

describe('createVerifier: issuer and audience', () => {
  const verify = createVerifier({ jwtSecret: SECRET, issuer: 'https://auth.example.com', audience: 'admin-realtime' });
  test('matching iss/aud pass', async () => {
    const r = await verify(await hs({ ...base(), iss: 'https://auth.example.com', aud: ['other', 'admin-realtime'] }));
    assert.equal(r.ok, true);
  });
  test('wrong issuer → issuer mismatch', async () => {
    const r = await verify(await hs({ ...base(), iss: 'https://evil.example.com', aud: 'admin-realtime' }));
    assert.deepEqual(r, { ok: false, code: CloseCode.InvalidToken, reason: 'invalid-token: issuer mismatch' });
  });
  test('wrong or missing audience → audience mismatch', async () => {
    const r = await verify(await hs({ ...base(), iss: 'https://auth.example.com', aud: 'billing-api' }));
    assert.deepEqual(r, { ok: false, code: CloseCode.InvalidToken, reason: 'invalid-token: audience mismatch' });
    const r2 = await verify(await hs({ ...base(), iss: 'https://auth.example.com' }));
    assert.equal(!r2.ok && r2.code, CloseCode.InvalidToken);
  });
});

describe('createVerifier: public keys', () => {
  for (const alg of ['RS256', 'ES256'] as const) {
    test(`${alg}: valid token accepted; HS256 signed with the public key text (alg confusion) refused`, async () => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const pem = await exportSPKI(publicKey);
      const verify = createVerifier({ publicKey: pem });
      const ok = await verify(await sign(base(), privateKey, { alg }));
      assert.equal(ok.ok && ok.user.id, 'u-1');

      const confused = await sign(base(), enc.encode(pem), { alg: 'HS256' });
      assert.deepEqual(await verify(confused), {
        ok: false,
        code: CloseCode.InvalidToken,
        reason: 'invalid-token: algorithm not allowed',
      });

      const other = await generateKeyPair(alg);
      const wrong = await verify(await sign(base(), other.privateKey, { alg }));
      assert.deepEqual(wrong, { ok: false, code: CloseCode.InvalidToken, reason: 'invalid-token: bad signature' });

      const expired = await verify(await sign({ ...base(), exp: now() - 30 }, privateKey, { alg }));
      assert.equal(!expired.ok && expired.code, CloseCode.TokenExpired);
    });
  }

  test('an HS256 verifier refuses an RS256 token', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const r = await createVerifier({ jwtSecret: SECRET })(await sign(base(), privateKey, { alg: 'RS256' }));
    assert.deepEqual(r, { ok: false, code: CloseCode.InvalidToken, reason: 'invalid-token: algorithm not allowed' });
  });
});

describe('createVerifier: JWKS', () => {
  let idp: JwksServer;
  let url: string;
  /** The verifier's clock for the JWKS cooldown and cache age (tokens are checked on the real clock). */
  let clockMs = Date.now();
  const jwksClock = { now: () => clockMs };

  before(async () => {
    idp = await JwksServer.start();
    url = idp.url;
  });
  after(() => idp.close());

  test('verifies RS256 and ES256 keys by kid, caches the set, follows a key rotation', async () => {
    const k1 = await signingKey('RS256', 'key-2026-01');
    const k2 = await signingKey('ES256', 'key-2026-02');
    idp.keys = [k1.jwk, k2.jwk];
    idp.fetches = 0;
    const verify = createVerifier({ jwksUrl: url, jwksCooldownSec: 0, ...jwksClock });

    const r1 = await verify(await sign(base(), k1.privateKey, { alg: 'RS256', kid: 'key-2026-01' }));
    assert.equal(r1.ok && r1.user.id, 'u-1');
    const r2 = await verify(await sign(base(), k2.privateKey, { alg: 'ES256', kid: 'key-2026-02' }));
    assert.equal(r2.ok, true);
    assert.equal(idp.fetches, 1, 'the key set is fetched once and cached');

    // Rotation: the IdP publishes a new key and retires the first.
    const k3 = await signingKey('RS256', 'key-2026-03');
    idp.keys = [k2.jwk, k3.jwk];
    const r3 = await verify(await sign(base(), k3.privateKey, { alg: 'RS256', kid: 'key-2026-03' }));
    assert.equal(r3.ok, true, 'an unknown kid triggers a refetch');
    assert.equal(idp.fetches, 2);

    // A token signed with a key that is not in the set: refused after a refetch.
    const stray = await signingKey('RS256', 'key-unknown');
    const r4 = await verify(await sign(base(), stray.privateKey, { alg: 'RS256', kid: 'key-unknown' }));
    assert.deepEqual(r4, { ok: false, code: CloseCode.InvalidToken, reason: 'invalid-token: no matching key' });

    // Known kid but a different private key: bad signature.
    const r5 = await verify(await sign(base(), stray.privateKey, { alg: 'RS256', kid: 'key-2026-03' }));
    assert.deepEqual(r5, { ok: false, code: CloseCode.InvalidToken, reason: 'invalid-token: bad signature' });

    // HS256 with the JWK's modulus as a secret is refused (algorithms pinned).
    const r6 = await verify(await sign(base(), enc.encode(String(k3.jwk.n)), { alg: 'HS256', kid: 'key-2026-03' }));
    assert.deepEqual(r6, { ok: false, code: CloseCode.InvalidToken, reason: 'invalid-token: algorithm not allowed' });
  });

  test('a rotation right after a fetch: retryable 4103 (never 4004) until the 5 s cooldown, then one shared refetch', async () => {
    const k1 = await signingKey('ES256', 'r1');
    idp.keys = [k1.jwk];
    idp.fetches = 0;
    const verify = createVerifier({ jwksUrl: url, ...jwksClock });
    assert.equal((await verify(await sign(base(), k1.privateKey, { alg: 'ES256', kid: 'r1' }))).ok, true);
    // The IdP rotates a moment later and signs with the new key: told to retry, not to stop.
    const k2 = await signingKey('ES256', 'r2');
    idp.keys = [k2.jwk];
    assert.deepEqual(await verify(await sign(base(), k2.privateKey, { alg: 'ES256', kid: 'r2' })), {
      ok: false,
      code: CloseCode.Overloaded,
      reason: 'auth-unavailable; retry-after=5',
    });
    assert.equal(idp.fetches, 1);
    clockMs += 5000;
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () => sign(base(), k2.privateKey, { alg: 'ES256', kid: 'r2' })),
    );
    const results = await Promise.all(tokens.map((t) => verify(t)));
    assert.deepEqual(
      results.map((r) => r.ok),
      tokens.map(() => true),
    );
    assert.equal(idp.fetches, 2, 'twenty misses, one refetch');
  });

  test('cooldown: an unknown kid within it is a retryable 4103 without a fetch, then followed', async () => {
    const k1 = await signingKey('ES256', 'a');
    idp.keys = [k1.jwk];
    idp.fetches = 0;
    const verify = createVerifier({ jwksUrl: url, jwksCooldownSec: 60, ...jwksClock });
    assert.equal((await verify(await sign(base(), k1.privateKey, { alg: 'ES256', kid: 'a' }))).ok, true);
    const k2 = await signingKey('ES256', 'b');
    idp.keys = [k1.jwk, k2.jwk];
    clockMs += 20_000;
    const token = await sign(base(), k2.privateKey, { alg: 'ES256', kid: 'b' });
    assert.deepEqual(await verify(token), {
      ok: false,
      code: CloseCode.Overloaded,
      reason: 'auth-unavailable; retry-after=40',
    });
    assert.equal(idp.fetches, 1, 'no fetch inside the cooldown');
    clockMs += 40_000;
    assert.equal((await verify(token)).ok, true, 'after the cooldown the new key is fetched');
    assert.equal(idp.fetches, 2);
    // A kid the fresh set does not have is refused for good only by a set fetched for it.
    const stray = await signingKey('ES256', 'nobody');
    const strayToken = await sign(base(), stray.privateKey, { alg: 'ES256', kid: 'nobody' });
    assert.equal(!(await verify(strayToken)).ok && idp.fetches, 2);
    clockMs += 60_000;
    assert.deepEqual(await verify(strayToken), {
      ok: false,
      code: CloseCode.InvalidToken,
      reason: 'invalid-token: no matching key',
    });
    assert.equal(idp.fetches, 3);
  });

  test('a key set outage during a rotation is 4103, never 4004, and at most one fetch per cooldown', async () => {
    const k1 = await signingKey('RS256', 'o1');
    idp.keys = [k1.jwk];
    idp.fetches = 0;
    const verify = createVerifier({ jwksUrl: url, ...jwksClock });
    assert.equal((await verify(await sign(base(), k1.privateKey, { alg: 'RS256', kid: 'o1' }))).ok, true);
    const k2 = await signingKey('RS256', 'o2');
    idp.keys = [k2.jwk];
    idp.failing = true;
    try {
      const token = await sign(base(), k2.privateKey, { alg: 'RS256', kid: 'o2' });
      const unavailable = { ok: false, code: CloseCode.Overloaded, reason: 'auth-unavailable; retry-after=5' };
      // Inside the cooldown after the first fetch, and after it when the fetch fails.
      assert.deepEqual(await verify(token), unavailable);
      assert.equal(idp.fetches, 1);
      clockMs += 5000;
      const during = await Promise.all(Array.from({ length: 10 }, () => verify(token)));
      assert.deepEqual(during, Array(10).fill(unavailable));
      assert.equal(idp.fetches, 2, 'ten attempts during the outage, one fetch');
      // The key already known keeps working while the set cannot be refetched.
      assert.equal((await verify(await sign(base(), k1.privateKey, { alg: 'RS256', kid: 'o1' }))).ok, true);
      idp.failing = false;
      clockMs += 5000;
      assert.equal((await verify(token)).ok, true, 'back as soon as the set answers');
      assert.equal(idp.fetches, 3);
    } finally {
      idp.failing = false;
    }
  });

  test('a refused connection to the key set is a back-off too', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const k1 = await signingKey('ES256', 'a');
    const verify = createVerifier({ jwksUrl: `http://127.0.0.1:${port}/jwks.json` });
    const r = await verify(await sign(base(), k1.privateKey, { alg: 'ES256', kid: 'a' }));
    assert.deepEqual(r, { ok: false, code: CloseCode.Overloaded, reason: 'auth-unavailable; retry-after=5' });
  });

  test('an unreachable key set is a back-off (4103), not a permanent refusal', async () => {
    const k1 = await signingKey('ES256', 'a');
    idp.failing = true;
    try {
      const r = await createVerifier({ jwksUrl: url })(await sign(base(), k1.privateKey, { alg: 'ES256', kid: 'a' }));
      assert.deepEqual(r, { ok: false, code: CloseCode.Overloaded, reason: 'auth-unavailable; retry-after=5' });
    } finally {
      idp.failing = false;
    }
  });
});
