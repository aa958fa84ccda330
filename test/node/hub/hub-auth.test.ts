import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloseCode, MIN_PROTOCOL_VERSION, PROTOCOL_VERSION, type WelcomeMessage } from '../../../src/core/protocol.js';
import type { Hub } from '../../../src/hub/hub.js';
import { closeAllHubs, note, signToken, startHub, TestClient, waitUntil } from '../../support/hub-harness.js';

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
    const rows = hub.backend.readAudit({ action: 'auth-failed', limit: 50 });
    assert.ok(rows.some((r) => r.detail?.code === CloseCode.Forbidden && r.ip === '127.0.0.1'));
  });

  test('a new token in-session re-authenticates without reconnecting', async () => {
    const client = await TestClient.open(hub, await signToken({ sub: 'carol', ttl: 60 }));
    const first = client.frames[0] as WelcomeMessage;
    client.send({ type: 'auth', token: await signToken({ sub: 'carol', ttl: 7200 }) });
    const again = await client.waitFor<WelcomeMessage>((m) => m.type === 'welcome' && m.reauth === true, 'reauth');
    assert.ok(again.expiresAt! > first.expiresAt!, 'the new expiry is reported');
    hub.publish(note('after refresh'));
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

  test('expiry without refresh closes with 4001 when exp passes', async () => {
    const client = await TestClient.open(hub, await signToken({ sub: 'gina', ttl: 1 }));
    const welcome = client.frames[0] as WelcomeMessage;
    const closed = await client.waitClosed('expiry', 4000);
    assert.equal(closed.code, CloseCode.TokenExpired);
    assert.ok(Date.now() >= welcome.expiresAt! - 50, 'not closed before exp');
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
