import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Preferences, Priority, QuietWindow, RealtimeNotification } from '../../../src/core/protocol.js';
import {
  channelAllowed,
  defaultPreferences,
  preferencePolicy,
  quietUntil,
  validatePreferences,
} from '../../../src/hub/preferences.js';
import { createSqliteBackend } from '../../../src/hub/sqlite-backend.js';

const at = (iso: string) => Date.parse(iso);
const quiet = (timeZone: string, ...windows: QuietWindow[]): Preferences => ({
  ...defaultPreferences(),
  quietHours: { timeZone, windows },
});
const WEEKDAYS = [1, 2, 3, 4, 5];
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];

describe('quietUntil', () => {
  const nights = quiet('Europe/Berlin', { days: WEEKDAYS, start: '22:00', end: '07:00' });

  test('no quiet hours, or none holding now, is null', () => {
    assert.equal(quietUntil(defaultPreferences(), at('2026-01-07T22:00:00Z')), null);
    assert.equal(quietUntil(quiet('UTC'), at('2026-01-07T22:00:00Z')), null);
    // Wednesday 12:00 in Berlin.
    assert.equal(quietUntil(nights, at('2026-01-07T11:00:00Z')), null);
    // Wednesday 21:59 in Berlin: one minute before.
    assert.equal(quietUntil(nights, at('2026-01-07T20:59:00Z')), null);
  });

  test('a window wrapping midnight holds from its start day into the next morning', () => {
    // Wednesday 23:00 Berlin (CET, +1) -> Thursday 07:00 = 06:00Z.
    assert.equal(quietUntil(nights, at('2026-01-07T22:00:00Z')), at('2026-01-08T06:00:00Z'));
    // Wednesday 22:00 exactly: the window has begun.
    assert.equal(quietUntil(nights, at('2026-01-07T21:00:00Z')), at('2026-01-08T06:00:00Z'));
    // Thursday 01:00: the wrapped part of Wednesday's window.
    assert.equal(quietUntil(nights, at('2026-01-08T00:00:00Z')), at('2026-01-08T06:00:00Z'));
    // Thursday 07:00 exactly: over.
    assert.equal(quietUntil(nights, at('2026-01-08T06:00:00Z')), null);
    // Saturday 01:00: Friday's window wraps into Saturday.
    assert.equal(quietUntil(nights, at('2026-01-10T00:00:00Z')), at('2026-01-10T06:00:00Z'));
    // Sunday 01:00: Saturday has no window.
    assert.equal(quietUntil(nights, at('2026-01-11T00:00:00Z')), null);
  });

  test('the end follows the local clock across a DST change (Europe/Berlin)', () => {
    const saturdays = quiet('Europe/Berlin', { days: [6], start: '22:00', end: '07:00' });
    // Spring forward on Sunday 29 March 2026: Saturday 23:00 CET -> Sunday 07:00 CEST = 05:00Z.
    assert.equal(quietUntil(saturdays, at('2026-03-28T22:00:00Z')), at('2026-03-29T05:00:00Z'));
    // Fall back on Sunday 25 October 2026: Saturday 23:00 CEST -> Sunday 07:00 CET = 06:00Z.
    assert.equal(quietUntil(saturdays, at('2026-10-24T21:00:00Z')), at('2026-10-25T06:00:00Z'));
    // An end inside the skipped hour (02:30 does not exist that night) reads as 03:30 CEST.
    const intoGap = quiet('Europe/Berlin', { days: [6], start: '22:00', end: '02:30' });
    assert.equal(quietUntil(intoGap, at('2026-03-28T23:30:00Z')), at('2026-03-29T01:30:00Z'));
  });

  test('America/New_York after its spring change, Asia/Kolkata at +05:30, Pacific/Auckland falling back', () => {
    const office = quiet('America/New_York', { days: EVERY_DAY, start: '09:00', end: '17:00' });
    // Sunday 8 March 2026 10:00 EDT (-4) -> 17:00 EDT = 21:00Z.
    assert.equal(quietUntil(office, at('2026-03-08T14:00:00Z')), at('2026-03-08T21:00:00Z'));
    const lunch = quiet('Asia/Kolkata', { days: [2], start: '13:00', end: '14:00' });
    // Tuesday 6 January 2026 13:30 IST -> 14:00 IST = 08:30Z; Monday the same time is not quiet.
    assert.equal(quietUntil(lunch, at('2026-01-06T08:00:00Z')), at('2026-01-06T08:30:00Z'));
    assert.equal(quietUntil(lunch, at('2026-01-05T08:00:00Z')), null);
    // Auckland leaves DST on Sunday 5 April 2026 at 03:00 NZDT (+13 -> +12): 01:00 NZDT -> 04:00 NZST.
    const early = quiet('Pacific/Auckland', { days: [0], start: '00:00', end: '04:00' });
    assert.equal(quietUntil(early, at('2026-04-04T12:00:00Z')), at('2026-04-04T16:00:00Z'));
  });

  test('windows that meet end to end hold until the last one ends; start = end is a whole day', () => {
    const chained = quiet(
      'UTC',
      { days: [1], start: '22:00', end: '07:00' },
      { days: [2], start: '07:00', end: '09:00' },
    );
    // Monday 5 January 2026 23:00 -> Tuesday 09:00.
    assert.equal(quietUntil(chained, at('2026-01-05T23:00:00Z')), at('2026-01-06T09:00:00Z'));
    const sunday = quiet('UTC', { days: [0], start: '00:00', end: '00:00' });
    assert.equal(quietUntil(sunday, at('2026-01-04T12:00:00Z')), at('2026-01-05T00:00:00Z'));
  });
});

describe('preferences validation', () => {
  const valid: Preferences = {
    channels: { billing: { inApp: true, push: false, email: true } },
    quietHours: { timeZone: 'Europe/Berlin', windows: [{ days: [1, 2], start: '22:00', end: '07:00' }] },
    emailDigest: 'daily',
  };

  test('a valid document passes unchanged', () => {
    assert.deepEqual(validatePreferences(valid), { ok: true, value: valid });
  });

  const refusals: Array<[string, unknown, string]> = [
    [
      'unknown zone',
      { ...valid, quietHours: { ...valid.quietHours, timeZone: 'Mars/Olympus' } },
      'quietHours.timeZone',
    ],
    [
      'bad HH:MM',
      { ...valid, quietHours: { timeZone: 'UTC', windows: [{ days: [1], start: '24:00', end: '07:00' }] } },
      'quietHours.windows[0].start',
    ],
    [
      'day 7',
      { ...valid, quietHours: { timeZone: 'UTC', windows: [{ days: [7], start: '22:00', end: '07:00' }] } },
      'quietHours.windows[0].days[0]',
    ],
    [
      'a day twice',
      { ...valid, quietHours: { timeZone: 'UTC', windows: [{ days: [1, 1], start: '22:00', end: '07:00' }] } },
      'quietHours.windows[0].days',
    ],
    [
      '17 windows',
      {
        ...valid,
        quietHours: { timeZone: 'UTC', windows: Array(17).fill({ days: [1], start: '22:00', end: '07:00' }) },
      },
      'quietHours.windows',
    ],
    [
      '65 categories',
      {
        ...valid,
        channels: Object.fromEntries(
          Array.from({ length: 65 }, (_, i) => [`c${i}`, { inApp: true, push: true, email: true }]),
        ),
      },
      'channels',
    ],
    [
      'a reserved category name',
      { ...valid, channels: JSON.parse('{"__proto__":{"inApp":true,"push":true,"email":true}}') },
      'channels.__proto__',
    ],
    ['a missing switch', { ...valid, channels: { billing: { inApp: true, push: true } } }, 'channels.billing.email'],
    ['an unknown digest', { ...valid, emailDigest: 'weekly' }, 'emailDigest'],
  ];
  for (const [name, doc, field] of refusals) {
    test(`refuses ${name}, naming ${field}`, () => {
      const result = validatePreferences(doc);
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.path, field);
    });
  }
});

describe('channelAllowed and preferencePolicy', () => {
  test('a category absent from the document uses every channel', () => {
    const prefs: Preferences = {
      ...defaultPreferences(),
      channels: { billing: { inApp: true, push: false, email: true } },
    };
    assert.equal(channelAllowed(prefs, 'billing', 'push'), false);
    assert.equal(channelAllowed(prefs, 'billing', 'email'), true);
    assert.equal(channelAllowed(prefs, 'security', 'push'), true);
    assert.equal(channelAllowed(prefs, 'constructor', 'push'), true);
  });

  test('quiet hours hold non-critical steps and let critical through; a switched-off channel skips', async () => {
    const backend = createSqliteBackend({ path: ':memory:' });
    try {
      await backend.setPreferences('alice', {
        channels: { billing: { inApp: true, push: false, email: true } },
        quietHours: { timeZone: 'Europe/Berlin', windows: [{ days: WEEKDAYS, start: '22:00', end: '07:00' }] },
        emailDigest: 'off',
      });
      const policy = preferencePolicy(backend);
      const night = at('2026-01-07T22:00:00Z');
      const noon = at('2026-01-07T11:00:00Z');
      const alice = { userId: 'alice', role: 'admin' };
      const note = (category: string, priority: Priority): RealtimeNotification => ({
        kind: 'notification',
        id: `${category}-${priority}`,
        seq: 1,
        title: 'Payments down',
        category,
        priority,
        createdAt: '2026-01-07T10:00:00.000Z',
      });
      const high = note('security', 'high');
      const critical = note('security', 'critical');
      assert.deepEqual(await policy(alice, high, 'email', night), { holdUntil: at('2026-01-08T06:00:00Z') });
      assert.deepEqual(await policy(alice, critical, 'push', night), { send: true });
      assert.deepEqual(await policy(alice, high, 'push', noon), { send: true });
      const skipped = await policy(alice, note('billing', 'critical'), 'push', noon);
      assert.ok('skip' in skipped && /push is off for billing/.test(skipped.skip));
      // An admin without preferences: everything goes out at once.
      assert.deepEqual(await policy({ userId: 'bob', role: 'admin' }, high, 'email', night), { send: true });
    } finally {
      await backend.close();
    }
  });
});
