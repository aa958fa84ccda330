/**
 * The escalation engine (issue 19). A notification's steps are planned at publish (`plan`) and
 * stored by the backend in the append's transaction, one per known admin of its audience; a seen
 * or a read cancels them in its own transaction. On its own timer, apart from fan-out, the engine
 * leases a bounded batch of due steps, checks each against what the hub knows now (still visible,
 * not read for email, not seen for push, the policy), and sends it once. A failure is retried with
 * exponential backoff up to `maxAttempts`, then given up; both show in `/healthz` and the log.
 * Lower priorities can go out as a digest per admin (`digestFor`), never empty.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Priority, RealtimeNotification } from '../../core/protocol.js';
import type {
  ClaimedEscalationStep,
  EscalationChannelName,
  EscalationOutcome,
  EscalationStepPlan,
  HubBackend,
} from '../backend.js';
import type { Logger } from '../log.js';
import {
  type DigestChannel,
  type EscalationChannel,
  type EscalationPolicy,
  type EscalationTarget,
  escalationLinks,
} from './channel.js';
import { type EscalationLadder, planSteps } from './ladder.js';

/** How often a digest of lower priorities may go out; `off` sends none. */
export type DigestMode = 'off' | 'hourly' | 'daily';

export interface EscalationOptions {
  /** Delays per priority and channel (`parseEscalation`); default `DEFAULT_ESCALATION_JSON`. */
  ladder: EscalationLadder;
  /** Channels to send on; a rung whose channel is not here is not scheduled. */
  channels: readonly EscalationChannel[];
  /** The admin panel's URL, for the links in a message; none: no links. */
  panelUrl?: string | null;
  /** Preferences and quiet hours; default send. */
  policy?: EscalationPolicy;
  /** Each admin's digest setting (preferences' `emailDigest`); default none for anyone. */
  digestFor?: (userId: string) => Promise<DigestMode>;
  /** Timer between polls for due steps, ms; default 1000. */
  tickMs?: number;
  /** Steps leased per poll; default 50. A full batch polls again at once. */
  batch?: number;
  /** How long a node holds a step it is sending, ms; default 120 000 (a node that dies mid-send frees it then). */
  leaseMs?: number;
  /** Backoff of failed sends: first retry after `baseMs`, doubling up to `maxMs`; `maxAttempts` in all. */
  retry?: { baseMs?: number; maxMs?: number; maxAttempts?: number };
  /** How often digests are looked at, ms; default 60 000. */
  digestEveryMs?: number;
}

export const ESCALATION_DEFAULTS = {
  tickMs: 1000,
  batch: 50,
  leaseMs: 120_000,
  retry: { baseMs: 30_000, maxMs: 30 * 60_000, maxAttempts: 8 },
  digestEveryMs: 60_000,
  /** Admins looked at per digest round (the next round goes on from there). */
  digestAdmins: 200,
  /** Notifications in one digest at most (the oldest; the next digest goes on from there). */
  digestNotifications: 50,
} as const;

const DIGEST_PERIOD_MS: Record<Exclude<DigestMode, 'off'>, number> = { hourly: 3_600_000, daily: 86_400_000 };
/** Priorities a digest carries (the ladder escalates the others one by one). */
const DIGEST_PRIORITIES: readonly Priority[] = ['low', 'medium'];

/** One channel's state for `/healthz`. */
export interface ChannelHealth {
  ok: boolean;
  sent: number;
  failures: number;
  gaveUp: number;
  lastSentAt?: string;
  lastError?: { message: string; at: string; retryAt?: string };
}

export interface EscalationEngine {
  /** The steps of an event being published (undefined: none). */
  plan(event: { kind: string; priority?: Priority }): EscalationStepPlan[] | undefined;
  /** Starts the timers (the hub calls it once listening). */
  start(): void;
  /** One poll: leases and handles one batch; resolves with how many steps it handled. */
  tick(): Promise<number>;
  /** One digest round. */
  digestRound(): Promise<void>;
  /** For `/healthz`: false while a channel's latest attempt failed. */
  health(): { ok: boolean; node: string; channels: Record<string, ChannelHealth> };
  /** Stops the timers and waits for the sends in flight. */
  close(): Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function createEscalationEngine(
  options: EscalationOptions & {
    backend: HubBackend;
    log: Logger;
    now: () => number;
    node?: string;
    /** The hub's masking: a mail server's answer can name a recipient, and `/healthz` is public. */
    mask?: (text: string) => string;
  },
): EscalationEngine {
  const { backend, log, now, ladder } = options;
  const mask = options.mask ?? ((text: string) => text);
  const message = (err: unknown) => mask((err instanceof Error ? err.message : String(err)).slice(0, 500));
  // Unique per engine: two hubs in one process (tests) must not share leases.
  const node = `${options.node ?? `${hostname()}-${process.pid}`}/${randomUUID().slice(0, 6)}`;
  const tickMs = options.tickMs ?? ESCALATION_DEFAULTS.tickMs;
  const batch = options.batch ?? ESCALATION_DEFAULTS.batch;
  const leaseMs = options.leaseMs ?? ESCALATION_DEFAULTS.leaseMs;
  const retry = { ...ESCALATION_DEFAULTS.retry, ...options.retry };
  const channels = new Map(options.channels.map((c) => [c.name, c]));
  const names = new Set<EscalationChannelName>(channels.keys());
  const state = new Map<string, ChannelHealth>(
    [...channels.keys()].map((name) => [name, { ok: true, sent: 0, failures: 0, gaveUp: 0 }]),
  );

  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let digestTimer: ReturnType<typeof setInterval> | undefined;
  let ticking: Promise<unknown> = Promise.resolve();
  let digesting: Promise<void> | null = null;
  let digestCursor = '';

  const backoff = (attempts: number) => {
    const base = Math.min(retry.maxMs, retry.baseMs * 2 ** Math.max(0, attempts - 1));
    // ±20 % so steps that failed together do not all come back in the same instant.
    return Math.round(base * (0.8 + Math.random() * 0.4));
  };

  const finish = (step: ClaimedEscalationStep, outcome: EscalationOutcome) =>
    backend.finishEscalationStep(step, node, outcome);

  /** Why a claimed step is no longer worth sending, or null. */
  function staleReason(step: ClaimedEscalationStep): string | null {
    if (!channels.has(step.channel)) return 'channel not configured';
    if (!step.notification) return 'notification no longer stored';
    if (!step.admin) return 'admin not registered';
    if (!step.visible) return 'not visible to the admin';
    if (step.read) return 'read';
    if (step.channel === 'push' && step.seen) return 'seen';
    if (step.channel === 'email' && !step.admin.email) return 'no email address';
    return null;
  }

  async function handle(step: ClaimedEscalationStep): Promise<void> {
    const stale = staleReason(step);
    if (stale) {
      log.debug('escalation step dropped', { user: step.userId, seq: step.seq, channel: step.channel, reason: stale });
      return finish(step, { done: true });
    }
    const channel = channels.get(step.channel)!;
    const notification = step.notification as RealtimeNotification;
    const target: EscalationTarget = step.admin!;
    const health = state.get(step.channel)!;
    try {
      const decision = options.policy
        ? await options.policy(target, notification, step.channel, now())
        : { send: true };
      if ('skip' in decision) {
        log.debug('escalation step skipped by policy', { user: step.userId, seq: step.seq, reason: decision.skip });
        return finish(step, { done: true });
      }
      if ('holdUntil' in decision) return finish(step, { retryAt: decision.holdUntil, failed: false });
      await channel.send(target, notification, escalationLinks(options.panelUrl, notification.id));
    } catch (err) {
      const at = now();
      health.ok = false;
      health.failures += 1;
      if (step.attempts >= retry.maxAttempts) {
        health.gaveUp += 1;
        health.lastError = { message: message(err), at: iso(at) };
        log.error('escalation step given up', {
          user: step.userId,
          notification: notification.id,
          channel: step.channel,
          attempts: step.attempts,
          err: message(err),
        });
        return finish(step, { done: true });
      }
      const retryAt = at + backoff(step.attempts);
      health.lastError = { message: message(err), at: iso(at), retryAt: iso(retryAt) };
      log.warn('escalation send failed; will retry', {
        user: step.userId,
        notification: notification.id,
        channel: step.channel,
        attempt: step.attempts,
        retryAt: iso(retryAt),
        err: message(err),
      });
      return finish(step, { retryAt, error: message(err), failed: true });
    }
    health.ok = true;
    health.sent += 1;
    health.lastSentAt = iso(now());
    log.info('escalated', { user: step.userId, notification: notification.id, channel: step.channel });
    return finish(step, { done: true });
  }

  async function tick(): Promise<number> {
    const steps = await backend.claimEscalationSteps({ node, now: now(), leaseMs, limit: batch });
    await Promise.all(
      steps.map((step) =>
        handle(step).catch((err: unknown) => log.error('escalation step failed', { seq: step.seq, err: message(err) })),
      ),
    );
    return steps.length;
  }

  function schedule(delay: number): void {
    if (closed) return;
    timer = setTimeout(() => {
      const run = tick().catch((err: unknown) => {
        log.error('escalation poll failed', { err: message(err) });
        return 0;
      });
      ticking = run;
      void run.then((handled) => schedule(handled >= batch ? 0 : tickMs));
    }, delay);
    timer.unref();
  }

  async function digestRound(): Promise<void> {
    const digester = channels.get('email') as DigestChannel | undefined;
    if (!options.digestFor || !digester?.sendDigest) return;
    const admins = await backend.adminsWithEmail(digestCursor, ESCALATION_DEFAULTS.digestAdmins);
    digestCursor = admins.length < ESCALATION_DEFAULTS.digestAdmins ? '' : admins.at(-1)!.userId;
    for (const admin of admins) {
      if (closed) return;
      const mode = await options.digestFor(admin.userId).catch(() => 'off' as const);
      if (mode === 'off') continue;
      const at = now();
      const claimed = await backend.claimDigest({
        userId: admin.userId,
        node,
        now: at,
        periodMs: DIGEST_PERIOD_MS[mode],
        leaseMs,
        priorities: DIGEST_PRIORITIES,
        limit: ESCALATION_DEFAULTS.digestNotifications,
      });
      if (!claimed) continue;
      try {
        // Never sent empty: the period still counts as done.
        if (claimed.notifications.length) {
          await digester.sendDigest(claimed.admin, claimed.notifications, {
            notification: options.panelUrl ?? null,
            preferences: escalationLinks(options.panelUrl, '').preferences,
          });
          log.info('digest sent', { user: admin.userId, notifications: claimed.notifications.length });
        }
        await backend.finishDigest(admin.userId, node, { sentAt: at, throughSeq: claimed.throughSeq });
      } catch (err) {
        const health = state.get('email')!;
        health.ok = false;
        health.failures += 1;
        const retryAt = now() + backoff(1);
        health.lastError = { message: message(err), at: iso(now()), retryAt: iso(retryAt) };
        log.warn('digest send failed; will retry', { user: admin.userId, retryAt: iso(retryAt), err: message(err) });
        await backend.finishDigest(admin.userId, node, { retryAt });
      }
    }
  }

  return {
    plan(event) {
      if (event.kind !== 'notification' || !event.priority || names.size === 0) return undefined;
      const steps = planSteps(ladder, event.priority, names);
      return steps.length ? steps : undefined;
    },
    start() {
      if (closed || timer) return;
      schedule(0);
      if (options.digestFor && channels.has('email')) {
        digestTimer = setInterval(() => {
          digesting ??= digestRound()
            .catch((err: unknown) => log.error('digest round failed', { err: message(err) }))
            .finally(() => {
              digesting = null;
            });
        }, options.digestEveryMs ?? ESCALATION_DEFAULTS.digestEveryMs);
        digestTimer.unref();
      }
    },
    tick,
    digestRound,
    health() {
      const out: Record<string, ChannelHealth> = {};
      for (const [name, h] of state) out[name] = { ...h };
      return { ok: [...state.values()].every((h) => h.ok), node, channels: out };
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(digestTimer);
      await ticking.catch(() => {});
      await digesting;
    },
  };
}
