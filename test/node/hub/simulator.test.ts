import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ACTIVITY_TYPES,
  type ActivityInput,
  type AgentsInput,
  COMPONENT_STATES,
  DEFAULT_CATEGORIES,
  type EventInput,
  type MetricsInput,
  type NotificationInput,
  PRIORITIES,
  type StatusInput,
  validateEventInput,
} from '../../../src/core/protocol.js';
import {
  INCIDENT_GAP_SECONDS,
  INCIDENT_SECONDS,
  mulberry32,
  SIMULATED_COMPONENTS,
  startSimulator,
} from '../../../src/hub/simulator.js';

const START = Date.UTC(2026, 10, 25, 12, 0, 0);

/** Runs `ticks` steps with a fake clock advancing 1 s per step; returns each published batch. */
function run(seed: number, ticks: number, start = START): EventInput[][] {
  let t = start;
  const batches: EventInput[][] = [];
  const sim = startSimulator({ publish: (events) => batches.push(events), random: mulberry32(seed), now: () => t });
  try {
    for (let i = 0; i < ticks; i++) {
      sim.tick();
      t += 1000;
    }
  } finally {
    sim.stop();
  }
  return batches;
}

const ofKind = <K extends EventInput['kind']>(events: EventInput[], kind: K) =>
  events.filter((e): e is Extract<EventInput, { kind: K }> => e.kind === kind);

describe('mulberry32', () => {
  test('is deterministic per seed, uniform in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 10_000 }, () => a());
    assert.deepEqual(
      Array.from({ length: 10_000 }, () => b()),
      xs,
    );
    assert.notDeepEqual(
      Array.from({ length: 10 }, () => c()),
      xs.slice(0, 10),
    );
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
    const buckets = new Array(10).fill(0);
    for (const x of xs) buckets[Math.floor(x * 10)]++;
    assert.ok(
      buckets.every((n) => n > 850 && n < 1150),
      `buckets ${buckets}`,
    );
  });
});

describe('simulator: one hour at 1 tick per second', () => {
  const batches = run(20261125, 3600);
  const events = batches.flat();
  const metrics = ofKind(events, 'metrics');
  const agents = ofKind(events, 'agents');
  const statuses = ofKind(events, 'status');
  const activity = ofKind(events, 'activity');
  const notifications = ofKind(events, 'notification');

  test('publishes one non-empty batch per tick, every event valid', () => {
    assert.equal(batches.length, 3600);
    for (const batch of batches) assert.ok(batch.length >= 2);
    for (const e of events) {
      const r = validateEventInput(e);
      assert.ok(r.ok, `${JSON.stringify(e)} → ${r.ok ? '' : r.error}`);
    }
    // Also valid after a JSON round trip (what POST /v1/events would carry).
    for (const e of events) assert.ok(validateEventInput(JSON.parse(JSON.stringify(e))).ok);
  });

  test('metrics every tick, in range, with dynamics', () => {
    assert.equal(metrics.length, 3600);
    const series = (name: string) => metrics.map((m: MetricsInput) => m.values[name]!);
    const users = series('activeUsers');
    const calls = series('activeCalls');
    const load = series('systemLoad');
    const rt = series('responseTimeMs');
    const err = series('errorRate');
    for (const m of metrics) {
      assert.deepEqual(Object.keys(m.values).sort(), [
        'activeCalls',
        'activeUsers',
        'errorRate',
        'responseTimeMs',
        'systemLoad',
      ]);
    }
    for (const v of [...users, ...calls]) assert.ok(Number.isInteger(v) && v >= 0);
    for (const v of [...load, ...err]) assert.ok(v >= 0 && v <= 1);
    for (const v of rt) assert.ok(v > 0 && v < 10_000);
    // Noise: values move, but not wildly from one second to the next (random walk, not white noise).
    const steps = users.slice(1).map((u, i) => Math.abs(u - users[i]!));
    assert.ok(new Set(users).size > 50, 'activeUsers varies');
    assert.ok(steps.reduce((s, x) => s + x, 0) / steps.length < 40, 'activeUsers changes smoothly');
    // Error rate: low baseline, occasional spikes.
    const sorted = [...err].sort((a, b) => a - b);
    assert.ok(sorted[Math.floor(sorted.length / 2)]! < 0.02, 'median error rate under 2 %');
    assert.ok(sorted[sorted.length - 1]! > 0.04, 'at least one error spike');
    // Response time rises with load.
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const ordered = metrics
      .map((m) => [m.values.systemLoad!, m.values.responseTimeMs!, m.values.errorRate!] as const)
      .filter(([, , e]) => e < 0.02)
      .sort((a, b) => a[0] - b[0]);
    const third = Math.floor(ordered.length / 3);
    assert.ok(
      mean(ordered.slice(-third).map((x) => x[1])) > mean(ordered.slice(0, third).map((x) => x[1])) * 1.2,
      'response time higher under high load',
    );
  });

  test('agents every tick, consistent with activeCalls', () => {
    assert.equal(agents.length, 3600);
    for (const batch of batches) {
      const m = ofKind(batch, 'metrics')[0]!;
      const a = ofKind(batch, 'agents')[0] as AgentsInput;
      assert.equal(a.active, m.values.activeCalls, 'one active agent per live call');
      for (const n of [a.active, a.idle, a.error]) assert.ok(Number.isInteger(n) && n >= 0);
      assert.ok(a.idle > 0, 'the pool keeps idle capacity');
    }
    assert.ok(agents.some((a) => a.error > 0));
  });

  test('status: all four components, at least every 10 s, degradations that recover', () => {
    let last = -1;
    batches.forEach((batch, i) => {
      if (ofKind(batch, 'status').length) {
        assert.ok(i - last <= 10, `gap ${i - last} ticks before ${i}`);
        last = i;
      }
    });
    assert.ok(statuses.length >= 360);
    for (const s of statuses as StatusInput[]) {
      assert.deepEqual(Object.keys(s.components).sort(), [...SIMULATED_COMPONENTS].sort());
      for (const c of Object.values(s.components)) {
        assert.ok(COMPONENT_STATES.includes(c.state));
        if (c.state !== 'down') assert.ok(c.latencyMs! > 0);
        if (c.state !== 'operational') assert.ok(c.message);
      }
    }
    // Follow each component's state over time.
    let degradations = 0;
    let recoveries = 0;
    for (const name of SIMULATED_COMPONENTS) {
      let prev = 'operational';
      for (const s of statuses) {
        const state = s.components[name]!.state;
        if (prev === 'operational' && state !== 'operational') degradations++;
        if (prev !== 'operational' && state === 'operational') recoveries++;
        prev = state;
      }
    }
    assert.ok(degradations >= 1, 'some component degrades');
    assert.ok(recoveries >= 1, 'and recovers');
    assert.ok(degradations <= 20, `degradations are occasional (${degradations})`);
    const operationalShare =
      statuses.filter((s) => Object.values(s.components).every((c) => c.state === 'operational')).length /
      statuses.length;
    assert.ok(operationalShare > 0.7, `all operational most of the time (${operationalShare})`);
    // A change is published the tick it happens, with a notification.
    const changeNotes = notifications.filter((n) => (n.data as { component?: string } | undefined)?.component);
    assert.ok(changeNotes.length >= degradations);
  });

  test('activity: every few seconds, all four types, believable people', () => {
    // One row every 3–8 s (a failed sign-in burst faster): 450 to 1200 an hour, never 10 s without one.
    assert.ok(activity.length >= 450 && activity.length <= 1200, `${activity.length} in an hour`);
    const rows = batches.flatMap((batch, i) => (ofKind(batch, 'activity').length ? [i] : []));
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i]! - rows[i - 1]! <= 10, `${rows[i]! - rows[i - 1]!} s gap`);
    const types = new Set(activity.map((a) => a.type));
    for (const t of ACTIVITY_TYPES) assert.ok(types.has(t), `type ${t}`);
    const actions = new Set(activity.map((a: ActivityInput) => a.action));
    for (const a of [
      'signed in',
      'failed sign-in',
      'created agent',
      'edited agent',
      'paid invoice',
      'imported contacts',
    ]) {
      assert.ok(actions.has(a), `action ${a}`);
    }
    for (const a of activity) {
      assert.match(a.user.name!, /^\S+ \S+/);
      assert.match(a.user.email!, /^[^@\s]+@[a-z0-9.-]+\.[a-z]{2,}$/);
      assert.ok(a.detail && a.detail.length > 5);
    }
  });

  test('notifications: every category and priority, critical rare, https links', () => {
    assert.ok(notifications.length >= 30, `${notifications.length} notifications`);
    const cats = new Set(notifications.map((n) => n.category));
    for (const c of DEFAULT_CATEGORIES) assert.ok(cats.has(c), `category ${c}`);
    const prios = new Set(notifications.map((n) => n.priority));
    for (const p of PRIORITIES) assert.ok(prios.has(p), `priority ${p}`);
    const critical = notifications.filter((n) => n.priority === 'critical').length;
    assert.ok(critical / notifications.length < 0.05, `${critical} of ${notifications.length} critical`);
    for (const n of notifications as NotificationInput[]) {
      assert.ok(n.link?.startsWith('https://'), n.link);
      assert.ok(n.title.length >= 5 && n.message!.length >= 10);
      assert.ok(n.createdAt);
    }
    assert.ok(new Set(notifications.map((n) => n.title)).size > 20, 'varied titles');
  });

  test('the same seed replays the same stream; another seed does not', () => {
    assert.deepEqual(run(20261125, 300), batches.slice(0, 300));
    assert.notDeepEqual(run(7, 300), batches.slice(0, 300));
  });
});

describe('simulator: the demo looks live', () => {
  /** Notifications as [second, notification] over `seconds` simulated seconds. */
  const timeline = (seed: number, seconds: number) =>
    run(seed, seconds).flatMap((batch, second) =>
      ofKind(batch, 'notification').map((n) => [second, n as NotificationInput] as const),
    );

  test('a notification at least every 20 s, and no flood (under one every 5 s on average)', () => {
    for (const seed of [20261125, 1, 2, 3]) {
      const notes = timeline(seed, 1800);
      assert.ok(notes[0]![0] <= 20, `seed ${seed}: first after ${notes[0]![0]} s`);
      for (let i = 1; i < notes.length; i++) {
        const gap = notes[i]![0] - notes[i - 1]![0];
        assert.ok(gap <= 20, `seed ${seed}: ${gap} s without a notification before second ${notes[i]![0]}`);
      }
      assert.ok(notes.length <= 1800 / 5, `seed ${seed}: ${notes.length} in 30 minutes`);
    }
  });

  test('a critical incident opens and resolves every few minutes, and the status follows it', () => {
    for (const seed of [20261125, 4, 5]) {
      const batches = run(seed, 1800);
      const notes = batches.flatMap((batch, second) =>
        ofKind(batch, 'notification').map((n) => ({
          second,
          n: n as NotificationInput,
        })),
      );
      const opened = notes.filter(({ n }) => n.priority === 'critical' && n.group);
      // The protocol's checks keep what ties an incident together (unknown fields would be dropped).
      for (const { n } of notes.filter(({ n }) => n.group)) {
        const checked = validateEventInput(n);
        assert.ok(checked.ok && checked.value.kind === 'notification', `seed ${seed}: ${JSON.stringify(n)}`);
        assert.equal(checked.value.group, n.group);
        assert.equal(checked.value.resolved, n.resolved);
      }
      assert.ok(opened.length >= 3, `seed ${seed}: ${opened.length} incidents in 30 minutes`);
      for (const { second, n } of opened) {
        const { component } = n.data as { component: string };
        const resolved = notes.find(({ n: r }) => r.group === n.group && r.resolved);
        // Resolved within the longest incident (plus the odd random relapse), as "<component> recovered".
        assert.ok(resolved || second > 1800 - INCIDENT_SECONDS[1] - 1, `seed ${seed}: ${n.title} never resolved`);
        if (!resolved) continue;
        assert.ok(resolved.second > second);
        assert.match(resolved.n.title, /recovered$/);
        // The status published with each says the same.
        const stateAt = (s: number) => ofKind(batches[s]!, 'status')[0]?.components[component]?.state;
        assert.equal(stateAt(second), 'down');
        assert.equal(stateAt(resolved.second), 'operational');
      }
      // Every few minutes: no stretch longer than the longest gap plus the longest incident (and the first delay).
      const starts = opened.map(({ second }) => second);
      const longest = INCIDENT_GAP_SECONDS[1] + INCIDENT_SECONDS[1] + 1;
      assert.ok(starts[0]! <= 120, `seed ${seed}: first incident at ${starts[0]} s`);
      for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! <= longest);
    }
  });
});

describe('simulator: other seeds and hours', () => {
  test('ten more seeds: all valid, critical under 5 % of notifications', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const events = run(seed, 3600).flat();
      for (const e of events) assert.ok(validateEventInput(e).ok, `seed ${seed}: ${JSON.stringify(e)}`);
      const notes = ofKind(events, 'notification');
      const critical = notes.filter((n) => n.priority === 'critical').length;
      assert.ok(critical / notes.length < 0.05, `seed ${seed}: ${critical} of ${notes.length}`);
    }
  });

  test('daily curve: afternoon traffic well above the night', () => {
    const meanOf = (hourUtc: number, name: string) => {
      const m = ofKind(run(5, 600, Date.UTC(2026, 10, 25, hourUtc, 0, 0)).flat(), 'metrics');
      return m.reduce((s, x) => s + x.values[name]!, 0) / m.length;
    };
    assert.ok(meanOf(14, 'activeUsers') > 3 * meanOf(3, 'activeUsers'));
    assert.ok(meanOf(14, 'activeCalls') > 3 * meanOf(3, 'activeCalls'));
    assert.ok(meanOf(14, 'systemLoad') > meanOf(3, 'systemLoad'));
  });
});

describe('simulator: timer', () => {
  test('publishes on its interval, and stop() clears the timer', (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    let published = 0;
    const sim = startSimulator({ publish: () => published++, intervalMs: 10, random: mulberry32(1) });
    const before = published; // a start may publish at once (backfill, first tick)
    t.mock.timers.tick(30);
    sim.stop();
    const atStop = published;
    assert.ok(atStop - before >= 3, `published ${atStop - before} batches in three intervals`);
    t.mock.timers.tick(80); // several intervals: a live timer would publish again
    assert.equal(published, atStop);
    sim.stop(); // idempotent
  });
});

describe('simulator: backfill', () => {
  test('publishes the requested history in the past, oldest first, before any live tick', () => {
    const t = Date.UTC(2026, 10, 25, 12, 0, 0);
    const batches: EventInput[][] = [];
    const sim = startSimulator({
      publish: (events) => batches.push(events),
      random: mulberry32(7),
      now: () => t,
      backfillSeconds: 120,
    });
    sim.stop();
    assert.equal(batches.length, 120);
    const stamps = batches.map((batch) => {
      const metrics = batch.find((e) => e.kind === 'metrics');
      return Date.parse(metrics!.at!);
    });
    assert.equal(stamps[0], t - 120_000);
    assert.equal(stamps.at(-1), t - 1000);
    for (let i = 1; i < stamps.length; i++) assert.ok(stamps[i]! > stamps[i - 1]!, 'oldest first');
    for (const e of batches.flat()) assert.ok(validateEventInput(e).ok);
  });
});
