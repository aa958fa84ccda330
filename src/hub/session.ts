/**
 * One WebSocket session: authentication (first message, in-session refresh, expiry), the switch
 * from replay or snapshot to live without losing or repeating an event, the client's actions, and
 * the per-socket limits (message rate, outbound buffer). The hub owns the set of sessions and the
 * fan-out loop; a session decides only about itself.
 */
import { randomUUID } from 'node:crypto';
import {
  type AuthMessage,
  type ClientMessage,
  CloseCode,
  closeReason,
  type ErrorMessage,
  encode,
  type HubMessage,
  type InboxMessage,
  MIN_PROTOCOL_VERSION,
  type NotificationFilter,
  PROTOCOL_VERSION,
  type Preferences,
  parseClientMessage,
  type SessionUser,
  type SnoozeMessage,
  type UnreadCounts,
  validatePreferences,
} from '../core/protocol.js';
import type { AuthResult } from './auth.js';
import type { AuditRecord, HubBackend, InboxChange, StreamEntry, Viewer } from './backend.js';
import { EventFrames } from './event-frames.js';
import type { Logger } from './log.js';
import { mutedCategories } from './preferences.js';
import { corked, drained, type PreparedFrame, sendPrepared } from './prepared-frame.js';
import { type RateLimit, TokenBucket } from './rate-limit.js';
import type { SessionSocket } from './session-socket.js';
import { buildSnapshot, canSee, historyPage, inAppUnread, unmuted } from './view.js';

/** What a token check answers: a user (and its token's expiry, epoch ms) or the close code. */
export type TokenCheck = AuthResult;

/** Everything a session needs from its hub. */
export interface SessionContext {
  backend: HubBackend;
  log: Logger;
  now: () => number;
  verify: (token: string) => Promise<TokenCheck>;
  heartbeatMs: number;
  authTimeoutMs: number;
  maxFrameBytes: number;
  maxBufferedBytes: number;
  messageRate: RateLimit;
  /**
   * Sends the stream entries appended but not yet fanned out (fan-out waits for the next turn of
   * the event loop): a reply goes out after every entry appended before it.
   */
  deliverPending(): void;
  /** Adds the session to the fan-out set (before its catch-up reads, which it then completes). */
  join(session: Session): void;
  /** The session's welcome and catch-up (snapshot or replay) are all sent; live traffic follows. */
  caughtUp?(session: Session): void;
  /** Records the authenticated admin's latest role, name and email (escalation's registry). */
  recordAdmin?(user: SessionUser): void;
  /** Removes it from the fan-out set (as soon as closing starts). */
  leave(session: Session): void;
  /** Forgets it (its socket is closed). */
  gone(session: Session): void;
}

/** Who connected, as seen at the upgrade. */
export interface Peer {
  ip: string;
  userAgent: string | null;
  origin: string | null;
}

const HISTORY_PAGE = 50;
/** How far ahead a snooze may end. */
const MAX_SNOOZE_MS = 90 * 24 * 60 * 60 * 1000;
/** The `inbox` event's action for each request. */
const INBOX_ACTION: Record<(InboxMessage | SnoozeMessage)['type'], InboxChange> = {
  markUnread: 'unread',
  archive: 'archived',
  unarchive: 'unarchived',
  snooze: 'snoozed',
  unsnooze: 'unsnoozed',
  delete: 'deleted',
  restore: 'restored',
};
/** Actions that put rows back in a view: their event carries the notifications. */
const RESTORING = new Set<InboxChange>(['unarchived', 'unsnoozed', 'restored']);
/**
 * Stream entries read from the log per step of a paced replay. The next page is read once the
 * socket drained the last one, after a turn of the event loop: a replay holds one page in memory
 * and never keeps other sockets waiting for longer than one page takes to read and encode.
 */
export const REPLAY_PAGE = 200;
/** Longest `error` message the protocol carries. */
const MAX_ERROR_MESSAGE = 1000;
/** How long a closing socket may take to flush its close frame before it is cut. */
const CLOSE_GRACE_MS = 5000;
/** The smallest `welcome.heartbeatMs` the protocol allows (clients refuse a welcome below it). */
const MIN_CLIENT_HEARTBEAT_MS = 1000;
/** Longest delay setTimeout honours; longer expiries re-arm. */
const MAX_TIMER_MS = 2_147_483_647;

/** A close reason fits a control frame: at most 123 bytes of UTF-8, never split inside a character. */
export function truncateReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length <= 123) return reason;
  let end = 123;
  // Step back over continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

export class Session {
  /** Short id for logs. */
  readonly id = randomUUID().slice(0, 8);
  /** Set once authenticated. */
  user: SessionUser | null = null;
  /** Subscribed categories; null is every category. */
  categories: Set<string> | null = null;
  /** Categories the admin switched in-app off for (their preferences); null is none. */
  private muted: ReadonlySet<string> | null = null;
  /** Highest seq this session has been brought past (sent or filtered out). */
  lastSeq = 0;
  /** Answered the last protocol ping. */
  alive = true;
  /** The client speaks protocol 2 or later, so several events may share one `events` frame. */
  batches = false;
  /**
   * Joined the fan-out but still catching up from the log: live runs are not sent (they are read
   * from the log instead), only noted in `missedLive` so the catch-up reads once more.
   */
  private catchingUp = false;
  private missedLive = false;
  readonly connectedAt: number;

  private closing = false;
  /** The close the hub started (code and reason), logged and audited whatever the peer answers. */
  private closeSent: { code: number; reason: string } | null = null;
  private queue: Promise<void> = Promise.resolve();
  /** Bytes of frames received and not yet handled (they wait behind a token check or a replay). */
  private waitingBytes = 0;
  private readonly bucket: TokenBucket;
  private authTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly ws: SessionSocket,
    readonly peer: Peer,
    private readonly ctx: SessionContext,
  ) {
    this.connectedAt = ctx.now();
    this.bucket = new TokenBucket(ctx.messageRate, ctx.now);
    this.authTimer = setTimeout(() => this.close(CloseCode.AuthTimeout, 'auth-timeout'), ctx.authTimeoutMs);
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('error', (err) => ctx.log.debug('socket error', { session: this.id, ip: peer.ip, err }));
    ws.on('close', (code, reason) => this.onClosed(code, reason.toString()));
  }

  /** The viewer for audience and read-state checks. */
  get viewer(): Viewer {
    return { userId: this.user!.id, role: this.user!.role };
  }

  /** True once closing began; a closing session receives nothing more. */
  get isClosing(): boolean {
    return this.closing;
  }

  /**
   * Sends one text frame (a serialised message, or a frame prepared once for many sockets), or
   * closes the session as a slow consumer when its outbound buffer is already over the bound (so
   * memory per socket stays under the bound plus one frame). Private: replies go through `send`,
   * which first flushes the fan-out, so no reply overtakes an entry appended before it. A paced
   * replay skips the bound: it waits for the socket to drain instead, so it never overflows it.
   */
  private sendFrame(frame: string | PreparedFrame, paced = false): boolean {
    if (this.closing) return false;
    if (!paced && this.ws.bufferedAmount > this.ctx.maxBufferedBytes) {
      this.close(CloseCode.SlowConsumer, closeReason('slow-consumer', 5));
      return false;
    }
    if (typeof frame === 'string') this.ws.send(frame, { binary: false });
    else sendPrepared(this.ws, frame);
    return true;
  }

  /**
   * Offers a run of fanned-out entries (serialised and encoded once for everyone) to this session:
   * those it may see and has not been brought past, in one frame when the client batches.
   */
  deliver(frames: EventFrames, paced = false): void {
    if (!this.user || this.closing) return;
    if (this.catchingUp && !paced) {
      this.missedLive = true;
      return;
    }
    const entries = frames.entries;
    if (entries.length === 1) {
      // A publish of one event, the usual case at high fan-out: no arrays per socket.
      if (this.offer(entries[0]!, this.viewer)) this.sendFrame(frames.single(0), paced);
      return;
    }
    const viewer = this.viewer;
    const visible: number[] = [];
    entries.forEach((entry, i) => {
      if (this.offer(entry, viewer)) visible.push(i);
    });
    if (!visible.length) return;
    const out = this.batches ? frames.batch(visible) : visible.map((i) => frames.single(i));
    if (out.length === 1) this.sendFrame(out[0]!, paced);
    else
      corked(this.ws, () => {
        for (const frame of out) if (!this.sendFrame(frame, paced)) return;
      });
  }

  /** Brings the session past `entry`; true when it had not been and may see it. */
  private offer(entry: StreamEntry, viewer: Viewer): boolean {
    if (entry.event.seq <= this.lastSeq) return false;
    this.lastSeq = entry.event.seq;
    const visible = canSee(viewer, this.categories, entry, this.muted);
    if (visible && entry.event.kind === 'preferences') this.preferencesChanged(entry.event.preferences);
    return visible;
  }

  /**
   * The admin saved preferences (here or in another session, on any node): when what in-app
   * shows changed, a fresh snapshot follows the event, in its turn after the messages waiting.
   */
  private preferencesChanged(preferences: Preferences): void {
    const before = [...(this.muted ?? [])].sort().join();
    this.muted = mutedCategories(preferences);
    if ([...(this.muted ?? [])].sort().join() !== before)
      this.enqueue(0, 'refresh', undefined, () => this.resnapshot(undefined));
  }

  /** Protocol-level heartbeat: terminate when the last ping got no pong. */
  heartbeat(): void {
    if (!this.alive) {
      this.ctx.log.info('heartbeat missed', { session: this.id, ip: this.peer.ip });
      this.ws.terminate();
      return;
    }
    this.alive = false;
    try {
      this.ws.ping();
    } catch {
      this.ws.terminate();
    }
  }

  /** Starts closing with a code; idempotent. The socket is cut if the close handshake stalls. */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.closeSent = { code, reason };
    this.clearTimers();
    this.ctx.leave(this);
    this.ctx.log.debug('closing session', { session: this.id, code, reason });
    try {
      this.ws.close(code, truncateReason(reason));
    } catch {
      this.ws.terminate();
    }
    this.graceTimer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
  }

  private send(message: HubMessage): void {
    this.ctx.deliverPending();
    this.sendFrame(encode(message));
  }

  private clearTimers(): void {
    clearTimeout(this.authTimer);
    clearTimeout(this.expiryTimer);
  }

  /**
   * `received` is what `ws` saw: the peer's close frame, or 1006 when the socket just ended (a
   * slow consumer cut after the grace, say). A close the hub started is recorded with its own code.
   */
  private onClosed(received: number, receivedReason: string): void {
    this.closing = true;
    this.clearTimers();
    clearTimeout(this.graceTimer);
    this.ctx.leave(this);
    if (this.user) {
      const { code, reason } = this.closeSent ?? { code: received, reason: receivedReason };
      void this.audit('disconnect', { code, durationMs: this.ctx.now() - this.connectedAt });
      this.ctx.log.info('disconnected', {
        session: this.id,
        user: this.user.id,
        ip: this.peer.ip,
        code,
        reason,
        ...(received !== code ? { received } : {}),
      });
    }
    this.ctx.gone(this);
  }

  private onFrame(data: unknown, isBinary: boolean): void {
    if (this.closing) return;
    const rate = this.bucket.take();
    if (!rate.ok) {
      this.close(CloseCode.RateLimited, closeReason('rate-limited', rate.retryAfterSeconds));
      return;
    }
    if (isBinary) {
      this.close(CloseCode.PolicyViolation, 'frame must be UTF-8 JSON text, not binary');
      return;
    }
    const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
    const parsed = parseClientMessage(bytes.toString('utf8'), this.ctx.maxFrameBytes);
    if (parsed.ok) {
      const message = parsed.value;
      this.enqueue(bytes.length, message.type, 'ref' in message ? message.ref : undefined, () => this.handle(message));
    } else if (parsed.request) {
      // Readable, of a known type, with a bad field: answered in its turn, like any request.
      const { type, ref } = parsed.request;
      this.enqueue(bytes.length, type, ref, () => this.refuse(parsed.error, ref));
    } else this.close(CloseCode.PolicyViolation, parsed.error);
  }

  /**
   * Messages are handled one at a time, in order: an auth awaiting its verifier, or a resume
   * replaying, holds the next ones back. What waits is bounded like the outbound buffer: more
   * than `maxBufferedBytes` of frames waiting closes the socket with 4100.
   */
  private enqueue(bytes: number, type: string, ref: string | undefined, handle: () => Promise<void> | void): void {
    this.waitingBytes += bytes;
    if (this.waitingBytes > this.ctx.maxBufferedBytes) {
      this.close(CloseCode.RateLimited, closeReason('rate-limited', 5));
      return;
    }
    this.queue = this.queue
      .then(() => {
        this.waitingBytes -= bytes;
        return this.closing ? undefined : handle();
      })
      .catch((err: unknown) => {
        this.ctx.log.error('message handler failed', { session: this.id, type, err });
        this.sendError('internal', 'the hub could not handle this message', ref);
      });
  }

  private sendError(code: ErrorMessage['code'], message: string, ref: string | undefined): void {
    const text = message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…` : message;
    this.send({ type: 'error', code, message: text, ...(ref ? { ref } : {}) });
  }

  /** A request with a bad field: `error` in session; before auth there is no session to go on. */
  private refuse(error: string, ref: string | undefined): void {
    if (!this.user) this.close(CloseCode.PolicyViolation, error);
    else this.sendError('invalid-message', error, ref);
  }

  private async handle(message: ClientMessage): Promise<void> {
    if (!this.user) {
      if (message.type !== 'auth') {
        this.close(CloseCode.PolicyViolation, 'first message must be auth');
        return;
      }
      await this.authenticate(message);
      return;
    }
    const ack = (ref: string | undefined) => {
      if (ref !== undefined) this.send({ type: 'ack', ref });
    };
    switch (message.type) {
      case 'auth':
        await this.authenticate(message);
        return;
      case 'ping':
        this.send({ type: 'pong', t: message.t });
        return;
      case 'subscribe':
        this.setCategories(message.categories);
        await this.audit('subscribe', { categories: message.categories });
        ack(message.ref);
        return;
      case 'markRead': {
        const unknown = await this.markRead(message.ids);
        if (unknown) this.sendError('unknown-notification', unknown, message.ref);
        else ack(message.ref);
        return;
      }
      case 'seen':
        await this.ctx.backend.markSeen(this.viewer, message.ids);
        ack(message.ref);
        return;
      case 'markAllRead':
        await this.markAllRead(message.filter);
        ack(message.ref);
        return;
      case 'clear':
        await this.clear();
        ack(message.ref);
        return;
      case 'history': {
        const { notifications, hasMore } = await historyPage(
          this.ctx.backend,
          this.viewer,
          {
            beforeSeq: message.beforeSeq,
            limit: message.limit ?? HISTORY_PAGE,
            categories: this.categoryList(),
            view: message.view ?? 'inbox',
          },
          this.muted,
        );
        this.send({ type: 'history', notifications, hasMore, ...(message.ref ? { ref: message.ref } : {}) });
        return;
      }
      case 'getPreferences': {
        const preferences = await this.ctx.backend.getPreferences(this.user.id);
        this.send({ type: 'preferences', preferences, ...(message.ref ? { ref: message.ref } : {}) });
        return;
      }
      case 'setPreferences': {
        // The message was read by its shape; the full check (zone, times, limits) is the hub's.
        const checked = validatePreferences(message.preferences, 'preferences');
        if (checked.ok) await this.setPreferences(checked.value, message.ref);
        else this.sendError('invalid-message', checked.error, message.ref);
        return;
      }
      case 'refresh':
        await this.resnapshot(message.ref);
        return;
      default: {
        const refusal = await this.changeInbox(message);
        if (refusal) this.sendError(refusal.code, refusal.message, message.ref);
        else ack(message.ref);
      }
    }
  }

  private async authenticate(message: AuthMessage): Promise<void> {
    const protocol = message.protocol ?? MIN_PROTOCOL_VERSION;
    if (protocol < MIN_PROTOCOL_VERSION || protocol > PROTOCOL_VERSION) {
      this.close(
        CloseCode.UnsupportedProtocol,
        `protocol ${protocol} not supported; speak ${MIN_PROTOCOL_VERSION} to ${PROTOCOL_VERSION}`,
      );
      return;
    }
    let result: TokenCheck;
    try {
      result = await this.ctx.verify(message.token);
    } catch (err) {
      this.ctx.log.warn('token verifier threw', { session: this.id, err });
      result = { ok: false, code: CloseCode.InvalidToken, reason: 'token could not be verified' };
    }
    if (this.closing) return;
    if (!result.ok) {
      this.auditAuthFailure(result.code, result.reason);
      this.close(result.code, result.reason);
      return;
    }
    const reauth = this.user !== null;
    if (reauth && result.user.id !== this.user!.id) {
      this.auditAuthFailure(CloseCode.UserMismatch, 'token-user-mismatch', result.user);
      this.close(CloseCode.UserMismatch, 'token is for a different user');
      return;
    }
    clearTimeout(this.authTimer);
    this.armExpiry(result.validUntil ?? result.expiresAt);
    this.user = result.user;
    this.ctx.recordAdmin?.(result.user);
    if (!reauth) this.batches = protocol >= 2;
    if (message.categories !== undefined) {
      this.setCategories(message.categories);
      if (reauth) await this.audit('subscribe', { categories: message.categories });
    }
    if (reauth) {
      const [seq, unread] = await Promise.all([
        this.ctx.backend.latestSeq(),
        inAppUnread(this.ctx.backend, this.viewer, this.muted),
      ]);
      if (this.closing) return;
      this.send(this.welcome(true, seq, unread, result.expiresAt, true));
      this.ctx.log.debug('re-authenticated', { session: this.id, user: result.user.id });
      return;
    }
    await this.audit('connect', { origin: this.peer.origin, resumeFrom: message.resumeFrom ?? null });
    if (this.closing) return;
    this.ctx.log.info('connected', {
      session: this.id,
      user: result.user.id,
      role: result.user.role,
      ip: this.peer.ip,
      userAgent: this.peer.userAgent,
    });
    // A seq means something only in the stream it came from: without the stream (or from another
    // one: a wiped store, another hub) it could name other events here, so a snapshot instead.
    const sameStream = message.stream !== undefined && message.stream === this.ctx.backend.streamId();
    this.muted = mutedCategories(await this.ctx.backend.getPreferences(result.user.id));
    if (this.closing) return;
    await this.catchUpAndJoin(sameStream ? message.resumeFrom : undefined, result.expiresAt);
  }

  /**
   * Joins the live set, then sends the welcome and a snapshot or the missed entries (resume), then
   * the log after them until it has caught up. Joined first, so nothing appended during the reads
   * can slip between the catch-up and the live feed: a run fanned out meanwhile is not sent but
   * noted, and the catch-up reads the log once more. Reads are paged (`REPLAY_PAGE`) and paced by
   * the socket's drain; messages from the client wait until the catch-up is done, so no reply
   * overtakes a replayed entry. `lastSeq` also skips an entry already replayed or inside the
   * snapshot when it shows up live (a backend whose fan-out arrives later than its storage).
   */
  private async catchUpAndJoin(resumeFrom: number | undefined, expiresAt: number | undefined): Promise<void> {
    const backend = this.ctx.backend;
    this.catchingUp = true;
    this.missedLive = false;
    this.ctx.join(this);
    try {
      const latest = await backend.latestSeq();
      const first =
        resumeFrom !== undefined && resumeFrom <= latest ? await backend.replay(resumeFrom, REPLAY_PAGE) : null;
      if (this.closing) return;
      if (first) {
        const unread = await inAppUnread(backend, this.viewer, this.muted);
        if (this.closing) return;
        this.send(this.welcome(true, latest, unread, expiresAt));
        this.lastSeq = resumeFrom!;
        await this.catchUp(first);
      } else {
        const snapshot = await buildSnapshot(
          backend,
          this.viewer,
          this.categoryList(),
          this.ctx.now(),
          undefined,
          this.muted,
        );
        if (this.closing) return;
        this.send(this.welcome(false, snapshot.seq, snapshot.unread, expiresAt));
        this.send(snapshot);
        this.lastSeq = snapshot.seq;
        await this.catchUp([]);
      }
      if (!this.closing) this.ctx.caughtUp?.(this);
    } finally {
      this.catchingUp = false;
    }
  }

  /**
   * A fresh snapshot on request, read like the first one: live runs that arrive while it is read
   * are not sent ahead of it but read from the log after it, so the client, which takes the
   * snapshot's seq as its own, misses none of them.
   */
  private async resnapshot(ref: string | undefined): Promise<void> {
    this.catchingUp = true;
    this.missedLive = false;
    try {
      const snapshot = await buildSnapshot(
        this.ctx.backend,
        this.viewer,
        this.categoryList(),
        this.ctx.now(),
        ref,
        this.muted,
      );
      if (this.closing) return;
      this.send(snapshot);
      this.lastSeq = Math.max(this.lastSeq, snapshot.seq);
      await this.catchUp([]);
    } finally {
      this.catchingUp = false;
    }
  }

  /**
   * Sends the log after `lastSeq` a page at a time: the next page is read once the socket drained
   * the last one (a replay is not live traffic, so the slow-consumer bound does not apply to it),
   * after a turn of the event loop. Done when a read finds nothing more and no live run arrived
   * since it started. Retention that passes mid-replay (the next page is gone) closes with 4201:
   * the client reconnects at once, and its resume from there gets a snapshot.
   */
  private async catchUp(first: StreamEntry[]): Promise<void> {
    let page: StreamEntry[] | null = first;
    for (;;) {
      if (this.closing) return;
      if (page === null) {
        this.close(CloseCode.ResumeRequired, 'resume-required: replay retention passed during the resume');
        return;
      }
      if (page.length > 0) {
        this.deliver(new EventFrames(page), true);
        await drained(this.ws);
        await new Promise((resolve) => setImmediate(resolve));
      } else if (!this.missedLive) return;
      if (this.closing) return;
      this.missedLive = false;
      try {
        page = await this.ctx.backend.replay(this.lastSeq, REPLAY_PAGE);
      } catch (err) {
        this.ctx.log.error('replay read failed', { session: this.id, err });
        this.close(1011, 'internal error: replay could not be read');
        return;
      }
    }
  }

  private welcome(
    resumed: boolean,
    seq: number,
    unread: UnreadCounts,
    expiresAt: number | undefined,
    reauth = false,
  ): HubMessage {
    return {
      type: 'welcome',
      user: this.user!,
      stream: this.ctx.backend.streamId(),
      resumed,
      seq,
      unread,
      // The protocol's floor for the client's ping interval; a hub may ping its sockets faster.
      heartbeatMs: Math.max(MIN_CLIENT_HEARTBEAT_MS, this.ctx.heartbeatMs),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(reauth ? { reauth: true } : {}),
    };
  }

  /** Closes with 4001 when the token's `exp` passes, unless a new token re-arms the timer first. */
  private armExpiry(expiresAt: number | undefined): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    if (expiresAt === undefined) return;
    const wait = expiresAt - this.ctx.now();
    if (wait <= 0) {
      this.close(CloseCode.TokenExpired, 'token-expired');
      return;
    }
    this.expiryTimer = setTimeout(
      () => {
        if (wait > MAX_TIMER_MS) this.armExpiry(expiresAt);
        else this.close(CloseCode.TokenExpired, 'token-expired');
      },
      Math.min(wait, MAX_TIMER_MS),
    );
  }

  private setCategories(categories: string[] | null): void {
    this.categories = categories === null ? null : new Set(categories);
  }

  private categoryList(): string[] | null {
    return this.categories ? [...this.categories] : null;
  }

  /** Read changes go into the stream for this user only, with the new authoritative counts. */
  private async appendForUser(event: Record<string, unknown>): Promise<void> {
    const backend = this.ctx.backend;
    const unread = await inAppUnread(backend, this.viewer, this.muted);
    await backend.append([{ event: { ...event, unread } as never, audience: { userIds: [this.user!.id] } }]);
  }

  /**
   * Marks read what it can; returns the `unknown-notification` message when some ids name no
   * notification this user may see (the same answer whether they exist for others or not), or
   * null. Ids already read (in another tab, say) are not unknown.
   */
  private async markRead(ids: string[]): Promise<string | null> {
    const changed = await this.ctx.backend.markRead(this.viewer, ids);
    await this.audit('mark-read', { ids: changed });
    if (changed.length) await this.appendForUser({ kind: 'read', id: `read-${randomUUID()}`, ids: changed });
    return this.unknownOf(ids, changed);
  }

  /** Of `ids`, those not `changed`: the message naming the ones this user cannot see, or null. */
  private async unknownOf(ids: string[], changed: string[]): Promise<string | null> {
    const asked = [...new Set(ids)];
    if (changed.length === asked.length) return null;
    const done = new Set(changed);
    const rest = asked.filter((id) => !done.has(id));
    const known = new Set(await this.ctx.backend.knownNotifications(this.viewer, rest));
    const unknown = rest.filter((id) => !known.has(id));
    if (!unknown.length) return null;
    return `${unknown.length} of ${asked.length} ids are not notifications you can see: ${unknown.join(', ')}`;
  }

  /**
   * An inbox action (archive, snooze, delete for me, mark unread and their undos): the state
   * changes on the hub, then an `inbox` event reaches every session of this user, with the
   * notifications a client may no longer hold when the action puts rows back. Answers the refusal
   * (a snooze out of bounds, ids this user cannot see) or null.
   */
  private async changeInbox(
    message: InboxMessage | SnoozeMessage,
  ): Promise<{ code: ErrorMessage['code']; message: string } | null> {
    const action = INBOX_ACTION[message.type];
    let until: number | undefined;
    if (message.type === 'snooze') {
      until = message.until;
      const now = this.ctx.now();
      if (until <= now || until > now + MAX_SNOOZE_MS)
        return { code: 'invalid-message', message: `until: must be after now and at most 90 days ahead` };
    }
    const backend = this.ctx.backend;
    const changed = await backend.changeInbox(this.viewer, action, message.ids, until);
    await this.audit('inbox', { action, ids: changed, ...(until !== undefined ? { until } : {}) });
    if (changed.length) {
      const notifications = RESTORING.has(action)
        ? unmuted(await backend.inboxNotifications(this.viewer, changed), this.muted)
        : null;
      await this.appendForUser({
        kind: 'inbox',
        id: `inbox-${randomUUID()}`,
        action,
        ids: changed,
        ...(until !== undefined ? { until } : {}),
        ...(notifications ? { notifications } : {}),
      });
    }
    const unknown = await this.unknownOf(message.ids, changed);
    return unknown ? { code: 'unknown-notification', message: unknown } : null;
  }

  private async markAllRead(filter: NotificationFilter | undefined): Promise<void> {
    const throughSeq = await this.ctx.backend.latestSeq();
    const count = await this.ctx.backend.markAllRead(this.viewer, throughSeq, filter);
    await this.audit('mark-all-read', { throughSeq, count, ...(filter ? { filter } : {}) });
    if (count > 0) {
      await this.appendForUser({
        kind: 'read',
        id: `read-${randomUUID()}`,
        ids: [],
        all: filter ? { throughSeq, filter } : { throughSeq },
      });
    }
  }

  private async clear(): Promise<void> {
    const throughSeq = await this.ctx.backend.latestSeq();
    await this.ctx.backend.clear(this.viewer, throughSeq);
    await this.audit('clear', { throughSeq });
    await this.appendForUser({ kind: 'cleared', id: `cleared-${randomUUID()}`, throughSeq });
  }

  /**
   * Stores the admin's preferences, then appends them as a stream event to that admin alone (every
   * session on every node gets it, a resume replays it), then answers with what was stored.
   */
  private async setPreferences(preferences: Preferences, ref: string | undefined): Promise<void> {
    const backend = this.ctx.backend;
    await backend.setPreferences(this.user!.id, preferences);
    await this.audit('set-preferences', {
      categories: Object.keys(preferences.channels).length,
      quietWindows: preferences.quietHours?.windows.length ?? 0,
      emailDigest: preferences.emailDigest,
    });
    await backend.append([
      {
        event: { kind: 'preferences', id: `preferences-${randomUUID()}`, preferences },
        audience: { userIds: [this.user!.id] },
      },
    ]);
    this.send({ type: 'preferences', preferences, ...(ref ? { ref } : {}) });
  }

  private audit(action: AuditRecord['action'], detail?: Record<string, unknown>): Promise<void> {
    return this.writeAudit({
      at: new Date(this.ctx.now()).toISOString(),
      action,
      userId: this.user?.id ?? null,
      role: this.user?.role ?? null,
      ip: this.peer.ip,
      userAgent: this.peer.userAgent,
      ...(detail ? { detail } : {}),
    });
  }

  private auditAuthFailure(code: number, reason: string, claimed?: SessionUser): void {
    this.ctx.log.info('auth failed', { session: this.id, ip: this.peer.ip, code, reason });
    void this.writeAudit({
      at: new Date(this.ctx.now()).toISOString(),
      action: 'auth-failed',
      userId: claimed?.id ?? this.user?.id ?? null,
      role: claimed?.role ?? this.user?.role ?? null,
      ip: this.peer.ip,
      userAgent: this.peer.userAgent,
      detail: { code, reason },
    });
  }

  /** An audit write that fails is logged, never thrown into the socket's handlers. */
  private async writeAudit(record: AuditRecord): Promise<void> {
    try {
      await this.ctx.backend.audit(record);
    } catch (err) {
      this.ctx.log.error('audit write failed', { action: record.action, err });
    }
  }
}
