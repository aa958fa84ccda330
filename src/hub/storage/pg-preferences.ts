/** Notification preferences on PostgreSQL: one JSON document per admin, defaults when none is stored. */
import { defaultPreferences, type Preferences } from '../../core/protocol.js';
import { type Queryable, rows } from './pg-statements.js';

export function createPgPreferences(db: Queryable, now: () => number) {
  return {
    /** The admin's stored preferences, or the defaults. */
    async getPreferences(userId: string): Promise<Preferences> {
      const found = await rows<{ json: string }>(db, 'SELECT json FROM preferences WHERE user_id = @user', {
        user: userId,
      });
      return found[0] ? (JSON.parse(found[0].json) as Preferences) : defaultPreferences();
    },
    /** Replaces the admin's preferences (already checked by the protocol's `preferences`). */
    async setPreferences(userId: string, prefs: Preferences): Promise<void> {
      await rows(
        db,
        `INSERT INTO preferences (user_id, json, updated) VALUES (@user, @json, @updated)
         ON CONFLICT (user_id) DO UPDATE SET json = excluded.json, updated = excluded.updated`,
        { user: userId, json: JSON.stringify(prefs), updated: now() },
      );
    },
  };
}
