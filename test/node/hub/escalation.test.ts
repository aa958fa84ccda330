/**
 * Escalation end to end (issue 19) over real protocols on loopback: a real hub, real WebSocket
 * clients, a real SMTP server (`smtp-server`), PostgreSQL for the cluster. Short ladders
 * (`{"critical":{"email":"1s"}}`; 2 s where the test must act before the step is due) and a fast
 * poll; every wait is for an event or a stored state.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import type { EscalationChannel } from '../../../src/hub/escalation/channel.js';
import type { Hub, HubOptions } from '../../../src/hub/hub.js';
import { createLogger } from '../../../src/hub/log.js';
import {
  closeAllHubs,
  note,
  post,
  signToken,
  startHub,
  TEST_PUBLISH_KEY,
  TestClient,
  waitUntil,
} from '../../support/hub-harness.js';
import { createTestDatabase } from '../../support/postgres.js';
import { type SmtpSink, startSmtpSink } from '../../support/smtp-sink.js';

const tmp = mkdtempSync(join(tmpdir(), 'admin-realtime-escalation-'));
const sinks: SmtpSink[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await closeAllHubs();
  for (const sink of sinks.splice(0)) await sink.close();
});
const drops: Array<() => Promise<void>> = [];
after(async () => {
  for (const drop of drops) await drop();
  rmSync(tmp, { recursive: true, force: true });
});

const PANEL = 'https://admin.example.com/panel';

async function sink(): Promise<SmtpSink> {
  const s = await startSmtpSink();
  sinks.push(s);
  return s;
}

function escalating(smtp: SmtpSink, ladder: string, extra: HubOptions['escalation'] = {}): HubOptions {
  return {
    escalation: {
      ladder,
      smtp: { url: smtp.url, from: 'Alerts <alerts@example.com>' },
      panelUrl: PANEL,
      tickMs: 50,
      retry: { baseMs: 200, maxMs: 1000, maxAttempts: 20 },
      ...extra,
    },
  };
}

async function connect(hub: Hub, sub: string, claims: Record<string, unknown> = {}): Promise<TestClient> {
  const client = await TestClient.open(hub, await signToken({ sub, claims }), { protocol: 2 });
  clients.push(client);
  return client;
}

async function putAdmin(hub: Hub, id: string, body: unknown, key: string | null = TEST_PUBLISH_KEY) {
  const res = await fetch(`${hub.url}/v1/admins/${encodeURIComponent(id)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function publishOne(hub: Hub, input: Record<string, unknown>): Promise<string> {
  const res = await post(hub, input);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  return (res.body.accepted as Array<{ id: string }>)[0]!.id;
}

const stepsEmpty = (hub: Hub) => async () => (await hub.backend.escalationSteps()).length === 0;

describe('escalation by email', () => {
  test('an admin whose page is closed gets the masked email at their address; one who read it in time gets none', async () => {
    const smtp = await sink();
    const hub = await startHub(escalating(smtp, '{"critical":{"email":"2s"}}'));
    const alice = await connect(hub, 'alice', { email: 'alice@example.com', name: 'Alice Admin' });
    alice.close(); // her page is closed
    await alice.closed;
    const bob = await connect(hub, 'bob', { email: 'bob@example.com' });
    const id = await publishOne(
      hub,
      note('Payments failing for jane.doe@example.com', {
        priority: 'critical',
        category: 'billing',
        message: 'Card 4242 4242 4242 4242 declined; call +44 20 7946 0958',
      }),
    );
    await bob.waitForEvent((e) => e.kind === 'notification' && e.id === id, 'the notification');
    bob.send({ type: 'markRead', ids: [id], ref: 'r1' });
    await bob.waitFor((m) => m.type === 'ack' && m.ref === 'r1', 'read ack');

    const mail = await smtp.waitFor((m) => m.to.includes('alice@example.com'), 'alice’s email');
    await waitUntil(stepsEmpty(hub), 'every step done');
    assert.deepEqual(
      smtp.received.map((m) => m.to),
      [['alice@example.com']],
      'bob, who read it in time, got nothing',
    );
    assert.match(mail.headers.to!, /Alice Admin/);
    assert.match(mail.headers.from!, /alerts@example\.com/);
    assert.match(mail.headers.subject!, /^\[Critical\] Payments failing for j•••@example\.com$/);
    for (const body of [mail.text, mail.html]) {
      assert.doesNotMatch(body, /jane\.doe|4242 4242 4242 4242|7946 0958 *;/);
      assert.match(body, /•••• •••• •••• 4242/);
      assert.ok(body.includes(`${PANEL}#notification=${encodeURIComponent(id)}`), 'link to the notification');
      assert.ok(body.includes(`${PANEL}#notification-preferences`), 'link to the preferences');
    }
    assert.match(mail.html, /<html lang="en">/);
    assert.match(mail.html, /<h1[^>]*>Payments failing for j•••@example\.com<\/h1>/);
    assert.match(mail.html, /<a href="[^"]+">Open this notification in the admin panel<\/a>/);
    assert.doesNotMatch(mail.html, /<table/);
  });

  test('a step pending when the hub stops is sent by the hub that starts on the same storage', async () => {
    const smtp = await sink();
    const db = join(tmp, 'restart.db');
    const first = await startHub({ db, ...escalating(smtp, '{"critical":{"email":"2s"}}') });
    assert.equal((await putAdmin(first, 'carol', { role: 'admin', email: 'carol@example.com' })).status, 200);
    const id = await publishOne(first, note('Voice provider down', { priority: 'critical' }));
    const [pending] = await first.backend.escalationSteps();
    assert.equal(pending?.userId, 'carol');
    await first.close();
    assert.ok(Date.now() < pending!.due, 'stopped before the step was due');
    assert.equal(smtp.received.length, 0);

    const second = await startHub({ db, ...escalating(smtp, '{"critical":{"email":"2s"}}') });
    const mail = await smtp.waitFor((m) => m.to.includes('carol@example.com'), 'carol’s email after the restart');
    assert.ok(mail.text.includes(`#notification=${id}`));
    await waitUntil(stepsEmpty(second), 'the step done');
    assert.equal(smtp.received.length, 1);
  });

  test('SMTP down: retried with backoff, shown in /healthz and the log, fan-out unaffected', async () => {
    const smtp = await sink();
    smtp.failing = true;
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', write: (line) => lines.push(line) });
    const hub = await startHub({ log, ...escalating(smtp, '{"critical":{"email":"1s"}}') });
    await putAdmin(hub, 'dave', { role: 'admin', email: 'dave@example.com' });
    const watcher = await connect(hub, 'erin');
    await publishOne(hub, note('Database degraded', { priority: 'critical', audience: { userIds: ['dave'] } }));

    const health = await waitUntil(async () => {
      const body = (await (await fetch(`${hub.url}/healthz`)).json()) as {
        ok: boolean;
        escalation: {
          ok: boolean;
          channels: { email: { ok: boolean; failures: number; lastError?: { retryAt?: string; message: string } } };
        };
      };
      return body.escalation.channels.email.failures >= 2 ? body : null;
    }, 'two failed attempts in /healthz');
    assert.equal(health.ok, true, 'storage is fine: /healthz stays 200');
    assert.equal(health.escalation.ok, false);
    assert.match(health.escalation.channels.email.lastError!.message, /451|try again later/);
    assert.match(health.escalation.channels.email.lastError!.message, /d•••@example\.com/, 'the address is masked');
    assert.ok(!JSON.stringify(health).includes('dave@example.com'));
    assert.ok(health.escalation.channels.email.lastError!.retryAt);
    const [row] = await hub.backend.escalationSteps();
    assert.ok(row!.attempts >= 2 && row!.due > Date.now() - 5000 && row!.lastError, 'rescheduled with its error');
    assert.ok(lines.some((l) => l.includes('escalation send failed; will retry')));

    // Fan-out does not wait for the mail server.
    const liveId = await publishOne(hub, note('Still live', { priority: 'low' }));
    await watcher.waitForEvent((e) => e.id === liveId, 'fan-out while SMTP is down');

    smtp.failing = false;
    await smtp.waitFor((m) => m.to.includes('dave@example.com'), 'the retried email');
    await waitUntil(stepsEmpty(hub), 'the step done');
    const after = (await (await fetch(`${hub.url}/healthz`)).json()) as { escalation: { ok: boolean } };
    assert.equal(after.escalation.ok, true);
    assert.equal(smtp.received.length, 1, 'sent once');
  });
});

describe('escalation: seen and push steps', () => {
  test('seen from a session cancels that admin’s pending push steps in storage; another admin’s stay', async () => {
    const sent: string[] = [];
    const push: EscalationChannel = {
      name: 'push',
      async send(target, notification) {
        sent.push(`${target.userId}:${notification.id}`);
      },
    };
    const hub = await startHub({
      escalation: { ladder: '{"critical":{"push":"1h","email":"1h"}}', channels: [push], tickMs: 50 },
    });
    const alice = await connect(hub, 'alice');
    await connect(hub, 'bob');
    const id = await publishOne(hub, note('Agent errors', { priority: 'critical' }));
    const channels = async (user: string) =>
      (await hub.backend.escalationSteps({ userId: user })).map((s) => s.channel).sort();
    // Without an email channel, no email step is planned.
    assert.deepEqual(await channels('alice'), ['push']);
    alice.send({ type: 'seen', ids: [id], ref: 's1' });
    await alice.waitFor((m) => m.type === 'ack' && m.ref === 's1', 'seen ack');
    assert.deepEqual(await channels('alice'), []);
    assert.deepEqual(await channels('bob'), ['push']);
    assert.deepEqual(sent, []);
  });

  test('a push step falls due for an admin who has not seen it and is sent once', async () => {
    const sent: string[] = [];
    const push: EscalationChannel = {
      name: 'push',
      async send(target, notification, links) {
        sent.push(`${target.userId}:${notification.id}:${links.notification}`);
      },
    };
    const hub = await startHub({
      escalation: { ladder: '{"high":{"push":"1s"}}', channels: [push], panelUrl: PANEL, tickMs: 50 },
    });
    await connect(hub, 'frank');
    const id = await publishOne(hub, note('Queue backing up', { priority: 'high' }));
    await waitUntil(() => sent.length > 0, 'the push');
    await waitUntil(stepsEmpty(hub), 'the step done');
    assert.deepEqual(sent, [`frank:${id}:${PANEL}#notification=${id}`]);
  });
});

describe('escalation in a cluster on PostgreSQL', () => {
  test('two nodes send each step exactly once', async () => {
    const smtp = await sink();
    const db = await createTestDatabase();
    drops.push(db.drop);
    const options = (node: string) => ({
      postgres: { url: db.url, node },
      ...escalating(smtp, '{"high":{"email":"1s"}}'),
    });
    const a = await startHub(options('a'));
    const b = await startHub(options('b'));
    const admins = Array.from({ length: 12 }, (_, i) => `admin-${i}`);
    for (const [i, id] of admins.entries())
      await putAdmin(i % 2 ? a : b, id, { role: 'admin', email: `${id}@example.com` });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await publishOne(i % 2 ? a : b, note(`Incident ${i}`, { priority: 'high' })));
    const expected = admins.length * ids.length;
    await waitUntil(() => smtp.received.length >= expected, `${expected} emails`, 20_000);
    await waitUntil(stepsEmpty(a), 'every step done', 10_000);
    const sent = smtp.received.map((m) => `${m.to.join()}|${m.headers.subject}`);
    assert.equal(sent.length, expected, 'no step sent twice');
    assert.equal(new Set(sent).size, expected);
  });
});

describe('PUT /v1/admins/{id}', () => {
  test('registers with the publish key; refuses precisely', async () => {
    const hub = await startHub();
    assert.equal((await putAdmin(hub, 'gina', { role: 'admin' }, null)).status, 401);
    assert.equal((await putAdmin(hub, 'gina', { role: 'admin' }, 'wrong')).status, 401);
    const refusals: Array<[unknown, RegExp]> = [
      ['not json', /^body: is not valid JSON/],
      [[1], /^body: must be a JSON object/],
      [{}, /^role: required/],
      [{ role: 'owner' }, /^role: must be one of admin, super_admin/],
      [{ role: 'admin', email: 'a@b.com, c@d.com' }, /^email: must be one address/],
      [{ role: 'admin', email: 'x\r\nBcc: c@d.com' }, /^email: /],
      [{ role: 'admin', name: '' }, /^name: /],
      [{ role: 'admin', phone: '1' }, /^phone: unknown field/],
    ];
    for (const [body, error] of refusals) {
      const res = await putAdmin(hub, 'gina', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(String(res.body.error), error);
    }
    const ok = await putAdmin(hub, 'gina@corp', { role: 'super_admin', email: 'gina@example.com', name: 'Gina' });
    assert.equal(ok.status, 200);
    assert.deepEqual(await hub.backend.getAdmin('gina@corp'), {
      userId: 'gina@corp',
      role: 'super_admin',
      email: 'gina@example.com',
      name: 'Gina',
    });
    const get = await fetch(`${hub.url}/v1/admins/gina`);
    assert.equal(get.status, 405);
    await get.body?.cancel();
  });

  test('a session records its token’s role, name and email as the admin’s latest', async () => {
    const hub = await startHub();
    await putAdmin(hub, 'hank', { role: 'admin', email: 'hank@old.example.com' });
    await connect(hub, 'hank', { role: 'super_admin', name: 'Hank', email: 'hank@example.com' });
    await waitUntil(async () => (await hub.backend.getAdmin('hank'))?.email === 'hank@example.com', 'registry');
    assert.deepEqual(await hub.backend.getAdmin('hank'), {
      userId: 'hank',
      role: 'super_admin',
      name: 'Hank',
      email: 'hank@example.com',
    });
  });
});

describe('escalation: HTTP commands and library options', () => {
  test('seen works as an HTTP command (the fallback rungs)', async () => {
    const hub = await startHub({
      escalation: {
        ladder: '{"critical":{"push":"1h"}}',
        channels: [{ name: 'push', send: async () => {} }],
      },
    });
    await connect(hub, 'ivy');
    const id = await publishOne(hub, note('Disk full', { priority: 'critical' }));
    const res = await fetch(`${hub.url}/v1/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await signToken({ sub: 'ivy' })}` },
      body: JSON.stringify({ type: 'seen', ids: [id], ref: 'seen' }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { type: 'ack', ref: 'seen' });
    assert.deepEqual(await hub.backend.escalationSteps({ userId: 'ivy' }), []);
  });

  test('a library ladder or SMTP URL that is wrong stops createHub with the field at fault', async () => {
    await assert.rejects(
      startHub({ escalation: { ladder: '{"critical":{"push":"soon"}}' } }),
      /escalation\.ladder: critical\.push: "soon" is not a duration/,
    );
    await assert.rejects(
      startHub({ escalation: { smtp: { url: 'http://mail.example.com', from: 'a@example.com' } } }),
      /must start with smtp:\/\/ or smtps:\/\//,
    );
  });
});
