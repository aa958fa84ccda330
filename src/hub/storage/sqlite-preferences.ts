/** Notification preferences on SQLite: one JSON document per admin, defaults when none is stored. */
import type Database from 'better-sqlite3';
import { defaultPreferences, type Preferences } from '../../core/protocol.js';

export function createSqlitePreferences(db: Database.Database, now: () => number) {
  const get = db.prepare<[string], { json: string }>('SELECT json FROM preferences WHERE user_id = ?');
  const put = db.prepare<[string, string, number]>(
    `INSERT INTO preferences (user_id, json, updated) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET json = excluded.json, updated = excluded.updated`,
  );
  return {
    /** The admin's stored preferences, or the defaults. */
    getPreferences(userId: string): Preferences {
      const row = get.get(userId);
      return row ? (JSON.parse(row.json) as Preferences) : defaultPreferences();
    },
    /** Replaces the admin's preferences (already checked by the protocol's `preferences`). */
    setPreferences(userId: string, prefs: Preferences): void {
      put.run(userId, JSON.stringify(prefs), now());
    },
  };
}
