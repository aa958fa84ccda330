/**
 * The demo simulator's cast and copy: admins, agents, voices, component labels and status
 * messages, and the notification templates with their weights. Data only; the dynamics that pick
 * from it live in simulator.ts.
 */
import type { Priority } from '../core/protocol.js';

export const SIMULATED_COMPONENTS = ['database', 'api', 'elevenlabs', 'payments'] as const;
export type ComponentName = (typeof SIMULATED_COMPONENTS)[number];

export interface Person {
  id: string;
  name: string;
  email: string;
}

export const PEOPLE: Person[] = [
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

export const AGENTS = [
  ['agt_7Hk2', 'Dental Reception – After Hours'],
  ['agt_3Qm9', 'Appointment Reminders'],
  ['agt_8Zp4', 'Property Viewing Scheduler'],
  ['agt_2Lw7', 'Claims Intake (FNOL)'],
  ['agt_5Rt1', 'Billing Support – Tier 1'],
  ['agt_9Xc6', 'Lead Qualification – Outbound'],
  ['agt_4Nb8', 'Pharmacy Refill Line'],
  ['agt_6Vd3', 'Restaurant Reservations'],
] as const;

export const VOICES = ['Rachel', 'Adam', 'Bella', 'Antoni', 'Charlotte', 'Daniel', 'Matilda'];
export const PLANS = ['Starter', 'Growth', 'Scale', 'Enterprise'];
export const COUNTRIES = ['Romania', 'Vietnam', 'Brazil', 'Nigeria', 'Russia', 'Indonesia'];
export const CITIES = ['Berlin', 'London', 'Austin', 'Toronto', 'Madrid', 'Singapore'];

export const COMPONENT_LABEL: Record<ComponentName, string> = {
  database: 'Database',
  api: 'API',
  elevenlabs: 'ElevenLabs',
  payments: 'Payments',
};

export const DEGRADED_MESSAGE: Record<ComponentName, string[]> = {
  database: ['Replica lag above 5 s on the read pool', 'Slow queries on calls table; p95 above 800 ms'],
  api: ['Elevated 5xx rate on /v1/calls', 'p95 latency above 1.5 s in eu-west-1'],
  elevenlabs: ['Elevated text-to-speech latency (first byte > 1.2 s)', 'Intermittent 429s from the TTS streaming API'],
  payments: ['Webhook deliveries delayed by ~3 minutes', 'Elevated card authorization latency'],
};

export const DOWN_MESSAGE: Record<ComponentName, string> = {
  database: 'Primary unreachable; failover to replica in progress',
  api: 'Health checks failing in all regions',
  elevenlabs: 'TTS streaming API unreachable; calls falling back to the backup voice',
  payments: 'Payments provider API unavailable; charges are queued for retry',
};

export interface Template {
  category: string;
  priority: Priority;
  weight: number;
  make: (ctx: Ctx) => { title: string; message: string; link: string; data?: Record<string, unknown> };
}

export interface Ctx {
  pick: <T>(items: readonly T[]) => T;
  int: (lo: number, hi: number) => number;
  url: (path: string) => string;
}

export const money = (cents: number) =>
  `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export const TEMPLATES: Template[] = [
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
    weight: 0.04,
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
    weight: 0.04,
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
    weight: 0.04,
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
    weight: 0.04,
    make: ({ url }) => ({
      title: 'SIP trunk down: inbound calls rejected',
      message: 'The primary carrier trunk is rejecting INVITEs (503). Inbound calls fail until failover completes.',
      link: url('/calls/telephony'),
    }),
  },
];
