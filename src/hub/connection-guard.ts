/**
 * The edge before a client is known. A connection is *pending* from its TCP accept until its
 * request headers are in (plain HTTP) or, for the WebSocket, until it has authenticated. Pending
 * connections are capped per peer address and in total, and one that has not sent its headers
 * within `headerTimeoutMs` is cut, so half-sent requests cannot hold the process's file
 * descriptors and lock everyone else (and `/healthz`) out.
 */
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import type { Logger } from './log.js';
import { normaliseIp } from './upgrade.js';

export interface PendingLimits {
  /** Pending connections from one peer address (a trusted proxy has no such cap). */
  perIp: number;
  /** Pending connections in all. */
  total: number;
  /** Time for a connection to send its request headers, ms. */
  headerTimeoutMs: number;
}

/** The soft open-file limit of this process (Linux), or null where it cannot be read. */
function openFileLimit(): number | null {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Defaults sized to the descriptors the process has: in total a quarter of the open-file limit
 * (16 to 1,024; 1,024 where the limit is unknown), per address a quarter of that (4 to 64), so
 * one address never holds the whole allowance and three quarters of the descriptors stay for
 * sockets already served.
 */
export function defaultPendingLimits(): { perIp: number; total: number } {
  const files = openFileLimit();
  const total = files === null ? 1024 : Math.max(16, Math.min(1024, Math.floor(files / 4)));
  return { total, perIp: Math.max(4, Math.min(64, Math.floor(total / 4))) };
}

/** How often a refusal is logged at most (a flood would otherwise write one line per socket). */
const REFUSAL_LOG_EVERY_MS = 10_000;

interface Pending {
  peer: string;
  timer: NodeJS.Timeout | undefined;
  onClose: () => void;
}

export class ConnectionGuard {
  private readonly pending = new Map<Duplex, Pending>();
  private readonly perPeer = new Map<string, number>();
  private refusedSinceLog = 0;
  private lastLogAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly limits: PendingLimits,
    private readonly isTrustedProxy: (ip: string) => boolean,
    private readonly log: Logger,
  ) {}

  /** The server's `connection` listener: counts the socket as pending, or refuses it at once. */
  readonly admit = (socket: Duplex & { remoteAddress?: string }): void => {
    const peer = normaliseIp(socket.remoteAddress ?? '') ?? 'unknown';
    const fromPeer = this.perPeer.get(peer) ?? 0;
    if (this.pending.size >= this.limits.total) {
      this.refuse(socket, peer, 503, 'Service Unavailable');
      return;
    }
    if (fromPeer >= this.limits.perIp && !this.isTrustedProxy(peer)) {
      this.refuse(socket, peer, 429, 'Too Many Requests');
      return;
    }
    const entry: Pending = {
      peer,
      timer: setTimeout(() => socket.destroy(), this.limits.headerTimeoutMs),
      onClose: () => this.release(socket),
    };
    this.pending.set(socket, entry);
    this.perPeer.set(peer, fromPeer + 1);
    socket.once('close', entry.onClose);
  };

  /** The socket's request headers are in; a WebSocket upgrade stays pending until `release`. */
  headersDone(socket: Duplex, untilAuthenticated: boolean): void {
    const entry = this.pending.get(socket);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    if (!untilAuthenticated) this.release(socket);
  }

  /** The connection is no longer pending (authenticated, or closed). */
  release(socket: Duplex): void {
    const entry = this.pending.get(socket);
    if (!entry) return;
    clearTimeout(entry.timer);
    socket.off('close', entry.onClose);
    this.pending.delete(socket);
    const left = (this.perPeer.get(entry.peer) ?? 1) - 1;
    if (left > 0) this.perPeer.set(entry.peer, left);
    else this.perPeer.delete(entry.peer);
  }

  /** Connections pending now. */
  get size(): number {
    return this.pending.size;
  }

  /** Stops every header timer (the sockets themselves are the server's to close). */
  stop(): void {
    for (const socket of [...this.pending.keys()]) this.release(socket);
  }

  private refuse(socket: Duplex, peer: string, status: number, text: string): void {
    this.refusedSinceLog++;
    const t = Date.now();
    if (t - this.lastLogAt >= REFUSAL_LOG_EVERY_MS) {
      this.log.warn('connections refused: too many pending', {
        refused: this.refusedSinceLog,
        last: peer,
        pending: this.pending.size,
        limit: status === 429 ? `perIp ${this.limits.perIp}` : `total ${this.limits.total}`,
      });
      this.refusedSinceLog = 0;
      this.lastLogAt = t;
    }
    socket.on('error', () => socket.destroy());
    // Written before the request is read: the descriptor is freed as soon as the bytes are out.
    socket.once('finish', () => socket.destroy());
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n`);
  }
}
