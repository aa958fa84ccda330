/**
 * The publish pipeline shared by `POST /v1/events` and `hub.publish()`: the body is validated by
 * the protocol's checks, then each event gets the hub's id (when none), defaults and masked text.
 */
import { randomUUID } from 'node:crypto';
import { type EventInput, validatePublishBody } from '../core/protocol.js';
import { EventRefusedError, type HubBackend, type NewEntry } from './backend.js';
import { InvalidEventError, type PublishResult } from './http.js';

/** Turns a validated input into a stored event: hub id when none, defaults, masked text. */
export function toEntry(input: EventInput, mask: (text: string) => string, nowIso: string): NewEntry {
  const id = input.id ?? randomUUID();
  const at = (value: string | undefined) => (value ? new Date(value).toISOString() : nowIso);
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
      if (input.link !== undefined) event.link = input.link;
      if (input.data !== undefined) event.data = input.data;
      return input.audience ? { event: event as never, audience: input.audience } : { event: event as never };
    }
    case 'activity': {
      const user: Record<string, string> = { id: input.user.id };
      if (input.user.name !== undefined) user.name = input.user.name;
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
    case 'status':
      return { event: { kind: 'status', id, components: input.components, at: at(input.at) } };
    case 'agents':
      return {
        event: { kind: 'agents', id, active: input.active, idle: input.idle, error: input.error, at: at(input.at) },
      };
  }
}

/** Validates, masks, stores and (through the backend's fan-out) delivers; throws `InvalidEventError`. */
export function createPublisher(
  backend: HubBackend,
  mask: (text: string) => string,
  now: () => number,
): (body: unknown) => PublishResult {
  return (body) => {
    const parsed = validatePublishBody(body);
    if (!parsed.ok) throw new InvalidEventError(parsed.error, parsed.path);
    const nowIso = new Date(now()).toISOString();
    let results: ReturnType<HubBackend['append']>;
    try {
      results = backend.append(parsed.value.map((input) => toEntry(input, mask, nowIso)));
    } catch (err) {
      // Refused by what is stored (the metric names kept) or by the clock: a 400 like a bad field.
      if (!(err instanceof EventRefusedError)) throw err;
      const at = Array.isArray(body) ? `[${err.index}].` : '';
      throw new InvalidEventError(`${at}${err.message}`, `${at}${err.field}`);
    }
    return { accepted: results.map((r) => ({ id: r.entry.event.id, seq: r.entry.event.seq, duplicate: r.duplicate })) };
  };
}
