/**
 * A demo stream for the reference domain, a SaaS platform of voice-AI agents: what `--demo`
 * publishes so that every element has something believable to show.
 *
 * Each tick (one per `intervalMs`, default 1 s) publishes one batch:
 * - `metrics`: activeUsers and activeCalls follow a daily curve (UTC hour of day; quiet at night,
 *   peaking early afternoon) with random-walk noise and occasional call surges (an outbound
 *   campaign); systemLoad (0–1) follows the call volume; responseTimeMs rises with the square of
 *   the load; errorRate (0–1) idles below 1 % with occasional spikes that decay over a minute or
 *   two, and rises while a component is degraded or down.
 * - `agents`: one agent per live call is `active`, a few are in `error` (tracking errorRate),
 *   and the pool autoscales so that `idle` stays around a quarter of the fleet.
 * - `status` (database, api, elevenlabs, payments): latencies that follow the load; rare
 *   degradations that recover after a minute or two, and, more rarely still, an outage. Published
 *   on every change and every 10 ticks.
 * - a scripted incident, live only: every 5–8 minutes a healthy component goes down (a critical
 *   notification, the status says `down`) and recovers 30–60 s later (a "recovered" notification
 *   with `resolved: true`). Every notification about one component episode carries the same
 *   `group`, so the elements can let the recovery supersede the outage.
 * - `activity` every 3–8 s (faster during a failed sign-in burst): sign-ins and failed sign-ins,
 *   agents created and edited, invoices paid or failed, contact imports — by a cast of admins.
 * - `notification`s in every category (system, security, billing, agents, users, calls) and
 *   priority, with ops-style titles, messages and https links: live, a background one whenever
 *   8–18 s passed without any (so one at least every 20 s); in backfilled history about one a
 *   minute. Outages, recoveries, error spikes and call surges each raise one.
 *
 * The cast and the copy (people, agents, templates, status messages) are in simulator-data.ts.
 *
 * Deterministic for a given `random` and `now` (pass `mulberry32(seed)`), so tests can replay it.
 */
import type {
  ActivityInput,
  ComponentState,
  ComponentStatus,
  EventInput,
  NotificationInput,
  Priority,
} from '../core/protocol.js';
import {
  AGENTS,
  CITIES,
  COMPONENT_LABEL,
  type ComponentName,
  DEGRADED_MESSAGE,
  DOWN_MESSAGE,
  money,
  PEOPLE,
  type Person,
  SIMULATED_COMPONENTS,
  TEMPLATES,
  type Template,
  VOICES,
} from './simulator-data.js';

export { SIMULATED_COMPONENTS } from './simulator-data.js';

export interface SimulatorOptions {
  publish: (events: EventInput[]) => void;
  /** Uniform [0, 1); default Math.random. Pass `mulberry32(seed)` for a reproducible stream. */
  random?: () => number;
  /** Clock in epoch ms; default Date.now. */
  now?: () => number;
  /** Default 1000. */
  intervalMs?: number;
  /** Base of the links in notifications; default `https://app.voiceagents.example`. */
  baseUrl?: string;
  /** Seconds of history to publish at start, stamped in the past (default 0). */
  backfillSeconds?: number;
}

/** mulberry32: a tiny, fast, seedable 32-bit PRNG returning uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round = (v: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

interface ComponentSim {
  state: ComponentState;
  /** Typical latency when healthy, ms. */
  base: number;
  /** Per-tick chance of a degradation while operational. */
  degradeP: number;
  since: number;
  /** What the status page says while degraded. */
  message?: string;
  /** The episode (operational → … → operational) the notifications about it share as `group`. */
  episode?: string;
}

/** Seconds between two notifications while live (background ones fill in where nothing else came). */
export const NOTIFICATION_GAP_SECONDS: readonly [number, number] = [8, 18];
/** Seconds between two activity rows while live (a failed sign-in burst comes faster). */
export const ACTIVITY_GAP_SECONDS: readonly [number, number] = [3, 8];
/** Seconds between the end of one scripted incident and the start of the next, and how long one lasts. */
export const INCIDENT_GAP_SECONDS: readonly [number, number] = [300, 480];
export const INCIDENT_SECONDS: readonly [number, number] = [30, 60];
/** Backfilled history is sparser: about one notification a minute, no scripted incidents. */
const BACKFILL_NOTIFICATION_GAP_SECONDS: readonly [number, number] = [40, 80];

/** Starts publishing; `tick()` runs one step synchronously (tests drive it without the timer). */
export function startSimulator(options: SimulatorOptions): { stop(): void; tick(): void } {
  const random = options.random ?? Math.random;
  const clock = options.now ?? Date.now;
  // While backfilling, ticks run at past times: `now()` lags the clock by `rewindMs`.
  let rewindMs = 0;
  const now = () => clock() - rewindMs;
  const baseUrl = (options.baseUrl ?? 'https://app.voiceagents.example').replace(/\/+$/, '');
  const intervalMs = options.intervalMs ?? 1000;

  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const chance = (p: number) => random() < p;
  /** Roughly normal, mean 0, sd 1 (sum of uniforms). */
  const gauss = () => random() + random() + random() + random() - 2;

  // Dynamics state.
  let ticks = 0;
  let userWalk = 0;
  let callWalk = 0;
  let loadWalk = 0;
  let baseError = 0.004;
  let surge = 0; // extra share of calls during an outbound campaign
  let surgeLeft = 0;
  let spike = 0; // error-rate spike height, decays
  let spikeNotified = false;
  let pool = 160;
  const components: Record<ComponentName, ComponentSim> = {
    database: { state: 'operational', base: 4, degradeP: 1 / 7200, since: 0 },
    api: { state: 'operational', base: 45, degradeP: 1 / 4800, since: 0 },
    elevenlabs: { state: 'operational', base: 210, degradeP: 1 / 3000, since: 0 },
    payments: { state: 'operational', base: 180, degradeP: 1 / 5400, since: 0 },
  };
  let lastStatusTick = -Infinity;
  let failedSignInBurst: { person: Person; left: number; attempt: number } | null = null;
  // Cadence, in simulated epoch ms (sim time, so a driven clock paces it like the real one).
  let lastNoteAt: number | undefined;
  let noteGapMs = 0;
  let nextActivityAt = 0;
  let nextIncidentAt: number | undefined;
  let incident: { name: ComponentName; endsAt: number } | null = null;
  /** Milliseconds for a random whole number of seconds in `[lo, hi]`. */
  const seconds = ([lo, hi]: readonly [number, number]) => int(lo, hi) * 1000;

  const url = (path: string) => baseUrl + path;

  const totalWeight = TEMPLATES.reduce((s, t) => s + t.weight, 0);
  const pickTemplate = (): Template => {
    let r = random() * totalWeight;
    for (const t of TEMPLATES) {
      r -= t.weight;
      if (r < 0) return t;
    }
    return TEMPLATES[TEMPLATES.length - 1]!;
  };

  /** 0.12 at night, 1 at the 14:00 UTC peak, a shoulder in the morning. */
  const dailyCurve = (hour: number) =>
    0.12 + 0.7 * Math.exp(-(((hour - 14) / 4) ** 2)) + 0.18 * Math.exp(-(((hour - 9.5) / 1.5) ** 2));

  function notification(
    at: string,
    category: string,
    priority: Priority,
    title: string,
    message: string,
    link: string,
    data?: Record<string, unknown>,
  ): NotificationInput {
    const n: NotificationInput = { kind: 'notification', title, message, category, priority, link, createdAt: at };
    if (data) n.data = data;
    return n;
  }

  /** Moves component `name` to `state` and raises the notification for that change. */
  function transition(at: string, name: ComponentName, state: ComponentState, events: EventInput[]): void {
    const c = components[name];
    const label = COMPONENT_LABEL[name];
    const before = c.state;
    const minutes = Math.max(1, Math.round((ticks - c.since) / 60));
    c.state = state;
    c.since = ticks;
    if (before === 'operational') c.episode = `${name}-${new Date(at).getTime()}`;
    const slug = url(`/status/${name}`);
    let n: NotificationInput;
    if (state === 'degraded' && before === 'operational') {
      n = notification(at, 'system', 'high', `${label} degraded`, `${c.message}. Investigating.`, slug, {
        component: name,
        state: 'degraded',
      });
    } else if (state === 'down') {
      n = notification(at, 'system', 'critical', `${label} is down`, `${DOWN_MESSAGE[name]}.`, slug, {
        component: name,
        state: 'down',
      });
      n.actor = { name: 'Uptime monitor' };
      n.actions = [
        { id: 'acknowledge', label: 'Acknowledge' },
        { id: 'status-page', label: 'Status page', url: slug },
      ];
    } else if (state === 'degraded') {
      n = notification(
        at,
        'system',
        'medium',
        `${label} partially recovered`,
        `Service is responding again after ${minutes} min; error rates are still elevated.`,
        slug,
        { component: name, state: 'degraded' },
      );
    } else {
      const what = before === 'down' ? 'an outage' : 'degraded service';
      n = notification(
        at,
        'system',
        'low',
        `${label} recovered`,
        `${label} is operational again after ${minutes} min of ${what}.`,
        slug,
        { component: name, state: 'operational' },
      );
      n.resolved = true;
    }
    if (c.episode) n.group = c.episode;
    if (state === 'operational') c.episode = undefined;
    events.push(n);
  }

  /**
   * The scripted incident, live only: every few minutes an operational component goes down
   * (critical), and comes back a minute or so later (resolved); the status follows.
   */
  function stepIncident(at: string, t: number, events: EventInput[]): boolean {
    if (rewindMs > 0) return false;
    if (incident) {
      if (t < incident.endsAt) return false;
      transition(at, incident.name, 'operational', events);
      incident = null;
      nextIncidentAt = t + seconds(INCIDENT_GAP_SECONDS);
      return true;
    }
    nextIncidentAt ??= t + seconds([60, 120]);
    if (t < nextIncidentAt) return false;
    const healthy = SIMULATED_COMPONENTS.filter((name) => components[name].state === 'operational');
    if (healthy.length === 0) return false;
    const name = pick(healthy);
    transition(at, name, 'down', events);
    incident = { name, endsAt: t + seconds(INCIDENT_SECONDS) };
    return true;
  }

  function stepComponents(at: string, load: number, events: EventInput[]): boolean {
    let changed = false;
    for (const name of SIMULATED_COMPONENTS) {
      if (incident?.name === name) continue; // the script owns it until it resolves
      const c = components[name];
      let state = c.state;
      if (state === 'operational') {
        // The API degrades more easily under load and during an error spike.
        const p = c.degradeP * (name === 'api' ? 1 + 1.5 * load + (spike > 0.05 ? 10 : 0) : 1);
        if (chance(p)) {
          state = 'degraded';
          c.message = pick(DEGRADED_MESSAGE[name]);
        }
      } else if (state === 'degraded') {
        if (chance(1 / 600)) state = 'down';
        else if (chance(1 / 80)) state = 'operational';
      } else if (chance(1 / 45)) {
        state = 'degraded'; // recovering
      }
      if (state === c.state) continue;
      changed = true;
      transition(at, name, state, events);
    }
    return changed;
  }

  function statusEvent(at: string, load: number): EventInput {
    const out: Record<string, ComponentStatus> = {};
    for (const name of SIMULATED_COMPONENTS) {
      const c = components[name];
      const jitter = 1 + 0.15 * gauss();
      if (c.state === 'down') {
        out[name] = { state: 'down', message: DOWN_MESSAGE[name] };
        continue;
      }
      const factor = c.state === 'degraded' ? 3 + 3 * random() : 1;
      const latencyMs = Math.max(1, Math.round(c.base * (1 + 0.8 * load) * jitter * factor));
      out[name] =
        c.state === 'degraded'
          ? { state: 'degraded', latencyMs, message: c.message ?? DEGRADED_MESSAGE[name][0]! }
          : { state: 'operational', latencyMs };
    }
    return { kind: 'status', components: out, at };
  }

  function activity(at: string): ActivityInput {
    const type = failedSignInBurst
      ? 'authentication'
      : pick(['authentication', 'authentication', 'agents', 'agents', 'billing', 'contacts'] as const);
    let p = pick(PEOPLE);
    const user = { id: p.id, name: p.name, email: p.email };
    const [agentId, agentName] = pick(AGENTS);
    switch (type) {
      case 'authentication': {
        if (failedSignInBurst || chance(0.06)) {
          if (!failedSignInBurst) failedSignInBurst = { person: p, left: int(1, 5), attempt: 0 };
          p = failedSignInBurst.person;
          const attempt = ++failedSignInBurst.attempt;
          return {
            kind: 'activity',
            type,
            action: 'failed sign-in',
            user: { id: p.id, name: p.name, email: p.email },
            detail: `Wrong password from ${pick(CITIES)} (${pick(['Chrome', 'Safari', 'Firefox'])}); attempt ${attempt} of 5.`,
            at,
          };
        }
        const action = pick(['signed in', 'signed in', 'signed in', 'signed out', 'enabled two-factor authentication']);
        return {
          kind: 'activity',
          type,
          action,
          user,
          detail:
            action === 'signed in'
              ? `Signed in with ${pick(['password + TOTP', 'Google SSO', 'passkey'])} from ${pick(CITIES)}.`
              : action === 'signed out'
                ? 'Session ended from the account menu.'
                : 'Authenticator app registered.',
          at,
        };
      }
      case 'agents': {
        const action = pick(['created agent', 'edited agent', 'edited agent', 'published agent', 'paused agent']);
        const detail =
          action === 'edited agent'
            ? `“${agentName}”: voice changed to ${pick(VOICES)}, temperature 0.${int(2, 5)} → 0.${int(5, 8)}.`
            : action === 'created agent'
              ? `“${pick(['Front Desk', 'Order Status', 'Survey', 'Collections'])} – ${pick(CITIES)}” created from the ${pick(['receptionist', 'support', 'outbound sales'])} template.`
              : `“${agentName}” (${agentId}).`;
        return { kind: 'activity', type, action, user, detail, at };
      }
      case 'billing': {
        const inv = `INV-2026-${String(int(1000, 9999)).padStart(6, '0')}`;
        const action = pick(['paid invoice', 'paid invoice', 'invoice payment failed', 'updated payment method']);
        const detail =
          action === 'updated payment method'
            ? 'Card ending 4444 replaced card ending 4242.'
            : `${inv}, ${money(int(4900, 249900))}${action === 'invoice payment failed' ? ', declined by issuer' : ''}.`;
        return { kind: 'activity', type, action, user, detail, at };
      }
      default: {
        const imported = chance(0.75);
        const n = int(40, 4800);
        return {
          kind: 'activity',
          type: 'contacts',
          action: imported ? 'imported contacts' : 'exported contacts',
          user,
          detail: imported
            ? `${n.toLocaleString('en-US')} contacts from ${pick(['leads-nov.csv', 'patients-q4.xlsx', 'hubspot-export.csv'])} (${int(0, 40)} duplicates skipped).`
            : `${n.toLocaleString('en-US')} contacts exported to CSV.`,
          at,
        };
      }
    }
  }

  function tick(): void {
    const t = now();
    const at = new Date(t).toISOString();
    const date = new Date(t);
    const hour = date.getUTCHours() + date.getUTCMinutes() / 60;
    const events: EventInput[] = [];
    ticks++;

    // Traffic.
    userWalk = clamp(userWalk * 0.985 + 0.012 * gauss(), -0.2, 0.2);
    callWalk = clamp(callWalk * 0.97 + 0.02 * gauss(), -0.25, 0.25);
    let surgeStarted = false;
    if (surgeLeft > 0) {
      surgeLeft--;
      if (surgeLeft === 0) surge = 0;
    } else if (chance(1 / 900)) {
      surge = 0.3 + 0.5 * random();
      surgeLeft = int(45, 180);
      surgeStarted = true;
    }
    const curve = dailyCurve(hour);
    const activeUsers = Math.max(0, Math.round(1400 * curve * (1 + userWalk) + 4 * gauss()));
    const activeCalls = Math.max(0, Math.round(420 * curve * (1 + callWalk) * (1 + surge) + 3 * gauss()));

    // Errors: a low baseline that wanders, spikes that decay, and whatever a sick component adds.
    baseError = clamp(baseError + 0.0004 * gauss(), 0.001, 0.009);
    if (spike > 0.001) spike *= 0.97;
    else {
      spike = 0;
      if (chance(1 / 1200)) spike = 0.05 + 0.2 * random();
    }
    let componentErrors = 0;
    for (const name of SIMULATED_COMPONENTS) {
      const s = components[name].state;
      componentErrors += s === 'down' ? 0.08 : s === 'degraded' ? 0.015 : 0;
    }
    const errorRate = round(clamp(baseError + spike + componentErrors, 0, 1), 4);

    loadWalk = clamp(loadWalk * 0.9 + 0.015 * gauss(), -0.08, 0.08);
    const systemLoad = round(clamp(0.06 + (activeCalls / 520) * 0.8 + loadWalk + spike * 0.4, 0, 1), 3);
    const responseTimeMs = Math.max(
      15,
      Math.round(65 + 320 * systemLoad ** 2 + 8 * gauss() + spike * 2500 + componentErrors * 3000),
    );

    events.push({
      kind: 'metrics',
      values: { activeUsers, activeCalls, systemLoad, responseTimeMs, errorRate },
      at,
    });

    // Agents: one per live call; errors track the error rate; the pool keeps ~25 % idle.
    const error = Math.min(40, Math.round(activeCalls * errorRate * 0.5 + (spike > 0 ? 2 * random() : 0)));
    const target = Math.max(120, Math.ceil((activeCalls + error) * 1.33));
    pool = pool < activeCalls + error ? activeCalls + error + 5 : Math.round(pool + (target - pool) * 0.05);
    events.push({ kind: 'agents', active: activeCalls, idle: Math.max(0, pool - activeCalls - error), error, at });

    // Status.
    const scripted = stepIncident(at, t, events);
    const changed = stepComponents(at, systemLoad, events) || scripted;
    if (changed || ticks - lastStatusTick >= 10) {
      events.push(statusEvent(at, systemLoad));
      lastStatusTick = ticks;
    }

    // Notifications raised by the dynamics.
    if (surgeStarted) {
      events.push(
        notification(
          at,
          'calls',
          'medium',
          'Call volume surge',
          `${activeCalls} concurrent calls, ${Math.round(surge * 100)}% above the usual for this hour (outbound campaign).`,
          url('/calls/live'),
          { activeCalls },
        ),
      );
    }
    if (spike > 0.04 && !spikeNotified) {
      spikeNotified = true;
      events.push(
        notification(
          at,
          'calls',
          'high',
          `Call failure rate at ${(errorRate * 100).toFixed(1)}%`,
          `Failed or dropped calls rose above 4% over the last minute. Response time ${responseTimeMs} ms.`,
          url('/calls?status=failed'),
          { errorRate },
        ),
      );
    } else if (spike === 0) spikeNotified = false;

    // Activity every few seconds; a failed sign-in burst comes faster still.
    if ((failedSignInBurst && chance(0.3)) || t >= nextActivityAt) {
      nextActivityAt = t + seconds(ACTIVITY_GAP_SECONDS);
      const a = activity(at);
      events.push(a);
      if (a.action === 'failed sign-in' && failedSignInBurst) {
        failedSignInBurst.left--;
        if (failedSignInBurst.left <= 0) {
          const { person: p, attempt } = failedSignInBurst;
          failedSignInBurst = null;
          // Five wrong passwords lock the account; fewer, and the admin simply got it right.
          if (attempt >= 5) {
            events.push(
              notification(
                at,
                'security',
                'high',
                'Account locked after failed sign-ins',
                `5 failed sign-ins for ${p.email} within a minute. The account is locked for 15 minutes.`,
                url(`/security/events?user=${p.id}`),
                { userId: p.id },
              ),
            );
          } else {
            events.push({
              kind: 'activity',
              type: 'authentication',
              action: 'signed in',
              user: { id: p.id, name: p.name, email: p.email },
              detail: `Signed in after ${attempt} failed attempt${attempt === 1 ? '' : 's'}.`,
              at,
            });
          }
        }
      }
    }

    // Background notifications fill the quiet: one when none came for the drawn gap (live every
    // 8–18 s, so never more than 20 s without one; in backfilled history about one a minute).
    lastNoteAt ??= t;
    if (!events.some((e) => e.kind === 'notification') && t - lastNoteAt >= noteGapMs) {
      const tpl = pickTemplate();
      const body = tpl.make({ pick, int, url });
      events.push(notification(at, tpl.category, tpl.priority, body.title, body.message, body.link, body.data));
    }
    if (events.some((e) => e.kind === 'notification')) {
      lastNoteAt = t;
      noteGapMs = seconds(rewindMs > 0 ? BACKFILL_NOTIFICATION_GAP_SECONDS : NOTIFICATION_GAP_SECONDS);
    }

    options.publish(events);
  }

  // History first (one tick per past interval, oldest first), so a fresh demo has charts, a
  // feed and notifications at once; then live ticks on the timer, continuing the same dynamics.
  const backfill = Math.max(0, Math.floor(options.backfillSeconds ?? 0));
  for (let i = Math.floor((backfill * 1000) / intervalMs); i > 0; i--) {
    rewindMs = i * intervalMs;
    tick();
  }
  rewindMs = 0;

  let timer: ReturnType<typeof setInterval> | null = setInterval(() => tick(), intervalMs);
  (timer as { unref?: () => void }).unref?.();
  return {
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    tick,
  };
}
