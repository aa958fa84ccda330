/**
 * Alert rules on a real hub (127.0.0.1, port 0): samples published through `POST /v1/events` with
 * their own `at`, and a WebSocket client that sees what the rule raises. A condition held for the
 * rule's time raises one notification while it holds and one `resolved` when it clears; silence
 * longer than the hold is not a hold; a restarted hub remembers an open incident; two nodes on one
 * PostgreSQL store each alert once. The rules file is checked strictly, through the real CLI.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import type { RealtimeNotification, StreamEvent } from '../../../src/core/protocol.js';
import { AlertEvaluator } from '../../../src/hub/alert-rules/evaluator.js';
import {
  type AlertRuleInput,
  checkAlertRules,
  MAX_ALERT_RULES,
  readAlertRulesFile,
} from '../../../src/hub/alert-rules/rules.js';
import { parseCliArgs } from '../../../src/hub/config.js';
import type { Hub, HubOptions } from '../../../src/hub/hub.js';
import { mulberry32, startSimulator } from '../../../src/hub/simulator.js';
import { CLI_ENV, killAllCli, runCli } from '../../support/cli-process.js';
import { closeAllHubs, note, post, signToken, startHub, TestClient, waitUntil } from '../../support/hub-harness.js';
import { createTestDatabase } from '../../support/postgres.js';

after(closeAllHubs);
after(killAllCli);
const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const ERROR_RULE: AlertRuleInput = {
  name: 'error-rate',
  metric: 'errorRate',
  above: 0.02,
  for: '60s',
  priority: 'critical',
  category: 'system',
  title: 'Error rate above 2 %',
  message: 'errorRate is {value} ({valuePercent}, over {thresholdPercent}) for {for}.',
};
const GROUP = 'rule.error-rate';

/** Epoch ms five minutes ago: inside the metric history the hub keeps, and never ahead of it. */
const base = Date.now() - 5 * 60_000;
const at = (seconds: number) => new Date(base + seconds * 1000).toISOString();

async function sample(hub: Hub, seconds: number, errorRate: number): Promise<void> {
  const res = await post(hub, { kind: 'metrics', values: { errorRate }, at: at(seconds) });
  assert.equal(res.status, 202, JSON.stringify(res.body));
}

/** A sample every 10 s from `from` to `to` seconds, all at `errorRate`. */
async function samples(hub: Hub, from: number, to: number, errorRate: number): Promise<void> {
  for (let s = from; s <= to; s += 10) await sample(hub, s, errorRate);
}

/** Resolves with the notification `id` once the client received it. */
const received = (client: TestClient, id: string) =>
  client.waitForEvent((e) => e.kind === 'notification' && e.id === id, id);

/** Every alert notification of `group` the client received (live stream events), in order. */
const alerts = (client: TestClient, group = GROUP) =>
  client.events().filter((e): e is RealtimeNotification => e.kind === 'notification' && e.group === group);

let markers = 0;
/**
 * Publishes a marker and waits for it: whatever the samples before it raised was appended before
 * it (a rule publishes right after the delivery of its sample), so counting now is final.
 */
async function settled(hub: Hub, client: TestClient): Promise<void> {
  const title = `marker ${++markers}`;
  await post(hub, note(title));
  await client.waitForEvent((e) => e.kind === 'notification' && e.title === title, title);
}

async function admin(hub: Hub): Promise<TestClient> {
  const client = await TestClient.open(hub, await signToken({ sub: 'ops' }), { protocol: 2 });
  cleanups.push(() => client.close());
  return client;
}

describe('alert rules', () => {
  test('a condition held for the rule time raises once while it holds, and a resolved one when it clears', async () => {
    const hub = await startHub({ alertRules: [ERROR_RULE] });
    const client = await admin(hub);
    await samples(hub, 0, 50, 0.05);
    await settled(hub, client);
    assert.deepEqual(alerts(client), [], 'held 50 s of 60: nothing yet');

    await sample(hub, 60, 0.05);
    const raised = await client.waitForEvent((e) => e.kind === 'notification' && e.group === GROUP, 'the alert');
    await samples(hub, 70, 120, 0.09);
    await settled(hub, client);
    assert.equal(alerts(client).length, 1, 'once while it holds');
    assert.deepEqual(
      { ...raised, seq: 0 },
      {
        kind: 'notification',
        id: 'alert:error-rate:1',
        seq: 0,
        group: GROUP,
        title: 'Error rate above 2 %',
        message: 'errorRate is 0.05 (5 %, over 2 %) for 60 s.',
        category: 'system',
        priority: 'critical',
        createdAt: at(60),
        data: { rule: 'error-rate', metric: 'errorRate', value: 0.05 },
      },
      'dated by the sample that completed the hold',
    );

    await sample(hub, 130, 0.01);
    await sample(hub, 140, 0.01);
    await settled(hub, client);
    const [, resolved, ...rest] = alerts(client);
    assert.deepEqual(rest, [], 'one resolved, nothing more');
    assert.equal(resolved?.id, 'alert:error-rate:1:resolved');
    assert.equal(resolved?.resolved, true);
    assert.equal(resolved?.title, 'Resolved: Error rate above 2 %');
    assert.equal(resolved?.priority, 'low');
    assert.equal(resolved?.createdAt, at(130));

    // Held again: a second incident, with its own id.
    await samples(hub, 150, 210, 0.03);
    await received(client, 'alert:error-rate:2');
    await settled(hub, client);
    assert.equal(alerts(client).length, 3);
    assert.equal(client.invalid.length, 0);
  });

  test('a gap in the samples longer than the hold does not count as held', async () => {
    const hub = await startHub({ alertRules: [ERROR_RULE] });
    const client = await admin(hub);
    await sample(hub, 0, 0.05);
    await sample(hub, 30, 0.05);
    await sample(hub, 100, 0.05); // 70 s of silence: the hold starts again here
    await sample(hub, 130, 0.05);
    await settled(hub, client);
    assert.deepEqual(alerts(client), [], '130 s after the first sample, but only 30 s held');
    await sample(hub, 160, 0.05);
    const raised = await client.waitForEvent((e) => e.kind === 'notification' && e.group === GROUP, 'the alert');
    assert.equal((raised as RealtimeNotification).createdAt, at(160));
  });

  test('a status rule: the component down raises; operational again resolves', async () => {
    const rule: AlertRuleInput = {
      name: 'payments-down',
      component: 'payments',
      priority: 'high',
      category: 'billing',
      title: 'Payments down',
      resolvedTitle: 'Payments back',
    };
    const hub = await startHub({ alertRules: [rule] });
    const client = await admin(hub);
    const status = (seconds: number, state: string, other = 'operational') =>
      post(hub, { kind: 'status', components: { payments: { state }, api: { state: other } }, at: at(seconds) });
    await status(0, 'degraded', 'down');
    await settled(hub, client);
    assert.deepEqual(alerts(client, 'rule.payments-down'), [], 'degraded is not down; another component is not it');
    await status(10, 'down');
    await status(20, 'down');
    await status(30, 'operational');
    await settled(hub, client);
    assert.deepEqual(
      alerts(client, 'rule.payments-down').map((n) => [n.id, n.title, n.message, n.resolved ?? false]),
      [
        ['alert:payments-down:1', 'Payments down', 'payments is down.', false],
        ['alert:payments-down:1:resolved', 'Payments back', 'payments is operational again.', true],
      ],
    );
  });

  test('a restarted hub knows the incident is open: no second raise, and it resolves when the condition clears', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alert-rules-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const options: HubOptions = { db: join(dir, 'hub.db'), alertRules: [ERROR_RULE] };
    const first = await startHub(options);
    const before = await admin(first);
    await samples(first, 0, 60, 0.05);
    await sample(first, 70, 0.01);
    await samples(first, 80, 140, 0.05);
    await received(before, 'alert:error-rate:2');
    await first.close();

    const second = await startHub(options);
    const after = await admin(second);
    await samples(second, 150, 260, 0.05); // held well past 60 s again
    await settled(second, after);
    assert.deepEqual(alerts(after), [], 'not raised again');
    await sample(second, 270, 0.001);
    const resolved = await after.waitForEvent(
      (e) => e.kind === 'notification' && e.group === GROUP,
      'the resolved alert after the restart',
    );
    assert.equal(resolved.id, 'alert:error-rate:2:resolved', 'the incident open before the restart');

    // Restarted mid-incident, the first sample that clears resolves it (no hold to rebuild first).
    await samples(second, 280, 340, 0.05);
    await received(after, 'alert:error-rate:3');
    await second.close();
    const third = await startHub(options);
    const last = await admin(third);
    await sample(third, 350, 0.001);
    const cleared = await last.waitForEvent((e) => e.kind === 'notification' && e.group === GROUP, 'resolved at once');
    assert.equal(cleared.id, 'alert:error-rate:3:resolved');
  });

  test('two nodes on one PostgreSQL each evaluate the stream; every alert is stored once', async () => {
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    const node = (name: string) =>
      startHub({ postgres: { url: db.url, node: name, probeMs: 200, probeTimeoutMs: 2000 }, alertRules: [ERROR_RULE] });
    const [a, b] = await Promise.all([node('a'), node('b')]);
    const onA = await admin(a);
    const onB = await admin(b);
    // Samples through both nodes, alternating.
    for (let s = 0; s <= 90; s += 10) await sample(s % 20 ? a : b, s, 0.05);
    await sample(a, 100, 0.01);
    for (const [hub, client] of [
      [a, onA],
      [b, onB],
    ] as const) {
      await settled(hub, client);
      assert.deepEqual(
        alerts(client).map((n) => n.id),
        ['alert:error-rate:1', 'alert:error-rate:1:resolved'],
      );
    }
    const client = new pg.Client(db.url);
    await client.connect();
    try {
      const { rows } = await client.query("SELECT id FROM notifications WHERE id LIKE 'alert:%' ORDER BY seq");
      assert.deepEqual(
        rows.map((r) => r.id),
        ['alert:error-rate:1', 'alert:error-rate:1:resolved'],
      );
    } finally {
      await client.end();
    }
  });
});

describe('alert rules file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alert-rules-file-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  let files = 0;
  const file = (body: unknown) => {
    const path = join(dir, `rules-${++files}.json`);
    writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
    return path;
  };
  const parse = (path: string, env: Record<string, string> = {}) =>
    parseCliArgs(
      ['--jwt-secret', 'x'.repeat(32), '--publish-key', 'k', ...(env.viaEnv ? [] : ['--alert-rules', path])],
      {
        ...(env.viaEnv ? { ADMIN_REALTIME_ALERT_RULES: path } : {}),
      },
    );

  test('--alert-rules and ADMIN_REALTIME_ALERT_RULES read the rules into the options', () => {
    const path = file({ rules: [ERROR_RULE] });
    for (const config of [parse(path), parse(path, { viaEnv: '1' })]) {
      assert.equal(config.kind, 'ok');
      assert.deepEqual(config.kind === 'ok' && config.options.alertRules, [ERROR_RULE]);
    }
  });

  test('a bad file is refused naming the file, the rule index and the field', () => {
    const rule = (extra: Record<string, unknown>) => ({ ...ERROR_RULE, ...extra });
    const cases: Array<[unknown, RegExp]> = [
      ['{ not json', /not JSON/],
      [[ERROR_RULE], /must be an object with a "rules" array/],
      [{ rules: [ERROR_RULE], version: 2 }, /version: is not a field of the rules file/],
      [{ rules: [ERROR_RULE, rule({ name: 'b', abvoe: 1 })] }, /rules\[1\]\.abvoe: is not a rule field/],
      [{ rules: [rule({ for: 'soon' })] }, /rules\[0\]\.for: must be a duration such as 30s, 2m or 1h, got "soon"/],
      [{ rules: [rule({ for: '25h' })] }, /rules\[0\]\.for: must be at most 24h/],
      [{ rules: [rule({ below: 0.5 })] }, /rules\[0\]\.above: a metric rule needs exactly one of above and below/],
      [
        { rules: [rule({ component: 'api' })] },
        /rules\[0\]\.component: a rule watches a metric or a component, not both/,
      ],
      [{ rules: [rule({ metric: undefined, above: undefined })] }, /rules\[0\]\.metric: a rule needs a metric/],
      [
        { rules: [rule({ metric: undefined, component: 'api', status: 'slow' })] },
        /rules\[0\]\.status: must be one of degraded, down/,
      ],
      [{ rules: [rule({ priority: 'urgent' })] }, /rules\[0\]\.priority: must be one of/],
      [{ rules: [rule({ name: 'has space' })] }, /rules\[0\]\.name: must match/],
      [{ rules: [rule({ audience: { teams: ['x'] } })] }, /rules\[0\]\.audience\.teams: is not a rule field/],
      [{ rules: [ERROR_RULE, ERROR_RULE] }, /rules\[1\]\.name: "error-rate" is already the name of rules\[0\]/],
      [
        { rules: Array.from({ length: MAX_ALERT_RULES + 1 }, (_, i) => rule({ name: `r${i}` })) },
        /rules: must have at most 100 items/,
      ],
    ];
    for (const [body, message] of cases) {
      const path = file(body);
      const config = parse(path);
      assert.equal(config.kind, 'error', JSON.stringify(body).slice(0, 80));
      const text = config.kind === 'error' ? config.message : '';
      assert.ok(text.startsWith(`--alert-rules (ADMIN_REALTIME_ALERT_RULES): ${path}: `), text);
      assert.match(text, message);
    }
    const missing = parse(join(dir, 'absent.json'));
    assert.match(missing.kind === 'error' ? missing.message : '', /absent\.json: cannot read it/);
  });

  test('the CLI exits 2 on a bad rules file, and runs with a good one', async () => {
    const bad = file({ rules: [{ ...ERROR_RULE, for: '1 minute' }] });
    const refused = runCli(['--port', '0', '--db', ':memory:', '--alert-rules', bad], CLI_ENV);
    assert.equal(await refused.exited, 2);
    assert.match(refused.out.stderr, new RegExp(`${bad}: rules\\[0\\]\\.for: must be a duration`));

    const good = file({ rules: [ERROR_RULE] });
    const run = runCli(['--port', '0', '--db', ':memory:', '--log-level', 'info', '--alert-rules', good], CLI_ENV);
    await waitUntil(() => run.out.stdout.includes('"listening"'), `listening (stderr: ${run.out.stderr})`, 15_000);
    assert.match(run.out.stdout, /"alert rules".*"rules":1/);
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
  });

  test('createHub refuses a rule whose name masking would change (it becomes an event id)', async () => {
    await assert.rejects(
      startHub({ alertRules: [{ ...ERROR_RULE, name: '4111111111111111' }] }),
      /alertRules\[0\] \(4111111111111111\): .*looks like personal data/,
    );
  });
});

describe('the demo rules', () => {
  test("demo/alert-rules.json: the simulator's scripted outages open and resolve an incident by themselves", () => {
    const rules = checkAlertRules(readAlertRulesFile('demo/alert-rules.json'), 'demo');
    for (const seed of [1, 2, 3]) {
      const evaluator = new AlertEvaluator(rules);
      let t = Date.UTC(2026, 0, 5, 14);
      let seq = 0;
      const raised: Array<[number, string]> = [];
      const sim = startSimulator({
        random: mulberry32(seed),
        now: () => t,
        publish: (events) => {
          for (const input of events) {
            if (input.kind !== 'metrics' && input.kind !== 'status') continue;
            for (const n of evaluator.observe({ ...input, id: `s${seq}`, seq: ++seq } as StreamEvent)) {
              raised.push([t, n.id!]);
              evaluator.observe({ ...n, seq: ++seq } as StreamEvent);
            }
          }
        },
      });
      sim.stop();
      // 15 simulated minutes, a tick a second: the first scripted outage comes within 2 minutes, the next 5–8 after.
      for (let i = 0; i < 15 * 60; i++) {
        t += 1000;
        sim.tick();
      }
      const ids = raised.map(([, id]) => id);
      assert.ok(
        ids.includes('alert:call-failures:1') && ids.includes('alert:call-failures:1:resolved'),
        `seed ${seed}: ${ids}`,
      );
      assert.ok(ids.includes('alert:call-failures:2:resolved'), `seed ${seed}: a second incident in 15 min: ${ids}`);
      const opened = raised.find(([, id]) => id === 'alert:call-failures:1')![0];
      const closed = raised.find(([, id]) => id === 'alert:call-failures:1:resolved')![0];
      assert.ok(closed - opened < 2 * 60_000, `seed ${seed}: resolved ${(closed - opened) / 1000} s after it opened`);
    }
  });
});
