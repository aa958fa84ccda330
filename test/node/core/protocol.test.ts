import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type ClientMessage,
  CloseCode,
  closeAction,
  closeReason,
  encode,
  type HubMessage,
  isSafeLink,
  noUnread,
  parseClientMessage,
  parseHubMessage,
  retryHintMs,
  validateClientMessage,
  validateEventInput,
  validateHubMessage,
  validatePublishBody,
} from '../../../src/core/protocol.js';
import { parseIsoDate } from '../../../src/core/validate.js';

const at = '2026-11-25T10:00:00Z';
const unread = { total: 2, byCategory: { billing: 2 }, byPriority: { high: 2 } };
const notification = {
  kind: 'notification',
  id: 'n1',
  seq: 1,
  title: 'Payment failed',
  message: 'Card declined for ACME',
  category: 'billing',
  priority: 'high',
  link: 'https://admin.example.com/billing/1',
  createdAt: at,
  data: { invoice: 'inv_1' },
} as const;

const validClient: ClientMessage[] = [
  { type: 'auth', token: 'jwt', protocol: 1, resumeFrom: 42, categories: ['billing', 'calls'] },
  { type: 'ping', t: 1_700_000_000_000 },
  { type: 'subscribe', categories: ['security'], ref: 'r1' },
  { type: 'subscribe', categories: null },
  { type: 'markRead', ids: ['n1', 'n2'], ref: 'r2' },
  { type: 'seen', ids: ['n1'] },
  { type: 'seen', ids: ['n2'], ref: 'seen' },
  { type: 'markAllRead', filter: { category: 'billing', priority: 'critical' }, ref: 'r3' },
  { type: 'markAllRead' },
  { type: 'clear', ref: 'r4' },
  { type: 'history', beforeSeq: 100, limit: 50, ref: 'r5' },
  { type: 'refresh' },
];

const validHub: HubMessage[] = [
  {
    type: 'welcome',
    user: { id: 'u1', role: 'admin', name: 'Ada', email: 'ada@example.com' },
    stream: 's1',
    resumed: false,
    seq: 10,
    unread,
    heartbeatMs: 25_000,
    expiresAt: 1_800_000_000_000,
    reauth: true,
  },
  {
    type: 'snapshot',
    ref: 'r1',
    seq: 10,
    notifications: [{ ...notification, read: true }],
    hasMore: true,
    unread,
    activity: [{ kind: 'activity', id: 'a1', seq: 2, type: 'authentication', action: 'login', user: { id: 'u2' }, at }],
    status: { components: { database: { state: 'operational', latencyMs: 4 } }, at },
    agents: { active: 3, idle: 2, error: 0, at },
    metrics: { t: [1, 2], series: { activeCalls: [3, null] } },
  },
  { type: 'event', event: notification },
  {
    type: 'event',
    event: { kind: 'activity', id: 'a2', seq: 3, type: 'contacts', action: 'x', user: { id: 'u' }, at },
  },
  { type: 'event', event: { kind: 'metrics', id: 'm1', seq: 4, values: { errorRate: 0.01 }, at } },
  { type: 'event', event: { kind: 'status', id: 's1', seq: 5, components: { api: { state: 'degraded' } }, at } },
  { type: 'event', event: { kind: 'agents', id: 'g1', seq: 6, active: 1, idle: 0, error: 1, at } },
  {
    type: 'event',
    event: { kind: 'read', id: 'r1', seq: 7, ids: ['n1'], all: { throughSeq: 6, filter: { category: 'x' } }, unread },
  },
  { type: 'event', event: { kind: 'cleared', id: 'c1', seq: 8, throughSeq: 7, unread: noUnread() } },
  {
    type: 'events',
    events: [
      notification,
      { kind: 'metrics', id: 'm2', seq: 9, values: { activeUsers: 3 }, at },
      { kind: 'agents', id: 'g2', seq: 10, active: 1, idle: 0, error: 0, at },
    ],
  },
  { type: 'history', ref: 'r2', notifications: [{ ...notification, read: false }], hasMore: false },
  { type: 'pong', t: 5 },
  { type: 'ack', ref: 'r3' },
  { type: 'error', code: 'unknown-notification', message: 'No such notification', ref: 'r4' },
];

describe('protocol: every message in its valid form', () => {
  for (const message of validClient) {
    test(`client ${message.type} ${JSON.stringify(message).slice(0, 60)}`, () => {
      const parsed = parseClientMessage(encode(message));
      assert.deepEqual(parsed, { ok: true, value: message });
    });
  }
  for (const message of validHub) {
    const label = message.type === 'event' ? `event ${message.event.kind}` : message.type;
    test(`hub ${label}`, () => {
      const parsed = parseHubMessage(encode(message));
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
      assert.deepEqual(parsed.value, message);
    });
  }

  test('auth with categories null means every category, the same as omitting them', () => {
    const parsed = parseClientMessage(encode({ type: 'auth', token: 'jwt', categories: null }));
    assert.deepEqual(parsed, { ok: true, value: { type: 'auth', token: 'jwt' } });
  });

  test('a listed notification without `read` defaults to unread; unknown fields are dropped', () => {
    const parsed = validateHubMessage({
      type: 'history',
      notifications: [{ ...notification, extra: 1 }],
      hasMore: false,
    });
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value, {
      type: 'history',
      notifications: [{ ...notification, read: false }],
      hasMore: false,
    });
  });
});

/** Expects refusal with this exact `path: reason`. */
function refused(result: { ok: boolean; error?: string; path?: string }, error: string) {
  assert.equal(result.ok, false, `expected refusal: ${error}`);
  assert.equal(result.error, error);
  assert.equal(result.path, error.slice(0, error.indexOf(': ')));
}

describe('protocol: refusals name the path', () => {
  test('unknown type or kind', () => {
    refused(
      validateClientMessage({ type: 'shutdown' }),
      'type: must be one of auth, ping, subscribe, markRead, seen, markAllRead, clear, history, refresh, markUnread, archive, unarchive, unsnooze, delete, restore, snooze, getPreferences, setPreferences',
    );
    refused(
      validateHubMessage({ type: 'event', event: { kind: 'hack', seq: 1 } }),
      'event.kind: must be one of notification, activity, metrics, status, agents, read, cleared, inbox, preferences',
    );
    refused(
      validateEventInput({ kind: 'nope' }),
      'kind: must be one of notification, activity, metrics, status, agents',
    );
    refused(validateClientMessage({ token: 'x' }), 'type: is required');
  });

  test('wrong types', () => {
    refused(validateClientMessage({ type: 'ping', t: '1' }), 't: must be a finite number');
    refused(validateClientMessage({ type: 'markRead', ids: 'n1' }), 'ids: must be an array');
    refused(validateClientMessage({ type: 'history', beforeSeq: 1.5 }), 'beforeSeq: must be an integer');
    refused(
      validateClientMessage({ type: 'auth', token: 'x', categories: ['bad name'] }),
      'categories[0]: must match /^[A-Za-z0-9_.-]+$/',
    );
    refused(validateHubMessage({ ...validHub[0], resumed: 'no' }), 'resumed: must be true or false');
    refused(
      validateHubMessage({ type: 'event', event: { ...notification, seq: 'x' } }),
      'event.seq: must be a finite number',
    );
    refused(
      validateHubMessage({ type: 'event', event: { ...notification, priority: 'urgent' } }),
      'event.priority: must be one of low, medium, high, critical',
    );
    refused(
      validateHubMessage({ type: 'error', code: 'teapot', message: 'x' }),
      'code: must be one of invalid-message, unknown-notification, not-authenticated, rate-limited, internal',
    );
    refused(validateEventInput({ kind: 'agents', active: -1, idle: 0, error: 0 }), 'active: must be at least 0');
    refused(
      validateEventInput({ kind: 'notification', title: 'x', createdAt: 'yesterday' }),
      'createdAt: must be an ISO 8601 date-time such as 2026-11-25T10:00:00Z',
    );
  });

  test('missing fields', () => {
    refused(validateClientMessage({ type: 'auth' }), 'token: is required');
    refused(validateHubMessage({ type: 'ack' }), 'ref: is required');
    refused(
      validateHubMessage({ type: 'event', event: { kind: 'notification', id: 'x', seq: 6 } }),
      'event.title: is required',
    );
    refused(validateEventInput({ kind: 'activity', type: 'billing', action: 'paid' }), 'user: is required');
    refused(
      validateEventInput({ kind: 'activity', type: 'billing', action: 'paid', user: {} }),
      'user.id: is required',
    );
  });

  test('extra-deep or oversized data', () => {
    refused(
      validateEventInput({ kind: 'notification', title: 'x', data: { a: { b: { c: { d: { e: 1 } } } } } }),
      'data.a.b.c.d: must be nested at most 4 levels deep',
    );
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    refused(
      validateEventInput({ kind: 'notification', title: 'x', data: tooMany }),
      'data: must hold at most 50 values',
    );
    refused(
      validateEventInput({ kind: 'notification', title: 'x'.repeat(201) }),
      'title: must have at most 200 characters',
    );
  });

  test('javascript: and other non-http links are refused; isSafeLink agrees', () => {
    for (const link of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,x', '/relative', 'ftp://x']) {
      refused(
        validateEventInput({ kind: 'notification', title: 'x', link }),
        'link: must be an absolute http:// or https:// URL',
      );
      assert.equal(isSafeLink(link), false, link);
    }
    assert.equal(isSafeLink('https://example.com/a?b=1'), true);
    assert.equal(isSafeLink('http://localhost:8080'), true);
  });

  test('prototype keys are refused in records', () => {
    refused(
      validateEventInput(JSON.parse('{"kind":"metrics","values":{"__proto__":1}}')),
      'values.__proto__: is not an allowed name',
    );
  });

  test('metric history columns must match t', () => {
    const snapshot = { ...validHub[1], metrics: { t: [1, 2], series: { x: [1] } } };
    refused(validateHubMessage(snapshot), 'metrics.series.x: must have one value per t');
  });

  test('frames: binary, oversized and broken JSON are refused with a reason', () => {
    assert.deepEqual(parseHubMessage(new Uint8Array(4)), {
      ok: false,
      error: 'frame must be UTF-8 JSON text, not binary',
    });
    assert.deepEqual(parseClientMessage('x'.repeat(70_000)), { ok: false, error: 'frame exceeds 65536 bytes' });
    assert.deepEqual(parseHubMessage('{"type":'), { ok: false, error: 'frame is not valid JSON' });
    assert.equal(parseHubMessage('[]').ok, false);
  });
});

describe('protocol: publish bodies', () => {
  test('one event or a batch is accepted', () => {
    const one = validatePublishBody({ kind: 'agents', active: 1, idle: 2, error: 0 });
    assert.ok(one.ok);
    assert.equal(one.value.length, 1);
    const many = validatePublishBody([
      { kind: 'notification', title: 'Call failed', priority: 'critical', audience: { roles: ['admin'] } },
      { kind: 'metrics', values: { activeCalls: 12, systemLoad: 0.4 }, id: 'tick-1' },
      { kind: 'status', components: { elevenlabs: { state: 'degraded', latencyMs: 900 } } },
      { kind: 'activity', type: 'agents', action: 'deployed', user: { id: 'u1', email: 'a@b.c' } },
    ]);
    assert.ok(many.ok);
    assert.equal(many.value.length, 4);
  });

  test('errors in a batch name the index and the field', () => {
    refused(
      validatePublishBody([{ kind: 'notification', title: 'ok' }, { kind: 'notification' }]),
      '[1].title: is required',
    );
    refused(
      validatePublishBody([
        { kind: 'agents', active: 1, idle: 1, error: 0 },
        { kind: 'metrics', values: { activeCalls: 1 } },
        { kind: 'notification', title: 'x', link: 'javascript:alert(1)' },
      ]),
      '[2].link: must be an absolute http:// or https:// URL',
    );
    const r = validatePublishBody([]);
    assert.deepEqual(r, { ok: false, error: 'body: batch must hold at least one event' });
    const big = validatePublishBody(
      Array.from({ length: 501 }, () => ({ kind: 'agents', active: 0, idle: 0, error: 0 })),
    );
    assert.equal(big.ok ? '' : big.error, 'body: batch must hold at most 500 events');
  });
});

describe('protocol: publish timestamps are real instants', () => {
  /** One event of each kind with this timestamp in its time field. */
  const stamped = (time: string) => [
    { kind: 'notification', title: 'x', createdAt: time },
    { kind: 'activity', type: 'billing', action: 'paid', user: { id: 'u1' }, at: time },
    { kind: 'metrics', values: { activeCalls: 1 }, at: time },
    { kind: 'status', components: { api: { state: 'operational' } }, at: time },
    { kind: 'agents', active: 1, idle: 0, error: 0, at: time },
  ];

  test('impossible dates, times and offsets are refused in createdAt and every at', () => {
    const impossible: [string, string][] = [
      ['2026-02-31T00:00:00Z', 'has no day 31 in 2026-02 (28 days)'],
      ['2026-02-29T12:00:00Z', 'has no day 29 in 2026-02 (28 days)'],
      ['1900-02-29T12:00:00Z', 'has no day 29 in 1900-02 (28 days)'],
      ['2026-04-31T08:00:00+02:00', 'has no day 31 in 2026-04 (30 days)'],
      ['2026-11-00T08:00:00Z', 'has no day 00 in 2026-11 (30 days)'],
      ['2026-13-01T00:00:00Z', 'has no month 13'],
      ['2026-00-10T00:00:00Z', 'has no month 00'],
      ['2026-11-25T24:00:00Z', 'has no time 24:00:00 (hours 00-23, minutes and seconds 00-59)'],
      ['2026-11-25T24:00Z', 'has no time 24:00 (hours 00-23, minutes and seconds 00-59)'],
      ['2026-11-25T10:60:00Z', 'has no time 10:60:00 (hours 00-23, minutes and seconds 00-59)'],
      ['2026-12-31T23:59:60Z', 'has no time 23:59:60 (hours 00-23, minutes and seconds 00-59)'],
      ['2026-11-25T10:00:00+19:00', 'has no offset +19:00 (from -18:00 to +18:00)'],
      ['2026-11-25T10:00:00+14:60', 'has no offset +14:60 (from -18:00 to +18:00)'],
      ['2026-11-25T10:00:00-1830', 'has no offset -1830 (from -18:00 to +18:00)'],
      ['2026-11-25T10:00:00', 'needs Z or an offset such as +01:00 (without one the time is ambiguous)'],
      ['2026-11-25T10:00:00+1', 'must be an ISO 8601 date-time such as 2026-11-25T10:00:00Z'],
      ['2026-11-25 10:00:00Z', 'must be an ISO 8601 date-time such as 2026-11-25T10:00:00Z'],
      ['2026-11-25T10:00:00.1234567890Z', 'must be an ISO 8601 date-time such as 2026-11-25T10:00:00Z'],
      ['Wed, 25 Nov 2026 10:00:00 GMT', 'must be an ISO 8601 date-time such as 2026-11-25T10:00:00Z'],
    ];
    for (const [time, reason] of impossible) {
      const [notification, ...others] = stamped(time);
      refused(validateEventInput(notification), `createdAt: ${reason}`);
      for (const event of others) refused(validateEventInput(event), `at: ${reason}`);
      refused(validatePublishBody([stamped('2026-11-25T10:00:00Z')[1], notification]), `[1].createdAt: ${reason}`);
    }
  });

  test('real instants are accepted, leap days and offsets read exactly', () => {
    const instants: [string, string][] = [
      ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
      ['2000-02-29T23:59:59Z', '2000-02-29T23:59:59.000Z'],
      ['2026-11-25T10:00Z', '2026-11-25T10:00:00.000Z'],
      ['2026-11-25T11:00:00+01:00', '2026-11-25T10:00:00.000Z'],
      ['2026-11-25T11:00:00+0100', '2026-11-25T10:00:00.000Z'],
      ['2026-11-25T15:30:00.5+05:30', '2026-11-25T10:00:00.500Z'],
      ['2026-11-25T00:00:00-10:00', '2026-11-25T10:00:00.000Z'],
      ['2026-11-25T10:00:00-00:00', '2026-11-25T10:00:00.000Z'],
      ['2026-11-25t10:00:00.123456789z', '2026-11-25T10:00:00.123Z'],
      ['2026-12-31T23:59:59+18:00', '2026-12-31T05:59:59.000Z'],
      ['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000Z'],
    ];
    for (const [time, utc] of instants) {
      for (const event of stamped(time)) assert.ok(validateEventInput(event).ok, `${time} in ${event.kind}`);
      assert.equal(new Date(parseIsoDate(time) as number).toISOString(), utc, time);
    }
  });

  test('the client applies the same rule to what a hub sends', () => {
    refused(
      validateHubMessage({ type: 'event', event: { ...notification, createdAt: '2026-02-31T00:00:00Z' } }),
      'event.createdAt: has no day 31 in 2026-02 (28 days)',
    );
  });
});

describe('protocol: one rule for the names a publisher chooses', () => {
  test('reserved names are refused as data keys at any depth, metric, component, category, type and role', () => {
    const base = { kind: 'notification', title: 'x' };
    const cases: [unknown, string][] = [
      [JSON.parse('{"kind":"notification","title":"x","data":{"__proto__":{"admin":true}}}'), 'data.__proto__'],
      [{ ...base, data: { constructor: 'x' } }, 'data.constructor'],
      [{ ...base, data: { ok: { list: [{ prototype: 1 }] } } }, 'data.ok.list[0].prototype'],
      [{ ...base, data: { toString: 'x' } }, 'data.toString'],
      [{ ...base, category: 'constructor' }, 'category'],
      [{ ...base, audience: { roles: ['admin', 'hasOwnProperty'] } }, 'audience.roles[1]'],
      [{ kind: 'activity', type: '__proto__', action: 'a', user: { id: 'u' } }, 'type'],
      [{ kind: 'metrics', values: { valueOf: 1 } }, 'values.valueOf'],
      [JSON.parse('{"kind":"metrics","values":{"__proto__":1}}'), 'values.__proto__'],
      [{ kind: 'status', components: { constructor: { state: 'down' } } }, 'components.constructor'],
    ];
    for (const [event, path] of cases) {
      refused(validateEventInput(event), `${path}: is not an allowed name`);
      refused(validatePublishBody([event]), `[0].${path}: is not an allowed name`);
    }
    // Ordinary names that merely contain a reserved word are fine.
    assert.ok(validateEventInput({ ...base, category: 'constructors', data: { proto: 1, __proto: 2 } }).ok);
  });

  test('a link with a user name or password is refused', () => {
    refused(
      validateEventInput({ kind: 'notification', title: 'x', link: 'https://admin:hunter2@example.com/x' }),
      'link: must not carry a user name or password',
    );
    refused(
      validateEventInput({ kind: 'notification', title: 'x', link: 'https://token@example.com/x' }),
      'link: must not carry a user name or password',
    );
  });
});

describe('protocol: close codes', () => {
  test('closeAction by range, including codes it does not know', () => {
    const cases: [number, string][] = [
      [CloseCode.TokenExpired, 'refresh-token'],
      [CloseCode.Forbidden, 'stop'],
      [CloseCode.InvalidToken, 'stop'],
      [4000, 'stop'],
      [4099, 'stop'],
      [CloseCode.RateLimited, 'backoff'],
      [4150, 'backoff'],
      [4199, 'backoff'],
      [CloseCode.HubRestarting, 'reconnect-now'],
      [4299, 'reconnect-now'],
      [CloseCode.GoingAway, 'reconnect-now'],
      [4300, 'backoff'],
      [1006, 'backoff'],
      [CloseCode.PolicyViolation, 'backoff'],
      [CloseCode.MessageTooBig, 'backoff'],
    ];
    for (const [code, action] of cases) assert.equal(closeAction(code), action, String(code));
  });

  test('the retry hint round-trips through the close reason', () => {
    assert.equal(closeReason('rate-limited', 4.2), 'rate-limited; retry-after=5');
    assert.equal(retryHintMs(closeReason('overloaded', 30)), 30_000);
    assert.equal(retryHintMs('hub-restarting'), undefined);
    assert.equal(closeReason('hub-restarting'), 'hub-restarting');
  });

  test('the spread hint round-trips through the close reason, in tenths of a second', () => {
    const spread = (seconds: number) => closeReason('hub shutting down', seconds, 'retry-within');
    assert.equal(spread(2), 'hub shutting down; retry-within=2');
    assert.equal(spread(0.25), 'hub shutting down; retry-within=0.3');
    assert.equal(retryHintMs(spread(2.04), 'retry-within'), 2100);
    assert.equal(retryHintMs('hub-restarting', 'retry-within'), undefined);
    assert.equal(retryHintMs(spread(5)), undefined, 'a spread is not a floor');
    assert.equal(retryHintMs(closeReason('x', 5), 'retry-within'), undefined, 'a floor is not a spread');
  });
});
