/**
 * Property-based fuzzing (fast-check, bounded runs) of everything that reads untrusted input:
 *
 * 1. the protocol's edge parsers never throw, and agree with each other (text vs value, round trip);
 * 2. the hub's inbound frames — random JSON, near-valid messages, deep nesting, huge strings,
 *    binary, invalid UTF-8 — close the offending socket with the precise code and reason the
 *    protocol predicts, while the hub stays up and a bystander keeps receiving;
 * 3. `POST /v1/events` bodies — random JSON, near-valid events, wrong content types, huge and
 *    deeply nested bodies — answer exactly 202/400/413 as the validator predicts, never 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type WebSocket from 'ws';
import {
  CloseCode,
  EVENT_KINDS,
  type EventInput,
  LIMITS,
  MIN_PROTOCOL_VERSION,
  PRIORITIES,
  PROTOCOL_VERSION,
  parseClientMessage,
  parseHubMessage,
  validateClientMessage,
  validateEventInput,
  validateHubMessage,
  validatePublishBody,
} from '../../../src/core/protocol.js';
import { metricNameRefusal, metricTimeRefusal, STORAGE_LIMITS } from '../../../src/hub/backend.js';
import type { Hub } from '../../../src/hub/hub.js';
import { createMasker } from '../../../src/hub/masking.js';
import { validatePublish } from '../../../src/hub/publish.js';
import { truncateReason } from '../../../src/hub/session.js';
import { DEFAULT_RETENTION } from '../../../src/hub/sqlite-backend.js';
import { closeAllHubs, note, signToken, startHub, TEST_PUBLISH_KEY, TestClient } from '../../support/hub-harness.js';

after(closeAllHubs);

const CLIENT_TYPES = [
  'auth',
  'ping',
  'subscribe',
  'markRead',
  'seen',
  'markAllRead',
  'clear',
  'history',
  'refresh',
] as const;
const HUB_TYPES = ['welcome', 'snapshot', 'event', 'events', 'history', 'pong', 'ack', 'error'] as const;
/** A value of any JSON-ish type, for field values that should sometimes be wrong. */
const anyValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
);

/** Near-valid client messages: a known type with fields that are sometimes right. */
const clientish = fc.record(
  {
    type: fc.constantFrom(...CLIENT_TYPES, 'dropTables', ''),
    token: fc.oneof(fc.string({ maxLength: 60 }), anyValue),
    t: fc.oneof(fc.integer(), anyValue),
    ids: fc.oneof(fc.array(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 5 }), anyValue),
    categories: fc.oneof(fc.constant(null), fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { maxLength: 4 }), anyValue),
    beforeSeq: fc.oneof(fc.nat(), anyValue),
    limit: fc.oneof(fc.integer({ min: 0, max: 200 }), anyValue),
    ref: fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), anyValue),
    protocol: fc.oneof(
      fc.constant(PROTOCOL_VERSION),
      fc.constant(MIN_PROTOCOL_VERSION),
      fc.integer({ min: -2, max: 3 }),
      anyValue,
    ),
    filter: fc.oneof(
      fc.record({ category: fc.string({ maxLength: 8 }), priority: fc.string({ maxLength: 8 }) }),
      anyValue,
    ),
  },
  { requiredKeys: ['type'] },
);

/**
 * The oracle's own reading of a refused client frame, independent of the parser: a JSON object
 * whose `type` names a request (a known type other than auth) is a readable request, answered with
 * `error` in session; its ref is echoed when it is a string of 1–64 characters. Anything else is
 * unreadable and closes the socket.
 */
function requestOf(value: unknown): { type: string; ref?: string } | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { type, ref } = value as Record<string, unknown>;
  if (typeof type !== 'string' || type === 'auth' || !(CLIENT_TYPES as readonly string[]).includes(type)) return null;
  return typeof ref === 'string' && ref.length >= 1 && ref.length <= 64 ? { type, ref } : { type };
}

/** Mostly the valid arbitrary, sometimes any value of the wrong kind. */
const maybe = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid as fc.Arbitrary<unknown>, weight: 12 }, { arbitrary: anyValue, weight: 1 });
const iso = fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString());
const shortName = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,10}$/);
const common = { id: maybe(fc.stringMatching(/^[a-z0-9-]{1,20}$/)), at: maybe(iso) };

/** Near-valid publish events of every kind (mostly valid fields), including hostile links. */
const eventish = fc.oneof(
  fc.record(
    {
      kind: fc.constant('notification'),
      ...common,
      title: fc.oneof(
        { arbitrary: fc.string({ minLength: 1, maxLength: 50 }), weight: 12 },
        { arbitrary: fc.constantFrom('', 'x'.repeat(201)), weight: 1 },
      ),
      message: maybe(fc.string({ maxLength: 50 })),
      category: fc.oneof(maybe(fc.constantFrom('system', 'billing', 'calls')), fc.constant('bad category')),
      priority: fc.oneof(maybe(fc.constantFrom(...PRIORITIES)), fc.constant('urgent')),
      link: fc.oneof(
        { arbitrary: fc.webUrl(), weight: 6 },
        {
          arbitrary: fc.constantFrom(
            'javascript:alert(1)',
            ' JaVaScRiPt:alert(1)',
            'java\tscript:alert(1)',
            'data:text/html,x',
            '//evil.example',
            '/rel',
          ),
          weight: 3,
        },
        { arbitrary: anyValue, weight: 1 },
      ),
      createdAt: maybe(iso),
      data: maybe(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 5 }), { maxKeys: 4 })),
      audience: maybe(fc.record({ userIds: fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 3 }) })),
    },
    { requiredKeys: ['kind'] },
  ),
  fc.record(
    {
      kind: fc.constant('activity'),
      ...common,
      type: fc.oneof(
        maybe(fc.constantFrom('authentication', 'agents', 'billing', 'contacts')),
        fc.constant('bad type'),
      ),
      action: maybe(fc.string({ minLength: 1, maxLength: 30 })),
      user: maybe(fc.record({ id: fc.string({ minLength: 1, maxLength: 10 }), name: fc.string({ maxLength: 10 }) })),
      detail: maybe(fc.string({ maxLength: 50 })),
    },
    { requiredKeys: ['kind', 'type', 'action', 'user'] },
  ),
  fc.record(
    {
      kind: fc.constant('metrics'),
      ...common,
      values: maybe(fc.dictionary(shortName, fc.double({ min: -1e16, max: 1e16, noNaN: true }), { maxKeys: 4 })),
    },
    { requiredKeys: ['kind', 'values'] },
  ),
  fc.record(
    {
      kind: fc.constant('status'),
      ...common,
      components: maybe(
        fc.dictionary(
          shortName,
          fc.record(
            { state: fc.constantFrom('operational', 'degraded', 'down', 'on fire'), latencyMs: fc.nat(5000) },
            { requiredKeys: ['state'] },
          ),
          { maxKeys: 3 },
        ),
      ),
    },
    { requiredKeys: ['kind', 'components'] },
  ),
  fc.record(
    {
      kind: fc.constant('agents'),
      ...common,
      active: maybe(fc.nat(100)),
      idle: maybe(fc.nat(100)),
      error: maybe(fc.nat(100)),
    },
    { requiredKeys: ['kind', 'active', 'idle', 'error'] },
  ),
  fc.record({ kind: fc.constantFrom(...EVENT_KINDS, 'notifications', 'read'), title: anyValue }, { requiredKeys: [] }),
);

const nested = (depth: number, leaf = '0') => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;

describe('protocol parsers (fast-check)', () => {
  const inputs = fc.oneof(fc.anything(), fc.jsonValue(), clientish, eventish);
  const texts = fc.oneof(
    fc.string(),
    fc.json(),
    clientish.map((m) => JSON.stringify(m)),
  );

  test('never throw on any value or text', () => {
    fc.assert(
      fc.property(inputs, texts, (value, text) => {
        for (const parse of [parseClientMessage, parseHubMessage]) {
          for (const frame of [value, text]) {
            const r = parse(frame);
            assert.equal(typeof r.ok, 'boolean');
            if (!r.ok) assert.equal(typeof r.error, 'string');
          }
        }
        for (const validate of [validateClientMessage, validateHubMessage, validateEventInput, validatePublishBody]) {
          const r = validate(value);
          if (!r.ok) assert.ok(r.error.length > 0);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('text and value paths agree; an accepted message survives its own round trip', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), clientish), (value) => {
        const text = JSON.stringify(value);
        const fromText = parseClientMessage(text, 1 << 20);
        const fromValue = validateClientMessage(JSON.parse(text));
        assert.equal(fromText.ok, fromValue.ok);
        if (!fromText.ok || !fromValue.ok) {
          assert.equal(fromText.ok ? '' : fromText.error, fromValue.ok ? '' : fromValue.error);
          assert.deepEqual(fromText.ok ? null : fromText.request, fromValue.ok ? null : fromValue.request);
          assert.deepEqual(fromText.ok ? null : (fromText.request ?? null), requestOf(value));
          return;
        }
        assert.deepEqual(fromText.value, fromValue.value);
        const again = parseClientMessage(JSON.stringify(fromText.value), 1 << 20);
        assert.ok(again.ok, 'a normalised message is accepted again');
        assert.deepEqual(again.ok && again.value, fromText.value);
      }),
      { numRuns: 400 },
    );
  });

  test('publish bodies: one event and a batch of one agree; accepted events round-trip', () => {
    fc.assert(
      fc.property(eventish, (event) => {
        const single = validatePublishBody(event);
        const batch = validatePublishBody([event]);
        const alone = validateEventInput(event);
        assert.equal(single.ok, alone.ok);
        assert.equal(batch.ok, alone.ok);
        if (!single.ok || !batch.ok) {
          assert.equal(batch.ok ? '' : batch.error, `[0].${single.ok ? '' : single.error}`);
          return;
        }
        assert.deepEqual(batch.value, single.value);
        assert.ok(validatePublishBody(JSON.parse(JSON.stringify(single.value[0]))).ok);
        // Validation is the only gate for links: nothing accepted has a non-http(s) scheme.
        const link = (single.value[0] as { link?: string }).link;
        if (link !== undefined) assert.match(new URL(link).protocol, /^https?:$/);
      }),
      { numRuns: 500 },
    );
  });

  test('hub messages: garbage, wrong shapes and deep nesting are refused, not thrown', () => {
    fc.assert(
      fc.property(
        fc.record({ type: fc.constantFrom(...HUB_TYPES), event: anyValue, seq: anyValue, user: anyValue }),
        (m) => {
          const r = parseHubMessage(JSON.stringify(m));
          assert.equal(typeof r.ok, 'boolean');
        },
      ),
      { numRuns: 300 },
    );
    for (const depth of [1_000, 10_000, 100_000]) {
      const frame = `{"type":"event","event":${nested(depth)}}`;
      assert.equal(parseHubMessage(frame).ok, false);
      assert.equal(parseClientMessage(frame, 1 << 22).ok, false);
      assert.equal(
        validatePublishBody({ kind: 'notification', title: 't', data: JSON.parse(nested(depth)) }).ok,
        false,
      );
    }
  });
});

describe('events frames (fast-check)', () => {
  const at = '2026-11-25T10:00:00Z';
  /** A valid stream event of some kind with this seq. */
  const validEvent = (seq: number, kind: number) =>
    [
      { kind: 'notification', id: `n${seq}`, seq, title: 't', category: 'system', priority: 'low', createdAt: at },
      { kind: 'metrics', id: `m${seq}`, seq, values: { activeUsers: seq }, at },
      { kind: 'agents', id: `g${seq}`, seq, active: 1, idle: 0, error: 0, at },
    ][kind % 3];

  test('valid events are kept in order, each unreadable one is refused by its index, none throws', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.nat({ max: 2 }).map((k) => ({ valid: k })),
            anyValue.map((junk) => ({ junk })),
          ),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        (items) => {
          const events = items.map((item, i) => ('valid' in item ? validEvent(i + 1, item.valid) : item.junk));
          const r = parseHubMessage(JSON.stringify({ type: 'events', events }));
          const validSeqs = items.flatMap((item, i) => ('valid' in item ? [i + 1] : []));
          if (validSeqs.length === 0) {
            assert.equal(r.ok, false);
            assert.match(r.ok ? '' : r.error, /^events\[0\]/);
            return;
          }
          assert.ok(r.ok && r.value.type === 'events');
          assert.deepEqual(
            r.value.events.map((e) => e.seq),
            validSeqs,
          );
          const refused = r.value.refused ?? [];
          assert.equal(refused.length, items.length - validSeqs.length);
          const junkIndices = items.flatMap((item, i) => ('junk' in item ? [i] : []));
          for (const [k, reason] of refused.entries())
            assert.ok(reason.startsWith(`events[${junkIndices[k]}]`), reason);
        },
      ),
      { numRuns: 300 },
    );
    // Over the frame's event limit, the whole frame is refused.
    const tooMany = Array.from({ length: LIMITS.eventsPerFrame + 1 }, (_, i) => validEvent(i + 1, 0));
    assert.equal(parseHubMessage(JSON.stringify({ type: 'events', events: tooMany })).ok, false);
  });
});

describe('hub inbound frames (fast-check over real sockets)', () => {
  const MAX_FRAME = 16 * 1024;
  let hub: Hub;
  let bystander: TestClient;
  let token: string;

  before(async () => {
    hub = await startHub({
      maxFrameKiB: MAX_FRAME / 1024,
      connectionRate: { perSecond: 1000, burst: 10_000 },
      messageRate: { perSecond: 1000, burst: 1000 },
    });
    token = await signToken({ sub: 'fuzz-user' });
    bystander = await TestClient.open(hub, await signToken({ sub: 'bystander' }));
  });
  after(() => bystander?.close());

  /** The bystander still gets live events and the hub answers /healthz. */
  let alive = 0;
  async function hubStillServes(label: string) {
    // A counter, not Math.random(): its 16 digits are sometimes a Luhn-valid card number, which the
    // hub masks, and the bystander would wait for a title that never comes.
    const title = `alive after ${label} #${++alive}`;
    await hub.publish(note(title));
    await bystander.waitForEvent((e) => e.kind === 'notification' && e.title === title, `bystander: ${label}`);
    assert.equal(bystander.closedWith, null);
    const health = await fetch(`${hub.url}/healthz`);
    assert.equal(health.status, 200);
  }

  /** What the hub must do with this text as the first frame of an unauthenticated socket. */
  function expectedFirst(text: string): { code: number; reason?: string } {
    if (Buffer.byteLength(text) > MAX_FRAME) return { code: CloseCode.MessageTooBig };
    const p = parseClientMessage(text, MAX_FRAME);
    if (!p.ok) return { code: CloseCode.PolicyViolation, reason: truncateReason(p.error) };
    if (p.value.type !== 'auth') return { code: CloseCode.PolicyViolation, reason: 'first message must be auth' };
    const protocol = p.value.protocol;
    if (protocol !== undefined && (protocol < MIN_PROTOCOL_VERSION || protocol > PROTOCOL_VERSION))
      return { code: CloseCode.UnsupportedProtocol };
    return { code: CloseCode.InvalidToken };
  }

  async function firstFrame(send: (ws: WebSocket) => void) {
    const client = await TestClient.connect(hub.wsUrl);
    send(client.ws);
    return client.waitClosed('close after a bad first frame', 5000);
  }

  test('random and near-valid first frames close with the predicted code and reason', async () => {
    const frames = fc.oneof(
      fc.json({ maxDepth: 4 }),
      clientish.map((m) => JSON.stringify(m)),
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 50 }),
    );
    await fc.assert(
      fc.asyncProperty(frames, async (text) => {
        const expected = expectedFirst(text);
        const closed = await firstFrame((ws) => ws.send(text));
        assert.equal(closed.code, expected.code, `frame ${text.slice(0, 120)} → ${closed.code} ${closed.reason}`);
        if (expected.reason !== undefined) assert.equal(closed.reason, expected.reason);
      }),
      { numRuns: 60 },
    );
    await hubStillServes('random first frames');
  });

  test('random frames on an authenticated socket: unreadable ones close 1008, bad requests get an error, valid ones are served', async () => {
    const frames = fc.oneof(
      clientish.filter((m) => m.type !== 'auth').map((m) => JSON.stringify(m)),
      fc.json({ maxDepth: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(frames, async (text) => {
        const client = await TestClient.open(hub, token);
        await client.waitFor((m) => m.type === 'snapshot', 'snapshot');
        const opened = client.frames.length;
        const p = parseClientMessage(text, MAX_FRAME);
        const request = requestOf(JSON.parse(text));
        client.ws.send(text);
        if (!p.ok && !request) {
          assert.equal(p.request, undefined, 'the parser also calls it unreadable');
          const closed = await client.waitClosed();
          assert.equal(closed.code, CloseCode.PolicyViolation);
          assert.equal(closed.reason, truncateReason(p.error));
        } else if (!p.ok) {
          assert.deepEqual(p.request, request, 'the parser also calls it a readable request');
          // Answered with exactly this error, then the session goes on: the next ping is answered.
          client.send({ type: 'ping', t: 434343 });
          await client.waitFor((m) => m.type === 'pong' && m.t === 434343, `pong after ${text.slice(0, 80)}`);
          assert.deepEqual(client.frames.slice(opened), [
            { type: 'error', code: 'invalid-message', message: p.error, ...(request?.ref ? { ref: request.ref } : {}) },
            { type: 'pong', t: 434343 },
          ]);
          assert.equal(client.closedWith, null);
          client.close();
        } else if (p.value.type === 'auth') {
          const closed = await client.waitClosed();
          assert.ok([CloseCode.InvalidToken, CloseCode.UnsupportedProtocol].includes(closed.code as 4004));
        } else {
          // Frames are handled in order: a pong to the next ping proves this one was served.
          client.send({ type: 'ping', t: 424242 });
          await client.waitFor((m) => m.type === 'pong' && m.t === 424242, `pong after ${text.slice(0, 80)}`);
          assert.equal(client.closedWith, null);
          assert.deepEqual(client.invalid, []);
          client.close();
        }
      }),
      { numRuns: 40 },
    );
    await hubStillServes('random authenticated frames');
  });

  test('random bytes: binary frames close 1008; as text, invalid UTF-8 closes 1007, valid UTF-8 as predicted', async () => {
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.boolean(), async (bytes, asBinary) => {
        const buffer = Buffer.from(bytes);
        const closed = await firstFrame((ws) => ws.send(buffer, { binary: asBinary }));
        if (asBinary) {
          assert.equal(closed.code, CloseCode.PolicyViolation);
          assert.match(closed.reason, /binary/);
          return;
        }
        let text: string | null = null;
        try {
          text = utf8.decode(buffer);
        } catch {}
        if (text === null) assert.equal(closed.code, 1007, 'invalid UTF-8 in a text frame is 1007 (RFC 6455)');
        else assert.equal(closed.code, expectedFirst(text).code);
      }),
      { numRuns: 40 },
    );
    await hubStillServes('random bytes');
  });

  test('deep nesting (10^4 levels) and huge strings near and over the frame limit', async () => {
    // 10^4 levels inside an auth (20 KB would be over 16 KiB, so the nesting sits in 7 KB of categories).
    const deepAuth = `{"type":"auth","token":"x","categories":${nested(3_500, '"a"')}}`;
    let closed = await firstFrame((ws) => ws.send(deepAuth));
    assert.equal(closed.code, CloseCode.PolicyViolation);
    assert.match(closed.reason, /^categories\[0\]: must be a string/);

    const deepRaw = nested(10_000);
    closed = await firstFrame((ws) => ws.send(deepRaw));
    assert.equal(closed.code, CloseCode.MessageTooBig, '20 KB of brackets is over the 16 KiB limit');

    const bigHub = await startHub({ maxFrameKiB: 64, connectionRate: { perSecond: 1000, burst: 1000 } });
    const deep = await TestClient.connect(bigHub.wsUrl);
    deep.ws.send(nested(10_000));
    assert.equal((await deep.waitClosed()).code, CloseCode.PolicyViolation, '10^4 levels within the limit: 1008');
    const deepObj = await TestClient.connect(bigHub.wsUrl);
    deepObj.ws.send(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`);
    assert.equal((await deepObj.waitClosed()).code, CloseCode.PolicyViolation);
    await bigHub.close();

    // Exactly at the limit: served. One byte over: 1009. Multi-byte text counts in bytes.
    const client = await TestClient.open(hub, token);
    const base = JSON.stringify({ type: 'ping', t: 1, pad: '' });
    client.ws.send(JSON.stringify({ type: 'ping', t: 1, pad: 'p'.repeat(MAX_FRAME - Buffer.byteLength(base)) }));
    await client.waitFor((m) => m.type === 'pong' && m.t === 1, 'pong to a frame of exactly the limit');
    client.ws.send(JSON.stringify({ type: 'ping', t: 2, pad: 'p'.repeat(MAX_FRAME - Buffer.byteLength(base) + 1) }));
    assert.equal((await client.waitClosed()).code, CloseCode.MessageTooBig);

    const euro = '€'.repeat(Math.floor(MAX_FRAME / 3)); // under the limit in characters, over it in bytes
    closed = await firstFrame((ws) => ws.send(JSON.stringify({ type: 'auth', token: euro })));
    assert.equal(closed.code, CloseCode.MessageTooBig);
    closed = await firstFrame((ws) => ws.send(JSON.stringify({ type: 'auth', token: 'x'.repeat(9000) })));
    assert.equal(closed.code, CloseCode.PolicyViolation, 'a token over 8192 characters');
    assert.match(closed.reason, /^token: /);
    closed = await firstFrame((ws) => ws.send(Buffer.alloc(MAX_FRAME * 4, 0x61)));
    assert.equal(closed.code, CloseCode.MessageTooBig, 'a huge binary frame is cut by size first');

    await hubStillServes('deep and huge frames');
    assert.equal(hub.connections(), 1, 'only the bystander is left');
  });
});

/**
 * The store's refusals of a validated batch, predicted: an event whose id is already stored is a
 * duplicate and checked no further; a metrics sample outside the window of history, or a new name
 * once the cap is reached, refuses the whole batch. `commit()` records what an accepted batch stored.
 */
function storeOracle() {
  const ids = new Set<string>();
  const names = new Set<string>();
  let pending: { ids: Set<string>; names: Set<string> } | null = null;
  return {
    refusal(inputs: EventInput[], batch: boolean, now: number): string | null {
      const nextIds = new Set(ids);
      const nextNames = new Set(names);
      pending = null;
      for (const [i, input] of inputs.entries()) {
        const at = batch ? `[${i}].` : '';
        if (input.id !== undefined) {
          if (nextIds.has(input.id)) continue;
          nextIds.add(input.id);
        }
        if (input.kind !== 'metrics') continue;
        const ms = input.at === undefined ? now : Date.parse(input.at);
        const timeRefusal = metricTimeRefusal(Math.floor(ms / 1000), now, DEFAULT_RETENTION.metricsSeconds);
        if (timeRefusal) return `${at}at: ${timeRefusal}`;
        for (const [name, value] of Object.entries(input.values)) {
          if (!Number.isFinite(value) || nextNames.has(name)) continue;
          if (nextNames.size >= STORAGE_LIMITS.metricNames) {
            return `${at}values: ${metricNameRefusal(name, DEFAULT_RETENTION.metricsSeconds)}`;
          }
          nextNames.add(name);
        }
      }
      pending = { ids: nextIds, names: nextNames };
      return null;
    },
    commit() {
      for (const id of pending?.ids ?? []) ids.add(id);
      for (const name of pending?.names ?? []) names.add(name);
    },
  };
}

describe('POST /v1/events bodies (fast-check over HTTP)', () => {
  const MAX_BODY = 64 * 1024;
  let hub: Hub;
  const statuses = new Map<number, number>();

  before(async () => {
    hub = await startHub({ maxBodyBytes: MAX_BODY, publishRate: { perSecond: 10_000, burst: 10_000 } });
  });
  after(() => {
    assert.equal(statuses.get(500) ?? 0, 0, 'no 500 ever');
  });

  async function postRaw(
    body: string | Uint8Array | AsyncIterable<Uint8Array>,
    contentType = 'application/json',
    extra: RequestInit = {},
  ) {
    const res = await fetch(`${hub.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_PUBLISH_KEY}`, 'content-type': contentType },
      body: body as RequestInit['body'],
      ...extra,
    });
    const text = await res.text();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    return { status: res.status, body: text ? (JSON.parse(text) as { error?: string }) : {} };
  }

  test('random JSON and near-valid events: 202 exactly when the hub validator accepts, else 400 with its message', async () => {
    // The protocol's validation, then the hub's refusal of identifiers that masking would change,
    // then what the store refuses of a valid batch: metric samples outside the history window and
    // new names past the cap (the oracle keeps the ids and names this hub has stored).
    const mask = createMasker();
    const stored = storeOracle();
    const bodies = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      eventish,
      fc.array(eventish, { minLength: 1, maxLength: 4 }),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const text = JSON.stringify(body) ?? 'null';
        const parsed = JSON.parse(text);
        const valid = validatePublish(parsed, mask);
        const refused = valid.ok ? stored.refusal(valid.value, Array.isArray(parsed), Date.now()) : null;
        const res = await postRaw(text);
        if (valid.ok && !refused) {
          assert.equal(res.status, 202, `${text.slice(0, 200)} → ${JSON.stringify(res.body)}`);
          stored.commit();
        } else {
          assert.equal(res.status, 400, text.slice(0, 200));
          // The refusal names the hub's clock to the millisecond: compare it up to that instant.
          const clockless = (m: unknown) => String(m).replace(/\(\d{4}-\d\d-\d\dT[\d:.]+Z\)/, '(<hub clock>)');
          assert.equal(clockless(res.body.error), clockless(valid.ok ? refused : valid.error));
        }
      }),
      { numRuns: 150 },
    );
  });

  test('wrong content types and non-JSON bodies: 400, never 500', async () => {
    const cases: Array<[string, string]> = [
      ['text/plain', 'title=hello'],
      ['application/x-www-form-urlencoded', 'kind=notification&title=hi'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--'],
      ['application/json', ''],
      ['application/json', '{"kind":"notification","title":"unterminated'],
      ['application/json', '\u0000\u0001'],
      ['application/xml', '<event kind="notification"><title>x</title></event>'],
    ];
    for (const [type, body] of cases) {
      const res = await postRaw(body, type);
      assert.equal(res.status, 400, `${type}: ${body}`);
      assert.equal(res.body.error, 'body: is not valid JSON');
    }
    // Invalid UTF-8 in a JSON body is decoded with replacement characters, then validated.
    const res = await postRaw(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]));
    assert.equal(res.status, 400);
    assert.match(res.body.error ?? '', /^kind: /);
  });

  test('huge and deeply nested bodies: 413 over the limit, 400 under it; the hub keeps serving', async () => {
    const over = JSON.stringify(note('x', { message: 'm'.repeat(MAX_BODY) }));
    assert.equal((await postRaw(over)).status, 413, 'declared length over the limit');
    // Chunked (no Content-Length): cut while reading.
    const chunks = (async function* () {
      for (let i = 0; i < 40; i++) yield Buffer.alloc(4096, 0x20);
    })();
    const chunked = await postRaw(chunks, 'application/json', { duplex: 'half' } as RequestInit);
    assert.equal(chunked.status, 413, 'streamed body over the limit');
    // Just under the limit, but a field too long: a precise 400.
    const longTitle = JSON.stringify(note('t'.repeat(50_000)));
    const tooLong = await postRaw(longTitle);
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.body.error ?? '', /^title: /);
    // 10^4 levels inside `data`, and a bare 10^4-level array.
    const deepData = `{"kind":"notification","title":"t","data":{"x":${nested(10_000)}}}`;
    const deep = await postRaw(deepData);
    assert.equal(deep.status, 400);
    assert.match(deep.body.error ?? '', /^data\.x.*nested at most/);
    assert.equal((await postRaw(nested(10_000))).status, 400);
    const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    assert.equal((await postRaw(deepObject)).status, 400);
    // A batch over the batch limit.
    const batch = JSON.stringify(Array.from({ length: 501 }, () => ({ kind: 'agents', active: 1, idle: 1, error: 0 })));
    const big = await postRaw(batch);
    assert.equal(big.status, 400);
    assert.match(big.body.error ?? '', /at most 500/);

    const health = await fetch(`${hub.url}/healthz`);
    assert.equal(health.status, 200);
    const ok = await postRaw(JSON.stringify(note('still accepting')));
    assert.equal(ok.status, 202);
  });
});
