import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { CloseCode, retryHintMs } from '../../../src/core/protocol.js';
import type { Hub } from '../../../src/hub/hub.js';
import { truncateReason } from '../../../src/hub/session.js';
import { createClientIp, createOriginCheck, createProxyTrust, TrustProxyError } from '../../../src/hub/upgrade.js';
import { closeAllHubs, note, signToken, startHub, TestClient, waitUntil } from '../../support/hub-harness.js';

after(closeAllHubs);

type Refusal = Error & { status?: number; headers?: Record<string, string> };

async function refusal(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (err) {
    return err as Refusal;
  }
  assert.fail('the upgrade was accepted');
}

describe('hub origin allowlist', () => {
  let hub: Hub;
  before(async () => {
    hub = await startHub({ allowedOrigins: ['https://admin.example.com', 'http://localhost:5173/'] });
  });
  after(() => hub.close());

  test('a cross-origin upgrade is refused with 403 before upgrading', async () => {
    const err = await refusal(TestClient.connect(hub.wsUrl, { origin: 'https://evil.example' }));
    assert.equal(err.status, 403);
    const lookalike = await refusal(
      TestClient.connect(hub.wsUrl, { origin: 'https://admin.example.com.evil.example' }),
    );
    assert.equal(lookalike.status, 403);
    assert.equal(hub.connections(), 0);
  });

  test('allowed origins connect (compared as scheme://host:port)', async () => {
    const a = await TestClient.connect(hub.wsUrl, { origin: 'https://admin.example.com' });
    const b = await TestClient.connect(hub.wsUrl, { origin: 'http://localhost:5173' });
    a.close();
    b.close();
  });

  test('a missing Origin (non-browser client) is allowed by default, refused when required', async () => {
    const client = await TestClient.connect(hub.wsUrl);
    client.close();
    const strict = await startHub({ allowMissingOrigin: false, allowedOrigins: ['https://admin.example.com'] });
    assert.equal((await refusal(TestClient.connect(strict.wsUrl))).status, 403);
    const ok = await TestClient.connect(strict.wsUrl, { origin: 'https://admin.example.com' });
    ok.close();
    await strict.close();
  });

  test('no allowlist configured: every browser origin is refused', async () => {
    const closed = await startHub();
    assert.equal((await refusal(TestClient.connect(closed.wsUrl, { origin: 'http://127.0.0.1:8080' }))).status, 403);
    await closed.close();
  });
});

describe('hub rate limits', () => {
  test('connections per IP over the limit get 429 at the upgrade, with Retry-After', async () => {
    const hub = await startHub({ connectionRate: { perSecond: 0.01, burst: 3 } });
    const clients = [];
    for (let i = 0; i < 3; i++) clients.push(await TestClient.connect(hub.wsUrl));
    const err = await refusal(TestClient.connect(hub.wsUrl));
    assert.equal(err.status, 429);
    assert.ok(Number(err.headers?.['retry-after']) >= 1);
    for (const c of clients) c.close();
    await hub.close();
  });

  test('a hub at capacity closes the extra socket with 4103 and a retry-after', async () => {
    const hub = await startHub({ maxConnections: 1 });
    const first = await TestClient.connect(hub.wsUrl);
    const extra = await TestClient.connect(hub.wsUrl);
    const closed = await extra.waitClosed();
    assert.equal(closed.code, CloseCode.Overloaded);
    assert.equal(retryHintMs(closed.reason), 5000);
    assert.equal(first.closedWith, null);
    first.close();
  });

  test('X-Forwarded-For decides the client IP only from a trusted proxy', async () => {
    const spoofed = { headers: { 'x-forwarded-for': '203.0.113.9' } };
    const untrusting = await startHub({ connectionRate: { perSecond: 0.01, burst: 1 } });
    await TestClient.connect(untrusting.wsUrl, spoofed);
    // A new forged address does not buy a new bucket: the socket's own address is used.
    assert.equal(
      (await refusal(TestClient.connect(untrusting.wsUrl, { headers: { 'x-forwarded-for': '203.0.113.10' } }))).status,
      429,
    );
    await untrusting.close();

    // The proxy on 127.0.0.1 is trusted: the address it appended is the client.
    const trusting = await startHub({ trustProxy: ['127.0.0.1'], connectionRate: { perSecond: 0.01, burst: 1 } });
    const client = await TestClient.connect(trusting.wsUrl, spoofed);
    client.send({ type: 'auth', token: await signToken({ sub: 'proxied' }) });
    await client.waitFor((m) => m.type === 'welcome', 'welcome');
    const other = await TestClient.connect(trusting.wsUrl, {
      headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.10' },
    });
    const row = (await trusting.backend.readAudit({ action: 'connect', userId: 'proxied' }))[0]!;
    assert.equal(row.ip, '203.0.113.9');
    client.close();
    other.close();
    await trusting.close();
  });

  test('a client straight at a hub that trusts another proxy cannot pick its IP (audit, per-IP limit)', async () => {
    const hub = await startHub({ trustProxy: ['10.0.0.0/8'], connectionRate: { perSecond: 0.01, burst: 3 } });
    const client = await TestClient.connect(hub.wsUrl, { headers: { 'x-forwarded-for': '6.6.6.6' } });
    client.send({ type: 'auth', token: await signToken({ sub: 'direct' }) });
    await client.waitFor((m) => m.type === 'welcome', 'welcome');
    assert.equal((await hub.backend.readAudit({ action: 'connect', userId: 'direct' }))[0]!.ip, '127.0.0.1');
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        TestClient.connect(hub.wsUrl, { headers: { 'x-forwarded-for': `198.51.100.${i + 1}` } }).then(
          (c) => {
            c.close();
            return 101;
          },
          (err: Refusal) => err.status,
        ),
      ),
    );
    assert.equal(outcomes.filter((s) => s === 101).length, 2, 'the burst of 3, one spent above');
    assert.equal(outcomes.filter((s) => s === 429).length, 38);
    client.close();
    await hub.close();
  });

  test('an IPv6 proxy on ::1 is trusted by its address', async () => {
    const hub = await startHub({ host: '::1', trustProxy: ['::1'] });
    const client = await TestClient.connect(hub.wsUrl, { headers: { 'x-forwarded-for': '2001:db8::5' } });
    client.send({ type: 'auth', token: await signToken({ sub: 'v6' }) });
    await client.waitFor((m) => m.type === 'welcome', 'welcome');
    assert.equal((await hub.backend.readAudit({ action: 'connect', userId: 'v6' }))[0]!.ip, '2001:db8::5');
    client.close();
    await hub.close();
  });

  test('messages over the per-connection limit close with 4100 and a retry-after', async () => {
    const hub = await startHub({ messageRate: { perSecond: 0.5, burst: 5 } });
    const client = await TestClient.open(hub, await signToken({ sub: 'chatty' }));
    const bystander = await TestClient.open(hub, await signToken({ sub: 'quiet' }));
    for (let i = 0; i < 10; i++) client.send({ type: 'ping', t: i });
    const closed = await client.waitClosed();
    assert.equal(closed.code, CloseCode.RateLimited);
    assert.ok((retryHintMs(closed.reason) ?? 0) >= 1000, closed.reason);
    await hub.publish(note('still flowing'));
    await bystander.waitForEvent((e) => e.kind === 'notification', 'bystander keeps receiving');
    bystander.close();
    await hub.close();
  });
});

describe('hub frame limits', () => {
  let hub: Hub;
  before(async () => {
    hub = await startHub({ maxFrameKiB: 4 });
  });
  after(() => hub.close());

  let checks = 0;
  async function pairAndCheck(offend: (client: TestClient) => void, expectCode: number) {
    const offender = await TestClient.open(hub, await signToken({ sub: 'offender' }));
    const bystander = await TestClient.open(hub, await signToken({ sub: 'bystander' }));
    offend(offender);
    const closed = await offender.waitClosed();
    assert.equal(closed.code, expectCode);
    // A counter, not Math.random(): 16 random digits can pass for a card number and be masked.
    const title = `after ${expectCode} #${++checks}`;
    await hub.publish(note(title));
    await bystander.waitForEvent((e) => e.kind === 'notification' && e.title === title, 'bystander event');
    assert.equal(bystander.closedWith, null);
    bystander.close();
    return closed;
  }

  test('an oversized frame closes only that socket, with 1009', async () => {
    await pairAndCheck((c) => c.send({ type: 'ping', t: 1, pad: 'x'.repeat(5000) }), CloseCode.MessageTooBig);
  });

  test('a malformed frame closes only that socket, with 1008 and the parse error', async () => {
    const closed = await pairAndCheck((c) => c.ws.send('{"type":"markRead","ids":'), CloseCode.PolicyViolation);
    assert.equal(closed.reason, 'frame is not valid JSON');
  });

  test('an unknown message type closes with 1008 naming the field', async () => {
    const closed = await pairAndCheck((c) => c.send({ type: 'dropTables' }), CloseCode.PolicyViolation);
    assert.match(closed.reason, /^type: must be one of/);
  });

  test('a binary frame closes only that socket, with 1008', async () => {
    const closed = await pairAndCheck(
      (c) => c.ws.send(Buffer.from('{"type":"ping","t":1}')),
      CloseCode.PolicyViolation,
    );
    assert.match(closed.reason, /binary/);
  });

  test('close reasons are cut to 123 bytes on a character boundary', () => {
    const cut = truncateReason(`${'a'.repeat(122)}é and more`);
    assert.equal(cut, 'a'.repeat(122));
    assert.equal(truncateReason('short'), 'short');
    assert.ok(Buffer.byteLength(truncateReason('€'.repeat(100))) <= 123);
  });
});

describe('hub slow consumer and heartbeat', () => {
  test('a client that stops reading is closed with 4102 once its buffer is over the bound', async () => {
    const hub = await startHub({ maxBufferedBytes: 256 * 1024 });
    const slow = await TestClient.open(hub, await signToken({ sub: 'slow' }));
    const fast = await TestClient.open(hub, await signToken({ sub: 'fast' }));
    const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const padding = 'p'.repeat(1900);
    let batches = 0;
    // Publish until the hub drops the slow socket (bounded: 20 MiB of events at most).
    await waitUntil(
      async () => {
        if (hub.connections() < 2) return true;
        if (batches++ < 200)
          await hub.publish(Array.from({ length: 50 }, (_, i) => note(`bulk ${batches}-${i}`, { message: padding })));
        return false;
      },
      'the slow consumer to be dropped',
      15_000,
    );
    socket.resume();
    const closed = await slow.waitClosed('slow close', 10_000);
    assert.equal(closed.code, CloseCode.SlowConsumer);
    await hub.publish(note('fast still here'));
    await fast.waitForEvent((e) => e.kind === 'notification' && e.title === 'fast still here', 'fast', 10_000);
    fast.close();
    await hub.close();
  });

  test('a socket that does not answer protocol pings is dropped; one that does stays', async () => {
    const hub = await startHub({ heartbeatMs: 100 });
    const dead = await TestClient.connect(hub.wsUrl, { autoPong: false });
    const healthy = await TestClient.connect(hub.wsUrl);
    healthy.send({ type: 'auth', token: await signToken({ sub: 'alive' }) });
    dead.send({ type: 'auth', token: await signToken({ sub: 'dead' }) });
    const closed = await dead.waitClosed('heartbeat drop', 3000);
    assert.equal(closed.code, 1006, 'terminated without a close frame');
    assert.equal(healthy.closedWith, null);
    assert.equal(hub.connections(), 1);
    healthy.close();
    await hub.close();
  });
});

describe('hub upgrade policy helpers', () => {
  test('origins compare as scheme://host:port; * allows any; a missing origin follows allowMissing', () => {
    const check = createOriginCheck(['https://admin.example.com', 'http://localhost:5173/path'], false);
    assert.equal(check('https://admin.example.com'), true);
    assert.equal(check('https://ADMIN.example.com:443'), true);
    assert.equal(check('http://localhost:5173'), true);
    assert.equal(check('http://admin.example.com'), false, 'scheme matters');
    assert.equal(check('https://admin.example.com:8443'), false, 'port matters');
    assert.equal(check('null'), false);
    assert.equal(check(undefined), false);
    assert.equal(createOriginCheck([], true)(undefined), true);
    assert.equal(createOriginCheck(['*'], false)('https://anything.example'), true);
  });

  test('an Origin with userinfo is refused, even when its host is allowed or the list is *', () => {
    const check = createOriginCheck(['http://127.0.0.1:5555'], true);
    assert.equal(check('http://127.0.0.1:5555'), true);
    for (const origin of ['http://evil@127.0.0.1:5555', 'http://evil:pw@127.0.0.1:5555', 'http://:@127.0.0.1:5555']) {
      assert.equal(check(origin), false, origin);
      assert.equal(createOriginCheck(['*'], true)(origin), false, `${origin} with *`);
    }
  });

  test('X-Forwarded-For is read only from a trusted proxy, walked from the right past trusted hops', () => {
    const req = (remoteAddress: string, xff?: string) =>
      ({
        socket: { remoteAddress },
        headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
      }) as unknown as IncomingMessage;
    const behind = createClientIp(createProxyTrust(['10.0.0.0/8']));
    assert.equal(behind(req('::ffff:10.0.0.5', '6.6.6.6, 1.1.1.1')), '1.1.1.1', 'the hop the proxy saw');
    assert.equal(behind(req('::ffff:10.0.0.5', '6.6.6.6, 1.1.1.1, 10.0.0.9')), '1.1.1.1', 'a trusted hop skipped');
    assert.equal(behind(req('::ffff:10.0.0.5', '10.0.0.7')), '10.0.0.7', 'every hop trusted: the leftmost');
    assert.equal(behind(req('::ffff:10.0.0.5', '')), '10.0.0.5');
    assert.equal(behind(req('::ffff:10.0.0.5')), '10.0.0.5');
    assert.equal(behind(req('::ffff:10.0.0.5', 'not-an-ip, 10.0.0.9')), '10.0.0.9', 'garbage ends the walk');
    assert.equal(behind(req('10.0.0.5', '1.1.1.1:5678')), '1.1.1.1');
    assert.equal(behind(req('10.0.0.5', '[2001:DB8::1]:443')), '2001:db8::1');
    // A peer that is not a trusted proxy picks nothing with the header: its own address counts.
    assert.equal(behind(req('::ffff:127.0.0.1', '6.6.6.6')), '127.0.0.1');
    assert.equal(behind(req('192.168.1.2', '10.0.0.1')), '192.168.1.2');
    assert.equal(createClientIp(createProxyTrust([]))(req('::ffff:10.0.0.5', '1.1.1.1')), '10.0.0.5');
    // IPv6 proxies and CIDRs; an IPv4-mapped peer matches an IPv4 entry.
    const v6 = createClientIp(createProxyTrust(['::1', 'fd00::/8', '127.0.0.1']));
    assert.equal(v6(req('::1', '2001:db8::7, fd00::3')), '2001:db8::7');
    assert.equal(v6(req('::ffff:127.0.0.1', '203.0.113.4')), '203.0.113.4');
    assert.equal(v6(req('fe80::1', '203.0.113.4')), 'fe80::1');
  });

  test('trustProxy refuses the old boolean and hop-count forms and anything not an address or CIDR', () => {
    for (const bad of [true, 1, 2, '127.0.0.1']) {
      assert.throws(
        () => createProxyTrust(bad),
        (err: Error) => {
          assert.ok(err instanceof TrustProxyError);
          assert.match(err.message, /e\.g\. \["127\.0\.0\.1"\]/);
          return true;
        },
      );
    }
    for (const bad of [
      '10.0.0.0/33',
      'fd00::/129',
      'proxy.internal',
      '10.0.0.0/8/1',
      '10.0.0.0/x',
      '::ffff:10.0.0.0/104',
    ]) {
      assert.throws(
        () => createProxyTrust([bad]),
        new RegExp(`"${bad.replace(/[./:]/g, '\\$&')}" is not an IP address or CIDR`),
      );
    }
  });
});
