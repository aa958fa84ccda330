import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultPreferences, type Preferences } from '../../../src/core/protocol.js';
import { createSqliteBackend } from '../../../src/hub/sqlite-backend.js';
import { BACKENDS } from '../../support/backends.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const tmpRoot = mkdtempSync(join(tmpdir(), 'admin-realtime-prefs-'));
after(() => rmSync(tmpRoot, { recursive: true, force: true }));

const saved: Preferences = {
  channels: { billing: { inApp: false, push: true, email: false }, security: { inApp: true, push: true, email: true } },
  quietHours: {
    timeZone: 'Europe/Berlin',
    windows: [
      { days: [1, 2, 3, 4, 5], start: '22:00', end: '07:00' },
      { days: [0, 6], start: '00:00', end: '00:00' },
    ],
  },
  emailDigest: 'hourly',
};

for (const [name, factory] of BACKENDS) {
  describe(`${name} backend: preferences`, () => {
    test('defaults for an admin who never saved; a save replaces the whole document, per admin', async () => {
      const backend = await factory({ now: () => T0 });
      try {
        assert.deepEqual(await backend.getPreferences('alice'), defaultPreferences());
        await backend.setPreferences('alice', saved);
        assert.deepEqual(await backend.getPreferences('alice'), saved);
        assert.deepEqual(await backend.getPreferences('bob'), defaultPreferences());
        const next: Preferences = { channels: {}, quietHours: null, emailDigest: 'daily' };
        await backend.setPreferences('alice', next);
        assert.deepEqual(await backend.getPreferences('alice'), next);
        assert.deepEqual((await backend.health()).ok, true);
      } finally {
        await backend.close();
      }
    });
  });
}

describe('sqlite backend: preferences on a file', () => {
  test('survive closing and reopening the store', async () => {
    const path = join(tmpRoot, 'prefs.db');
    const first = createSqliteBackend({ path });
    await first.setPreferences('alice', saved);
    await first.close();
    const again = createSqliteBackend({ path });
    try {
      assert.deepEqual(await again.getPreferences('alice'), saved);
    } finally {
      await again.close();
    }
  });
});
