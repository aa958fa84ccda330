/**
 * Who may open the WebSocket, and who they are: the Origin allowlist, the client IP (proxy
 * headers only from the proxies named in `trustProxy`), and the plain HTTP refusal written before
 * any upgrade work.
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP, isIPv4 } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * Origins normalised the way browsers send them (`scheme://host[:port]`, no path). A browser never
 * sends userinfo (`http://user@host`), so an Origin carrying it is forged and matches nothing.
 */
function normaliseOrigin(origin: string): string | null {
  try {
    const url = new URL(origin);
    if (url.username !== '' || url.password !== '' || origin.includes('@')) return null;
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
    const normalised = normaliseOrigin(origin);
    // `*` admits any origin a browser can send (an opaque `null` too), never a forged shape.
    if (any) return normalised !== null || origin === 'null';
    return normalised !== null && set.has(normalised);
  };
}

/** Thrown for a `trustProxy` entry that is not an address or CIDR, or for the old boolean/hop-count form. */
export class TrustProxyError extends Error {
  override readonly name = 'TrustProxyError';
}

/**
 * An address as the hub compares and records it: IPv4-mapped IPv6 (`::ffff:127.0.0.1`) as IPv4,
 * without brackets or a port (`[::1]:443`, `10.0.0.1:80`, as some proxies write them); null when
 * it is not an IP address at all.
 */
export function normaliseIp(raw: string): string | null {
  let ip = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (bracketed) ip = bracketed[1]!;
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(':'));
  if (/^::ffff:/i.test(ip) && isIPv4(ip.slice(7))) ip = ip.slice(7);
  return isIP(ip) ? ip.toLowerCase() : null;
}

/**
 * Parses the proxies to trust: addresses and CIDRs, IPv4 and IPv6 (`10.0.0.0/8`, `127.0.0.1`,
 * `::1`, `fd00::/8`). Returns the check "is this peer one of them". Throws `TrustProxyError`.
 */
export function createProxyTrust(entries: unknown): (ip: string) => boolean {
  if (!Array.isArray(entries)) {
    throw new TrustProxyError(
      `trustProxy lists the proxies whose X-Forwarded-For is believed, e.g. ["127.0.0.1"] or ["10.0.0.0/8"]; ` +
        `got ${JSON.stringify(entries)} (true or a hop count would let any client pick its own IP)`,
    );
  }
  const list = new BlockList();
  for (const entry of entries) {
    const text = String(entry).trim();
    const [address, prefix, extra] = text.split('/');
    const ip = normaliseIp(address ?? '');
    const family = ip && isIPv4(ip) ? 'ipv4' : 'ipv6';
    const bits = prefix === undefined ? null : Number(prefix);
    const max = family === 'ipv4' ? 32 : 128;
    if (
      !ip ||
      extra !== undefined ||
      (bits !== null && (!/^\d+$/.test(prefix!) || bits > max)) ||
      (bits !== null && /^::ffff:/i.test(address!))
    ) {
      throw new TrustProxyError(
        `trustProxy: "${text}" is not an IP address or CIDR (write 10.0.0.0/8, 127.0.0.1, ::1 or fd00::/8; IPv4-mapped ranges as IPv4)`,
      );
    }
    if (bits === null) list.addAddress(ip, family);
    else list.addSubnet(ip, bits, family);
  }
  if (entries.length === 0) return () => false;
  return (ip) => {
    const normalised = normaliseIp(ip);
    return normalised !== null && list.check(normalised, isIPv4(normalised) ? 'ipv4' : 'ipv6');
  };
}

/**
 * The client IP: the socket's peer, unless the peer is a trusted proxy. Then `X-Forwarded-For` is
 * walked from the right (each proxy appends the address it saw), skipping trusted proxies; the
 * first address that is not one is the client. Entries left of it are the client's to forge and
 * are never read; an entry that is not an address ends the walk at the proxy that forwarded it.
 */
export function createClientIp(isTrustedProxy: (ip: string) => boolean): (req: IncomingMessage) => string {
  return (req) => {
    const peer = normaliseIp(req.socket.remoteAddress ?? '') ?? 'unknown';
    if (!isTrustedProxy(peer)) return peer;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
    let client = peer;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normaliseIp(hops[i]!);
      if (hop === null) break;
      client = hop;
      if (!isTrustedProxy(hop)) break;
    }
    return client;
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
  // The server allows half-open sockets: without this, a peer that never closes keeps the descriptor.
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`,
  );
}
