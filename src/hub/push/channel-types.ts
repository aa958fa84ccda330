/**
 * The escalation channel seam (SPEC-19-17, "Escalation seams"). The escalation engine defines the
 * same shapes in `src/hub/escalation/channel.ts`; this copy lets the push channel be built and
 * tested on its own, and is replaced by an import of that file when the two branches meet.
 */
import type { RealtimeNotification } from '../../core/protocol.js';

/** The admin a step is for. */
export interface EscalationTarget {
  userId: string;
  role: string;
  email?: string;
  name?: string;
}

/** One way of reaching an admin who is not looking. */
export interface EscalationChannel {
  readonly name: 'push' | 'email';
  /** Sends one notification to one admin; rejects on a failure worth retrying. */
  send(
    target: EscalationTarget,
    notification: RealtimeNotification /* masked, as stored */,
    links: { notification: string | null; preferences: string | null },
  ): Promise<void>;
}
