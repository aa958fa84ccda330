/**
 * A tiny runtime validator: checks every wire message at the edge, names the exact field that is
 * wrong, and gives each wire type as the type of its check (`Infer`). Not valibot: the browser's
 * parser (`parseHubMessage`) is 3.2 KB gzip here, 4.1 KB with valibot 1.5.0, whose port still
 * hand-writes the key rule, the JSON walk and the per-event refusals of an `events` frame.
 */

/** A failed check: the dotted path of the bad field and what was expected there. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(`${path || 'message'}: ${expected}`);
  }
}

/** Reads and checks one value; throws ValidationError naming the path. */
export type Check<T> = (value: unknown, path: string) => T;

/** The type a check returns: wire types are written as checks and named with this. */
export type Infer<C extends Check<unknown>> = ReturnType<C>;

const fail = (path: string, expected: string): never => {
  throw new ValidationError(path, expected);
};

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const str =
  (opts: { min?: number; max?: number; pattern?: RegExp } = {}): Check<string> =>
  (value, path) => {
    const { min = 0, max = 10_000, pattern } = opts;
    if (typeof value !== 'string') return fail(path, 'must be a string');
    if (value.length < min) return fail(path, min === 1 ? 'must not be empty' : `must have at least ${min} characters`);
    if (value.length > max) return fail(path, `must have at most ${max} characters`);
    if (pattern && !pattern.test(value)) return fail(path, `must match ${pattern}`);
    return value;
  };

export const num =
  (opts: { min?: number; max?: number; int?: boolean } = {}): Check<number> =>
  (value, path) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return fail(path, 'must be a finite number');
    if (opts.int && !Number.isInteger(value)) return fail(path, 'must be an integer');
    if (opts.min !== undefined && value < opts.min) return fail(path, `must be at least ${opts.min}`);
    if (opts.max !== undefined && value > opts.max) return fail(path, `must be at most ${opts.max}`);
    return value;
  };

export const bool: Check<boolean> = (value, path) =>
  typeof value === 'boolean' ? value : fail(path, 'must be true or false');

export const oneOf =
  <const T extends string>(values: readonly T[]): Check<T> =>
  (value, path) =>
    values.includes(value as T) ? (value as T) : fail(path, `must be one of ${values.join(', ')}`);

export const arrayOf =
  <T>(item: Check<T>, opts: { max?: number; min?: number } = {}): Check<T[]> =>
  (value, path) => {
    if (!Array.isArray(value)) return fail(path, 'must be an array');
    if (opts.min !== undefined && value.length < opts.min) return fail(path, `must have at least ${opts.min} items`);
    if (opts.max !== undefined && value.length > opts.max) return fail(path, `must have at most ${opts.max} items`);
    return value.map((v, i) => item(v, `${path}[${i}]`));
  };

/**
 * Names that are never accepted as an object key or a name that becomes one (data keys, metric,
 * component and category names, roles): the members of `Object.prototype` and `prototype`. An
 * object built from such a key can change its prototype (`__proto__`), or a lookup such as
 * `counts[category]` finds an inherited function instead of `undefined` (`constructor`).
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'valueOf',
]);

/** The one rule for every object key and name a peer chooses; `path` names the key. */
export const checkKey: Check<string> = (key, path) =>
  RESERVED_NAMES.has(key as string) ? fail(path, 'is not an allowed name') : (key as string);

/** A record with string keys (the key rule, then `key`) and values checked by `item`. */
export const recordOf =
  <T>(item: Check<T>, opts: { maxKeys?: number; key?: Check<string> } = {}): Check<Record<string, T>> =>
  (value, path) => {
    if (!isRecord(value)) return fail(path, 'must be an object');
    const keys = Object.keys(value);
    if (opts.maxKeys !== undefined && keys.length > opts.maxKeys) {
      return fail(path, `must have at most ${opts.maxKeys} keys`);
    }
    const out: Record<string, T> = {};
    for (const k of keys) {
      checkKey(k, `${path}.${k}`);
      opts.key?.(k, `${path}.${k} (name)`);
      out[k] = item(value[k], `${path}.${k}`);
    }
    return out;
  };

type Shape = Record<string, Check<unknown>>;
type Flat<T> = { [K in keyof T]: T[K] } & {};
type Out<S extends Shape, O extends Shape> = Flat<
  { [K in keyof S]: ReturnType<S[K]> } & { [K in keyof O]?: ReturnType<O[K]> }
>;

/**
 * An object with required and optional fields. Unknown fields are dropped (so a newer peer can
 * add fields without breaking an older one); `undefined` and `null` optional fields are omitted.
 */
export const object =
  <S extends Shape, O extends Shape = Record<never, never>>(required: S, optional?: O): Check<Out<S, O>> =>
  (value, path) => {
    if (!isRecord(value)) return fail(path, 'must be an object');
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(required)) {
      const at = path ? `${path}.${key}` : key;
      if (value[key] === undefined) return fail(at, 'is required');
      out[key] = (required[key] as Check<unknown>)(value[key], at);
    }
    if (optional) {
      for (const key of Object.keys(optional)) {
        if (value[key] === undefined || value[key] === null) continue;
        out[key] = (optional[key] as Check<unknown>)(value[key], path ? `${path}.${key}` : key);
      }
    }
    return out as Out<S, O>;
  };

/**
 * Any JSON value no deeper than `maxDepth` and with no more than `maxKeys` entries in all; every
 * key at every depth passes the key rule (`checkKey`).
 */
export const json =
  (opts: { maxDepth?: number; maxKeys?: number } = {}): Check<Record<string, unknown>> =>
  (value, path) => {
    const { maxDepth = 6, maxKeys = 200 } = opts;
    let keys = 0;
    const walk = (v: unknown, depth: number, at: string): void => {
      if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) fail(at, 'must hold only finite numbers');
        return;
      }
      if (depth >= maxDepth) fail(at, `must be nested at most ${maxDepth} levels deep`);
      if (Array.isArray(v)) {
        keys += v.length;
        if (keys > maxKeys) fail(path, `must hold at most ${maxKeys} values`);
        for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, `${at}[${i}]`);
        return;
      }
      if (isRecord(v)) {
        for (const [k, x] of Object.entries(v)) {
          if (++keys > maxKeys) fail(path, `must hold at most ${maxKeys} values`);
          checkKey(k, `${at}.${k}`);
          walk(x, depth + 1, `${at}.${k}`);
        }
        return;
      }
      fail(at, 'must be JSON');
    };
    if (!isRecord(value)) return fail(path, 'must be an object');
    walk(value, 0, path);
    return value;
  };

/** `null`, or what `check` accepts (an optional field's `null` never reaches it: `object` omits it). */
export const nullable =
  <T>(check: Check<T>): Check<T | null> =>
  (value, path) =>
    value === null ? null : check(value, path);

/** Discriminated union by a string field (`type` or `kind`); the type is the union of the branches'. */
export const union =
  <B extends Shape>(field: string, branches: B): Check<ReturnType<B[keyof B]>> =>
  (value, path) => {
    if (!isRecord(value)) return fail(path, 'must be an object');
    const tag = value[field];
    const at = path ? `${path}.${field}` : field;
    if (typeof tag !== 'string') return fail(at, 'is required');
    const branch = Object.hasOwn(branches, tag) ? branches[tag] : undefined;
    if (!branch) return fail(at, `must be one of ${Object.keys(branches).join(', ')}`);
    return branch(value, path) as ReturnType<B[keyof B]>;
  };

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

const isLeapYear = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Epoch ms of an RFC 3339 date-time (`2026-11-25T10:00:00Z`, `2026-11-25T11:00:00.5+01:00`;
 * seconds optional, `+0100` read too), or what is wrong with it. Strict where `Date.parse` is
 * lenient: no day past the month's end (leap years counted; `Date.parse` turns 02-31 into 03-03),
 * no hour 24, no leap second, an offset is required (without one `Date.parse` reads the local time
 * of whichever machine parses) and lies within ±18:00. Digits past milliseconds are dropped.
 */
export function parseIsoDate(s: string): number | string {
  const m = ISO_DATE_TIME.exec(s);
  if (!m) return 'must be an ISO 8601 date-time such as 2026-11-25T10:00:00Z';
  const [year, month, day, hour, minute, second = 0] = m.slice(1, 7).map((x) => Number(x ?? 0)) as number[];
  const zone = m[8];
  if (!zone) return 'needs Z or an offset such as +01:00 (without one the time is ambiguous)';
  if (month! < 1 || month! > 12) return `has no month ${m[2]}`;
  const days = month === 2 && isLeapYear(year!) ? 29 : DAYS_IN_MONTH[month! - 1]!;
  if (day! < 1 || day! > days) return `has no day ${m[3]} in ${m[1]}-${m[2]} (${days} days)`;
  if (hour! > 23 || minute! > 59 || second > 59)
    return `has no time ${s.slice(11, m[6] ? 19 : 16)} (hours 00-23, minutes and seconds 00-59)`;
  let offsetMin = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(-2));
    if (minutes > 59 || hours * 60 + minutes > 18 * 60) return `has no offset ${zone} (from -18:00 to +18:00)`;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year!, month! - 1, day!); // not Date.UTC, which reads years 0-99 as 1900-1999
  utc.setUTCHours(hour!, minute!, second, Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)));
  return utc.getTime() - offsetMin * 60_000;
}

/** RFC 3339 date-time (see `parseIsoDate`), e.g. 2026-11-25T10:00:00Z; kept as written. */
export const isoDate: Check<string> = (value, path) => {
  const s = str({ max: 40 })(value, path);
  const ms = parseIsoDate(s);
  return typeof ms === 'number' ? s : fail(path, ms);
};
