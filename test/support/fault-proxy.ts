/**
 * A TCP proxy for fault tests: clients connect to it (127.0.0.1, port 0) and it forwards to a
 * target (a hub). It injects the faults a real network has:
 *
 * - `dropAll()`   every connection is cut at once (both sides see a reset / 1006);
 * - `stall()`     half-open: nothing is forwarded either way and nothing is closed; the sockets
 *                 stay open, bytes vanish (what a dead NAT entry or a pulled cable looks like);
 *                 connections opened while stalled hang the same way;
 * - `slow(ms)`    every chunk is delivered `ms` later, in order, both ways;
 * - `heal()`      new connections are forwarded normally again (stalled ones stay dead, as they
 *                 would in reality, until an end's heartbeat gives up on them);
 * - `retarget()`  later connections go to another port (a hub restarted elsewhere);
 * - `refuseUpgrades(on)`  a request to upgrade to WebSocket is answered 403 and closed (a
 *                 corporate proxy that blocks WebSockets); plain HTTP passes;
 * - `bufferEventStreams(on)`  a `text/event-stream` response is held back from its first byte and
 *                 never delivered while the stream lasts (an antivirus or proxy buffering SSE).
 *
 * Nothing here waits for a fixed time: `slow` only delays data; tests wait for states.
 */
import net from 'node:net';

type Mode = { kind: 'pass' } | { kind: 'stall' } | { kind: 'slow'; delayMs: number };

interface Direction {
  queue: Array<{ due: number; chunk: Buffer }>;
  timer: NodeJS.Timeout | undefined;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  mode: Mode;
  toUpstream: Direction;
  toClient: Direction;
  /** This connection carries an event stream being buffered: nothing more reaches the client. */
  holding: boolean;
}

/** A WebSocket upgrade request (its headers are in the connection's first chunk in practice). */
const UPGRADE = /\r\nupgrade:\s*websocket/i;
const EVENT_STREAM = /\r\ncontent-type:\s*text\/event-stream/i;

export class FaultProxy {
  private readonly pairs = new Set<Pair>();
  private mode: Mode = { kind: 'pass' };
  private upgradesRefused = false;
  private eventStreamsBuffered = false;
  /** Connections accepted since the start (each reconnect attempt counts). */
  accepted = 0;

  private constructor(
    private readonly server: net.Server,
    private targetPort: number,
    private readonly targetHost: string,
  ) {}

  /** Starts a proxy on 127.0.0.1, port 0, forwarding to `targetPort`. */
  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
    let proxy: FaultProxy | undefined;
    const server = net.createServer((client) => proxy?.accept(client));
    proxy = new FaultProxy(server, targetPort, targetHost);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** `ws://127.0.0.1:<proxy port>/v1/ws`. */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/v1/ws`;
  }

  /** Open proxied connections. */
  get connections(): number {
    return this.pairs.size;
  }

  /** Cuts every connection now. */
  dropAll(): void {
    for (const pair of [...this.pairs]) this.destroy(pair);
  }

  /** Half-open: existing and new connections stop forwarding both ways, without closing. */
  stall(): void {
    this.mode = { kind: 'stall' };
    for (const pair of this.pairs) this.setPairMode(pair, this.mode);
  }

  /** Delays every chunk by `delayMs`, in order, both ways (existing and new connections). */
  slow(delayMs: number): void {
    this.mode = { kind: 'slow', delayMs };
    for (const pair of this.pairs) if (pair.mode.kind !== 'stall') this.setPairMode(pair, this.mode);
  }

  /** New connections pass normally again; stalled ones stay black holes; slowed ones speed up. */
  heal(): void {
    this.mode = { kind: 'pass' };
    for (const pair of this.pairs) if (pair.mode.kind === 'slow') this.setPairMode(pair, this.mode);
  }

  /** Answers WebSocket upgrades 403 (on) or passes them again (off); existing sockets stay. */
  refuseUpgrades(on: boolean): void {
    this.upgradesRefused = on;
  }

  /** Holds back every event-stream response that starts from now on (on), or not (off). */
  bufferEventStreams(on: boolean): void {
    this.eventStreamsBuffered = on;
  }

  /** Later connections go to this port. */
  retarget(port: number): void {
    this.targetPort = port;
  }

  /** Closes the listener and every connection. */
  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.accepted++;
    const upstream = net.connect(this.targetPort, this.targetHost);
    const pair: Pair = {
      client,
      upstream,
      mode: this.mode,
      toUpstream: { queue: [], timer: undefined },
      toClient: { queue: [], timer: undefined },
      holding: false,
    };
    this.pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk: Buffer) => {
      if (this.upgradesRefused && UPGRADE.test(chunk.toString('latin1'))) {
        client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        upstream.destroy();
        return;
      }
      this.forward(pair, pair.toUpstream, upstream, chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (this.eventStreamsBuffered && EVENT_STREAM.test(chunk.toString('latin1'))) pair.holding = true;
      if (!pair.holding) this.forward(pair, pair.toClient, client, chunk);
    });
    const onGone = () => {
      // A stalled link does not tell the other end anything.
      if (pair.mode.kind === 'stall') {
        if (client.destroyed && upstream.destroyed) this.pairs.delete(pair);
        return;
      }
      this.destroy(pair);
    };
    client.on('close', onGone);
    upstream.on('close', onGone);
    client.on('error', () => {});
    upstream.on('error', () => {});
  }

  private forward(pair: Pair, dir: Direction, to: net.Socket, chunk: Buffer): void {
    const mode = pair.mode;
    if (mode.kind === 'stall') return; // bytes vanish
    if (mode.kind === 'pass' && dir.queue.length === 0) {
      if (!to.destroyed) to.write(chunk);
      return;
    }
    const delay = mode.kind === 'slow' ? mode.delayMs : 0;
    const last = dir.queue.at(-1)?.due ?? 0;
    dir.queue.push({ due: Math.max(Date.now() + delay, last), chunk });
    this.drain(pair, dir, to);
  }

  private drain(pair: Pair, dir: Direction, to: net.Socket): void {
    if (dir.timer) return;
    const step = () => {
      dir.timer = undefined;
      if (pair.mode.kind === 'stall') {
        dir.queue.length = 0;
        return;
      }
      const now = Date.now();
      while (dir.queue.length && dir.queue[0]!.due <= now) {
        const { chunk } = dir.queue.shift()!;
        if (!to.destroyed) to.write(chunk);
      }
      if (dir.queue.length) dir.timer = setTimeout(step, Math.max(1, dir.queue[0]!.due - now));
    };
    dir.timer = setTimeout(step, Math.max(0, (dir.queue[0]?.due ?? 0) - Date.now()));
  }

  private setPairMode(pair: Pair, mode: Mode): void {
    pair.mode = mode;
    if (mode.kind === 'stall') {
      for (const dir of [pair.toUpstream, pair.toClient]) {
        clearTimeout(dir.timer);
        dir.timer = undefined;
        dir.queue.length = 0;
      }
    }
  }

  private destroy(pair: Pair): void {
    this.pairs.delete(pair);
    for (const dir of [pair.toUpstream, pair.toClient]) {
      clearTimeout(dir.timer);
      dir.timer = undefined;
      dir.queue.length = 0;
    }
    // resetAndDestroy sends RST, the way a dropped link looks to both ends.
    for (const socket of [pair.client, pair.upstream]) {
      if (socket.destroyed) continue;
      if (typeof socket.resetAndDestroy === 'function' && socket.readyState === 'open') socket.resetAndDestroy();
      else socket.destroy();
    }
  }
}
