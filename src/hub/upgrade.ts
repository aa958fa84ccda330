/**
 * Who may open the WebSocket, and who they are: the Origin allowlist, the client IP (proxy
 * headers only when trusted), and the plain HTTP refusal written before any upgrade work.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** Origins normalised the way browsers send them (`scheme://host[:port]`, no path). */
function normaliseOrigin(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? null : url.origin;
  } catch {
    return null;
  }
}

/** Builds the Origin check used at the upgrade and by the demo-token CORS. */
export function createOriginCheck(
  allowed: readonly string[],
  allowMissing: boolean,
): (origin: string | undefined) => boolean {
  const any = allowed.includes('*');
  const set = new Set(allowed.map(normaliseOrigin).filter((o): o is string => o !== null));
  return (origin) => {
    if (origin === undefined || origin === '') return allowMissing;
    if (any) return true;
    const normalised = normaliseOrigin(origin);
    return normalised !== null && set.has(normalised);
  };
}

/** The client IP: the socket's peer, or (only when trusted) the right hop of `X-Forwarded-For`. */
export function createClientIp(trustProxy: boolean | number): (req: IncomingMessage) => string {
  const hops = trustProxy === true ? 1 : typeof trustProxy === 'number' ? Math.max(0, Math.floor(trustProxy)) : 0;
  const clean = (ip: string) => (ip.startsWith('::ffff:') ? ip.slice(7) : ip);
  return (req) => {
    const peer = clean(req.socket.remoteAddress ?? 'unknown');
    if (hops === 0) return peer;
    const header = req.headers['x-forwarded-for'];
    const list = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    // Each trusted proxy appends the address it saw; entries left of the trusted hops are the client's to forge.
    return list.length ? clean(list[Math.max(0, list.length - hops)]!) : peer;
  };
}

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
export function rejectUpgrade(
  socket: Duplex,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const body = `${text}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`,
  );
}
