/** Limits and the field checks that publish inputs, stream events and messages share. */
import { type Check, checkKey, num, str, ValidationError } from '../validate.js';

/** Limits on what a publisher may post; documented in docs/protocol.md. Hub-side. */
export const LIMITS = {
  idLength: 128,
  titleLength: 200,
  messageLength: 2000,
  linkLength: 2048,
  nameLength: 64,
  detailLength: 1000,
  dataKeys: 50,
  dataDepth: 4,
  metricNames: 32,
  statusComponents: 32,
  audienceEntries: 1000,
  batchSize: 500,
  categories: 64,
  /** Buttons on one notification. */
  actions: 3,
  actionLabelLength: 40,
  actorNameLength: 200,
  /** Stream events in one `events` frame. */
  eventsPerFrame: 500,
} as const;

export const shortName = str({ min: 1, max: LIMITS.nameLength, pattern: /^[A-Za-z0-9_.-]+$/ });
export const eventId = str({ min: 1, max: LIMITS.idLength, pattern: /^[\x21-\x7e]+$/ });
export const count = num({ min: 0, int: true, max: 1e9 });
export const seqNumber = num({ min: 0, int: true });
/** A request's reference, echoed in the `ack`, `error` or result that answers it. */
export const ref = str({ min: 1, max: 64 });

/** True when `url` is an absolute http(s) URL; anything else is never rendered as a link. */
export function isSafeLink(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A link a publisher posts: absolute http(s), without credentials. */
export const link: Check<string> = (value, path) => {
  const s = str({ min: 1, max: LIMITS.linkLength })(value, path);
  if (!isSafeLink(s)) throw new ValidationError(path, 'must be an absolute http:// or https:// URL');
  const url = new URL(s);
  if (url.username || url.password) throw new ValidationError(path, 'must not carry a user name or password');
  return s;
};

/** A name a publisher chooses that the hub and clients use as a key (category, type, role). */
export const publishedName: Check<string> = (value, path) => checkKey(shortName(value, path), path);

/** An image a publisher links (an actor's avatar): absolute https only, without credentials. */
export const httpsLink: Check<string> = (value, path) => {
  const s = link(value, path);
  if (new URL(s).protocol !== 'https:') throw new ValidationError(path, 'must be an absolute https:// URL');
  return s;
};
