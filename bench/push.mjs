/**
 * Web Push: the time from `channel.send()` to a push service on loopback (HTTPS, a certificate made
 * for the run) receiving the request, for one browser and for an admin's full set
 * (`PUSH_LIMITS.perAdmin` browsers), beside a baseline in the same run: a bare HTTPS POST of the
 * same size over the same agent, so what the channel adds (a storage read, VAPID JWT, RFC 8291
 * encryption) reads as the difference.
 */
import { request } from 'node:https';
import webpush from 'web-push';
import { PUSH_LIMITS } from '../src/hub/backend.js';
import { createPushChannel } from '../src/hub/push/channel.js';
import { createSqliteBackend } from '../src/hub/sqlite-backend.js';
import { startPushService } from '../test/support/push-service.ts';
import { generateSubscriptionKeys } from '../test/support/web-push-decrypt.ts';
import { reported } from './report.mjs';

const SENDS = 300;
const WARMUP = 30;
const pct = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))].toFixed(2));
};
const summary = (xs) => ({ p50: pct(xs, 50), p99: pct(xs, 99), max: pct(xs, 100) });

export async function runPush({ log }) {
  const service = await startPushService();
  const backend = createSqliteBackend({ path: ':memory:' });
  try {
    const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:bench@admin.example' };
    const channel = createPushChannel({ backend, vapid, agent: service.agent });
    const note = (i) => ({
      kind: 'notification',
      id: `n-${i}`,
      seq: i + 1,
      title: `Agent pool ${i % 37} call volume above forecast`,
      message: `Queue depth ${i % 91} for region ${i % 5}; consider scaling out.`,
      category: 'agents',
      priority: 'critical',
      group: `pool-${i % 37}`,
      createdAt: new Date().toISOString(),
    });
    const links = { notification: 'https://admin.example/panel#notification=n', preferences: null };
    const target = (userId) => ({ userId, role: 'admin' });

    /** Sends one by one; for each, ms from send() to the service holding the whole request(s). */
    const measure = async (userId, browsers, send) => {
      const times = [];
      for (let i = 0; i < WARMUP + SENDS; i++) {
        const taken = service.requests.length;
        const t0 = performance.now();
        await send(i);
        const got = service.requests.slice(taken);
        if (got.length !== browsers) throw new Error(`${userId}: ${got.length} requests for ${browsers} browsers`);
        if (i >= WARMUP) times.push(Math.max(...got.map((r) => r.receivedAt)) - t0);
      }
      return times;
    };

    const register = async (userId, count) => {
      for (let i = 0; i < count; i++)
        await backend.addPushSubscription(userId, {
          endpoint: `${service.origin}/send/${userId}/${i}`,
          keys: generateSubscriptionKeys().keys,
          userAgent: 'bench',
        });
    };
    await register('one', 1);
    await register('full', PUSH_LIMITS.perAdmin);

    log(`push: ${SENDS} sends to 1 browser, then to ${PUSH_LIMITS.perAdmin} …`);
    const one = await measure('one', 1, (i) => channel.send(target('one'), note(i), links));
    const full = await measure('full', PUSH_LIMITS.perAdmin, (i) => channel.send(target('full'), note(i), links));
    const size = service.requests.at(-1).body.length;
    const baseline = await measure(
      'baseline',
      1,
      () =>
        new Promise((resolve, reject) => {
          const req = request(
            `${service.origin}/send/baseline`,
            { method: 'POST', agent: service.agent, headers: { 'content-length': size } },
            (res) => {
              res.resume();
              res.on('end', resolve);
            },
          );
          req.on('error', reject);
          req.end(Buffer.alloc(size));
        }),
    );
    const rows = [
      { label: `bare HTTPS POST of ${size} B (baseline)`, ...summary(baseline) },
      { label: 'channel.send(), 1 browser', ...summary(one) },
      {
        label: `channel.send(), ${PUSH_LIMITS.perAdmin} browsers of one admin (until the last arrives)`,
        ...summary(full),
      },
    ];
    return {
      sends: SENDS,
      bodyBytes: size,
      rows,
      checks: [
        reported('send → push service, 1 browser, p50', rows[1].p50, 'ms'),
        reported('send → push service, 1 browser, p99', rows[1].p99, 'ms'),
        reported(`send → push service, ${PUSH_LIMITS.perAdmin} browsers, p99`, rows[2].p99, 'ms'),
        reported('bare HTTPS POST baseline, p99', rows[0].p99, 'ms'),
      ],
    };
  } finally {
    await backend.close();
    await service.close();
  }
}
