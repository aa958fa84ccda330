/**
 * The Web Push escalation channel: `createPushChannel({backend, vapid})` sends one notification to
 * every browser an admin registered, through `web-push` (VAPID JWT, RFC 8291 aes128gcm payload).
 *
 * - Payload (JSON, what the service worker shows): `{title, body, url, tag, priority, id}`; the
 *   text is the stored (masked) notification's, cut to fit a push message.
 * - `Urgency` and `TTL` follow the priority (`PUSH_DELIVERY`); `Topic` is a hash of the group (or
 *   of the id without one), so a push service holding an undelivered message of an incident
 *   replaces it with the newer one instead of queueing both.
 * - A push service answering 404 or 410 has forgotten the subscription: it is dropped. Any other
 *   failure rejects once every browser was tried (the engine retries the step); browsers that got
 *   it get it again then, and the notification's `tag` folds the repeat into one on the screen.
 */

import { createHash } from 'node:crypto';
import { Agent } from 'node:https';
import webpush from 'web-push';
import type { Priority, RealtimeNotification } from '../../core/protocol.js';
import type { HubBackend, PushSubscriptionRecord } from '../backend.js';
import type { EscalationChannel, EscalationTarget } from '../escalation/channel.js';
import type { Logger } from '../log.js';
import { guardedAgent } from './address-guard.js';
import { endpointForLog } from './endpoints.js';
import { assertVapid, type VapidOptions } from './vapid.js';

/**
 * Delivery per priority. A critical alert must wake the device now and is worth little after a
 * quarter of an hour (email follows by then); a low one may wait for the device's next wake-up.
 */
export const PUSH_DELIVERY: Record<Priority, { urgency: webpush.Urgency; ttlSeconds: number }> = {
  critical: { urgency: 'high', ttlSeconds: 15 * 60 },
  high: { urgency: 'high', ttlSeconds: 60 * 60 },
  medium: { urgency: 'normal', ttlSeconds: 6 * 60 * 60 },
  low: { urgency: 'low', ttlSeconds: 24 * 60 * 60 },
};

/**
 * Characters of title and body a push carries, and the most bytes its JSON may take: a push
 * message holds 4,078 bytes of plaintext (RFC 8291), and text past 3 KiB is cut from the body,
 * then the title, so one with many multi-byte characters still fits.
 */
export const PUSH_TEXT_LIMITS = { title: 200, body: 1000, payloadBytes: 3072 } as const;

/** What the service worker receives (dist/cdn/admin-realtime-sw.js reads these fields). */
export interface PushPayload {
  title: string;
  body: string;
  /** The panel's link to the notification, or null without `--panel-url`. */
  url: string | null;
  /** The group (or id): a later push of the same tag replaces the shown one. */
  tag: string;
  priority: Priority;
  id: string;
}

export interface PushChannelOptions {
  backend: Pick<HubBackend, 'pushSubscriptions' | 'dropPushSubscription'>;
  vapid: VapidOptions;
  log?: Logger;
  /** Time for one push service to answer, ms; default 10 000. */
  timeoutMs?: number;
  /**
   * An https agent for the requests (e.g. trusting a private push service's CA). Default: one that
   * refuses hosts resolving to internal addresses (address-guard.ts); an agent given here is used
   * as it is.
   */
  agent?: Agent;
  /** Send to hosts on internal addresses too (a push service on a private network); default false. */
  allowInternalAddresses?: boolean;
}

/** A `Topic` header (at most 32 characters of the base64url alphabet) for a group. */
export function pushTopic(group: string): string {
  return createHash('sha256').update(group).digest('base64url').slice(0, 32);
}

const cut = (text: string, max: number) => {
  if (text.length <= max) return text;
  // Never between the two halves of a surrogate pair.
  const end = max - 1 > 0 && /[\uD800-\uDBFF]/.test(text[max - 2] ?? '') ? max - 2 : max - 1;
  return end > 0 ? `${text.slice(0, end)}…` : '';
};

/** The payload for one notification, at most `PUSH_TEXT_LIMITS.payloadBytes` of JSON when its text allows. */
export function pushPayload(notification: RealtimeNotification, url: string | null): PushPayload {
  const payload: PushPayload = {
    title: cut(notification.title, PUSH_TEXT_LIMITS.title),
    body: cut(notification.message ?? '', PUSH_TEXT_LIMITS.body),
    url,
    tag: notification.group ?? notification.id,
    priority: notification.priority,
    id: notification.id,
  };
  // Removing `over` characters removes at least `over` bytes; the ellipsis adds 3.
  for (const field of ['body', 'title'] as const) {
    const over = Buffer.byteLength(JSON.stringify(payload)) - PUSH_TEXT_LIMITS.payloadBytes;
    if (over <= 0) break;
    payload[field] = cut(payload[field], payload[field].length - over - 3);
  }
  return payload;
}

/** A push service's refusal that no retry will change: the browser unsubscribed or expired. */
const gone = (err: unknown) =>
  err instanceof webpush.WebPushError && (err.statusCode === 404 || err.statusCode === 410);

export function createPushChannel(options: PushChannelOptions): EscalationChannel {
  assertVapid(options.vapid);
  const { backend, vapid, log } = options;
  const vapidDetails = { subject: vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey };
  const timeout = options.timeoutMs ?? 10_000;
  const agent = options.agent ?? (options.allowInternalAddresses ? new Agent({ keepAlive: true }) : guardedAgent());

  const sendOne = async (sub: PushSubscriptionRecord, body: string, request: webpush.RequestOptions) => {
    try {
      await webpush.sendNotification({ endpoint: sub.endpoint, keys: sub.keys }, body, request);
      return null;
    } catch (err) {
      const endpoint = endpointForLog(sub.endpoint);
      if (gone(err)) {
        await backend.dropPushSubscription(sub.endpoint);
        log?.info('push subscription dropped', { endpoint, status: (err as webpush.WebPushError).statusCode });
        return null;
      }
      const status = err instanceof webpush.WebPushError ? err.statusCode : undefined;
      log?.warn('push not delivered', { endpoint, status, err: err instanceof Error ? err.message : String(err) });
      return err instanceof Error ? err : new Error(String(err));
    }
  };

  return {
    name: 'push',
    async send(target: EscalationTarget, notification: RealtimeNotification, links) {
      const subs = await backend.pushSubscriptions(target.userId);
      if (subs.length === 0) return;
      const delivery = PUSH_DELIVERY[notification.priority];
      const body = JSON.stringify(pushPayload(notification, links.notification));
      const request: webpush.RequestOptions = {
        vapidDetails,
        TTL: delivery.ttlSeconds,
        urgency: delivery.urgency,
        topic: pushTopic(notification.group ?? notification.id),
        contentEncoding: 'aes128gcm',
        timeout,
        agent,
      };
      const failures = (await Promise.all(subs.map((sub) => sendOne(sub, body, request)))).filter(
        (err): err is Error => err !== null,
      );
      if (failures.length > 0) {
        throw new AggregateError(
          failures,
          `push to ${target.userId}: ${failures.length} of ${subs.length} browsers not reached`,
        );
      }
    },
  };
}
