/**
 * Parsing at the edge. These never throw: they return the message or the reason it was refused.
 * Nothing else in the project parses frames.
 */
import { type Check, isRecord, ValidationError } from '../validate.js';
import { ref } from './fields.js';
import { type ClientMessage, clientMessage, type HubMessage, hubMessage } from './messages.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string; path?: string };

export function parseWith<T>(check: Check<T>, input: unknown): Parsed<T> {
  try {
    return { ok: true, value: check(input, '') };
  } catch (err) {
    if (err instanceof ValidationError) return { ok: false, error: err.message, path: err.path };
    if (err instanceof RangeError) return { ok: false, error: 'message is nested too deeply' };
    return { ok: false, error: 'message could not be read' };
  }
}

/** Reads a text frame as JSON, or says why it cannot be read. */
function readFrame(frame: unknown, maxBytes: number): { ok: true; data: unknown } | { ok: false; error: string } {
  if (typeof frame !== 'string') return { ok: false, error: 'frame must be UTF-8 JSON text, not binary' };
  if (frame.length > maxBytes) return { ok: false, error: `frame exceeds ${maxBytes} bytes` };
  try {
    return { ok: true, data: JSON.parse(frame) };
  } catch {
    return { ok: false, error: 'frame is not valid JSON' };
  }
}

/** A client message that was refused, and whether it was a readable request the hub answers. */
export type ParsedClientMessage =
  | { ok: true; value: ClientMessage }
  | {
      ok: false;
      error: string;
      path?: string;
      /**
       * Set when the frame is a readable request with a bad field: a JSON object whose `type` is a
       * known client type other than `auth`. The hub answers it with `error {code:
       * 'invalid-message', ref}` and the session goes on; a frame without it is unreadable and
       * closes the socket (1008). `ref` is the request's, when it is a valid ref.
       */
      request?: { type: Exclude<ClientMessage['type'], 'auth'>; ref?: string };
    };

/**
 * Client types other than `auth`: a bad field in one is answered, not closed on. Listed rather
 * than derived from the union, which keeps the browser bundle smaller; checked complete below.
 */
export const REQUEST_TYPES = [
  'ping',
  'subscribe',
  'markRead',
  'seen',
  'markAllRead',
  'clear',
  'history',
  'refresh',
  'snooze',
  'markUnread',
  'archive',
  'unarchive',
  'unsnooze',
  'delete',
  'restore',
  'getPreferences',
  'setPreferences',
] as const satisfies readonly ClientMessage['type'][];
/** Fails to compile when a client type is added to the protocol and not to the list above. */
type UnlistedRequest = Exclude<ClientMessage['type'], 'auth' | (typeof REQUEST_TYPES)[number]>;
const _everyRequestListed: [UnlistedRequest] extends [never] ? true : UnlistedRequest = true;
void _everyRequestListed;

/** Validates a decoded client message (for transports that are not raw text frames). Hub side. */
export function validateClientMessage(value: unknown): ParsedClientMessage {
  const parsed = parseWith(clientMessage, value);
  if (parsed.ok || !isRecord(value)) return parsed;
  const type = REQUEST_TYPES.find((t) => t === value.type);
  if (!type) return parsed;
  const valid = parseWith(ref, value.ref);
  return { ...parsed, request: valid.ok ? { type, ref: valid.value } : { type } };
}

/** Hub side: reads one text frame from a client. */
export function parseClientMessage(frame: unknown, maxBytes = 64 * 1024): ParsedClientMessage {
  const read = readFrame(frame, maxBytes);
  return read.ok ? validateClientMessage(read.data) : read;
}

/** Validates a decoded hub message. */
export const validateHubMessage = (value: unknown): Parsed<HubMessage> => parseWith(hubMessage, value);

/** Client side: reads one text frame from the hub. */
export function parseHubMessage(frame: unknown, maxBytes = 16 * 1024 * 1024): Parsed<HubMessage> {
  const read = readFrame(frame, maxBytes);
  return read.ok ? validateHubMessage(read.data) : read;
}
