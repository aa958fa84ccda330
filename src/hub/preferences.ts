/**
 * Notification preferences on the hub: what a channel may carry for an admin, and when their
 * quiet hours hold. The document's shape and its check are the protocol's
 * (`src/core/protocol/preferences.ts`), shared with the client; here is what the hub decides
 * with it. `preferencePolicy` is the escalation engine's policy seam.
 *
 * Critical notifications ignore quiet hours (never held) and always reach in-app; the push and
 * email switches of their category still apply, so an admin who turned email off for `billing`
 * gets no billing email, critical or not.
 */

import type { Channel, Preferences, QuietWindow } from '../core/protocol.js';
import type { EscalationPolicy } from './escalation/channel.js';

export {
  type Channel,
  defaultPreferences,
  type Preferences,
  validatePreferences,
} from '../core/protocol.js';

const DAY_MS = 86_400_000;
/** A chain of back-to-back windows is followed at most this far (a week of windows end to end). */
const MAX_CHAIN = 8 * 16;

/** Whether the admin's preferences let `channel` carry notifications of `category`. */
export function channelAllowed(prefs: Preferences, category: string, channel: Channel): boolean {
  const switches = Object.hasOwn(prefs.channels, category) ? prefs.channels[category] : undefined;
  return switches ? switches[channel] : true;
}

/**
 * Categories the admin switched in-app off for, or null when none: the hub leaves their
 * notifications below critical out of that admin's sessions (live, replay, snapshot, history) and
 * out of the unread counts, as if every session had unsubscribed from them.
 */
export function mutedCategories(prefs: Preferences): ReadonlySet<string> | null {
  const muted = Object.entries(prefs.channels)
    .filter(([, switches]) => !switches.inApp)
    .map(([category]) => category);
  return muted.length ? new Set(muted) : null;
}

/** Wall-clock reading of an instant in a zone. */
interface WallTime {
  year: number;
  month: number;
  day: number;
  /** Minutes since local midnight. */
  minutes: number;
  /** 0 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    if (formatters.size > 500) formatters.clear();
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallTime(timeZone: string, at: number): WallTime & { second: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return {
    year,
    month,
    day,
    minutes: hour * 60 + minute,
    second,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** Offset of the zone from UTC at `at`, in ms (wall clock minus UTC). */
function offsetAt(timeZone: string, at: number): number {
  const w = wallTime(timeZone, at);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, 0, w.minutes, w.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/**
 * The instant the zone's clocks show `minutes` on the local date `year-month-day` (the day may
 * overflow: day 32 is the next month's first). A time a DST change skips (02:30 on the
 * spring-forward night) moves forward by the gap (03:30), as Temporal's `compatible` does; a time
 * that happens twice (the fall-back night) is its later occurrence, so quiet hours last longer.
 */
function instantOf(timeZone: string, year: number, month: number, day: number, minutes: number): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  const first = wall - offsetAt(timeZone, wall);
  const second = wall - offsetAt(timeZone, first);
  if (first === second) return first;
  // Across a change: the reading whose wall clock matches, else (a gap) the later one.
  return wall - offsetAt(timeZone, second) === second ? second : Math.max(first, second);
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The end (epoch ms) of the window holding the wall time `w`, or null when none does. */
function windowEnd(timeZone: string, windows: readonly QuietWindow[], w: WallTime): number | null {
  let end: number | null = null;
  const yesterday = (w.weekday + 6) % 7;
  for (const win of windows) {
    const start = minutesOf(win.start);
    const stop = minutesOf(win.end);
    const wraps = stop <= start;
    let until: number | null = null;
    if (win.days.includes(w.weekday) && w.minutes >= start && (wraps || w.minutes < stop)) {
      until = instantOf(timeZone, w.year, w.month, w.day + (wraps ? 1 : 0), stop);
    } else if (wraps && win.days.includes(yesterday) && w.minutes < stop) {
      until = instantOf(timeZone, w.year, w.month, w.day, stop);
    }
    if (until !== null && (end === null || until > end)) end = until;
  }
  return end;
}

/**
 * When the admin's quiet hours hold at `now` (epoch ms): the instant they end, following windows
 * that meet end to end (Monday 22:00–07:00 then 07:00–09:00 ends at 09:00); otherwise null.
 * Windows are read in the preferences' time zone, so a DST change moves them with the local clock.
 */
export function quietUntil(prefs: Preferences, now: number): number | null {
  const quiet = prefs.quietHours;
  if (!quiet?.windows.length) return null;
  let until: number | null = null;
  let at = now;
  for (let i = 0; i < MAX_CHAIN; i++) {
    const end = windowEnd(quiet.timeZone, quiet.windows, wallTime(quiet.timeZone, at));
    if (end === null || end <= at) break;
    until = end;
    at = end;
    if (at - now > 8 * DAY_MS) break;
  }
  return until;
}

/** Where the policy reads an admin's preferences (a `HubBackend`). */
export interface PreferenceSource {
  getPreferences(userId: string): Promise<Preferences>;
}

/**
 * The escalation policy from stored preferences: the channel switched off for the category →
 * skip; quiet hours holding and the notification not critical → hold until they end; else send.
 */
export function preferencePolicy(backend: PreferenceSource): EscalationPolicy {
  return async (target, notification, channel, now) => {
    const prefs = await backend.getPreferences(target.userId);
    if (!channelAllowed(prefs, notification.category, channel)) {
      return { skip: `${channel} is off for ${notification.category} in the admin's preferences` };
    }
    if (notification.priority !== 'critical') {
      const until = quietUntil(prefs, now);
      if (until !== null) return { holdUntil: until };
    }
    return { send: true };
  };
}
