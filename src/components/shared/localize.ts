/**
 * The one localisation module: every string a person reads comes from here, every time and number
 * goes through `Intl`. English is built in, one part per element, registered by the element's
 * `LocaleController`, so a page ships the English of the elements it uses. German ships as its own
 * small module, loaded the first time German is asked for (until it arrives, text shows in
 * English), so pages in English do not pay for it. Add a locale with `addMessages('fr', {...})`
 * (missing keys fall back to English) and pick it with `setLocale('fr')` or
 * `<realtime-provider locale="fr">`. Without a choice the page's `<html lang>` decides.
 *
 * A message may use `{name}` placeholders. When a `count` parameter is given, the key
 * `key.<plural category>` (`one`, `other`, …, by `Intl.PluralRules`) is tried first.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type EnglishMessages, enShared } from './locales/en.js';

export type Messages = Readonly<Record<string, string>>;
type Base<K> = K extends `${infer B}.${'zero' | 'one' | 'two' | 'few' | 'many' | 'other'}` ? B | K : K;
/** A message key; plural keys are used by their base name with a `count` parameter. */
export type MessageKey = Base<keyof EnglishMessages>;

/** The built-in English of the elements created so far (and the shared part). */
const english: Record<string, string> = { ...enShared };
const registered = new WeakSet<Messages>();
/** Catalogues by locale: shipped ones once loaded, and whatever `addMessages` added (English too). */
const catalogs = new Map<string, Record<string, string>>();
/** Catalogues that ship with the package but load on first use. */
const shipped: Record<string, () => Promise<Messages>> = {
  de: () => import('./locales/de.js').then((m) => m.de as Messages),
};
/** One load per shipped locale, settled or not; never retried, so a failed chunk cannot loop. */
const loads = new Map<string, Promise<void>>();
let explicit: string | undefined;

/** Fired on `window` when the locale changes, so every element re-renders its text. */
export const LOCALE_CHANGE = 'realtime-locale-change';

/** Registers a part of the built-in English catalogue (an element's messages). */
function registerEnglish(part: Messages): void {
  if (registered.has(part)) return;
  registered.add(part);
  Object.assign(english, part);
}

/** Adds (or extends) a locale's messages. */
export function addMessages(locale: string, messages: Messages): void {
  const key = locale.toLowerCase();
  catalogs.set(key, { ...catalogs.get(key), ...messages });
  if (getLocale() === key) notify();
}

/**
 * Chooses the locale for every element on the page (undefined: follow `<html lang>`). The promise
 * settles once a shipped catalogue for it (German) has loaded and the elements were told.
 */
export function setLocale(locale: string | undefined): Promise<void> {
  const next = locale?.toLowerCase() || undefined;
  if (next !== explicit) {
    explicit = next;
    notify();
  }
  return loadLocale(getLocale());
}

/**
 * Loads a shipped catalogue (German) if `locale` has one and it is not in yet; elements re-render
 * when it lands. Resolves at once for English and for locales added with `addMessages`. Messages
 * added before the load win over the shipped ones.
 */
export function loadLocale(locale: string = getLocale()): Promise<void> {
  let load = loads.get(locale);
  if (!load) {
    const fetchCatalogue = shipped[locale];
    load = fetchCatalogue
      ? fetchCatalogue().then(
          (messages) => {
            catalogs.set(locale, { ...messages, ...catalogs.get(locale) });
            notify();
          },
          (err: unknown) =>
            console.warn(`admin-realtime: the "${locale}" messages did not load; showing English.`, err),
        )
      : Promise.resolve();
    loads.set(locale, load);
  }
  return load;
}

/** Bumped on every change of the locale or its messages (see `localeRevision`). */
let revision = 0;

/**
 * A number that changes whenever the page's texts may change (a `setLocale`, a catalogue landing,
 * `<html lang>`), for `guard()`ing list rows: a row whose data is unchanged is not rendered
 * again, unless its words would be different now.
 */
export const localeRevision = (): number => revision;

function notify(): void {
  revision++;
  if (typeof window !== 'undefined') window.dispatchEvent(new Event(LOCALE_CHANGE));
}

function known(tag: string): boolean {
  return tag === 'en' || catalogs.has(tag) || Object.hasOwn(shipped, tag);
}

function match(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  const lower = tag.toLowerCase();
  if (known(lower)) return lower;
  const base = lower.split('-')[0] ?? '';
  return known(base) ? base : undefined;
}

/** The locale in use: the chosen one, else the document's, else English. */
export function getLocale(): string {
  return (
    match(explicit) ?? (typeof document !== 'undefined' ? match(document.documentElement.lang) : undefined) ?? 'en'
  );
}

const pluralRules = new Map<string, Intl.PluralRules>();

/**
 * Building an Intl formatter costs far more than using one (it dominated render profiles when
 * every list row made its own), so formatters are kept per locale and options. Bounded: a few
 * option sets per locale in use.
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  kind: string,
  options: object | undefined,
  make: (locale: string) => T,
): T {
  const locale = getLocale();
  const key = `${kind}|${locale}|${options ? JSON.stringify(options) : ''}`;
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    formatter = make(locale);
    formatters.set(key, formatter);
  }
  return formatter;
}

/** The message for `key` in the current locale, with `{placeholders}` filled in. */
export function msg(key: MessageKey, params?: Record<string, string | number>): string {
  const locale = getLocale();
  if (!loads.has(locale)) void loadLocale(locale);
  const catalog = catalogs.get(locale) ?? {};
  const added = catalogs.get('en');
  const fallback = (k: string): string | undefined => added?.[k] ?? english[k];
  let template: string | undefined;
  if (params && typeof params.count === 'number') {
    const rules = pluralRules.get(locale) ?? new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
    const category = rules.select(params.count);
    template = catalog[`${key}.${category}`] ?? fallback(`${key}.${category}`) ?? catalog[`${key}.other`];
  }
  template ??= catalog[key] ?? fallback(key) ?? fallback(`${key}.other`) ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : typeof value === 'number' ? formatNumber(value) : value;
  });
}

/** A number in the current locale. */
export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return cached('number', options, (locale) => new Intl.NumberFormat(locale, options)).format(value);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 minutes ago", "just now", in the current locale. */
export function formatRelative(time: string | number, now = Date.now()): string {
  const at = typeof time === 'number' ? time : Date.parse(time);
  const diff = at - now;
  if (Math.abs(diff) < 45_000) return msg('time.justNow');
  const rtf = cached('relative', undefined, (locale) => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === 'minute') return rtf.format(Math.round(diff / ms), unit);
  }
  return msg('time.justNow');
}

/** A full date and time, for `title`/`datetime` attributes and screen readers. */
export function formatDateTime(time: string | number): string {
  return formatDate(time, FULL_DATE_TIME);
}

const FULL_DATE_TIME: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'medium' };

/** A date or time in the current locale with the given options (formatter cached). */
export function formatDate(time: string | number | Date, options: Intl.DateTimeFormatOptions): string {
  const value = time instanceof Date ? time : new Date(time);
  return cached('date', options, (locale) => new Intl.DateTimeFormat(locale, options)).format(value);
}

/**
 * Pages that switch language by setting `<html lang>` (as single-page apps do) should not have to
 * tell us too: one observer for the page, made when the first element connects.
 */
let watchingLang = false;
function watchDocumentLang(): void {
  if (watchingLang || typeof MutationObserver === 'undefined') return;
  watchingLang = true;
  new MutationObserver(() => {
    if (explicit === undefined) notify();
  }).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
}

/**
 * Re-renders its host when the locale changes (`setLocale`, a catalogue loading, `<html lang>`),
 * and registers the host's part of the English catalogue (`english`, once per part).
 */
export class LocaleController implements ReactiveController {
  readonly #host: ReactiveControllerHost;

  constructor(host: ReactiveControllerHost, english?: Messages) {
    this.#host = host;
    if (english) registerEnglish(english);
    host.addController(this);
  }
  readonly #onChange = (): void => this.#host.requestUpdate();
  hostConnected(): void {
    watchDocumentLang();
    window.addEventListener(LOCALE_CHANGE, this.#onChange);
  }
  hostDisconnected(): void {
    window.removeEventListener(LOCALE_CHANGE, this.#onChange);
  }
}
