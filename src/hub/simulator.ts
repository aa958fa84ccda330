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
 * - `activity` a few times a minute: sign-ins and failed sign-ins, agents created and edited,
 *   invoices paid or failed, contact imports — by a cast of admins with names and emails.
 * - `notification`s in every category (system, security, billing, agents, users, calls) and
 *   priority, with ops-style titles, messages and https links; critical ones are rare (an outage,
 *   a credential-stuffing wave). Outages, recoveries, error spikes and call surges each raise one.
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

export const SIMULATED_COMPONENTS = ['database', 'api', 'elevenlabs', 'payments'] as const;
type ComponentName = (typeof SIMULATED_COMPONENTS)[number];

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round = (v: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

interface Person {
  id: string;
  name: string;
  email: string;
}

const PEOPLE: Person[] = [
  ['usr_1a7f', 'Maria Garcia', 'maria.garcia@brightsmile-dental.example'],
  ['usr_2b3c', 'James Okafor', 'james.okafor@northwind-realty.example'],
  ['usr_3d9e', 'Priya Raman', 'priya@acme-health.example'],
  ['usr_4f21', 'Lukas Schneider', 'l.schneider@globex.example'],
  ['usr_5a88', 'Sofia Rossi', 'sofia.rossi@initech.example'],
  ['usr_6c40', 'Chen Wei', 'wei.chen@umbrella-insurance.example'],
  ['usr_7e12', 'Amara Nwosu', 'amara.nwosu@brightsmile-dental.example'],
  ['usr_8b5d', 'Daniel Kim', 'dkim@northwind-realty.example'],
  ['usr_9f03', 'Olivia Brown', 'olivia.brown@acme-health.example'],
  ['usr_a4e6', 'Mateo Fernández', 'mateo.fernandez@globex.example'],
  ['usr_b7c2', 'Hannah Müller', 'hannah.mueller@initech.example'],
  ['usr_c1d9', 'Yuki Tanaka', 'yuki.tanaka@umbrella-insurance.example'],
].map(([id, name, email]) => ({ id: id!, name: name!, email: email! }));

const AGENTS = [
  ['agt_7Hk2', 'Dental Reception – After Hours'],
  ['agt_3Qm9', 'Appointment Reminders'],
  ['agt_8Zp4', 'Property Viewing Scheduler'],
  ['agt_2Lw7', 'Claims Intake (FNOL)'],
  ['agt_5Rt1', 'Billing Support – Tier 1'],
  ['agt_9Xc6', 'Lead Qualification – Outbound'],
  ['agt_4Nb8', 'Pharmacy Refill Line'],
  ['agt_6Vd3', 'Restaurant Reservations'],
] as const;

const VOICES = ['Rachel', 'Adam', 'Bella', 'Antoni', 'Charlotte', 'Daniel', 'Matilda'];
const PLANS = ['Starter', 'Growth', 'Scale', 'Enterprise'];
const COUNTRIES = ['Romania', 'Vietnam', 'Brazil', 'Nigeria', 'Russia', 'Indonesia'];
const CITIES = ['Berlin', 'London', 'Austin', 'Toronto', 'Madrid', 'Singapore'];

interface ComponentSim {
  state: ComponentState;
  /** Typical latency when healthy, ms. */
  base: number;
  /** Per-tick chance of a degradation while operational. */
  degradeP: number;
  since: number;
  /** What the status page says while degraded. */
  message?: string;
}

const COMPONENT_LABEL: Record<ComponentName, string> = {
  database: 'Database',
  api: 'API',
  elevenlabs: 'ElevenLabs',
  payments: 'Payments',
};

const DEGRADED_MESSAGE: Record<ComponentName, string[]> = {
  database: ['Replica lag above 5 s on the read pool', 'Slow queries on calls table; p95 above 800 ms'],
  api: ['Elevated 5xx rate on /v1/calls', 'p95 latency above 1.5 s in eu-west-1'],
  elevenlabs: ['Elevated text-to-speech latency (first byte > 1.2 s)', 'Intermittent 429s from the TTS streaming API'],
  payments: ['Webhook deliveries delayed by ~3 minutes', 'Elevated card authorization latency'],
};

const DOWN_MESSAGE: Record<ComponentName, string> = {
  database: 'Primary unreachable; failover to replica in progress',
  api: 'Health checks failing in all regions',
  elevenlabs: 'TTS streaming API unreachable; calls falling back to the backup voice',
  payments: 'Payments provider API unavailable; charges are queued for retry',
};

interface Template {
  category: string;
  priority: Priority;
  weight: number;
  make: (ctx: Ctx) => { title: string; message: string; link: string; data?: Record<string, unknown> };
}

interface Ctx {
  pick: <T>(items: readonly T[]) => T;
  int: (lo: number, hi: number) => number;
  url: (path: string) => string;
}

const money = (cents: number) =>
  `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

const TEMPLATES: Template[] = [
  // system
  {
    category: 'system',
    priority: 'low',
    weight: 3,
    make: ({ int, url }) => {
      const v = `2026.11.${int(1, 28)}-${int(1, 9)}`;
      return {
        title: `Deployment ${v} completed`,
        message: `Rolled out to all regions in ${int(4, 11)} min with no errors. Canary error rate 0.0${int(1, 9)}%.`,
        link: url(`/system/deployments/${v}`),
        data: { version: v },
      };
    },
  },
  {
    category: 'system',
    priority: 'low',
    weight: 2,
    make: ({ int, url }) => ({
      title: 'Nightly backup completed',
      message: `Snapshot of 3 databases (${int(40, 90)}.${int(0, 9)} GB) verified and stored in 2 regions.`,
      link: url('/system/backups'),
    }),
  },
  {
    category: 'system',
    priority: 'medium',
    weight: 2,
    make: ({ int, url }) => ({
      title: `TLS certificate for api.voiceagents.example expires in ${int(10, 21)} days`,
      message: 'Automatic renewal failed once; it will be retried tonight. No action needed unless it fails again.',
      link: url('/system/certificates'),
    }),
  },
  {
    category: 'system',
    priority: 'medium',
    weight: 1.5,
    make: ({ pick, url }) => ({
      title: 'Scheduled maintenance: database minor version upgrade',
      message: `${pick(['Sunday', 'Saturday'])} 02:00–02:30 UTC. Expect up to 20 s of write unavailability.`,
      link: url('/system/maintenance'),
    }),
  },
  {
    category: 'system',
    priority: 'high',
    weight: 1,
    make: ({ int, url }) => ({
      title: `Disk usage at ${int(85, 93)}% on recordings volume`,
      message: 'Call recordings volume will fill in about 4 days at the current rate. Extend it or shorten retention.',
      link: url('/system/storage'),
    }),
  },
  {
    category: 'system',
    priority: 'critical',
    weight: 0.1,
    make: ({ url }) => ({
      title: 'Queue backlog: 12,000 call events unprocessed',
      message:
        'The call-events worker pool stopped consuming 4 minutes ago. Post-call webhooks and analytics are delayed.',
      link: url('/system/queues/call-events'),
    }),
  },
  // security
  {
    category: 'security',
    priority: 'medium',
    weight: 2,
    make: ({ pick, url }) => {
      const p = pick(PEOPLE);
      return {
        title: 'New device sign-in',
        message: `${p.name} signed in from a new device (Chrome on macOS, ${pick(CITIES)}).`,
        link: url(`/security/sessions?user=${p.id}`),
        data: { userId: p.id },
      };
    },
  },
  {
    category: 'security',
    priority: 'high',
    weight: 1,
    make: ({ pick, url }) => {
      const p = pick(PEOPLE);
      return {
        title: 'Sign-in from an unusual location',
        message: `${p.email} signed in from ${pick(COUNTRIES)} for the first time. Session was allowed after 2FA.`,
        link: url(`/security/sessions?user=${p.id}`),
        data: { userId: p.id },
      };
    },
  },
  {
    category: 'security',
    priority: 'medium',
    weight: 1.5,
    make: ({ pick, url }) => {
      const p = pick(PEOPLE);
      return {
        title: 'API key created',
        message: `${p.name} created a production API key with scopes calls:write, agents:read.`,
        link: url('/settings/api-keys'),
        data: { userId: p.id },
      };
    },
  },
  {
    category: 'security',
    priority: 'high',
    weight: 0.8,
    make: ({ pick, url }) => {
      const p = pick(PEOPLE);
      return {
        title: 'Two-factor authentication disabled',
        message: `2FA was turned off for ${p.name}, who holds the admin role.`,
        link: url(`/users/${p.id}/security`),
        data: { userId: p.id },
      };
    },
  },
  {
    category: 'security',
    priority: 'critical',
    weight: 0.1,
    make: ({ int, url }) => ({
      title: 'Possible credential stuffing attack',
      message: `${int(900, 2400).toLocaleString('en-US')} failed sign-ins against ${int(150, 400)} accounts in 10 minutes from ${int(40, 120)} IPs. Rate limiting tightened automatically.`,
      link: url('/security/events?type=failed-sign-in'),
    }),
  },
  // billing
  {
    category: 'billing',
    priority: 'low',
    weight: 3,
    make: ({ int, url }) => {
      const inv = `INV-2026-${String(int(1000, 9999)).padStart(6, '0')}`;
      const cents = int(4900, 249900);
      return {
        title: `Invoice ${inv} paid`,
        message: `${money(cents)} received for the ${PLANS[int(0, 3)]} plan (card ending 4242).`,
        link: url(`/billing/invoices/${inv}`),
        data: { invoiceId: inv, amountCents: cents },
      };
    },
  },
  {
    category: 'billing',
    priority: 'high',
    weight: 1.2,
    make: ({ int, pick, url }) => {
      const inv = `INV-2026-${String(int(1000, 9999)).padStart(6, '0')}`;
      return {
        title: 'Payment failed',
        message: `Charge of ${money(int(9900, 199900))} for ${inv} was declined (${pick(['insufficient funds', 'card expired', 'do not honor'])}). Retry scheduled in 3 days.`,
        link: url(`/billing/invoices/${inv}`),
        data: { invoiceId: inv },
      };
    },
  },
  {
    category: 'billing',
    priority: 'medium',
    weight: 2,
    make: ({ int, url }) => ({
      title: `Usage at ${int(80, 95)}% of included call minutes`,
      message: 'At the current rate the workspace will reach overage pricing in about 5 days.',
      link: url('/billing/usage'),
    }),
  },
  {
    category: 'billing',
    priority: 'low',
    weight: 1.5,
    make: ({ int, url }) => ({
      title: 'Refund issued',
      message: `${money(int(1500, 25000))} refunded for dropped calls on ${int(1, 24)} November.`,
      link: url('/billing/refunds'),
    }),
  },
  {
    category: 'billing',
    priority: 'critical',
    weight: 0.1,
    make: ({ url }) => ({
      title: 'Payouts paused by the payments provider',
      message: 'The payments provider paused payouts pending a compliance review. Charges still succeed.',
      link: url('/billing/payouts'),
    }),
  },
  // agents
  {
    category: 'agents',
    priority: 'low',
    weight: 2.5,
    make: ({ pick, url }) => {
      const [id, name] = pick(AGENTS);
      return {
        title: `Agent “${name}” published`,
        message: `Version ${pick(['v12', 'v13', 'v7', 'v21'])} is live with voice ${pick(VOICES)}.`,
        link: url(`/agents/${id}`),
        data: { agentId: id },
      };
    },
  },
  {
    category: 'agents',
    priority: 'medium',
    weight: 1.5,
    make: ({ pick, int, url }) => {
      const [id, name] = pick(AGENTS);
      return {
        title: 'Knowledge base sync failed',
        message: `“${name}”: ${int(2, 14)} of ${int(40, 120)} documents could not be indexed (unsupported PDF).`,
        link: url(`/agents/${id}/knowledge`),
        data: { agentId: id },
      };
    },
  },
  {
    category: 'agents',
    priority: 'high',
    weight: 1,
    make: ({ pick, int, url }) => {
      const [id, name] = pick(AGENTS);
      return {
        title: 'Agent error rate above threshold',
        message: `“${name}” failed ${int(6, 18)}% of calls in the last 15 minutes (tool call timeouts).`,
        link: url(`/agents/${id}/calls?status=failed`),
        data: { agentId: id },
      };
    },
  },
  {
    category: 'agents',
    priority: 'low',
    weight: 1.5,
    make: ({ pick, url }) => ({
      title: 'Voice clone ready',
      message: `Professional voice clone “${pick(['Front Desk – Anna', 'Support – Marco', 'Sales – Leah'])}” finished training and can be assigned to agents.`,
      link: url('/voices'),
    }),
  },
  // users
  {
    category: 'users',
    priority: 'low',
    weight: 2.5,
    make: ({ int, url }) => ({
      title: 'New workspace sign-ups',
      message: `${int(3, 17)} workspaces signed up in the last hour; ${int(1, 3)} started a trial of the Scale plan.`,
      link: url('/users?sort=newest'),
    }),
  },
  {
    category: 'users',
    priority: 'medium',
    weight: 2,
    make: ({ pick, url }) => {
      const by = pick(PEOPLE);
      const who = pick(PEOPLE);
      return {
        title: 'Admin invited',
        message: `${by.name} invited ${who.email} as admin.`,
        link: url('/users/invitations'),
      };
    },
  },
  {
    category: 'users',
    priority: 'high',
    weight: 0.8,
    make: ({ pick, url }) => {
      const p = pick(PEOPLE);
      return {
        title: 'Role elevated to super_admin',
        message: `${p.name} was granted super_admin by ${pick(PEOPLE).name}.`,
        link: url(`/users/${p.id}`),
        data: { userId: p.id },
      };
    },
  },
  {
    category: 'users',
    priority: 'medium',
    weight: 1,
    make: ({ pick, url }) => {
      const p = pick(PEOPLE);
      return {
        title: 'Account deletion requested',
        message: `${p.email} asked for their data to be deleted (GDPR). Due within 30 days.`,
        link: url('/users/requests'),
      };
    },
  },
  // calls
  {
    category: 'calls',
    priority: 'low',
    weight: 2,
    make: ({ int, url }) => ({
      title: 'Average call duration up',
      message: `Average handle time is ${int(3, 5)}m ${int(10, 59)}s today, ${int(8, 20)}% above the weekly average.`,
      link: url('/calls/analytics'),
    }),
  },
  {
    category: 'calls',
    priority: 'medium',
    weight: 1.5,
    make: ({ pick, int, url }) => {
      const [id, name] = pick(AGENTS);
      return {
        title: 'Caller asked for a human',
        message: `Caller +44 20 7946 0${int(100, 999)} on “${name}” requested a callback from staff.`,
        link: url(`/calls?agent=${id}&escalated=true`),
        data: { agentId: id },
      };
    },
  },
  {
    category: 'calls',
    priority: 'high',
    weight: 1,
    make: ({ int, url }) => ({
      title: 'Warm transfers failing',
      message: `${int(5, 19)} of the last 40 transfers to +1 415-555-01${int(10, 99)} went unanswered.`,
      link: url('/calls?status=transfer-failed'),
    }),
  },
  {
    category: 'calls',
    priority: 'critical',
    weight: 0.1,
    make: ({ url }) => ({
      title: 'SIP trunk down: inbound calls rejected',
      message: 'The primary carrier trunk is rejecting INVITEs (503). Inbound calls fail until failover completes.',
      link: url('/calls/telephony'),
    }),
  },
];

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

  function stepComponents(at: string, load: number, events: EventInput[]): boolean {
    let changed = false;
    for (const name of SIMULATED_COMPONENTS) {
      const c = components[name];
      const label = COMPONENT_LABEL[name];
      const before = c.state;
      if (c.state === 'operational') {
        // The API degrades more easily under load and during an error spike.
        const p = c.degradeP * (name === 'api' ? 1 + 1.5 * load + (spike > 0.05 ? 10 : 0) : 1);
        if (chance(p)) {
          c.state = 'degraded';
          c.message = pick(DEGRADED_MESSAGE[name]);
        }
      } else if (c.state === 'degraded') {
        if (chance(1 / 600)) c.state = 'down';
        else if (chance(1 / 80)) c.state = 'operational';
      } else if (chance(1 / 45)) {
        c.state = 'degraded'; // recovering
      }
      if (c.state === before) continue;
      changed = true;
      const minutes = Math.max(1, Math.round((ticks - c.since) / 60));
      c.since = ticks;
      const slug = `/status/${name}`;
      if (c.state === 'degraded' && before === 'operational') {
        events.push(
          notification(at, 'system', 'high', `${label} degraded`, `${c.message}. Investigating.`, url(slug), {
            component: name,
            state: 'degraded',
          }),
        );
      } else if (c.state === 'down') {
        events.push(
          notification(at, 'system', 'critical', `${label} is down`, `${DOWN_MESSAGE[name]}.`, url(slug), {
            component: name,
            state: 'down',
          }),
        );
      } else if (c.state === 'degraded') {
        events.push(
          notification(
            at,
            'system',
            'medium',
            `${label} partially recovered`,
            `Service is responding again after ${minutes} min; error rates are still elevated.`,
            url(slug),
            { component: name, state: 'degraded' },
          ),
        );
      } else {
        events.push(
          notification(
            at,
            'system',
            'low',
            `${label} recovered`,
            `${label} is operational again after ${minutes} min of degraded service.`,
            url(slug),
            { component: name, state: 'operational' },
          ),
        );
      }
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
    const changed = stepComponents(at, systemLoad, events);
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

    // Activity, a few times a minute; a failed sign-in burst repeats every few seconds.
    if (failedSignInBurst ? chance(0.3) : chance(0.06)) {
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

    // Background notifications, about one a minute.
    if (chance(1 / 55)) {
      const tpl = pickTemplate();
      const body = tpl.make({ pick, int, url });
      events.push(notification(at, tpl.category, tpl.priority, body.title, body.message, body.link, body.data));
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
