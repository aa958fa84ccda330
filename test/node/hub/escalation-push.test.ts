/**
 * Escalation to Web Push through the hub as configured (issue 19): `push` alone turns escalation on
 * with the ladder, the admin's browser registered over the real endpoint receives the step at a
 * local HTTPS push service and the test decrypts it (RFC 8291); the admin's stored preferences are
 * the policy: quiet hours hold a step below critical (moved in storage, nothing sent) and let a
 * critical one through.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import webpush from 'web-push';
import type { Preferences } from '../../../src/core/protocol.js';
import type { Hub } from '../../../src/hub/hub.js';
import { closeAllHubs, note, post, signToken, startHub, TestClient, waitUntil } from '../../support/hub-harness.js';
import { type PushService, startPushService } from '../../support/push-service.js';
import { decryptWebPush, generateSubscriptionKeys } from '../../support/web-push-decrypt.js';

const ORIGIN = 'https://admin.example';
const PANEL = `${ORIGIN}/panel`;
const VAPID = { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@admin.example' };

const services: PushService[] = [];
after(async () => {
  await closeAllHubs();
  for (const service of services) await service.close();
});

/** A hub with Web Push and a one-second push rung, an admin known to it and their browser registered. */
async function setUp(sub: string) {
  const service = await startPushService();
  services.push(service);
  const hub: Hub = await startHub({
    allowedOrigins: [ORIGIN],
    push: { vapid: VAPID, allowIpEndpoints: true, agent: service.agent },
    escalation: { ladder: '{"critical":{"push":"1s"},"high":{"push":"1s"}}', panelUrl: PANEL, tickMs: 50 },
  });
  const token = await signToken({ sub });
  // A session makes the admin known to the hub; then the page is closed.
  const session = await TestClient.open(hub, token);
  session.close();
  const browser = generateSubscriptionKeys();
  const res = await fetch(`${hub.url}/v1/push/subscriptions`, {
    method: 'POST',
    headers: { origin: ORIGIN, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ endpoint: `${service.origin}/push/${sub}`, expirationTime: null, keys: browser.keys }),
  });
  assert.equal(res.status, 201, await res.text());
  return { hub, service, browser };
}

describe('escalation to Web Push', () => {
  test('a critical notification the admin has not seen reaches their browser through the push service', async () => {
    const { hub, service, browser } = await setUp('pia');
    const published = await post(hub, note('Payments provider down', { priority: 'critical', id: 'pay-down' }));
    assert.equal(published.status, 202);
    const request = await service.next(10_000);
    const payload = JSON.parse(decryptWebPush(request.body, browser)) as Record<string, unknown>;
    assert.equal(payload.title, 'Payments provider down');
    assert.equal(payload.url, `${PANEL}#notification=pay-down`);
    assert.equal(request.headers.urgency, 'high');
    await waitUntil(async () => (await hub.backend.escalationSteps({ userId: 'pia' })).length === 0, 'the step done');
  });

  test('quiet hours hold a high step (moved to when they end, nothing sent) and let a critical one through', async () => {
    const { hub, service, browser } = await setUp('quinn');
    const allDay: Preferences = {
      channels: {},
      quietHours: { timeZone: 'UTC', windows: [{ days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '00:00' }] },
      emailDigest: 'off',
    };
    await hub.backend.setPreferences('quinn', allDay);
    await post(hub, note('Disk at 85 %', { priority: 'high', id: 'disk-85' }));
    // Held: the step stays, due once the quiet hours end (hours away), and no attempt was counted.
    await waitUntil(
      async () => {
        const [step] = await hub.backend.escalationSteps({ userId: 'quinn' });
        return step !== undefined && step.due > Date.now() + 3_600_000;
      },
      'the high step held past the quiet hours',
      10_000,
    );
    const [held] = await hub.backend.escalationSteps({ userId: 'quinn' });
    assert.equal(held!.attempts, 0);
    await post(hub, note('Database down', { priority: 'critical', id: 'db-down' }));
    const request = await service.next(10_000);
    const payload = JSON.parse(decryptWebPush(request.body, browser)) as Record<string, unknown>;
    assert.equal(payload.title, 'Database down', 'critical comes through; the held high one is not sent');
    assert.equal(service.requests.length, 1);
  });

  test('push switched off for the category in the preferences skips the step', async () => {
    const { hub, service, browser } = await setUp('ravi');
    await hub.backend.setPreferences('ravi', {
      channels: { billing: { inApp: true, push: false, email: true } },
      quietHours: null,
      emailDigest: 'off',
    });
    await post(hub, note('Invoice run failed', { priority: 'critical', category: 'billing', id: 'inv' }));
    await post(hub, note('Login storm', { priority: 'critical', category: 'security', id: 'storm' }));
    const request = await service.next(10_000);
    assert.equal((JSON.parse(decryptWebPush(request.body, browser)) as { title: string }).title, 'Login storm');
    await waitUntil(
      async () => (await hub.backend.escalationSteps({ userId: 'ravi' })).length === 0,
      'both steps done',
    );
    assert.equal(service.requests.length, 1, 'only the security notification was pushed');
  });
});

describe('Web Push alone', () => {
  test('turns escalation on with the default ladder: a critical notification gets a push step due in 2 minutes', async () => {
    const hub = await startHub({ allowedOrigins: [ORIGIN], push: { vapid: VAPID } });
    const session = await TestClient.open(hub, await signToken({ sub: 'solo' }));
    session.close();
    const before = Date.now();
    await post(hub, note('Queue stalled', { priority: 'critical', id: 'stall' }));
    const steps = await hub.backend.escalationSteps({ userId: 'solo' });
    assert.deepEqual(
      steps.map((s) => s.channel),
      ['push'],
      'push only: no email channel is configured',
    );
    assert.ok(steps[0]!.due >= before + 120_000 && steps[0]!.due <= Date.now() + 120_000, 'the default 2m rung');
    const health = (await (await fetch(`${hub.url}/healthz`)).json()) as { escalation?: { channels: object } };
    assert.deepEqual(Object.keys(health.escalation?.channels ?? {}), ['push']);
  });
});
