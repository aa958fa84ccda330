/**
 * The fallback rungs over loopback: tickets (single use, expiry, never a token in a URL), the SSE
 * stream (frames, heartbeat, resume by seq), long polls (cursor, waiting, resume) and HTTP
 * commands whose events reach the stream.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { HubMessage, WelcomeMessage } from '../../../src/core/protocol.js';
import type { Hub } from '../../../src/hub/hub.js';
import { closeAllHubs, note, signToken, startHub, waitUntil } from '../../support/hub-harness.js';
import { createTestDatabase } from '../../support/postgres.js';
import { SseClient } from '../../support/sse-client.js';

after(closeAllHubs);

const json = { 'content-type': 'application/json' };
const bearer = (token: string) => ({ ...json, authorization: `Bearer ${token}` });

async function ticket(hub: Hub, token: string, body: object = {}): Promise<{ ticket: string; expiresAt: number }> {
  const res = await fetch(`${hub.url}/v1/tickets`, {
    method: 'POST',
    headers: bearer(token),
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { ticket: string; expiresAt: number };
}

async function poll(hub: Hub, token: string, body: object) {
  const res = await fetch(`${hub.url}/v1/poll`, { method: 'POST', headers: bearer(token), body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { messages: HubMessage[]; cursor: number; close?: { code: number; reason: string } };
}

async function command(hub: Hub, token: string, body: object) {
  const res = await fetch(`${hub.url}/v1/commands`, {
    method: 'POST',
    headers: bearer(token),
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const eventsOf = (messages: HubMessage[]) =>
  messages.flatMap((m) => (m.type === 'event' ? [m.event] : m.type === 'events' ? m.events : []));

describe('fallback: tickets', () => {
  test('a ticket opens one stream, once; an expired, forged or missing one is refused with a reason', async () => {
    const hub = await startHub({ fallback: { ticketTtlMs: 200 } });
    const token = await signToken({ sub: 'ticket-user' });
    const noAuth = await fetch(`${hub.url}/v1/tickets`, { method: 'POST', body: '{}' });
    assert.equal(noAuth.status, 401);
    const badToken = await fetch(`${hub.url}/v1/tickets`, { method: 'POST', headers: bearer('nope'), body: '{}' });
    assert.equal(badToken.status, 401);
    assert.match(((await badToken.json()) as { error: string }).error, /token not accepted/);

    const issued = await ticket(hub, token);
    assert.doesNotMatch(issued.ticket, /\./, 'a ticket is opaque, not a JWT');
    const stream = await SseClient.open(hub, `ticket=${issued.ticket}`);
    assert.equal(stream.res.status, 200);
    assert.equal(stream.res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(stream.res.headers.get('x-accel-buffering'), 'no');
    await waitUntil(() => stream.frames.some((m) => m.type === 'snapshot'), 'snapshot over SSE');
    assert.equal(stream.frames[0]!.type, 'welcome');
    assert.equal((stream.frames[0] as WelcomeMessage).user.id, 'ticket-user');

    const again = await fetch(`${hub.url}/v1/sse?ticket=${issued.ticket}`);
    assert.equal(again.status, 401);
    assert.match(((await again.json()) as { error: string }).error, /already used/);

    const late = await ticket(hub, token);
    await waitUntil(() => Date.now() > late.expiresAt, 'ticket expiry');
    const expired = await fetch(`${hub.url}/v1/sse?ticket=${late.ticket}`);
    assert.equal(expired.status, 401);
    assert.match(((await expired.json()) as { error: string }).error, /expired/);

    const forged = await fetch(`${hub.url}/v1/sse?ticket=${Buffer.alloc(64, 7).toString('base64url')}`);
    assert.equal(forged.status, 401);
    const missing = await fetch(`${hub.url}/v1/sse`);
    assert.equal(missing.status, 400);
    stream.stop();
  });

  test('a token in a URL is refused on every fallback path; a token in the body too', async () => {
    const hub = await startHub();
    const token = await signToken({ sub: 'url-user' });
    for (const [path, method] of [
      ['/v1/sse', 'GET'],
      ['/v1/poll', 'POST'],
      ['/v1/tickets', 'POST'],
      ['/v1/commands', 'POST'],
    ] as const) {
      for (const name of ['token', 'access_token']) {
        const res = await fetch(`${hub.url}${path}?${name}=${token}`, {
          method,
          headers: json,
          body: method === 'POST' ? '{}' : null,
        });
        assert.equal(res.status, 400, `${path}?${name}`);
        assert.match(((await res.json()) as { error: string }).error, /never goes in a URL/);
      }
    }
    const jwtAsTicket = await fetch(`${hub.url}/v1/sse?ticket=${token}`);
    assert.equal(jwtAsTicket.status, 400);
    const inBody = await fetch(`${hub.url}/v1/tickets`, {
      method: 'POST',
      headers: bearer(token),
      body: JSON.stringify({ token }),
    });
    assert.equal(inBody.status, 400);
    const badField = await fetch(`${hub.url}/v1/tickets`, {
      method: 'POST',
      headers: bearer(token),
      body: JSON.stringify({ resumeFrom: -1 }),
    });
    assert.equal(badField.status, 400);
    assert.match(((await badField.json()) as { error: string }).error, /resumeFrom/);
  });

  test('the origin allowlist and the connection rate apply as at the upgrade', async () => {
    const hub = await startHub({
      allowedOrigins: ['https://admin.example'],
      connectionRate: { perSecond: 0.001, burst: 2 },
    });
    const token = await signToken({ sub: 'origin-user' });
    const foreign = await fetch(`${hub.url}/v1/tickets`, {
      method: 'POST',
      headers: { ...bearer(token), origin: 'https://evil.example' },
      body: '{}',
    });
    assert.equal(foreign.status, 403);
    const allowed = await fetch(`${hub.url}/v1/tickets`, {
      method: 'POST',
      headers: { ...bearer(token), origin: 'https://admin.example' },
      body: '{}',
    });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://admin.example');
    const preflight = await fetch(`${hub.url}/v1/poll`, {
      method: 'OPTIONS',
      headers: { origin: 'https://admin.example' },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
    await fetch(`${hub.url}/v1/tickets`, { method: 'POST', headers: bearer(token), body: '{}' });
    const limited = await fetch(`${hub.url}/v1/tickets`, { method: 'POST', headers: bearer(token), body: '{}' });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });
});

describe('fallback: SSE stream', () => {
  test('live frames, a heartbeat under proxy idle timeouts, and resume by seq with nothing lost or doubled', async () => {
    const hub = await startHub({ fallback: { sseHeartbeatMs: 100 } });
    const token = await signToken({ sub: 'sse-user' });
    const first = await SseClient.open(hub, `ticket=${(await ticket(hub, token, { categories: ['calls'] })).ticket}`);
    await waitUntil(() => first.frames.some((m) => m.type === 'snapshot'), 'snapshot');
    const { stream } = first.frames[0] as WelcomeMessage;
    await hub.publish([note('live', { category: 'calls' }), note('other', { category: 'billing' })]);
    await waitUntil(() => first.events().length === 1, 'live event');
    await waitUntil(() => first.comments >= 2 && first.frames.some((m) => m.type === 'pong'), 'heartbeat');
    const resumeFrom = first.events()[0]!.seq;
    first.stop();
    await waitUntil(() => hub.connections() === 0, 'stream gone');

    await hub.publish([note('missed 1', { category: 'calls' }), note('missed 2', { category: 'calls' })]);
    const opened = await ticket(hub, token, { resumeFrom, stream, categories: ['calls'] });
    const second = await SseClient.open(hub, `ticket=${opened.ticket}`);
    await waitUntil(() => second.events().length === 2, 'replayed');
    await hub.publish([note('after', { category: 'calls' })]);
    await waitUntil(() => second.events().length === 3, 'live after resume');
    assert.equal((second.frames[0] as WelcomeMessage).resumed, true);
    assert.deepEqual(
      second.events().map((e) => (e as { title?: string }).title),
      ['missed 1', 'missed 2', 'after'],
    );
    const seqs = second.events().map((e) => e.seq);
    assert.ok(seqs.every((s, i) => s > resumeFrom && (i === 0 || s > seqs[i - 1]!)));
    second.stop();
  });

  test('the hub closing ends the stream with its close code', async () => {
    const hub = await startHub();
    const token = await signToken({ sub: 'sse-close' });
    const client = await SseClient.open(hub, `ticket=${(await ticket(hub, token)).ticket}`);
    await waitUntil(() => client.frames.some((m) => m.type === 'snapshot'), 'snapshot');
    assert.equal(hub.connections(), 1);
    await hub.close();
    await waitUntil(() => client.ended, 'stream ended');
    assert.equal(client.close?.code, 1001);
  });
});

describe('fallback: long polling', () => {
  test('a first poll has the snapshot; the next waits for the next event; a poll behind catches up at once', async () => {
    const hub = await startHub({ fallback: { pollTimeoutMs: 300 } });
    const token = await signToken({ sub: 'poller' });
    const first = await poll(hub, token, {});
    assert.deepEqual(
      first.messages.map((m) => m.type),
      ['welcome', 'snapshot'],
    );
    const { stream } = first.messages[0] as WelcomeMessage;

    const empty = await poll(hub, token, { resumeFrom: first.cursor, stream });
    assert.deepEqual(
      empty.messages.map((m) => m.type),
      ['welcome'],
      'nothing new: answered after the poll timeout',
    );

    const waiting = poll(hub, token, { resumeFrom: first.cursor, stream });
    await waitUntil(() => hub.connections() === 1, 'poll waiting');
    await hub.publish([note('arrives during the poll')]);
    const answered = await waiting;
    assert.deepEqual(
      eventsOf(answered.messages).map((e) => (e as { title?: string }).title),
      ['arrives during the poll'],
    );

    await hub.publish([note('missed A'), note('missed B')]);
    const behind = await poll(hub, token, { resumeFrom: answered.cursor, stream });
    assert.deepEqual(
      eventsOf(behind.messages).map((e) => (e as { title?: string }).title),
      ['missed A', 'missed B'],
    );
    assert.equal(behind.cursor, await hub.backend.latestSeq());
    await waitUntil(() => hub.connections() === 0, 'poll sessions gone');
  });

  test('one client may hold only eight waiting polls', async () => {
    const hub = await startHub({ fallback: { pollTimeoutMs: 2000 } });
    const token = await signToken({ sub: 'greedy' });
    const first = await poll(hub, token, {});
    const { stream } = first.messages[0] as WelcomeMessage;
    const body = JSON.stringify({ resumeFrom: first.cursor, stream });
    const held = Array.from({ length: 8 }, () =>
      fetch(`${hub.url}/v1/poll`, { method: 'POST', headers: bearer(token), body }),
    );
    await waitUntil(() => hub.connections() === 8, 'eight polls waiting');
    const ninth = await fetch(`${hub.url}/v1/poll`, { method: 'POST', headers: bearer(token), body });
    assert.equal(ninth.status, 429);
    assert.match(((await ninth.json()) as { error: string }).error, /too many polls waiting/);
    await hub.publish([note('releases them')]);
    for (const res of await Promise.all(held)) assert.equal(res.status, 200);
    const again = await fetch(`${hub.url}/v1/poll`, { method: 'POST', headers: bearer(token), body });
    assert.equal(again.status, 200);
  });

  test('a poll with a bad token answers with the close code the client acts on', async () => {
    const hub = await startHub();
    const expired = await signToken({ sub: 'late', ttl: -120 });
    const answer = await poll(hub, expired, {});
    assert.equal(answer.close?.code, 4001);
  });
});

describe('fallback: HTTP commands', () => {
  test('mark read answers ack and its read event reaches the stream; history answers; subscribe is refused', async () => {
    const hub = await startHub();
    const token = await signToken({ sub: 'commander' });
    const id = (await hub.publish([note('to read')])).accepted[0]!.id;
    const client = await SseClient.open(hub, `ticket=${(await ticket(hub, token)).ticket}`);
    await waitUntil(() => client.frames.some((m) => m.type === 'snapshot'), 'snapshot');

    const read = await command(hub, token, { type: 'markRead', ids: [id], ref: 'r1' });
    assert.deepEqual(read, { status: 200, body: { type: 'ack', ref: 'r1' } });
    await waitUntil(() => client.events().some((e) => e.kind === 'read'), 'read event on the stream');

    const history = await command(hub, token, { type: 'history', beforeSeq: 1000, ref: 'h1' });
    assert.equal(history.body.type, 'history');
    assert.equal(history.body.ref, 'h1');
    const pong = await command(hub, token, { type: 'ping', t: 5 });
    assert.deepEqual(pong.body, { type: 'pong', t: 5 });
    const unknown = await command(hub, token, { type: 'markRead', ids: ['nope'], ref: 'r2' });
    assert.equal(unknown.body.type, 'error');
    assert.equal(unknown.body.code, 'unknown-notification');

    const subscribe = await command(hub, token, { type: 'subscribe', categories: ['a'] });
    assert.equal(subscribe.status, 400);
    const invalid = await command(hub, token, { type: 'markRead', ids: 'x' });
    assert.equal(invalid.status, 400);
    assert.match(String(invalid.body.error), /ids/);
    const refused = await command(hub, 'not-a-token', { type: 'clear' });
    assert.equal(refused.status, 401);
    client.stop();
    await waitUntil(() => hub.connections() === 0, 'sessions gone');
  });
});

describe('fallback on a cluster (two nodes on one real PostgreSQL)', () => {
  test('a ticket from one node opens the stream on another; a command posted to either node reaches it; a poll continues on the other node', async () => {
    const db = await createTestDatabase();
    try {
      const fallback = { ticketSecret: 'one secret for the whole cluster, 32+ bytes' };
      const node = (name: string) => startHub({ postgres: { url: db.url, node: name }, fallback });
      const [a, b] = await Promise.all([node('node-a'), node('node-b')]);
      const token = await signToken({ sub: 'roamer' });
      const [first, second] = (await b.publish([note('first'), note('second')])).accepted;

      // The ticket comes from node B (what a balancer did with the POST), the stream from node A.
      const stream = await SseClient.open(a, `ticket=${(await ticket(b, token)).ticket}`);
      await waitUntil(() => stream.frames.some((m) => m.type === 'snapshot'), 'snapshot on node A');

      // Mark read through node B: the read event reaches the stream held by node A.
      const read = await command(b, token, { type: 'markRead', ids: [first!.id], ref: 'on-b' });
      assert.deepEqual(read, { status: 200, body: { type: 'ack', ref: 'on-b' } });
      await waitUntil(
        () => stream.events().some((e) => e.kind === 'read' && e.ids.includes(first!.id)),
        'read event from node B on node A',
      );
      // And through node A, for the other one.
      const readA = await command(a, token, { type: 'markRead', ids: [second!.id], ref: 'on-a' });
      assert.deepEqual(readA, { status: 200, body: { type: 'ack', ref: 'on-a' } });
      await waitUntil(
        () => stream.events().some((e) => e.kind === 'read' && e.ids.includes(second!.id)),
        'read event from node A on node A',
      );

      // Long-polling without sticky sessions: each poll on another node, from the last cursor.
      const welcome = (await poll(a, token, {})).messages.find((m) => m.type === 'welcome') as WelcomeMessage;
      const titlesOf = (messages: HubMessage[]) =>
        eventsOf(messages).flatMap((e) => (e.kind === 'notification' ? [e.title] : []));
      await a.publish(note('p1'));
      const onB = await poll(b, token, { resumeFrom: welcome.seq, stream: welcome.stream });
      assert.deepEqual(titlesOf(onB.messages), ['p1'], 'a poll on node B from node A’s welcome');
      await b.publish(note('p2'));
      const onA = await poll(a, token, { resumeFrom: onB.cursor, stream: welcome.stream });
      assert.deepEqual(titlesOf(onA.messages), ['p2'], 'the next poll, back on node A, from node B’s cursor');
      stream.stop();
      await Promise.all([a.close(), b.close()]);
    } finally {
      await db.drop();
    }
  });
});
