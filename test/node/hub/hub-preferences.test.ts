/**
 * Notification preferences over real sockets: get and set with their answers, the `preferences`
 * event reaching every session of that admin only, refusals naming the field, storage across a
 * restart, resume, the HTTP command fallback, and what in-app off hides from the admin's sessions.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  defaultPreferences,
  type ErrorMessage,
  type HubMessage,
  type Preferences,
  type PreferencesMessage,
  type SnapshotMessage,
  type WelcomeMessage,
} from '../../../src/core/protocol.js';
import type { Hub } from '../../../src/hub/hub.js';
import { closeAllHubs, note, signToken, startHub, TestClient } from '../../support/hub-harness.js';
import { createTestDatabase } from '../../support/postgres.js';

after(closeAllHubs);
const drops: Array<() => Promise<void>> = [];
after(async () => {
  for (const drop of drops) await drop();
});
const tmpRoot = mkdtempSync(join(tmpdir(), 'admin-realtime-hub-prefs-'));
after(() => rmSync(tmpRoot, { recursive: true, force: true }));

const nights: Preferences = {
  channels: { billing: { inApp: true, push: false, email: true } },
  quietHours: { timeZone: 'Europe/Berlin', windows: [{ days: [1, 2, 3, 4, 5], start: '22:00', end: '07:00' }] },
  emailDigest: 'daily',
};

const answer = (client: TestClient, ref: string) =>
  client.waitFor<PreferencesMessage | ErrorMessage>(
    (m) => (m.type === 'preferences' || m.type === 'error') && m.ref === ref,
    `answer to ${ref}`,
  );

async function save(client: TestClient, preferences: unknown, ref: string): Promise<PreferencesMessage | ErrorMessage> {
  client.send({ type: 'setPreferences', preferences, ref });
  return answer(client, ref);
}

async function load(client: TestClient, ref: string): Promise<Preferences> {
  client.send({ type: 'getPreferences', ref });
  const reply = await answer(client, ref);
  assert.equal(reply.type, 'preferences');
  return (reply as PreferencesMessage).preferences;
}

const preferenceEvents = (client: TestClient) => client.events().filter((e) => e.kind === 'preferences');

/** A frame after everything `client` was sent so far: publishes a public event and waits for it. */
async function caughtUp(hub: Hub, clients: TestClient[], title: string): Promise<void> {
  const { seq } = (await hub.publish(note(title, { category: 'system' }))).accepted[0]!;
  for (const c of clients) await c.waitForEvent((e) => e.seq === seq, title);
}

describe('preferences over the socket', () => {
  test('set in one session reaches the admin’s other sessions, not other admins; get answers what is stored', async () => {
    const hub = await startHub();
    const alice = await signToken({ sub: 'alice' });
    const one = await TestClient.open(hub, alice);
    const two = await TestClient.open(hub, alice);
    const bob = await TestClient.open(hub, await signToken({ sub: 'bob' }));
    assert.deepEqual(await load(one, 'g1'), defaultPreferences());

    const reply = await save(one, nights, 's1');
    assert.deepEqual(reply, { type: 'preferences', preferences: nights, ref: 's1' });
    const event = await two.waitForEvent((e) => e.kind === 'preferences', 'preferences event in the other session');
    assert.deepEqual(event.kind === 'preferences' && event.preferences, nights);
    await one.waitForEvent((e) => e.kind === 'preferences', 'preferences event in the saving session');
    await caughtUp(hub, [bob], 'after the save');
    assert.deepEqual(preferenceEvents(bob), [], 'another admin hears nothing');
    assert.deepEqual(await load(two, 'g2'), nights);
    assert.deepEqual(await load(bob, 'g3'), defaultPreferences());
    for (const c of [one, two, bob]) assert.deepEqual(c.invalid, []);
    for (const c of [one, two, bob]) c.close();
  });

  test('a bad document is refused with the field named, nothing stored, and the session goes on', async () => {
    const hub = await startHub();
    const client = await TestClient.open(hub, await signToken({ sub: 'careless' }));
    const window = { days: [1], start: '22:00', end: '07:00' };
    const cases: Array<[unknown, RegExp]> = [
      [
        { ...nights, quietHours: { timeZone: 'Mars/Olympus', windows: [] } },
        /^preferences\.quietHours\.timeZone: must be an IANA time zone/,
      ],
      [
        { ...nights, quietHours: { timeZone: 'UTC', windows: [{ ...window, end: '7:00' }] } },
        /^preferences\.quietHours\.windows\[0\]\.end: must match/,
      ],
      [
        { ...nights, quietHours: { timeZone: 'UTC', windows: Array(17).fill(window) } },
        /^preferences\.quietHours\.windows: must have at most 16 items$/,
      ],
      [
        {
          ...nights,
          channels: Object.fromEntries(
            Array.from({ length: 65 }, (_, i) => [`c${i}`, { inApp: true, push: true, email: true }]),
          ),
        },
        /^preferences\.channels: must have at most 64 keys$/,
      ],
      [
        { ...nights, quietHours: { timeZone: 'UTC', windows: [{ ...window, days: [0, 7] }] } },
        /^preferences\.quietHours\.windows\[0\]\.days\[1\]: must be at most 6$/,
      ],
    ];
    for (const [i, [doc, message]] of cases.entries()) {
      const reply = await save(client, doc, `bad-${i}`);
      assert.equal(reply.type, 'error');
      assert.equal((reply as ErrorMessage).code, 'invalid-message');
      assert.match((reply as ErrorMessage).message, message);
    }
    assert.deepEqual(await load(client, 'after'), defaultPreferences());
    assert.equal(client.closedWith, null);
    assert.deepEqual(preferenceEvents(client), []);
    client.close();
  });

  test('preferences survive a restart, and a resume replays the change it missed', async () => {
    const db = join(tmpRoot, 'restart.db');
    const token = await signToken({ sub: 'alice' });
    const hub1 = await startHub({ db });
    const away = await TestClient.open(hub1, token);
    const welcome = away.frames[0] as WelcomeMessage;
    const snapshot = await away.waitFor<SnapshotMessage>((m) => m.type === 'snapshot', 'snapshot');
    away.close();
    await away.closed;
    const saver = await TestClient.open(hub1, token);
    await save(saver, nights, 's');
    saver.close();
    await hub1.close();

    const hub2 = await startHub({ db });
    const back = await TestClient.open(hub2, token, { resumeFrom: snapshot.seq, stream: welcome.stream });
    assert.equal((back.frames[0] as WelcomeMessage).resumed, true);
    const replayed = await back.waitForEvent((e) => e.kind === 'preferences', 'replayed preferences');
    assert.deepEqual(replayed.kind === 'preferences' && replayed.preferences, nights);
    assert.deepEqual(await load(back, 'g'), nights);
    back.close();
  });

  test('over the HTTP fallback: POST /v1/commands gets and sets, refuses with 400, and the socket hears it', async () => {
    const hub = await startHub();
    const token = await signToken({ sub: 'http-admin' });
    const live = await TestClient.open(hub, token);
    const command = async (body: object) => {
      const res = await fetch(`${hub.url}/v1/commands`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    assert.deepEqual(await command({ type: 'getPreferences' }), {
      status: 200,
      body: { type: 'preferences', preferences: defaultPreferences() },
    });
    assert.deepEqual(await command({ type: 'setPreferences', preferences: nights, ref: 'h1' }), {
      status: 200,
      body: { type: 'preferences', preferences: nights, ref: 'h1' },
    });
    await live.waitForEvent((e) => e.kind === 'preferences', 'event from the HTTP command');
    const refused = await command({ type: 'setPreferences', preferences: { ...nights, emailDigest: 'weekly' } });
    assert.equal(refused.status, 400);
    assert.match(String(refused.body.error), /^preferences\.emailDigest: must be one of off, hourly, daily$/);
    assert.deepEqual((await command({ type: 'getPreferences' })).body.preferences, nights);
    live.close();
  });
});

describe('in-app off for a category', () => {
  const quietBilling: Preferences = {
    channels: { billing: { inApp: false, push: true, email: true } },
    quietHours: null,
    emailDigest: 'off',
  };
  const titles = (list: { title: string }[]) => list.map((n) => n.title).sort();

  test('leaves that category’s notifications below critical out of live delivery, snapshots, history and counts', async () => {
    const hub = await startHub();
    const token = await signToken({ sub: 'muted' });
    const before = await hub.publish([
      note('old billing', { category: 'billing', priority: 'medium' }),
      note('old security', { category: 'security', priority: 'high' }),
    ]);
    assert.equal(before.accepted.length, 2);
    const setter = await TestClient.open(hub, token);
    const other = await TestClient.open(hub, token);
    await setter.waitFor((m) => m.type === 'snapshot', 'first snapshot');
    const snapshots = () => other.frames.filter((m): m is SnapshotMessage => m.type === 'snapshot');
    await other.waitFor((m) => m.type === 'snapshot', 'first snapshot');
    assert.equal(snapshots()[0]!.unread.total, 2);

    await save(setter, quietBilling, 'mute');
    // The other session gets the event, then a fresh snapshot without the muted notification.
    const fresh = await other.waitFor<SnapshotMessage>(
      (m) => m.type === 'snapshot' && m !== snapshots()[0],
      'fresh snapshot',
    );
    assert.deepEqual(titles(fresh.notifications), ['old security']);
    assert.deepEqual(fresh.unread, { total: 1, byCategory: { security: 1 }, byPriority: { high: 1 } });

    const live = await hub.publish([
      note('new billing medium', { category: 'billing', priority: 'medium' }),
      note('new billing critical', { category: 'billing', priority: 'critical' }),
      note('new calls low', { category: 'calls', priority: 'low' }),
    ]);
    await other.waitForEvent((e) => e.seq === live.accepted[2]!.seq, 'last of the run');
    const delivered = other.events().filter((e) => e.kind === 'notification' && e.seq > fresh.seq);
    assert.deepEqual(titles(delivered as { title: string }[]), ['new billing critical', 'new calls low']);

    // A new session: its snapshot and counts agree with what was delivered live; history too.
    const late = await TestClient.open(hub, token);
    const snap = await late.waitFor<SnapshotMessage>((m) => m.type === 'snapshot', 'late snapshot');
    assert.deepEqual(titles(snap.notifications), ['new billing critical', 'new calls low', 'old security']);
    assert.deepEqual(snap.unread, {
      total: 3,
      byCategory: { billing: 1, calls: 1, security: 1 },
      byPriority: { critical: 1, low: 1, high: 1 },
    });
    late.send({ type: 'history', beforeSeq: snap.seq + 1, ref: 'h' });
    const history = await late.waitFor<Extract<HubMessage, { type: 'history' }>>(
      (m) => m.type === 'history' && m.ref === 'h',
      'history',
    );
    assert.deepEqual(titles(history.notifications), titles(snap.notifications));

    // A history page the hidden rows would empty reads on to the next visible one.
    const older = await hub.publish([
      note('page system 1', { category: 'system' }),
      note('page billing 1', { category: 'billing' }),
      note('page billing 2', { category: 'billing' }),
      note('page system 2', { category: 'system' }),
    ]);
    late.send({ type: 'history', beforeSeq: older.accepted[3]!.seq, limit: 1, ref: 'h1' });
    const page = await late.waitFor<Extract<HubMessage, { type: 'history' }>>(
      (m) => m.type === 'history' && m.ref === 'h1',
      'history past hidden rows',
    );
    assert.deepEqual(titles(page.notifications), ['page system 1']);
    assert.equal(page.hasMore, true);

    // Switched back on: the muted notifications come back in a fresh snapshot.
    await save(setter, defaultPreferences(), 'unmute');
    const restored = await late.waitFor<SnapshotMessage>(
      (m) => m.type === 'snapshot' && m !== snap,
      'snapshot after unmute',
    );
    assert.equal(restored.unread.total, 9);
    assert.equal(restored.notifications.length, 9);
    for (const c of [setter, other, late]) c.close();
  });
});

describe('preferences in a cluster on PostgreSQL', () => {
  test('a save through node A reaches the admin’s session on node B, which applies in-app off at once', async () => {
    const db = await createTestDatabase();
    drops.push(db.drop);
    const [a, b] = await Promise.all(
      ['prefs-a', 'prefs-b'].map((node) => startHub({ postgres: { url: db.url, node, probeMs: 200 } })),
    );
    const token = await signToken({ sub: 'roaming' });
    const onA = await TestClient.open(a!, token);
    const onB = await TestClient.open(b!, token);
    await onB.waitFor((m) => m.type === 'snapshot', 'snapshot on B');
    const muted: Preferences = {
      channels: { calls: { inApp: false, push: true, email: true } },
      quietHours: null,
      emailDigest: 'off',
    };
    await save(onA, muted, 'on-a');
    const event = await onB.waitForEvent((e) => e.kind === 'preferences', 'the event on node B', 10_000);
    assert.deepEqual(event.kind === 'preferences' && event.preferences, muted);
    await onB.waitFor((m) => m.type === 'snapshot' && m.seq >= event.seq, 'fresh snapshot on B', 10_000);
    const published = await a!.publish([
      note('calls medium', { category: 'calls', priority: 'medium' }),
      note('system low', { category: 'system', priority: 'low' }),
    ]);
    await onB.waitForEvent((e) => e.seq === published.accepted[1]!.seq, 'the run on B', 10_000);
    const titlesOnB = onB.events().flatMap((e) => (e.kind === 'notification' ? [e.title] : []));
    assert.deepEqual(titlesOnB, ['system low']);
    assert.deepEqual(await load(onB, 'get-b'), muted);
    onA.close();
    onB.close();
  });
});
