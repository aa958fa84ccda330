/**
 * The seam between the escalation engine and the channels it sends on (issue 19): Web Push
 * (`src/hub/push/`, `createPushChannel`) and email (`./email.ts`, `createEmailChannel`).
 */
import type { RealtimeNotification } from '../../core/protocol.js';

/** Who a step goes to: the admin as the registry knows them. */
export interface EscalationTarget {
  userId: string;
  role: string;
  email?: string;
  name?: string;
}

/** Links a message carries: the notification in the panel, and the admin's preferences (null without `--panel-url`). */
export interface EscalationLinks {
  notification: string | null;
  preferences: string | null;
}

export interface EscalationChannel {
  readonly name: 'push' | 'email';
  /** Sends one notification to one admin; rejects on a failure worth retrying. */
  send(
    target: EscalationTarget,
    notification: RealtimeNotification /* masked, as stored */,
    links: EscalationLinks,
  ): Promise<void>;
}

/** A channel that can also send a digest of several notifications (email). */
export interface DigestChannel extends EscalationChannel {
  /** Sends one digest (never called with an empty list); rejects on a failure worth retrying. */
  sendDigest(
    target: EscalationTarget,
    notifications: readonly RealtimeNotification[],
    links: EscalationLinks,
  ): Promise<void>;
}

/** What a policy (preferences, quiet hours) decides about one step when it is due. */
export type EscalationDecision = { send: true } | { skip: string } | { holdUntil: number };

/** The policy seam: `preferencePolicy(backend)` in `src/hub/preferences.ts`; default: send. */
export type EscalationPolicy = (
  target: EscalationTarget,
  notification: RealtimeNotification,
  channel: 'push' | 'email',
  now: number,
) => Promise<EscalationDecision>;

/** The links of a notification under `panelUrl` (both null without one). */
export function escalationLinks(panelUrl: string | null | undefined, notificationId: string): EscalationLinks {
  if (!panelUrl) return { notification: null, preferences: null };
  return {
    notification: `${panelUrl}#notification=${encodeURIComponent(notificationId)}`,
    preferences: `${panelUrl}#notification-preferences`,
  };
}
