/**
 * A small real WebSocket server that speaks the hub protocol well enough to test a client
 * connection: auth decisions, welcome, snapshot, seq'd events with a replay log, pong (which can
 * be switched off per socket to simulate a half-open hub), forced closes with any code, and a
 * record of every connection and frame. It stands in for the hub until connection tests can run
 * against the real one; it does not verify JWTs, mask data or persist anything.
 */
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  type AuthMessage,
  type ClientMessage,
  encode,
  type HubMessage,
  noUnread,
  parseClientMessage,
  type RealtimeNotification,
  type StreamEvent,
  type UnreadCounts,
} from '../../src/core/protocol.js';

/** Accept the token, or close the socket with this code and reason. */
export type AuthDecision = true | { code: number; reason?: string };

export interface TestServerOptions {
  /** Decides each auth (first message and in-session). Default: accept any token. */
  authorize?: (token: string, context: { connection: number; inSession: boolean }) => AuthDecision;
  /** `welcome.heartbeatMs` (the protocol requires ≥ 1000; tests override the client's instead). */
  heartbeatMs?: number;
  /** `welcome.expiresAt` for a token; default none. */
  expiresAt?: (token: string) => number | undefined;
  /** Events the log keeps for replay (default 1000). */
  retention?: number;
  /**
   * Replays this many events at or below `resumeFrom` too, like a sloppy hub whose replay
   * overlaps what the client already applied. Default 0.
   */
  replayOverlap?: number;
}

/** One frame a client sent, with the number of its connection (1-based, in accept order). */
export interface ReceivedFrame {
  connection: number;
  message: ClientMessage;
}

interface Peer {
  id: number;
  socket: WebSocket;
  authed: boolean;
  categories: string[] | null;
  /** Answers nothing at all any more: the hub side of a half-open socket. */
  stalled: boolean;
  /** The next N pings go unanswered. */
  dropPongs: number;
}

export class TestServer {
  /** ws:// URL of the endpoint. */
  readonly url: string;
  /** Sockets accepted so far. */
  connections = 0;
  /** Epoch ms at which each connection was accepted, in order. */
  readonly connectionTimes: number[] = [];
  /** Every well-formed frame received. */
  readonly received: ReceivedFrame[] = [];
  /** Request path and query of each connection, in order (to prove no token travels in the URL). */
  readonly requestUrls: string[] = [];
  /** Frames refused by `parseClientMessage`, with the reason. */
  readonly refused: string[] = [];
  /** Current stream id; changes on `resetStream()`. */
  stream = 'stream-1';
  /** Latest seq. */
  seq = 0;
  private log: StreamEvent[] = [];
  private readonly peers = new Set<Peer>();

  private constructor(
    private readonly wss: WebSocketServer,
    private readonly options: TestServerOptions,
  ) {
    const { port } = wss.address() as AddressInfo;
    this.url = `ws://127.0.0.1:${port}/v1/ws`;
    wss.on('connection', (socket, request) => {
      this.requestUrls.push(request.url ?? '');
      this.accept(socket);
    });
  }

  /** Starts a server on 127.0.0.1 with a free port. */
  static async start(options: TestServerOptions = {}): Promise<TestServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/v1/ws' });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    return new TestServer(wss, options);
  }

  /** Client messages of one type, in arrival order. */
  frames<T extends ClientMessage['type']>(
    type: T,
  ): (ReceivedFrame & { message: Extract<ClientMessage, { type: T }> })[] {
    return this.received.filter((f) => f.message.type === type) as (ReceivedFrame & {
      message: Extract<ClientMessage, { type: T }>;
    })[];
  }

  /** Auth messages received, in order. */
  get auths(): AuthMessage[] {
    return this.frames('auth').map((f) => f.message);
  }

  /** Open, authenticated sockets. */
  get authenticated(): number {
    return [...this.peers].filter((p) => p.authed && p.socket.readyState === p.socket.OPEN).length;
  }

  /** Appends a notification to the stream and sends it to every subscribed, live socket. */
  publish(fields: Partial<Omit<RealtimeNotification, 'kind' | 'seq'>> = {}): RealtimeNotification {
    const seq = ++this.seq;
    const event: RealtimeNotification = {
      kind: 'notification',
      id: fields.id ?? `n-${this.stream}-${seq}`,
      seq,
      title: fields.title ?? `Notification ${seq}`,
      category: fields.category ?? 'system',
      priority: fields.priority ?? 'medium',
      createdAt: fields.createdAt ?? new Date().toISOString(),
    };
    this.log.push(event);
    const retention = this.options.retention ?? 1000;
    if (this.log.length > retention) this.log.splice(0, this.log.length - retention);
    for (const peer of this.peers) {
      if (peer.authed && !peer.stalled && this.wants(peer, event)) this.send(peer, { type: 'event', event });
    }
    return event;
  }

  /** Sends raw data (malformed text, binary) to every authenticated socket. */
  sendRaw(data: string | Buffer): void {
    for (const peer of this.peers) if (peer.authed) peer.socket.send(data);
  }

  /** Sends a well-formed message to every authenticated socket (e.g. a duplicate event). */
  sendAll(message: HubMessage): void {
    this.sendRaw(encode(message));
  }

  /** Closes every socket with this code and reason. */
  closeAll(code: number, reason = ''): void {
    for (const peer of this.peers) peer.socket.close(code, reason);
  }

  /** Drops every socket without a close frame, like a lost network. */
  terminateAll(): void {
    for (const peer of this.peers) peer.socket.terminate();
  }

  /** The current sockets stop answering anything (pings included); later sockets behave. */
  stall(): void {
    for (const peer of this.peers) peer.stalled = true;
  }

  /** The current sockets leave their next `count` pings unanswered. */
  dropPongs(count: number): void {
    for (const peer of this.peers) peer.dropPongs = count;
  }

  /**
   * Starts over: seq from 0, empty log (what a hub with lost storage does), under a new stream id
   * unless `keepId` (a hub that wrongly reuses it).
   */
  resetStream(keepId = false): void {
    if (!keepId) this.stream = `stream-${Number(this.stream.split('-')[1]) + 1}`;
    this.seq = 0;
    this.log = [];
  }

  /** Stops the server and drops every socket. */
  async close(): Promise<void> {
    for (const peer of this.peers) peer.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    const peer: Peer = {
      id: ++this.connections,
      socket,
      authed: false,
      categories: null,
      stalled: false,
      dropPongs: 0,
    };
    this.connectionTimes.push(Date.now());
    this.peers.add(peer);
    socket.on('close', () => this.peers.delete(peer));
    socket.on('message', (data, isBinary) => {
      if (peer.stalled) return;
      const parsed = parseClientMessage(isBinary ? data : data.toString());
      if (!parsed.ok) {
        this.refused.push(parsed.error);
        socket.close(1008, 'malformed-frame');
        return;
      }
      this.received.push({ connection: peer.id, message: parsed.value });
      this.handle(peer, parsed.value);
    });
  }

  private handle(peer: Peer, message: ClientMessage): void {
    if (message.type === 'auth') {
      this.auth(peer, message);
      return;
    }
    if (!peer.authed) {
      peer.socket.close(4101, 'auth-required');
      return;
    }
    if (message.type === 'ping') {
      if (peer.dropPongs > 0) peer.dropPongs--;
      else this.send(peer, { type: 'pong', t: message.t });
    } else if (message.type === 'subscribe') peer.categories = message.categories;
    else if (message.type === 'refresh') this.snapshot(peer, message.ref);
    else if (message.ref) this.send(peer, { type: 'ack', ref: message.ref });
  }

  private auth(peer: Peer, message: AuthMessage): void {
    const inSession = peer.authed;
    const decision = this.options.authorize?.(message.token, { connection: peer.id, inSession }) ?? true;
    if (decision !== true) {
      peer.socket.close(decision.code, decision.reason ?? '');
      return;
    }
    peer.authed = true;
    if (!inSession) peer.categories = message.categories ?? null;
    const resumeFrom = inSession ? undefined : message.resumeFrom;
    const oldest = this.log[0]?.seq ?? this.seq + 1;
    const resumed = resumeFrom !== undefined && resumeFrom <= this.seq && resumeFrom + 1 >= oldest;
    const expiresAt = this.options.expiresAt?.(message.token);
    this.send(peer, {
      type: 'welcome',
      user: { id: 'admin-1', role: 'admin', name: 'Ada Admin' },
      stream: this.stream,
      resumed: inSession || resumed,
      seq: this.seq,
      unread: this.unread(),
      heartbeatMs: this.options.heartbeatMs ?? 25_000,
      ...(expiresAt ? { expiresAt } : {}),
      ...(inSession ? { reauth: true } : {}),
    });
    if (inSession) return;
    if (resumed) {
      const from = resumeFrom - (this.options.replayOverlap ?? 0);
      for (const event of this.log) {
        if (event.seq > from && this.wants(peer, event)) this.send(peer, { type: 'event', event });
      }
      return;
    }
    this.snapshot(peer);
  }

  private snapshot(peer: Peer, ref?: string): void {
    const notifications = this.log
      .filter((e): e is RealtimeNotification => e.kind === 'notification' && this.wants(peer, e))
      .map((n) => ({ ...n, read: false }))
      .reverse();
    this.send(peer, {
      type: 'snapshot',
      ...(ref ? { ref } : {}),
      seq: this.seq,
      notifications,
      hasMore: false,
      unread: this.unread(),
      activity: [],
      status: null,
      agents: null,
      metrics: { t: [], series: {} },
    });
  }

  private wants(peer: Peer, event: StreamEvent): boolean {
    return event.kind !== 'notification' || peer.categories === null || peer.categories.includes(event.category);
  }

  private unread(): UnreadCounts {
    const unread = noUnread();
    unread.total = this.log.filter((e) => e.kind === 'notification').length;
    return unread;
  }

  private send(peer: Peer, message: HubMessage): void {
    if (peer.socket.readyState === peer.socket.OPEN) peer.socket.send(encode(message));
  }
}
