/**
 * The escalation engine on a clock the test moves (issue 19): the policy seam (hold, skip) and
 * digests of lower priorities through a real SMTP server on loopback, never sent empty.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Priority } from '../../../src/core/protocol.js';
import type { HubBackend, NewEntry } from '../../../src/hub/backend.js';
import type { EscalationDecision } from '../../../src/hub/escalation/channel.js';
import { createEmailChannel } from '../../../src/hub/escalation/email.js';
import { createEscalationEngine, type DigestMode } from '../../../src/hub/escalation/engine.js';
import { createLogger } from '../../../src/hub/log.js';
import { createSqliteBackend } from '../../../src/hub/sqlite-backend.js';
import { type SmtpSink, startSmtpSink } from '../../support/smtp-sink.js';

const T0 = Date.parse('2026-03-01T09:00:00.000Z');
const HOUR = 3_600_000;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let counter = 0;
const note = (priority: Priority, title: string, escalate = false): NewEntry => ({
  event: {
    kind: 'notification',
    id: `e-${++counter}`,
    title,
    category: 'calls',
    priority,
    createdAt: new Date(T0).toISOString(),
  },
  ...(escalate ? { escalate: [{ channel: 'email' as const, delayMs: 0 }] } : {}),
});

async function setup(options: { digest?: Record<string, DigestMode>; policy?: () => Promise<EscalationDecision> }) {
  const clock = { now: T0 };
  const now = () => clock.now;
  const backend: HubBackend = createSqliteBackend({ path: ':memory:', now });
  const smtp: SmtpSink = await startSmtpSink();
  const email = createEmailChannel({ smtpUrl: smtp.url, from: 'alerts@example.com' });
  const engine = createEscalationEngine({
    backend,
    log: createLogger({ level: 'silent' }),
    now,
    ladder: { critical: { email: 0 } },
    channels: [email],
    panelUrl: 'https://admin.example.com/',
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.digest ? { digestFor: async (user: string) => options.digest![user] ?? 'off' } : {}),
  });
  cleanups.push(
    () => backend.close(),
    () => smtp.close(),
    () => email.close(),
    () => engine.close(),
  );
  for (const user of ['alice', 'bob'])
    await backend.upsertAdmin({ userId: user, role: 'admin', email: `${user}@example.com` });
  return { clock, backend, smtp, engine };
}

describe('escalation engine', () => {
  test('the policy holds a step until a time (no attempt counted) or skips it', async () => {
    const decisions: EscalationDecision[] = [{ holdUntil: T0 + 60_000 }, { send: true }, { skip: 'quiet hours' }];
    const { clock, backend, smtp, engine } = await setup({ policy: async () => decisions.shift()! });
    await backend.append([{ ...note('critical', 'Held then sent', true), audience: { userIds: ['alice'] } }]);
    assert.equal(await engine.tick(), 1);
    const [held] = await backend.escalationSteps();
    assert.deepEqual({ due: held!.due, attempts: held!.attempts }, { due: T0 + 60_000, attempts: 0 });
    assert.equal(await engine.tick(), 0, 'not before its time');
    clock.now = T0 + 60_000;
    assert.equal(await engine.tick(), 1);
    assert.deepEqual(
      smtp.received.map((m) => m.to),
      [['alice@example.com']],
    );
    await backend.append([{ ...note('critical', 'Skipped', true), audience: { userIds: ['bob'] } }]);
    assert.equal(await engine.tick(), 1);
    assert.deepEqual(await backend.escalationSteps(), [], 'a skipped step is done');
    assert.equal(smtp.received.length, 1);
  });

  test('a digest carries the unread lower priorities of its period to admins who turned it on, never empty', async () => {
    const { clock, backend, smtp, engine } = await setup({ digest: { alice: 'hourly' } });
    await engine.digestRound(); // starts alice's first period
    const readAlready = note('medium', 'Read already');
    await backend.append([
      note('low', 'Nightly export finished'),
      note('medium', 'Agent "Reception" retrained'),
      note('critical', 'Not in a digest'),
      readAlready,
    ]);
    await backend.markRead({ userId: 'alice', role: 'admin' }, [readAlready.event.id]);
    clock.now = T0 + HOUR - 1;
    await engine.digestRound();
    assert.equal(smtp.received.length, 0, 'not before the hour');
    clock.now = T0 + HOUR;
    await engine.digestRound();
    assert.equal(smtp.received.length, 1);
    const [mail] = smtp.received;
    assert.deepEqual(mail!.to, ['alice@example.com'], 'bob has no digest');
    assert.match(mail!.headers.subject!, /^Digest: 2 unread notifications$/);
    assert.match(mail!.text, /Nightly export finished[\s\S]*Agent "Reception" retrained/);
    assert.doesNotMatch(mail!.text, /Not in a digest|Read already/);
    assert.match(mail!.html, /<html lang="en">[\s\S]*<h1[^>]*>2 unread notifications<\/h1>[\s\S]*<ul>/);
    assert.match(mail!.html, /<a href="https:\/\/admin\.example\.com\/#notification-preferences">/);
    clock.now = T0 + 2 * HOUR;
    await engine.digestRound();
    assert.equal(smtp.received.length, 1, 'nothing new: no digest');
    await backend.append([note('low', 'Another one')]);
    clock.now = T0 + 3 * HOUR;
    await engine.digestRound();
    assert.equal(smtp.received.length, 2);
    assert.match(smtp.received[1]!.headers.subject!, /^Digest: 1 unread notification$/);
  });
});
