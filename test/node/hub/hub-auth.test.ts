import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { CloseCode, MIN_PROTOCOL_VERSION, PROTOCOL_VERSION, type WelcomeMessage } from '../../../src/core/protocol.js';
import type { Hub } from '../../../src/hub/hub.js';
import {
  closeAllHubs,
  note,
  signToken,
  startHub,
  TEST_SECRET,
  TestClient,
  waitUntil,
} from '../../support/hub-harness.js';
import { JwksServer, signingKey } from '../../support/jwks-server.js';

after(closeAllHubs);

describe('hub auth', () => {
  let hub: Hub;
  before(async () => {
    hub = await startHub({ authTimeoutMs: 300 });
  });
  after(() => hub.close());

  /** Connects, sends one auth with this token, returns the close. */
  async function closeCodeFor(token: string, extra: Record<string, unknown> = {}) {
    const client = await TestClient.connect(hub.wsUrl);
    client.send({ type: 'auth', token, ...extra });
    const closed = await client.waitClosed();
    assert.equal(client.frames.length, 0, 'nothing is sent before a successful auth');
    return closed;
  }

  test('a valid token gets a welcome and a snapshot', async () => {
    const token = await signToken({ sub: 'alice', role: 'admin', claims: { name: 'Alice' } });
    const client = await TestClient.open(hub, token);
    const welcome = client.frames[0] as WelcomeMessage;
    assert.equal(welcome.type, 'welcome');
    assert.deepEqual(welcome.user, { id: 'alice', role: 'admin', name: 'Alice' });
    assert.equal(welcome.resumed, false);
    assert.equal(welcome.heartbeatMs, 30_000);
    assert.ok(welcome.expiresAt && welcome.expiresAt > Date.now());
    assert.equal(welcome.stream, hub.backend.streamId());
    const snapshot = await client.waitFor((m) => m.type === 'snapshot', 'snapshot');
    assert.equal(snapshot.type === 'snapshot' && snapshot.seq, welcome.seq);
    assert.deepEqual(client.invalid, []);
    client.close();
  });

  test('an expired token closes with 4001', async () => {
    const closed = await closeCodeFor(await signToken({ sub: 'alice', ttl: -120 }));
    assert.equal(closed.code, CloseCode.TokenExpired);
  });

  test('a token with a bad signature closes with 4004', async () => {
    const closed = await closeCodeFor(
      await signToken({ sub: 'alice', secret: 'another-secret-entirely-0123456789abcdef' }),
    );
    assert.equal(closed.code, CloseCode.InvalidToken);
  });

  test('a token that is not a JWT closes with 4004', async () => {
    assert.equal((await closeCodeFor('not-a-jwt')).code, CloseCode.InvalidToken);
  });

  test('a role that is not allowed closes with 4003', async () => {
    const closed = await closeCodeFor(await signToken({ sub: 'bob', role: 'viewer' }));
    assert.equal(closed.code, CloseCode.Forbidden);
  });

  test('an unsupported protocol version closes with 4006, naming the versions the hub speaks', async () => {
    for (const protocol of [99, PROTOCOL_VERSION + 1]) {
      const closed = await closeCodeFor(await signToken({ sub: 'alice' }), { protocol });
      assert.equal(closed.code, CloseCode.UnsupportedProtocol);
      assert.equal(
        closed.reason,
        `protocol ${protocol} not supported; speak ${MIN_PROTOCOL_VERSION} to ${PROTOCOL_VERSION}`,
      );
    }
    // Every version from the oldest still spoken is welcomed.
    for (let protocol = MIN_PROTOCOL_VERSION; protocol <= PROTOCOL_VERSION; protocol++) {
      const client = await TestClient.open(hub, await signToken({ sub: 'alice' }), { protocol });
      assert.equal(client.frames[0]?.type, 'welcome');
      client.close();
    }
  });

  test('no auth within the timeout closes with 4101', async () => {
    const client = await TestClient.connect(hub.wsUrl);
    const closed = await client.waitClosed('auth timeout', 3000);
    assert.equal(closed.code, CloseCode.AuthTimeout);
  });

  test('a first message other than auth closes with 1008', async () => {
    const client = await TestClient.connect(hub.wsUrl);
    client.send({ type: 'ping', t: 1 });
    const closed = await client.waitClosed();
    assert.equal(closed.code, CloseCode.PolicyViolation);
    assert.match(closed.reason, /first message must be auth/);
  });

  test('failed auth is written to the audit trail', async () => {
    await closeCodeFor(await signToken({ sub: 'mallory', role: 'viewer' }));
    const rows = await hub.backend.readAudit({ action: 'auth-failed', limit: 50 });
    assert.ok(rows.some((r) => r.detail?.code === CloseCode.Forbidden && r.ip === '127.0.0.1'));
  });

  test('a new token in-session re-authenticates without reconnecting', async () => {
    const client = await TestClient.open(hub, await signToken({ sub: 'carol', ttl: 60 }));
    const first = client.frames[0] as WelcomeMessage;
    client.send({ type: 'auth', token: await signToken({ sub: 'carol', ttl: 7200 }) });
    const again = await client.waitFor<WelcomeMessage>((m) => m.type === 'welcome' && m.reauth === true, 'reauth');
    assert.ok(again.expiresAt! > first.expiresAt!, 'the new expiry is reported');
    await hub.publish(note('after refresh'));
    await client.waitForEvent((e) => e.kind === 'notification' && e.title === 'after refresh', 'event after refresh');
    assert.equal(client.closedWith, null);
    client.close();
  });

  test('a token for another user mid-session closes with 4005', async () => {
    const client = await TestClient.open(hub, await signToken({ sub: 'dave' }));
    client.send({ type: 'auth', token: await signToken({ sub: 'eve' }) });
    assert.equal((await client.waitClosed()).code, CloseCode.UserMismatch);
  });

  test('an expired token mid-session closes with 4001', async () => {
    const client = await TestClient.open(hub, await signToken({ sub: 'frank' }));
    client.send({ type: 'auth', token: await signToken({ sub: 'frank', ttl: -120 }) });
    assert.equal((await client.waitClosed()).code, CloseCode.TokenExpired);
  });

  test('expiry without refresh closes with 4001 when exp plus the leeway passes', async () => {
    const strict = await startHub({ auth: { jwtSecret: TEST_SECRET, clockToleranceSec: 1 } });
    const client = await TestClient.open(strict, await signToken({ sub: 'gina', ttl: 1 }));
    const welcome = client.frames[0] as WelcomeMessage;
    const closed = await client.waitClosed('expiry', 5000);
    assert.equal(closed.code, CloseCode.TokenExpired);
    assert.ok(Date.now() >= welcome.expiresAt! + 1000 - 50, 'not closed before exp + leeway');
    await strict.close();
  });

  test('a token that expired 3 s ago (inside the leeway) is welcomed and closed at exp + 5 s, not at once', async () => {
    const client = await TestClient.open(hub, await signToken({ sub: 'ivy', ttl: -3 }));
    const welcome = client.frames[0] as WelcomeMessage;
    assert.equal(welcome.type, 'welcome');
    assert.ok(welcome.expiresAt! < Date.now(), 'the welcome tells the client its token has expired');
    const closed = await client.waitClosed('expiry', 5000);
    assert.equal(closed.code, CloseCode.TokenExpired);
    assert.ok(Date.now() >= welcome.expiresAt! + 5000 - 50, 'closed at exp + leeway');
  });

  test('a super_admin token without exp, or living over 24 h, is refused (4004) and does not read the audit', async () => {
    const key = new TextEncoder().encode(TEST_SECRET);
    const raw = (claims: Record<string, unknown>) =>
      new SignJWT({ sub: 'root', role: 'super_admin', ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(key);
    const noExp = await raw({});
    const closed = await closeCodeFor(noExp);
    assert.deepEqual(closed, { code: CloseCode.InvalidToken, reason: 'invalid-token: exp claim missing' });
    const yearLong = await signToken({ sub: 'root', role: 'super_admin', ttl: 365 * 24 * 3600 });
    assert.equal((await closeCodeFor(yearLong)).reason, 'invalid-token: lifetime over 86400 s');
    const nowSec = Math.floor(Date.now() / 1000);
    const future = await raw({ iat: nowSec + 1000 * 365 * 24 * 3600, exp: nowSec + 600 });
    assert.equal((await closeCodeFor(future)).reason, 'invalid-token: issued in the future');
    for (const token of [noExp, yearLong, future]) {
      const res = await fetch(`${hub.url}/v1/audit`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 401);
    }
  });

  test('a refresh before exp keeps the session open past the old exp', async () => {
    const client = await TestClient.open(hub, await signToken({ sub: 'hank', ttl: 2 }));
    const oldExp = (client.frames[0] as WelcomeMessage).expiresAt!;
    client.send({ type: 'auth', token: await signToken({ sub: 'hank', ttl: 3600 }) });
    await client.waitFor((m) => m.type === 'welcome' && m.reauth === true, 'reauth');
    await waitUntil(() => Date.now() > oldExp + 300, 'old expiry to pass', 4000);
    client.send({ type: 'ping', t: 42 });
    await client.waitFor((m) => m.type === 'pong' && m.t === 42, 'pong after old exp');
    assert.equal(client.closedWith, null);
    client.close();
  });
});

describe('hub auth with a rotating JWKS', () => {
  let idp: JwksServer;
  /** The verifier's clock for the key set's cooldown (tokens are checked on the real clock). */
  let clockMs = Date.now();

  before(async () => {
    idp = await JwksServer.start();
  });
  after(() => idp.close());

  async function hubKey(kid: string) {
    const { privateKey, jwk } = await signingKey('ES256', kid);
    const token = (sub: string) =>
      new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey);
    return { jwk, token };
  }

  async function outcome(hub: Hub, token: string): Promise<{ welcome: boolean; code?: number; reason?: string }> {
    const client = await TestClient.connect(hub.wsUrl);
    client.send({ type: 'auth', token });
    await waitUntil(() => client.frames.length > 0 || client.closedWith, 'welcome or close');
    if (client.frames[0]?.type === 'welcome') {
      client.close();
      return { welcome: true };
    }
    return { welcome: false, ...client.closedWith! };
  }

  test('a new kid is never 4004 while the key set is unconfirmed: 4103 until the refetch, then welcome', async () => {
    const first = await hubKey('2026-05');
    idp.keys = [first.jwk];
    idp.fetches = 0;
    const hub = await startHub({ auth: { jwksUrl: idp.url, now: () => clockMs } });
    assert.deepEqual(await outcome(hub, await first.token('ann')), { welcome: true });

    // The IdP rotates moments after the hub's fetch: retry later, not "stop for good".
    const second = await hubKey('2026-06');
    idp.keys = [second.jwk];
    assert.deepEqual(await outcome(hub, await second.token('ann')), {
      welcome: false,
      code: CloseCode.Overloaded,
      reason: 'auth-unavailable; retry-after=5',
    });
    clockMs += 5000;
    const many = await Promise.all(Array.from({ length: 10 }, async () => outcome(hub, await second.token('bo'))));
    assert.deepEqual(many, Array(10).fill({ welcome: true }));
    assert.equal(idp.fetches, 2, 'ten sessions with the new kid, one refetch');

    // The IdP fails during the next rotation: back off (4103), never 4004.
    const third = await hubKey('2026-07');
    idp.keys = [third.jwk];
    idp.failing = true;
    clockMs += 5000;
    const down = await outcome(hub, await third.token('cy'));
    assert.deepEqual(down, { welcome: false, code: CloseCode.Overloaded, reason: 'auth-unavailable; retry-after=5' });
    assert.equal(idp.fetches, 3);
    idp.failing = false;
    clockMs += 5000;
    assert.deepEqual(await outcome(hub, await third.token('cy')), { welcome: true });
    // A kid the fresh set does not hold, checked with a fetch made for it: refused for good.
    clockMs += 5000;
    const stray = await hubKey('nobody');
    assert.deepEqual(await outcome(hub, await stray.token('eve')), {
      welcome: false,
      code: CloseCode.InvalidToken,
      reason: 'invalid-token: no matching key',
    });
    await hub.close();
  });
});
