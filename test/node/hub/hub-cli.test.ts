import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { CloseCode } from '../../../src/core/protocol.js';
import { DEFAULT_PORT, parseCliArgs } from '../../../src/hub/config.js';
import { killAllCli, runCli } from '../../support/cli-process.js';
import {
  closeAllHubs,
  signToken,
  startHub,
  TEST_PUBLISH_KEY,
  TEST_SECRET,
  TestClient,
  waitUntil,
} from '../../support/hub-harness.js';

after(closeAllHubs);

after(killAllCli);
const run = runCli;

describe('hub CLI configuration', () => {
  test('flags and environment variables map to options; a flag wins over its variable', () => {
    const config = parseCliArgs(['--port', '9000', '--allowed-origins', 'https://a.example, https://b.example'], {
      ADMIN_REALTIME_PORT: '1234',
      ADMIN_REALTIME_JWT_SECRET: 'from-env',
      ADMIN_REALTIME_PUBLISH_KEY: 'k1,k2',
      ADMIN_REALTIME_DB: ':memory:',
      ADMIN_REALTIME_MAX_FRAME_KIB: '16',
      ADMIN_REALTIME_TRUST_PROXY: '10.0.0.0/8, ::1',
      ADMIN_REALTIME_MAX_TOKEN_LIFETIME: '15m',
      ADMIN_REALTIME_NO_MASKING: 'true',
      ADMIN_REALTIME_ALLOWED_ROLES: 'ops,admin',
      ADMIN_REALTIME_LOG_LEVEL: 'warn',
    });
    assert.equal(config.kind, 'ok');
    if (config.kind !== 'ok') return;
    const o = config.options;
    assert.equal(o.port, 9000);
    assert.equal(o.host, '127.0.0.1');
    assert.equal(o.db, ':memory:');
    assert.deepEqual(o.auth, { jwtSecret: 'from-env', allowedRoles: ['ops', 'admin'], maxTokenLifetimeSec: 900 });
    assert.deepEqual(o.publishKey, ['k1', 'k2']);
    assert.deepEqual(o.allowedOrigins, ['https://a.example', 'https://b.example']);
    assert.equal(o.maxFrameKiB, 16);
    assert.deepEqual(o.trustProxy, ['10.0.0.0/8', '::1']);
    assert.equal(o.masking, false);
    assert.equal(o.demo, false);
    assert.equal(config.logLevel, 'warn');
  });

  test('defaults: port, loopback host, db file, masking on', () => {
    const config = parseCliArgs(['--jwt-secret', 's', '--publish-key', 'k'], {});
    assert.equal(config.kind, 'ok');
    if (config.kind !== 'ok') return;
    assert.equal(config.options.port, DEFAULT_PORT);
    assert.equal(config.options.host, '127.0.0.1');
    assert.equal(config.options.db, './data/admin-realtime.db');
    assert.equal(config.options.masking, true);
    assert.equal(config.options.allowMissingOrigin, true);
  });

  test('--trust-proxy names proxies; the old switch and hop count are refused saying what to write', () => {
    const ok = parseCliArgs(['--jwt-secret', 's', '--publish-key', 'k', '--trust-proxy', '127.0.0.1,fd00::/8'], {});
    assert.deepEqual(ok.kind === 'ok' && ok.options.trustProxy, ['127.0.0.1', 'fd00::/8']);
    const off = parseCliArgs(['--jwt-secret', 's', '--publish-key', 'k'], { ADMIN_REALTIME_TRUST_PROXY: 'false' });
    assert.deepEqual(off.kind === 'ok' && off.options.trustProxy, []);
    const refusals: Array<[string[], Record<string, string>, RegExp]> = [
      [['--trust-proxy'], {}, /--trust-proxy no longer stands alone.*--trust-proxy 127\.0\.0\.1/],
      [['--trust-proxy', '--db', ':memory:'], {}, /no longer stands alone/],
      [[], { ADMIN_REALTIME_TRUST_PROXY: '1' }, /no longer takes "1".*ADMIN_REALTIME_TRUST_PROXY=127\.0\.0\.1/],
      [[], { ADMIN_REALTIME_TRUST_PROXY: '2' }, /no longer takes "2"/],
      [[], { ADMIN_REALTIME_TRUST_PROXY: 'true' }, /no longer takes "true"/],
      [['--trust-proxy', '10.0.0.0/33'], {}, /--trust-proxy: "10\.0\.0\.0\/33" is not an IP address or CIDR/],
    ];
    for (const [args, env, message] of refusals) {
      const config = parseCliArgs(['--jwt-secret', 's', '--publish-key', 'k', ...args], env);
      assert.equal(config.kind, 'error', args.join(' ') || JSON.stringify(env));
      assert.match(config.kind === 'error' ? config.message : '', message);
    }
  });

  test('--max-token-lifetime takes a duration; default 24 h', () => {
    const parse = (value?: string) =>
      parseCliArgs(
        ['--jwt-secret', 's', '--publish-key', 'k', ...(value ? [`--max-token-lifetime=${value}`] : [])],
        {},
      );
    const seconds = (value?: string) => {
      const c = parse(value);
      return c.kind === 'ok' ? c.options.auth?.maxTokenLifetimeSec : c.kind;
    };
    assert.equal(seconds(), undefined, 'the verifier default (24 h)');
    assert.equal(seconds('90s'), 90);
    assert.equal(seconds('2h'), 7200);
    assert.equal(seconds('7d'), 604_800);
    assert.equal(seconds('600'), 600);
    for (const bad of ['0', 'soon', '-5m', '1w']) {
      const c = parse(bad);
      assert.match(c.kind === 'error' ? c.message : '', /--max-token-lifetime .* must be a duration/, bad);
    }
  });

  test('a --jwt-secret under 32 bytes is accepted with a warning saying why and how to generate one', () => {
    const weak = parseCliArgs(['--jwt-secret', 'changeme', '--publish-key', 'k'], {});
    assert.equal(weak.kind, 'ok');
    assert.deepEqual(weak.kind === 'ok' && weak.warnings.length, 1);
    assert.match(
      weak.kind === 'ok' ? weak.warnings[0]! : '',
      /--jwt-secret is 8 bytes.*at least 32.*openssl rand -base64 32/,
    );
    const strong = parseCliArgs(['--jwt-secret', 'x'.repeat(32), '--publish-key', 'k'], {});
    assert.deepEqual(strong.kind === 'ok' && strong.warnings, []);
  });

  test('--ticket-secret (ADMIN_REALTIME_TICKET_SECRET) keys the fallback tickets; a cluster node without one is warned', () => {
    const base = ['--jwt-secret', 'x'.repeat(32), '--publish-key', 'k', '--postgres-url', 'postgres://127.0.0.1/db'];
    const flagged = parseCliArgs([...base, '--ticket-secret', 'shared-by-every-node'], {});
    assert.equal(flagged.kind === 'ok' && flagged.options.fallback?.ticketSecret, 'shared-by-every-node');
    assert.deepEqual(flagged.kind === 'ok' && flagged.warnings, []);
    const fromEnv = parseCliArgs(base, { ADMIN_REALTIME_TICKET_SECRET: 'from-the-env' });
    assert.equal(fromEnv.kind === 'ok' && fromEnv.options.fallback?.ticketSecret, 'from-the-env');
    const missing = parseCliArgs(base, {});
    assert.match(missing.kind === 'ok' ? missing.warnings.join('\n') : '', /no --ticket-secret with --postgres-url/);
    const single = parseCliArgs(['--jwt-secret', 'x'.repeat(32), '--publish-key', 'k'], {});
    assert.deepEqual(single.kind === 'ok' && single.warnings, [], 'one node on SQLite needs no shared ticket key');
  });

  test('demo mode generates a publish key when none is given', () => {
    const config = parseCliArgs(['--demo'], {});
    assert.equal(config.kind, 'ok');
    assert.ok(config.kind === 'ok' && config.generatedPublishKey && config.generatedPublishKey.length >= 24);
  });

  test('bad values are refused with a message naming the flag', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--port', 'http'], /--port/],
      [['--max-frame-kib', '0'], /--max-frame-kib/],
      [['--log-level', 'loud'], /--log-level/],
      [['--jwt-secret', 'a', '--jwks-url', 'https://id.example/jwks', '--publish-key', 'k'], /only one of/],
      [['--nope'], /nope/],
    ];
    for (const [args, message] of cases) {
      const config = parseCliArgs(
        [...args, ...(args.includes('--jwt-secret') ? [] : ['--jwt-secret', 's', '--publish-key', 'k'])],
        {},
      );
      assert.equal(config.kind, 'error', args.join(' '));
      assert.match(config.kind === 'error' ? config.message : '', message);
    }
  });
});

describe('hub CLI process', () => {
  test('--help prints usage with the environment variables', async () => {
    const { out, exited } = run(['--help']);
    assert.equal(await exited, 0);
    assert.match(out.stdout, /Usage: admin-realtime-hub/);
    assert.match(out.stdout, /--jwt-secret <value>[\s\S]*ADMIN_REALTIME_JWT_SECRET/);
    assert.match(out.stdout, /ADMIN_REALTIME_PUBLISH_KEY/);
  });

  test('a short secret prints its warning on stderr and the hub still starts', async () => {
    const { child, out, exited } = run(['--port', '0', '--db', ':memory:', '--log-level', 'warn'], {
      ADMIN_REALTIME_JWT_SECRET: 'short-secret',
      ADMIN_REALTIME_PUBLISH_KEY: TEST_PUBLISH_KEY,
    });
    await waitUntil(() => out.stdout.includes('"listening"'), `listening line (stderr: ${out.stderr})`, 15_000);
    assert.match(out.stderr, /^admin-realtime-hub: warning: --jwt-secret is 12 bytes; use at least 32 random bytes/m);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  test('the old bare --trust-proxy exits 2 saying what to write', async () => {
    const { out, exited } = run(['--trust-proxy'], {
      ADMIN_REALTIME_JWT_SECRET: TEST_SECRET,
      ADMIN_REALTIME_PUBLISH_KEY: TEST_PUBLISH_KEY,
    });
    assert.equal(await exited, 2);
    assert.match(out.stderr, /--trust-proxy 127\.0\.0\.1/);
  });

  test('no key source exits 2 saying what to set', async () => {
    const { out, exited } = run(['--publish-key', 'k']);
    assert.equal(await exited, 2);
    assert.match(out.stderr, /--jwt-secret \(ADMIN_REALTIME_JWT_SECRET\)/);
  });

  test('no publish key exits 2 saying what to set', async () => {
    const { out, exited } = run([], { ADMIN_REALTIME_JWT_SECRET: 'secret' });
    assert.equal(await exited, 2);
    assert.match(out.stderr, /--publish-key \(ADMIN_REALTIME_PUBLISH_KEY\)/);
  });

  test('a port already in use exits 1 by itself', async () => {
    const taken = await startHub();
    const { out, exited } = run(['--port', String(taken.port), '--db', ':memory:'], {
      ADMIN_REALTIME_JWT_SECRET: TEST_SECRET,
      ADMIN_REALTIME_PUBLISH_KEY: TEST_PUBLISH_KEY,
    });
    assert.equal(await exited, 1);
    assert.match(out.stdout, /failed to start.*EADDRINUSE/);
    await taken.close();
  });

  test('SIGTERM closes clients with 1001 and the process exits 0 by itself', async () => {
    const { child, out, exited } = run(['--port', '0', '--db', ':memory:', '--log-level', 'warn'], {
      ADMIN_REALTIME_JWT_SECRET: TEST_SECRET,
      ADMIN_REALTIME_PUBLISH_KEY: TEST_PUBLISH_KEY,
    });
    const line = await waitUntil(
      () => out.stdout.split('\n').find((l) => l.includes('"listening"')),
      `listening line (stderr: ${out.stderr})`,
      15_000,
    );
    const started = JSON.parse(line) as { url: string; wsUrl: string; level: string };
    assert.equal(started.level, 'info');
    assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);

    const hubLike = { wsUrl: started.wsUrl } as Parameters<typeof TestClient.open>[0];
    const client = await TestClient.open(hubLike, await signToken({ sub: 'cli-user' }));
    const published = await fetch(`${started.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_PUBLISH_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'notification', title: 'from the CLI hub' }),
    });
    assert.equal(published.status, 202);
    await client.waitForEvent((e) => e.kind === 'notification', 'event');

    child.kill('SIGTERM');
    assert.equal((await client.waitClosed('close on SIGTERM', 10_000)).code, CloseCode.GoingAway);
    assert.equal(await exited, 0);
  });
});
