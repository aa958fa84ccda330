import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { importJWK, jwtVerify } from 'jose';
import webpush from 'web-push';
import type { RealtimeNotification } from '../../../src/core/protocol.js';
import { parseCliArgs } from '../../../src/hub/config.js';
import type { Hub } from '../../../src/hub/hub.js';
import type { Logger } from '../../../src/hub/log.js';
import { isInternalAddress } from '../../../src/hub/push/address-guard.js';
import {
  createPushChannel,
  PUSH_DELIVERY,
  PUSH_TEXT_LIMITS,
  pushPayload,
  pushTopic,
} from '../../../src/hub/push/channel.js';
import { PUSH_BODY_LIMITS } from '../../../src/hub/push/endpoints.js';
import { VapidConfigError, type VapidOptions } from '../../../src/hub/push/vapid.js';
import { closeAllHubs, signToken, startHub } from '../../support/hub-harness.js';
import { type PushService, startPushService } from '../../support/push-service.js';
import { decryptWebPush, generateSubscriptionKeys } from '../../support/web-push-decrypt.js';

const ORIGIN = 'https://admin.example';
const generated = webpush.generateVAPIDKeys();
const VAPID: VapidOptions = { ...generated, subject: 'mailto:ops@admin.example' };
const LINKS = {
  notification: `${ORIGIN}/panel#notification=n-1`,
  preferences: `${ORIGIN}/panel#notification-preferences`,
};

after(closeAllHubs);

function note(extra: Partial<RealtimeNotification> = {}): RealtimeNotification {
  return {
    kind: 'notification',
    id: 'n-1',
    seq: 1,
    title: 'Payments provider down',
    message: 'Card charges failing for ***@***.com',
    category: 'billing',
    priority: 'critical',
    createdAt: new Date().toISOString(),
    ...extra,
  };
}

async function call(
  hub: Hub,
  path: string,
  init: { method?: string; token?: string; origin?: string; body?: unknown } = {},
) {
  const headers: Record<string, string> = { origin: init.origin ?? ORIGIN };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${hub.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const subscriptionFor = (endpoint: string, keys = generateSubscriptionKeys().keys) => ({
  endpoint,
  expirationTime: null,
  keys,
});

describe('Web Push configuration', () => {
  const base = ['--jwt-secret', 'x'.repeat(32), '--publish-key', 'k'];
  test('the three VAPID flags (or their variables) give the hub its push options', () => {
    const config = parseCliArgs([...base, '--vapid-public-key', VAPID.publicKey, '--vapid-subject', VAPID.subject], {
      ADMIN_REALTIME_VAPID_PRIVATE_KEY: VAPID.privateKey,
    });
    assert.equal(config.kind, 'ok');
    assert.deepEqual(config.kind === 'ok' && config.options.push, { vapid: VAPID });
    const none = parseCliArgs(base, {});
    assert.equal(none.kind === 'ok' && none.options.push, undefined);
  });

  test('all three or none; subject mailto: or https:; keys of the right size and of one pair', () => {
    const other = webpush.generateVAPIDKeys();
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { 'vapid-public-key': VAPID.publicKey },
        /all three VAPID settings: --vapid-private-key \(ADMIN_REALTIME_VAPID_PRIVATE_KEY\) and --vapid-subject/,
      ],
      [{ ...flags(VAPID), 'vapid-subject': 'ops@admin.example' }, /--vapid-subject .*mailto: address or an https: URL/],
      [
        { ...flags(VAPID), 'vapid-subject': 'http://admin.example/contact' },
        /--vapid-subject .*push services refuse http:/,
      ],
      [{ ...flags(VAPID), 'vapid-public-key': VAPID.publicKey.slice(0, 40) }, /--vapid-public-key .*65 bytes/],
      [{ ...flags(VAPID), 'vapid-private-key': `${VAPID.privateKey}AA` }, /--vapid-private-key .*32 bytes/],
      [
        { ...flags(VAPID), 'vapid-public-key': other.publicKey },
        /--vapid-public-key .*does not belong to the private key/,
      ],
    ];
    for (const [given, message] of cases) {
      // `--flag=value`: a base64url key may start with '-', which parseArgs reads as an option after a space.
      const args = Object.entries(given).map(([name, value]) => `--${name}=${value}`);
      const config = parseCliArgs([...base, ...args], {});
      assert.equal(config.kind, 'error', JSON.stringify(given));
      assert.match(config.kind === 'error' ? config.message : '', message);
    }
  });

  test('createHub refuses unusable VAPID settings before it starts', async () => {
    await assert.rejects(startHub({ push: { vapid: { ...VAPID, subject: 'ftp://x.example' } } }), VapidConfigError);
  });
});

function flags(v: VapidOptions): Record<string, string> {
  return { 'vapid-public-key': v.publicKey, 'vapid-private-key': v.privateKey, 'vapid-subject': v.subject };
}

describe('Web Push payload', () => {
  test('title and body are cut to their lengths, and to 3 KiB of JSON however many bytes a character takes', () => {
    const long = pushPayload(note({ title: 'T'.repeat(500), message: 'm'.repeat(5000) }), LINKS.notification);
    assert.deepEqual([long.title.length, long.body.length], [200, 1000]);
    assert.ok(long.title.endsWith('…') && long.body.endsWith('…'));
    const wide = pushPayload(note({ title: '😀'.repeat(150), message: '€'.repeat(1000) }), LINKS.notification);
    const bytes = Buffer.byteLength(JSON.stringify(wide));
    assert.ok(bytes <= PUSH_TEXT_LIMITS.payloadBytes, `${bytes} bytes`);
    assert.ok(wide.body.length > 500, 'only what is over is cut');
    // No lone surrogate: the cut never splits an emoji.
    assert.doesNotMatch(wide.title, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    const short = pushPayload(note({ title: 'Short', message: 'Body' }), null);
    assert.deepEqual([short.title, short.body], ['Short', 'Body']);
  });
});

describe('Web Push registration endpoints', () => {
  let hub: Hub;
  let alice: string;
  let bob: string;
  before(async () => {
    hub = await startHub({ allowedOrigins: [ORIGIN], push: { vapid: VAPID } });
    alice = await signToken({ sub: 'alice' });
    bob = await signToken({ sub: 'bob' });
  });

  test('GET /v1/push/key answers the VAPID public key to an allowed origin, with CORS', async () => {
    const res = await call(hub, '/v1/push/key');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { publicKey: VAPID.publicKey });
    assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
    const preflight = await fetch(`${hub.url}/v1/push/subscriptions`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'POST, DELETE');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
  });

  test('POST registers the browser for the admin of the token; DELETE removes only their own', async () => {
    const endpoint = 'https://push.example.net/send/abc123';
    const sub = subscriptionFor(endpoint);
    const added = await call(hub, '/v1/push/subscriptions', { method: 'POST', token: alice, body: sub });
    assert.equal(added.status, 201);
    const stored = await hub.backend.pushSubscriptions('alice');
    assert.deepEqual(
      stored.map((s) => [s.endpoint, s.keys]),
      [[endpoint, sub.keys]],
    );
    assert.match(stored[0]!.userAgent ?? '', /node|undici/i);
    const byBob = await call(hub, '/v1/push/subscriptions', { method: 'DELETE', token: bob, body: { endpoint } });
    assert.deepEqual([byBob.status, byBob.body], [200, { removed: false }]);
    assert.equal((await hub.backend.pushSubscriptions('alice')).length, 1);
    const byAlice = await call(hub, '/v1/push/subscriptions', { method: 'DELETE', token: alice, body: { endpoint } });
    assert.deepEqual([byAlice.status, byAlice.body], [200, { removed: true }]);
    assert.deepEqual(await hub.backend.pushSubscriptions('alice'), []);
    // Both land in the audit trail, the endpoint (a capability URL) by its origin only; Bob's
    // removal of nothing does not.
    const rows = await hub.backend.readAudit({ userId: 'alice' });
    const push = rows.filter((r) => r.action.startsWith('push-'));
    assert.deepEqual(push.map((r) => [r.action, r.detail]).reverse(), [
      ['push-subscribe', { endpoint: 'https://push.example.net/…' }],
      ['push-unsubscribe', { endpoint: 'https://push.example.net/…' }],
    ]);
    assert.equal(
      (await hub.backend.readAudit({ userId: 'bob' })).filter((r) => r.action.startsWith('push-')).length,
      0,
    );
  });

  test('a bad body answers 400 naming the field, and nothing is stored', async () => {
    const good = subscriptionFor('https://push.example.net/send/bad-body');
    const cases: Array<[unknown, RegExp]> = [
      ['{"endpoint":', /^body: is not valid JSON/],
      [[good], /^body: must be a PushSubscription/],
      [{ ...good, endpoint: 'http://push.example.net/send/x' }, /^endpoint: must be an https: URL/],
      [{ ...good, endpoint: 'not a url' }, /^endpoint: is not a URL/],
      [
        { ...good, endpoint: `https://push.example.net/${'x'.repeat(PUSH_BODY_LIMITS.endpointChars)}` },
        /^endpoint: must be at most 2048/,
      ],
      [{ ...good, endpoint: 'https://10.0.0.5/send/x' }, /^endpoint: must name a push service host/],
      [{ ...good, endpoint: 'https://user:pw@push.example.net/x' }, /^endpoint: must not carry credentials/],
      [{ endpoint: good.endpoint }, /^keys: must be an object/],
      [{ ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(0, 40) } }, /^keys\.p256dh: .*65 bytes/],
      [{ ...good, keys: { ...good.keys, p256dh: `A${good.keys.p256dh.slice(1)}` } }, /^keys\.p256dh: /],
      [{ ...good, keys: { ...good.keys, auth: Buffer.alloc(32).toString('base64url') } }, /^keys\.auth: .*16-byte/],
      [{ ...good, keys: { ...good.keys, auth: 'not base64!' } }, /^keys\.auth: /],
    ];
    for (const [body, message] of cases) {
      const res = await call(hub, '/v1/push/subscriptions', { method: 'POST', token: alice, body });
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.match(String(res.body.error), message);
    }
    const big = await call(hub, '/v1/push/subscriptions', {
      method: 'POST',
      token: alice,
      body: { ...good, padding: 'x'.repeat(PUSH_BODY_LIMITS.bodyBytes) },
    });
    assert.equal(big.status, 413);
    assert.deepEqual(await hub.backend.pushSubscriptions('alice'), []);
  });

  test('no token, a bad token, a foreign origin, a wrong method are refused', async () => {
    const body = subscriptionFor('https://push.example.net/send/refused');
    const none = await call(hub, '/v1/push/subscriptions', { method: 'POST', body });
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    const forged = await signToken({ sub: 'alice', secret: 'another-secret-that-is-long-enough-0123456789' });
    const bad = await call(hub, '/v1/push/subscriptions', { method: 'POST', token: forged, body });
    assert.equal(bad.status, 401);
    assert.match(String(bad.body.error), /token not accepted/);
    const expired = await call(hub, '/v1/push/subscriptions', {
      method: 'DELETE',
      token: await signToken({ sub: 'alice', ttl: -120 }),
      body: { endpoint: body.endpoint },
    });
    assert.equal(expired.status, 401);
    const foreign = await call(hub, '/v1/push/subscriptions', {
      method: 'POST',
      token: alice,
      body,
      origin: 'https://evil.example',
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const keyForeign = await call(hub, '/v1/push/key', { origin: 'https://evil.example' });
    assert.equal(keyForeign.status, 403);
    const put = await call(hub, '/v1/push/subscriptions', { method: 'PUT', token: alice, body });
    assert.equal(put.status, 405);
    assert.deepEqual(await hub.backend.pushSubscriptions('alice'), []);
  });

  test('a hub without VAPID settings does not serve the push paths', async () => {
    const plain = await startHub({ allowedOrigins: [ORIGIN] });
    assert.equal((await call(plain, '/v1/push/key')).status, 404);
  });
});

describe('Web Push channel against a local HTTPS push service', () => {
  let hub: Hub;
  let service: PushService;
  let token: string;
  before(async () => {
    service = await startPushService();
    hub = await startHub({ allowedOrigins: [ORIGIN], push: { vapid: VAPID, allowIpEndpoints: true } });
    token = await signToken({ sub: 'carol' });
  });
  after(() => service.close());

  /** Registers a fresh browser for carol through the real endpoint; returns its keys and endpoint. */
  const register = async (path: string) => {
    const keys = generateSubscriptionKeys();
    const endpoint = `${service.origin}${path}`;
    const res = await call(hub, '/v1/push/subscriptions', {
      method: 'POST',
      token,
      body: subscriptionFor(endpoint, keys.keys),
    });
    assert.equal(res.status, 201);
    return { keys, endpoint };
  };
  const channel = () => createPushChannel({ backend: hub.backend, vapid: VAPID, agent: service.agent });
  const target = { userId: 'carol', role: 'admin' };

  test('the push service receives an aes128gcm request the browser can decrypt, with Urgency, TTL, Topic and a VAPID JWT', async () => {
    const { keys, endpoint } = await register('/send/carol-laptop');
    await channel().send(target, note({ group: 'payments-outage' }), LINKS);
    const request = await service.next();
    assert.equal(request.path, '/send/carol-laptop');
    assert.equal(request.headers['content-encoding'], 'aes128gcm');
    assert.deepEqual(JSON.parse(decryptWebPush(request.body, keys)), {
      title: 'Payments provider down',
      body: 'Card charges failing for ***@***.com',
      url: LINKS.notification,
      tag: 'payments-outage',
      priority: 'critical',
      id: 'n-1',
    });
    assert.equal(request.headers.urgency, 'high');
    assert.equal(request.headers.ttl, String(PUSH_DELIVERY.critical.ttlSeconds));
    const topic = String(request.headers.topic);
    assert.equal(topic, pushTopic('payments-outage'));
    assert.match(topic, /^[A-Za-z0-9_-]{1,32}$/);

    // RFC 8292: `vapid t=<JWT>, k=<public key>`, the JWT signed ES256 by the hub's key for this origin.
    const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(String(request.headers.authorization));
    assert.ok(m, String(request.headers.authorization));
    assert.equal(m[2], VAPID.publicKey);
    const raw = Buffer.from(VAPID.publicKey, 'base64url');
    const key = await importJWK(
      {
        kty: 'EC',
        crv: 'P-256',
        x: raw.subarray(1, 33).toString('base64url'),
        y: raw.subarray(33).toString('base64url'),
      },
      'ES256',
    );
    const { payload, protectedHeader } = await jwtVerify(m[1]!, key, { audience: new URL(endpoint).origin });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.sub, VAPID.subject);
    assert.ok(payload.exp! * 1000 > Date.now() && payload.exp! * 1000 <= Date.now() + 24 * 3600 * 1000);
    await hub.backend.dropPushSubscription(endpoint);
  });

  test('lower priorities ask for less urgency and keep longer; a notification without a group takes its id as topic', async () => {
    const { keys, endpoint } = await register('/send/carol-phone');
    await channel().send(target, note({ id: 'n-low', priority: 'low', message: undefined }), {
      notification: null,
      preferences: null,
    });
    const request = await service.next();
    assert.equal(request.headers.urgency, 'low');
    assert.equal(request.headers.ttl, String(PUSH_DELIVERY.low.ttlSeconds));
    assert.equal(request.headers.topic, pushTopic('n-low'));
    const payload = JSON.parse(decryptWebPush(request.body, keys));
    assert.deepEqual([payload.body, payload.url, payload.tag], ['', null, 'n-low']);
    await hub.backend.dropPushSubscription(endpoint);
  });

  for (const status of [404, 410]) {
    test(`a push service answering ${status} drops that subscription; the others stay`, async () => {
      const dead = await register(`/send/gone-${status}`);
      const alive = await register(`/send/alive-${status}`);
      service.answer(`/send/gone-${status}`, status);
      await channel().send(target, note(), LINKS);
      const paths = [(await service.next()).path, (await service.next()).path].sort();
      assert.deepEqual(paths, [`/send/alive-${status}`, `/send/gone-${status}`]);
      const left = (await hub.backend.pushSubscriptions('carol')).map((s) => s.endpoint);
      assert.deepEqual(left, [alive.endpoint]);
      assert.notEqual(dead.endpoint, alive.endpoint);
      await hub.backend.dropPushSubscription(alive.endpoint);
    });
  }

  test('any other failure rejects (the engine retries) and keeps the subscription', async () => {
    const { endpoint } = await register('/send/flaky');
    service.answer('/send/flaky', 500);
    const lines: string[] = [];
    const record = (msg: string, fields?: Record<string, unknown>) => lines.push(JSON.stringify({ msg, ...fields }));
    const log: Logger = { debug: record, info: record, warn: record, error: record, always: record, level: 'debug' };
    const flaky = createPushChannel({ backend: hub.backend, vapid: VAPID, agent: service.agent, log });
    await assert.rejects(flaky.send(target, note(), LINKS), (err: unknown) => {
      assert.ok(err instanceof AggregateError);
      assert.match(err.message, /1 of 1 browsers not reached/);
      // The endpoint is a capability: the message carries the user, never the URL.
      assert.doesNotMatch(err.message, /flaky/);
      return true;
    });
    assert.equal((await service.next()).path, '/send/flaky');
    assert.match(lines.join('\n'), /push not delivered.*"status":500/);
    assert.ok(lines.join('\n').includes(service.origin), 'the log names the push service');
    assert.doesNotMatch(lines.join('\n'), /\/send\/flaky/);
    assert.deepEqual(
      (await hub.backend.pushSubscriptions('carol')).map((s) => s.endpoint),
      [endpoint],
    );
    await hub.backend.dropPushSubscription(endpoint);
  });

  test('an admin without a registered browser is a success with nothing sent', async () => {
    const before = service.requests.length;
    await channel().send({ userId: 'dave', role: 'admin' }, note(), LINKS);
    assert.equal(service.requests.length, before);
  });
});

describe('Web Push: no requests into the hub’s own network', () => {
  test('loopback, private, link-local, CGNAT, multicast and IPv4-mapped addresses are internal; public ones are not', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0'])
      assert.equal(isInternalAddress(ip), true, ip);
    for (const ip of ['::1', '::', 'fd00::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1'])
      assert.equal(isInternalAddress(ip), true, ip);
    for (const ip of ['142.250.74.138', '8.8.8.8', '2a00:1450:4001:80b::200a', '::ffff:8.8.8.8'])
      assert.equal(isInternalAddress(ip), false, ip);
  });

  test('the default agent refuses a host that resolves to an internal address; the subscription is kept', async () => {
    const service = await startPushService();
    try {
      const hub = await startHub({ allowedOrigins: [ORIGIN], push: { vapid: VAPID } });
      // Stored as a registration through a host name would be (the endpoint check refuses IP literals only).
      const endpoint = `https://localhost:${new URL(service.origin).port}/send/dave`;
      await hub.backend.addPushSubscription('dave', {
        endpoint,
        keys: generateSubscriptionKeys().keys,
        userAgent: null,
      });
      const channel = createPushChannel({ backend: hub.backend, vapid: VAPID });
      await assert.rejects(
        channel.send({ userId: 'dave', role: 'admin' }, note(), LINKS),
        (err: unknown) =>
          err instanceof AggregateError && /resolves to an internal address .*; refused/.test(String(err.errors[0])),
      );
      assert.equal(service.requests.length, 0);
      assert.equal((await hub.backend.pushSubscriptions('dave')).length, 1, 'not a 404/410: kept');
    } finally {
      await service.close();
    }
  });
});
