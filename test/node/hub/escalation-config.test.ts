/**
 * The escalation flags (issue 19): `--escalation` parsed strictly with the field at fault,
 * `--smtp-url` with `--email-from`, `--panel-url`; each also from its environment variable.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCliArgs } from '../../../src/hub/config.js';
import { DEFAULT_ESCALATION_JSON, parseDuration, parseEscalation } from '../../../src/hub/escalation/ladder.js';

const base = ['--jwt-secret', 'x'.repeat(32), '--publish-key', 'k'];
const options = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const config = parseCliArgs([...base, ...args], env);
  assert.equal(config.kind, 'ok', config.kind === 'error' ? config.message : '');
  return config.kind === 'ok' ? config.options : (null as never);
};
const refusal = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const config = parseCliArgs([...base, ...args], env);
  assert.equal(config.kind, 'error');
  return config.kind === 'error' ? config.message : '';
};

describe('escalation configuration', () => {
  test('durations: an integer and s, m, h or d; anything else says what to write', () => {
    assert.equal(parseDuration('90s', 'x'), 90_000);
    assert.equal(parseDuration('2m', 'x'), 120_000);
    assert.equal(parseDuration('1h', 'x'), 3_600_000);
    assert.equal(parseDuration('0s', 'x'), 0);
    for (const bad of ['90', '1.5m', '2 m', '-1s', '1w', '', 'PT2M'])
      assert.throws(() => parseDuration(bad, 'critical.push'), /^Error: critical\.push: .* integer and a unit/);
    assert.throws(() => parseDuration('8d', 'high.email'), /high\.email: "8d" is longer than the 7d/);
    assert.throws(() => parseDuration(120, 'high.email'), /high\.email: must be a duration string/);
  });

  test('the default ladder is DESIGN.md’s', () => {
    assert.deepEqual(parseEscalation(DEFAULT_ESCALATION_JSON), {
      critical: { push: 120_000, email: 600_000 },
      high: { push: 900_000, email: 3_600_000 },
    });
  });

  test('--escalation, --smtp-url, --email-from and --panel-url map to the hub’s escalation option', () => {
    assert.equal(options([]).escalation, undefined);
    assert.deepEqual(
      options([
        '--escalation',
        '{"critical":{"email":"90s"}}',
        '--smtp-url',
        'smtp://u:p@mail.example.com:587',
        '--email-from',
        'Admin alerts <alerts@example.com>',
        '--panel-url',
        'https://admin.example.com/',
      ]).escalation,
      {
        ladder: { critical: { email: 90_000 } },
        smtp: { url: 'smtp://u:p@mail.example.com:587', from: 'Admin alerts <alerts@example.com>' },
        panelUrl: 'https://admin.example.com/',
      },
    );
    assert.deepEqual(
      options([], {
        ADMIN_REALTIME_ESCALATION: '{"high":{"push":"1m"}}',
        ADMIN_REALTIME_SMTP_URL: 'smtps://mail.example.com',
        ADMIN_REALTIME_EMAIL_FROM: 'alerts@example.com',
        ADMIN_REALTIME_PANEL_URL: 'http://localhost:3000/admin',
      }).escalation,
      {
        ladder: { high: { push: 60_000 } },
        smtp: { url: 'smtps://mail.example.com', from: 'alerts@example.com' },
        panelUrl: 'http://localhost:3000/admin',
      },
    );
  });

  test('bad values are refused naming the flag and the field', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--escalation', '{"critical":'], /^--escalation \(ADMIN_REALTIME_ESCALATION\): is not valid JSON/],
      [['--escalation', '[]'], /--escalation .*must be a JSON object keyed by priority/],
      [['--escalation', '{"urgent":{"push":"1m"}}'], /urgent: not a priority \(one of low, medium, high, critical\)/],
      [['--escalation', '{"high":{"sms":"1m"}}'], /high\.sms: not a channel \(one of push, email\)/],
      [['--escalation', '{"high":{"push":"1 minute"}}'], /high\.push: "1 minute" is not a duration/],
      [['--escalation', '{"high":"1m"}'], /high: must be an object of channel to duration/],
      [['--smtp-url', 'http://mail.example.com', '--email-from', 'a@b.co'], /--smtp-url .*smtp:\/\/ or smtps:\/\//],
      [['--smtp-url', 'smtp://mail.example.com'], /--smtp-url needs --email-from/],
      [['--email-from', 'not an address'], /--email-from .* must be an address/],
      [['--panel-url', 'admin.example.com'], /--panel-url .* http\(s\) URL/],
      [['--panel-url', 'https://admin.example.com/#x'], /without a #fragment/],
    ];
    for (const [args, message] of cases) assert.match(refusal(args), message, args.join(' '));
  });
});
