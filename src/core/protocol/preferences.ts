/**
 * An admin's notification preferences, as the hub stores them and both sides check them: which
 * channels each category may use, quiet hours (a weekly schedule in an IANA time zone) and the
 * email digest. Shared by the hub (`setPreferences`) and the client (the `preferences` reply and
 * stream event), so a field the hub refuses is named the same way everywhere.
 */
import {
  arrayOf,
  bool,
  type Check,
  type Infer,
  nullable,
  num,
  object,
  oneOf,
  recordOf,
  str,
  ValidationError,
} from '../validate.js';
import { EMAIL_DIGESTS, type storedPreferences } from './events.js';
import { LIMITS, publishedName } from './fields.js';
import { type Parsed, parseWith } from './parse.js';

export const CHANNELS = ['inApp', 'push', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];
export { EMAIL_DIGESTS };
export type EmailDigest = (typeof EMAIL_DIGESTS)[number];

/** Bounds of a preferences document (documented in docs/hub.md). */
export const PREFERENCE_LIMITS = { categories: LIMITS.categories, quietWindows: 16 } as const;

/** `HH:MM`, 00:00 to 23:59. */
const clockTime = str({ pattern: /^([01]\d|2[0-3]):[0-5]\d$/ });

/** An IANA time zone this runtime knows (`Europe/Berlin`, `UTC`). */
const timeZone: Check<string> = (value, path) => {
  const zone = str({ min: 1, max: 64 })(value, path);
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new ValidationError(path, 'must be an IANA time zone such as Europe/Berlin');
  }
  return zone;
};

/** Days 0 (Sunday) to 6, each at most once. */
const weekDays: Check<number[]> = (value, path) => {
  const days = arrayOf(num({ min: 0, max: 6, int: true }), { min: 1, max: 7 })(value, path);
  if (new Set(days).size !== days.length) throw new ValidationError(path, 'must name each day at most once');
  return days;
};

/** One quiet window: on each of `days`, from `start` to `end`; `end <= start` ends the next day. */
const quietWindow = object({ days: weekDays, start: clockTime, end: clockTime });
export type QuietWindow = Infer<typeof quietWindow>;

const quietHours = object({
  timeZone,
  windows: arrayOf(quietWindow, { max: PREFERENCE_LIMITS.quietWindows }),
});
export type QuietHours = Infer<typeof quietHours>;

const channelSwitches = object({ inApp: bool, push: bool, email: bool });
export type ChannelSwitches = Infer<typeof channelSwitches>;

/** An admin's notification preferences. */
export const preferences = object({
  /** Per category; a category absent here uses every channel. Critical always reaches in-app. */
  channels: recordOf(channelSwitches, { maxKeys: PREFERENCE_LIMITS.categories, key: publishedName }),
  /** Null: no quiet hours. */
  quietHours: nullable(quietHours),
  /** Lower-priority email digest; never sent empty. */
  emailDigest: oneOf(EMAIL_DIGESTS),
});
export type Preferences = Infer<typeof preferences>;
/**
 * Messages carry preferences read by their shape alone (`storedPreferences` in events.ts); the
 * two checks must give one type, or this is `never` and `validatePreferences` stops compiling.
 */
type SameType<A, B> = [A, B] extends [B, A] ? A : never;

/**
 * The full check of a preferences document: the document, or the field that is wrong, under
 * `path` (the hub checks a `setPreferences` request's with `preferences`). A client may check
 * before saving; the hub always does.
 */
export const validatePreferences = (
  value: unknown,
  path = '',
): Parsed<SameType<Preferences, Infer<typeof storedPreferences>>> => parseWith((v) => preferences(v, path), value);

/** What an admin who never saved preferences gets: every channel, no quiet hours, no digest. */
export const defaultPreferences = (): Preferences => ({ channels: {}, quietHours: null, emailDigest: 'off' });
