/**
 * Escalation by email (issue 19): the time from a step's due time to a real SMTP server on
 * 127.0.0.1 holding the message. A hub (SQLite, its default 1 s poll) with the ladder
 * `{"critical":{"email":"1s"}}`, admins registered with an address, critical notifications
 * published one every 100 ms to a few admins each; the due time of every step is read from
 * storage before it falls due, the arrival time in the SMTP server's DATA handler (one machine
 * clock). Reported, no budget: the poll interval sets most of it.
 */
import { createHub } from '../src/hub/hub.ts';
import { startSmtpSink } from '../test/support/smtp-sink.ts';
import { reported } from './report.mjs';

const NOTIFICATIONS = 30;
const ADMINS = 5;
const EVERY_MS = 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export async function runEscalation({ log }) {
  const smtp = await startSmtpSink();
  const hub = await createHub({
    port: 0,
    db: ':memory:',
    auth: { jwtSecret: 'bench-secret-that-is-long-enough-for-hs256-0123' },
    publishKey: 'bench-key',
    log: 'silent',
    escalation: {
      ladder: '{"critical":{"email":"1s"}}',
      smtp: { url: smtp.url, from: 'alerts@example.com' },
      panelUrl: 'https://admin.example.com/',
    },
  });
  try {
    for (let i = 0; i < ADMINS; i++)
      await hub.backend.upsertAdmin({ userId: `admin-${i}`, role: 'admin', email: `admin-${i}@example.com` });
    const due = new Map();
    const subjects = new Map();
    log(`escalation: ${NOTIFICATIONS} critical notifications × ${ADMINS} admins, one every ${EVERY_MS} ms`);
    for (let i = 0; i < NOTIFICATIONS; i++) {
      const title = `Incident ${i}`;
      const { accepted } = await hub.publish({ kind: 'notification', title, priority: 'critical' });
      subjects.set(accepted[0].seq, `[Critical] ${title}`);
      for (const step of await hub.backend.escalationSteps({ limit: 10_000 }))
        due.set(`${step.userId}@example.com|${subjects.get(step.seq)}`, step.due);
      await sleep(EVERY_MS);
    }
    const expected = NOTIFICATIONS * ADMINS;
    const deadline = Date.now() + 30_000;
    while (smtp.received.length < expected && Date.now() < deadline) await sleep(50);
    const latencies = smtp.received
      .map((m) => m.at - (due.get(`${m.to[0]}|${m.headers.subject}`) ?? Number.NaN))
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
    const row = {
      steps: expected,
      received: smtp.received.length,
      p50: pct(latencies, 50),
      p99: pct(latencies, 99),
      max: latencies.at(-1),
    };
    log(`escalation: due → SMTP p50 ${row.p50} ms, p99 ${row.p99} ms, max ${row.max} ms (${row.received}/${expected})`);
    return {
      method: `${NOTIFICATIONS} critical notifications published one every ${EVERY_MS} ms to ${ADMINS} registered admins (hub on SQLite, ladder {"critical":{"email":"1s"}}, the engine's default 1 s poll and batch of 50, nodemailer pool of 2 connections); from each step's due time (read from storage) to the SMTP server on 127.0.0.1 holding the message`,
      rows: [row],
      checks: [
        reported(`escalation email: due → SMTP server p99 (p50 ${row.p50} ms, max ${row.max} ms)`, row.p99, 'ms'),
        reported('escalation email: steps delivered / due', `${row.received} / ${expected}`, ''),
      ],
    };
  } finally {
    await hub.close();
    await smtp.close();
  }
}
