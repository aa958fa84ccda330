/**
 * Escalation (issue 19): the time from a step's due time to a real SMTP server on 127.0.0.1
 * holding the message, and to a push service on 127.0.0.1 (HTTPS, test/support/push-service.ts)
 * holding the Web Push request. One hub (SQLite, its default 1 s poll) with Web Push and the
 * ladder `{"critical":{"push":"1s","email":"1s"}}`, admins registered with an address and one
 * browser subscription each, critical notifications published one every 100 ms; the due time of
 * every step is read from storage before it falls due. An email maps to its step by recipient and
 * subject, a push request by its endpoint path (the admin) and `Topic` header (the notification).
 * Reported, no budget: the poll interval sets most of it.
 */
import webpush from 'web-push';
import { createHub } from '../src/hub/hub.ts';
import { pushTopic } from '../src/hub/push/channel.ts';
import { startPushService } from '../test/support/push-service.ts';
import { startSmtpSink } from '../test/support/smtp-sink.ts';
import { generateSubscriptionKeys } from '../test/support/web-push-decrypt.ts';
import { reported } from './report.mjs';

const NOTIFICATIONS = 30;
const ADMINS = 5;
const EVERY_MS = 100;
const LADDER = '{"critical":{"push":"1s","email":"1s"}}';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** steps, received, p50/p99/max of `arrivals` (each `{ key, at }`, epoch ms) against the due times. */
function summarise(channel, arrivals, due, expected) {
  const latencies = arrivals
    // 0.1 ms: the push service's clock is finer than the SMTP server's whole milliseconds.
    .map(({ key, at }) => Math.round((at - (due.get(key) ?? Number.NaN)) * 10) / 10)
    .filter((ms) => Number.isFinite(ms))
    .sort((a, b) => a - b);
  return {
    channel,
    steps: expected,
    received: arrivals.length,
    matched: latencies.length,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    max: latencies.at(-1),
  };
}

export async function runEscalation({ log }) {
  const smtp = await startSmtpSink();
  const service = await startPushService();
  let hub;
  try {
    hub = await createHub({
      port: 0,
      db: ':memory:',
      auth: { jwtSecret: 'bench-secret-that-is-long-enough-for-hs256-0123' },
      publishKey: 'bench-key',
      log: 'silent',
      push: {
        vapid: { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@example.com' },
        allowIpEndpoints: true,
        agent: service.agent,
      },
      escalation: {
        ladder: LADDER,
        smtp: { url: smtp.url, from: 'alerts@example.com' },
        panelUrl: 'https://admin.example.com/',
      },
    });
    for (let i = 0; i < ADMINS; i++) {
      const userId = `admin-${i}`;
      await hub.backend.upsertAdmin({ userId, role: 'admin', email: `${userId}@example.com` });
      await hub.backend.addPushSubscription(userId, {
        endpoint: `${service.origin}/push/${userId}`,
        keys: generateSubscriptionKeys().keys,
        userAgent: null,
      });
    }
    // The push service stamps performance.now(); the due times are Date.now(). One offset, taken here.
    const epochOffset = Date.now() - performance.now();
    /** `${userId}|${seq}|${channel}` → due (epoch ms). */
    const due = new Map();
    const seqBySubject = new Map();
    const seqByTopic = new Map();
    log(
      `escalation: ${NOTIFICATIONS} critical notifications × ${ADMINS} admins × push and email, one every ${EVERY_MS} ms`,
    );
    for (let i = 0; i < NOTIFICATIONS; i++) {
      const title = `Incident ${i}`;
      const { accepted } = await hub.publish({ kind: 'notification', title, priority: 'critical' });
      const { id, seq } = accepted[0];
      seqBySubject.set(`[Critical] ${title}`, seq);
      seqByTopic.set(pushTopic(id), seq);
      for (const step of await hub.backend.escalationSteps({ limit: 10_000 }))
        due.set(`${step.userId}|${step.seq}|${step.channel}`, step.due);
      await sleep(EVERY_MS);
    }
    const expected = NOTIFICATIONS * ADMINS;
    const deadline = Date.now() + 30_000;
    while ((smtp.received.length < expected || service.requests.length < expected) && Date.now() < deadline)
      await sleep(50);
    const emails = smtp.received.map((m) => ({
      key: `${m.to[0].replace(/@example\.com$/, '')}|${seqBySubject.get(m.headers.subject)}|email`,
      at: m.at,
    }));
    const pushes = service.requests.map((r) => ({
      key: `${r.path.replace(/^\/push\//, '')}|${seqByTopic.get(r.headers.topic)}|push`,
      at: epochOffset + r.receivedAt,
    }));
    const rows = [summarise('email', emails, due, expected), summarise('push', pushes, due, expected)];
    for (const r of rows)
      log(
        `escalation ${r.channel}: due → received p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms (${r.received}/${r.steps}, ${r.matched} matched to a step)`,
      );
    const [email, push] = rows;
    return {
      method: `${NOTIFICATIONS} critical notifications published one every ${EVERY_MS} ms to ${ADMINS} registered admins, each with an address and one Web Push subscription (hub on SQLite, ladder ${LADDER}, the engine's default 1 s poll and batch of 50 steps handled concurrently, nodemailer pool of 2 connections, the push channel over a kept-alive HTTPS agent). From each step's due time (read from storage, epoch ms) to the SMTP server on 127.0.0.1 holding the message (its DATA end, Date.now()) and to the push service on 127.0.0.1 (HTTPS, test/support/push-service.ts) holding the whole request (performance.now() put on the epoch clock by one offset taken before the first publish). An email is matched to its step by recipient and subject, a push request by its endpoint path (the admin) and Topic header (the notification).`,
      rows,
      checks: [
        reported(`escalation email: due → SMTP server p99 (p50 ${email.p50} ms, max ${email.max} ms)`, email.p99, 'ms'),
        reported('escalation email: steps delivered / due', `${email.received} / ${email.steps}`, ''),
        reported(`escalation push: due → push service p99 (p50 ${push.p50} ms, max ${push.max} ms)`, push.p99, 'ms'),
        reported('escalation push: steps delivered / due', `${push.received} / ${push.steps}`, ''),
      ],
    };
  } finally {
    await hub?.close();
    await service.close();
    await smtp.close();
  }
}
