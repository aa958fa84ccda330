/**
 * What tabs sharing one socket say to each other over their BroadcastChannel, the name they share
 * (the lock and the channel), and the per-tab seq cursor that keeps every tab from applying an
 * event twice. Only tabs of one origin and one copy of this protocol hear these messages.
 */
import type { TimerApi } from '../connection.js';
import type { emitTo, listen, report } from '../listeners.js';
import type { ClientAction, HubMessage } from '../protocol.js';
import type { StreamCursor } from '../stream-cursor.js';
import type { TransportLadderOptions } from '../transports/ladder.js';
import type { ConnectionState, RealtimeError, Transport } from '../types.js';

/** The socket a leader (or a tab on its own) holds: a transport ladder, told where to resume. */
export type TabSocket = Transport & {
  readonly lastSeq: number;
  seedResume(seq: number, stream: string | null): void;
};

/**
 * What the sharing chunk gets from the entry instead of importing it: a chunk that imported the
 * entry's modules would make the bundler move them into a third chunk, which costs the CDN entry
 * more bytes than the sharing code it keeps out.
 */
export interface TabKit {
  Connection: new (options: TransportLadderOptions) => TabSocket;
  Cursor: typeof StreamCursor;
  emitTo: typeof emitTo;
  listen: typeof listen;
  report: typeof report;
  timers: TimerApi;
}

/** Bumped when the messages below change, so two library versions on one origin never mix. */
const TABS_PROTOCOL = 1;

/** A message between tabs. `from` is the sender's tab id; `to` addresses one tab. */
export type TabMessage =
  /** Leader: alive, and the connection's state (sent every second and on every change). */
  | { t: 'hb'; from: string; state: ConnectionState }
  /** A new leader: followers answer with `report` and from now on accept frames only from it. */
  | { t: 'claim'; from: string }
  /** Follower: the last seq it applied, and from which stream. */
  | { t: 'report'; from: string; seq: number; stream: string | null }
  /** A tab that needs the state so far (new, or back from the back/forward cache). */
  | { t: 'join'; from: string; seq: number; stream: string | null }
  /** Leader: what a joining tab needs, in order (welcome, snapshot, events). */
  | { t: 'sync'; from: string; to: string; frames: HubMessage[] }
  /** Leader: one hub message, for every tab or (an answer to its request) one. */
  | { t: 'frame'; from: string; m: HubMessage; to?: string }
  /** Leader: a problem its connection surfaced (close, refused frame, auth). */
  | { t: 'error'; from: string; e: RealtimeError }
  /** Follower: an action (mark read, …) for the leader to send; `id` counts per tab. */
  | { t: 'action'; from: string; id: number; a: ClientAction }
  /** Leader: the action was written to the socket (`ok`) or could not be (`reason`). */
  | { t: 'reply'; from: string; to: string; id: number; ok: boolean; reason?: string }
  /** Follower: the leader should retry its connection now (a "Retry now" in a follower). */
  | { t: 'poke'; from: string }
  /** Follower that heard nothing for a while: is a leader there? (any leader message answers) */
  | { t: 'ping'; from: string }
  /** Leader: releasing the socket (the tab closes, is frozen or goes into the back/forward cache). */
  | { t: 'bye'; from: string };

/** A random tab id, short enough to prefix a request `ref` (at most 64 characters). */
export function newTabId(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('');
}

/** Claims that change with every token of one session; they do not make another user. */
const TIME_CLAIMS = new Set(['iat', 'exp', 'nbf', 'jti']);

/**
 * Who a JWT is for, read without verifying it (it only picks which tabs share; the hub verifies
 * every token): its claims other than times and id, `sub` and role included, in a stable order.
 * Null without a `sub`.
 */
export function tokenUser(token: string): string | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const binary = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    if (typeof claims?.sub !== 'string' || !claims.sub) return null;
    const kept = Object.keys(claims)
      .filter((k) => !TIME_CLAIMS.has(k))
      .sort()
      .map((k) => [k, claims[k]]);
    return JSON.stringify(kept);
  } catch {
    return null;
  }
}

/**
 * The name of the lock and the channel of the tabs that may share one socket: same hub URL, same
 * user (same claims: a token with another role sees other things), same categories (the hub
 * filters per socket). Null when the token names no user.
 */
export function shareName(url: string, token: string, categories: readonly string[] | null | undefined): string | null {
  const user = tokenUser(token);
  if (!user) return null;
  const cats = categories ? [...categories].sort().join(',') : '*';
  return `admin-realtime/v${TABS_PROTOCOL} ${JSON.stringify([url, user, cats])}`;
}

/**
 * Moves this tab's stream cursor for `message`; false when it is an event the tab already
 * applied. Every hub message a tab's store sees passes here, so whichever leader or replay
 * delivers an event, it is applied once.
 */
export function admitToTab(cursor: StreamCursor, message: HubMessage): boolean {
  if (message.type === 'welcome') cursor.welcome(message.stream, message.seq);
  else if (message.type === 'snapshot') cursor.snapshot(message.seq);
  else if (message.type === 'event') return cursor.admit(message.event.seq);
  return true;
}

/** Prefixes a request `ref` with the tab that made it, so the answer goes back to that tab. */
export const tabRef = (tab: string, ref: string): string => `${tab}.${ref}`;

/** The tab a hub answer is for and its original `ref`; null when the ref names no tab. */
export function splitTabRef(ref: string | undefined): { tab: string; ref: string } | null {
  const dot = ref?.indexOf('.') ?? -1;
  if (!ref || dot < 1) return null;
  return { tab: ref.slice(0, dot), ref: ref.slice(dot + 1) };
}

/** `message` with its `ref` replaced (or removed when `ref` is undefined). */
export function withRef(message: HubMessage, ref: string | undefined): HubMessage {
  if (!('ref' in message)) return message;
  const copy = { ...message } as HubMessage & { ref?: string };
  if (ref === undefined) delete copy.ref;
  else copy.ref = ref;
  return copy;
}
