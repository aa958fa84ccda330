/**
 * A `SessionSocket` (session-socket.ts: what `Session` uses of `ws`'s WebSocket) over HTTP. So a
 * session behind Server-Sent Events or a long poll is the same `Session`:
 * the same auth, resume, subscriptions, fan-out, replies, limits and audit as over `/v1/ws`.
 */
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { SessionSocket } from '../session-socket.js';

/** Text of a frame `Session` wrote (a string, or a prepared frame's payload buffer). */
const text = (data: unknown): string =>
  typeof data === 'string' ? data : Buffer.from(data as Buffer).toString('utf8');

export abstract class HttpSocket extends EventEmitter implements SessionSocket {
  /** Not `ws`'s OPEN: `sendPrepared` then writes through `send`, never to `_socket` directly. */
  readonly readyState = 0;
  /** How the session ended, once it has: the code and reason the client acts on. */
  closed: { code: number; reason: string } | null = null;

  /** Hands the session a client message, as `ws` does with a received frame. */
  receive(message: object): void {
    this.emit('message', Buffer.from(JSON.stringify(message)), false);
  }

  abstract get bufferedAmount(): number;
  abstract send(data: unknown, options?: unknown): void;

  /** The transport is a request, not a socket that can go half-open: a ping is answered while it is open. */
  ping(): void {
    if (!this.closed) this.emit('pong');
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = { code, reason };
    this.end(code, reason);
  }

  terminate(): void {
    this.close(1006, '');
  }

  protected abstract end(code: number, reason: string): void;

  /** Reports the end to the session once (`ws` does so asynchronously too). */
  protected ended(): void {
    const { code, reason } = this.closed ?? { code: 1006, reason: '' };
    this.closed ??= { code, reason };
    if (this.listenerCount('close')) this.emit('close', code, Buffer.from(reason));
    this.removeAllListeners('close');
  }
}

/**
 * A `text/event-stream` response: each frame is one `data:` line; the end carries the close code as
 * an `event: close` (the client acts on it exactly as on a WebSocket close code). Every
 * `heartbeatMs` a comment line keeps proxies from cutting an idle stream, and a `pong` frame with
 * the hub's time tells the client (which cannot see comments) that the stream is alive.
 */
export class SseSocket extends HttpSocket {
  readonly #heartbeat: NodeJS.Timeout;

  constructor(
    private readonly res: ServerResponse,
    heartbeatMs: number,
    now: () => number,
  ) {
    super();
    this.#heartbeat = setInterval(() => {
      if (!this.closed) res.write(`: keep-alive\ndata: {"type":"pong","t":${now()}}\n\n`);
    }, heartbeatMs);
    res.once('close', () => {
      clearInterval(this.#heartbeat);
      this.ended();
    });
  }

  /** Read by `drained` and `corked` (prepared-frame.ts) as `ws`'s underlying socket. */
  get _socket(): ServerResponse {
    return this.res;
  }

  get bufferedAmount(): number {
    return this.res.writableLength;
  }

  send(data: unknown): void {
    if (!this.closed && !this.res.destroyed) this.res.write(`data: ${text(data)}\n\n`);
  }

  protected end(code: number, reason: string): void {
    clearInterval(this.#heartbeat);
    if (code === 1006 || this.res.destroyed) {
      this.res.destroy();
      return;
    }
    this.res.end(`event: close\ndata: ${JSON.stringify({ code, reason })}\n\n`);
  }
}

/** Collects frames for one long-poll or command answer; `onFrame` hears each as it arrives. */
export class CollectSocket extends HttpSocket {
  readonly frames: string[] = [];
  bytes = 0;

  constructor(private readonly onFrame: (frame: string) => void) {
    super();
  }

  get bufferedAmount(): number {
    return 0;
  }

  send(data: unknown): void {
    if (this.closed) return;
    const frame = text(data);
    this.frames.push(frame);
    this.bytes += frame.length;
    this.onFrame(frame);
  }

  protected end(): void {
    // Like `ws`, the session hears its close on a later turn (after it armed its close grace timer).
    setImmediate(() => this.ended());
  }
}
