/**
 * The publish pipeline shared by `POST /v1/events` and `hub.publish()`: the body is validated by
 * the protocol's checks, identifiers that look sensitive are refused, then each event gets the
 * hub's id (when none), defaults and masked text.
 *
 * Two rules cover every field a publisher sends (docs/security.md has the table):
 * - **text is masked**: titles, messages, details, activity actions, notification action labels,
 *   actor and user names, emails, component messages, every string (and card-length integer) in
 *   `data`, and the pieces of a `link`, an action's `url` and an actor's `avatarUrl`;
 * - **identifiers are refused** when masking would change them: event `id`, `user.id`, category,
 *   `group`, action ids, activity type, audience roles, metric and component names, `data` keys. They are matched,
 *   filtered on and deduplicated by, so a masked copy could merge two distinct ones (two events
 *   with one idempotency key, two users in one activity filter): a 400 says so instead.
 */
import { randomUUID } from 'node:crypto';
import { type EventInput, type Parsed, type Priority, validatePublishBody } from '../core/protocol.js';
import { isRecord, parseIsoDate } from '../core/validate.js';
import { type EscalationStepPlan, EventRefusedError, type HubBackend, type NewEntry } from './backend.js';
import { InvalidEventError, type PublishResult } from './http.js';
import { type Mask, maskJson, maskLink } from './masking.js';

/** An identifier as sent, and its field's path given how to show the value (names are in it). */
type Identifier = [value: string, path: (shown: string) => string];

/** Every identifier of an event that is stored or shown as sent, parents before children. */
function identifiers(input: EventInput): Identifier[] {
  const out: Identifier[] = input.id === undefined ? [] : [[input.id, () => 'id']];
  const names = (field: string, record: Record<string, unknown>) => {
    for (const name of Object.keys(record)) out.push([name, (shown) => `${field}.${shown} (name)`]);
  };
  // A refused key's ancestors passed already, so they can be shown as sent.
  const dataKeys = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) dataKeys(v, `${path}[${i}]`);
    } else if (isRecord(value)) {
      for (const [key, v] of Object.entries(value)) {
        out.push([key, (shown) => `${path}.${shown} (name)`]);
        dataKeys(v, `${path}.${key}`);
      }
    }
  };
  switch (input.kind) {
    case 'notification':
      if (input.category !== undefined) out.push([input.category, () => 'category']);
      if (input.group !== undefined) out.push([input.group, () => 'group']);
      for (const [i, action] of (input.actions ?? []).entries()) out.push([action.id, () => `actions[${i}].id`]);
      for (const [i, role] of (input.audience?.roles ?? []).entries()) out.push([role, () => `audience.roles[${i}]`]);
      dataKeys(input.data, 'data');
      break;
    case 'activity':
      out.push([input.type, () => 'type'], [input.user.id, () => 'user.id']);
      break;
    case 'metrics':
      names('values', input.values);
      break;
    case 'status':
      names('components', input.components);
      break;
  }
  return out;
}

/** The first identifier masking would change, as a refusal naming its field; null when none. */
function refuseSensitive(input: EventInput, mask: Mask): { error: string; path: string } | null {
  for (const [value, pathOf] of identifiers(input)) {
    const masked = mask(value);
    if (masked === value) continue;
    const path = pathOf(masked);
    return {
      path,
      error:
        `${path}: looks like personal data or a secret (masked it would read "${masked}"); ` +
        'identifiers are stored and shown as sent, never masked: use an opaque one',
    };
  }
  return null;
}

/**
 * Everything the hub checks before storing, in order: `validatePublishBody`, then identifiers
 * (`refuseSensitive`). Errors are masked too, since a path can name a `data` key.
 */
export function validatePublish(body: unknown, mask: Mask): Parsed<EventInput[]> {
  const parsed = validatePublishBody(body);
  if (!parsed.ok) return { ok: false, error: mask(parsed.error), ...(parsed.path && { path: mask(parsed.path) }) };
  const batch = Array.isArray(body);
  for (const [i, input] of parsed.value.entries()) {
    const refused = refuseSensitive(input, mask);
    if (refused) {
      return batch
        ? { ok: false, error: `[${i}].${refused.error}`, path: `[${i}].${refused.path}` }
        : { ok: false, ...refused };
    }
  }
  return parsed;
}

/** Turns a validated input into a stored event: hub id when none, defaults, masked text. */
export function toEntry(input: EventInput, mask: Mask, nowIso: string): NewEntry {
  const id = input.id ?? randomUUID();
  const at = (value: string | undefined) => (value ? new Date(parseIsoDate(value) as number).toISOString() : nowIso);
  switch (input.kind) {
    case 'notification': {
      const event: Record<string, unknown> = {
        kind: 'notification',
        id,
        title: mask(input.title),
        category: input.category ?? 'system',
        priority: input.priority ?? 'medium',
        createdAt: at(input.createdAt),
      };
      if (input.message !== undefined) event.message = mask(input.message);
      if (input.link !== undefined) event.link = maskLink(input.link, mask);
      if (input.data !== undefined) event.data = maskJson(input.data, mask);
      if (input.actions !== undefined) {
        event.actions = input.actions.map(({ id: actionId, label, url }) =>
          url === undefined
            ? { id: actionId, label: mask(label) }
            : { id: actionId, label: mask(label), url: maskLink(url, mask) },
        );
      }
      if (input.actor !== undefined) {
        const { name, avatarUrl } = input.actor;
        event.actor =
          avatarUrl === undefined ? { name: mask(name) } : { name: mask(name), avatarUrl: maskLink(avatarUrl, mask) };
      }
      if (input.group !== undefined) event.group = input.group;
      if (input.resolved) event.resolved = true;
      return input.audience ? { event: event as never, audience: input.audience } : { event: event as never };
    }
    case 'activity': {
      const user: Record<string, string> = { id: input.user.id };
      if (input.user.name !== undefined) user.name = mask(input.user.name);
      if (input.user.email !== undefined) user.email = mask(input.user.email);
      const event: Record<string, unknown> = {
        kind: 'activity',
        id,
        type: input.type,
        action: mask(input.action),
        user,
        at: at(input.at),
      };
      if (input.detail !== undefined) event.detail = mask(input.detail);
      return { event: event as never };
    }
    case 'metrics':
      return { event: { kind: 'metrics', id, values: input.values, at: at(input.at) } };
    case 'status': {
      const components: typeof input.components = {};
      for (const [name, { message, ...rest }] of Object.entries(input.components)) {
        components[name] = message === undefined ? rest : { ...rest, message: mask(message) };
      }
      return { event: { kind: 'status', id, components, at: at(input.at) } };
    }
    case 'agents':
      return {
        event: { kind: 'agents', id, active: input.active, idle: input.idle, error: input.error, at: at(input.at) },
      };
  }
}

/**
 * Validates, masks, stores and (through the backend's fan-out) delivers; resolves once the events
 * are committed, rejects with `InvalidEventError`. Validation happens before the first await, so a
 * publish's events are appended in the order the publishes were made.
 */
export function createPublisher(
  backend: HubBackend,
  mask: Mask,
  now: () => number,
  /** Escalation steps of a notification (issue 19), stored with it in the append. */
  escalate?: (event: { kind: string; priority?: Priority }) => readonly EscalationStepPlan[] | undefined,
): (body: unknown) => Promise<PublishResult> {
  return async (body) => {
    const parsed = validatePublish(body, mask);
    if (!parsed.ok) throw new InvalidEventError(parsed.error, parsed.path);
    const nowIso = new Date(now()).toISOString();
    let results: Awaited<ReturnType<HubBackend['append']>>;
    try {
      results = await backend.append(
        parsed.value.map((input) => {
          const entry = toEntry(input, mask, nowIso);
          const steps = escalate?.(entry.event as { kind: string; priority?: Priority });
          return steps ? { ...entry, escalate: steps } : entry;
        }),
      );
    } catch (err) {
      // Refused by what is stored (the metric names kept) or by the clock: a 400 like a bad field.
      if (!(err instanceof EventRefusedError)) throw err;
      const at = Array.isArray(body) ? `[${err.index}].` : '';
      throw new InvalidEventError(`${at}${err.message}`, `${at}${err.field}`);
    }
    return { accepted: results.map((r) => ({ id: r.entry.event.id, seq: r.entry.event.seq, duplicate: r.duplicate })) };
  };
}
