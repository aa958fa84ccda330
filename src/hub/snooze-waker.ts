/**
 * Wakes snoozes when they come due: one timer per hub for the earliest pending snooze, re-armed
 * after each pass and when any node's `inbox` event snoozes something sooner (the fan-out carries
 * every node's events), and armed from storage at start, so a restart keeps what is pending. A
 * due snooze is claimed once (the backend's claim), then a `woke` event goes to its user with the
 * notification, unread again; its id is fixed by (user, notification, until), so two nodes that
 * both got there store it once.
 */

import type { HubBackend, StreamEntry } from './backend.js';
import type { Logger } from './log.js';
import { mutedCategories } from './preferences.js';
import { WAKE_BATCH } from './storage/inbox-state.js';
import { inAppUnread, unmuted } from './view.js';

/** Longest delay setTimeout honours; a later snooze re-arms. */
const MAX_TIMER_MS = 2_147_483_647;
/** After a pass that left something due (a row another node held), look again after this long. */
const RETRY_MS = 1000;

export interface SnoozeWaker {
  /** Entries fanned out: a snooze sooner than the armed one re-arms the timer. */
  offer(entries: readonly StreamEntry[]): void;
  stop(): Promise<void>;
}

export function startSnoozeWaker(backend: HubBackend, now: () => number, log: Logger): SnoozeWaker {
  let timer: NodeJS.Timeout | undefined;
  let armedAt: number | null = null;
  let pass: Promise<void> | null = null;
  let stopped = false;

  const arm = (at: number) => {
    if (stopped) return;
    clearTimeout(timer);
    armedAt = at;
    timer = setTimeout(() => void run(), Math.min(Math.max(0, at - now()), MAX_TIMER_MS));
    timer.unref();
  };

  /** Arms for the earliest snooze pending in storage. */
  const rescan = async () => {
    const next = await backend.nextSnoozeDue();
    if (next !== null) arm(next <= now() ? now() + RETRY_MS : next);
  };

  const wake = async () => {
    for (let batch = WAKE_BATCH; batch === WAKE_BATCH && !stopped; ) {
      const woken = await backend.wakeSnoozes(now(), WAKE_BATCH);
      batch = woken.length;
      for (const { userId, role, id, until } of woken) {
        const viewer = { userId, role };
        const stored = await backend.inboxNotifications(viewer, [id]);
        if (!stored.length) continue; // deleted for the user meanwhile
        // As the admin's sessions show it: without the categories their preferences keep out of in-app.
        const muted = mutedCategories(await backend.getPreferences(userId));
        const notifications = unmuted(stored, muted);
        const unread = await inAppUnread(backend, viewer, muted);
        await backend.append([
          {
            event: {
              kind: 'inbox',
              id: `woke:${userId}:${id}:${until}`,
              action: 'woke',
              ids: [id],
              unread,
              notifications,
            },
            audience: { userIds: [userId] },
          },
        ]);
      }
    }
  };

  const run = (): Promise<void> => {
    armedAt = null;
    pass ??= wake()
      .then(rescan)
      .catch((err: unknown) => {
        log.error('waking snoozes failed', { err });
        arm(now() + RETRY_MS);
      })
      .finally(() => {
        pass = null;
      });
    return pass;
  };

  void run();
  return {
    offer(entries) {
      for (const { event } of entries) {
        if (event.kind !== 'inbox' || event.action !== 'snoozed' || event.until === undefined) continue;
        if (armedAt === null || event.until < armedAt) arm(event.until);
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}
