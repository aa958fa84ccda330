/**
 * The preferences being edited: pure functions over a `Preferences` document, so the element only
 * renders and wires events. Every change returns a new document (the element compares by value).
 */
import {
  CHANNELS,
  type Channel,
  type ChannelSwitches,
  DEFAULT_CATEGORIES,
  type Preferences,
  type QuietWindow,
} from '../../core/protocol.js';

export { CHANNELS, type Channel };

const ALL_ON: ChannelSwitches = { inApp: true, push: true, email: true };
/** A new window: weeknights, 22:00 to 07:00. */
const NEW_WINDOW: QuietWindow = { days: [1, 2, 3, 4, 5], start: '22:00', end: '07:00' };

/** The same document (`JSON` equality: the documents are plain data). */
export const samePreferences = (a: Preferences | null, b: Preferences | null): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

/** The categories shown: the given list (or the built-in one), then any others the document names. */
export function categoriesOf(prefs: Preferences, given: readonly string[] | null | undefined): string[] {
  const out = [...(given ?? DEFAULT_CATEGORIES)];
  for (const c of Object.keys(prefs.channels)) if (!out.includes(c)) out.push(c);
  return out;
}

/** Whether `channel` is on for `category` (absent: every channel on). */
export const isOn = (prefs: Preferences, category: string, channel: Channel): boolean =>
  (Object.hasOwn(prefs.channels, category) ? prefs.channels[category]! : ALL_ON)[channel];

/** Switches one channel of one category; a category back to every channel on leaves the document. */
export function setChannel(prefs: Preferences, category: string, channel: Channel, on: boolean): Preferences {
  const switches = { ...(Object.hasOwn(prefs.channels, category) ? prefs.channels[category] : ALL_ON), [channel]: on };
  const channels = { ...prefs.channels, [category]: switches };
  if (CHANNELS.every((c) => switches[c])) delete channels[category];
  return { ...prefs, channels };
}

/** The browser's time zone (`UTC` when it names none). */
export const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** The zones to choose from: the runtime's list, with `current` first when it is not in it. */
export function timeZones(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return known.includes(current) ? known : [current, ...known];
}

/** Turns quiet hours on (one weeknight window in the browser's zone) or off. */
export const setQuiet = (prefs: Preferences, on: boolean): Preferences => ({
  ...prefs,
  quietHours: on ? { timeZone: browserZone(), windows: [{ ...NEW_WINDOW }] } : null,
});

/** Changes the quiet hours' zone or windows (quiet hours must be on). */
function withQuiet(
  prefs: Preferences,
  change: (q: NonNullable<Preferences['quietHours']>) => Partial<NonNullable<Preferences['quietHours']>>,
): Preferences {
  const q = prefs.quietHours!;
  return { ...prefs, quietHours: { ...q, ...change(q) } };
}

export const setZone = (prefs: Preferences, timeZone: string) => withQuiet(prefs, () => ({ timeZone }));

export const addWindow = (prefs: Preferences) =>
  withQuiet(prefs, (q) => ({ windows: [...q.windows, { ...NEW_WINDOW }] }));

export const removeWindow = (prefs: Preferences, index: number) =>
  withQuiet(prefs, (q) => ({ windows: q.windows.filter((_, i) => i !== index) }));

export function changeWindow(prefs: Preferences, index: number, change: Partial<QuietWindow>): Preferences {
  return withQuiet(prefs, (q) => ({ windows: q.windows.map((w, i) => (i === index ? { ...w, ...change } : w)) }));
}

/** Adds or removes one day of a window, keeping the days in week order. */
export function toggleDay(prefs: Preferences, index: number, day: number, on: boolean): Preferences {
  const days = prefs.quietHours!.windows[index]!.days.filter((d) => d !== day);
  if (on) days.push(day);
  return changeWindow(prefs, index, { days: days.sort((a, b) => a - b) });
}

/** Weekday names in `locale`, 0 = Sunday (1 January 2023 was a Sunday). */
export function weekdayNames(locale: string, width: 'short' | 'long'): string[] {
  const format = new Intl.DateTimeFormat(locale, { weekday: width, timeZone: 'UTC' });
  return Array.from({ length: 7 }, (_, d) => format.format(Date.UTC(2023, 0, 1 + d)));
}
