/**
 * Push endpoints are URLs a browser handed to the hub; a registration on a host name that resolves
 * to an internal address would make the hub send requests into its own network (SSRF). The push
 * channel's default agent resolves through `guardedLookup`, which refuses loopback, private,
 * link-local, carrier-grade NAT, unspecified, multicast and reserved addresses.
 */
import { type LookupAddress, type LookupAllOptions, type LookupOptions, lookup } from 'node:dns';
import { Agent } from 'node:https';
import { BlockList, isIPv4 } from 'node:net';

const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  internal.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  internal.addSubnet(net, prefix, 'ipv6');

/** Is `ip` an address no public push service has (an IPv4-mapped IPv6 address is judged as IPv4)? */
export function isInternalAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped) return internal.check(mapped, 'ipv4');
  return internal.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6');
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** `dns.lookup` that fails for a host with an internal address among its addresses. */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true } as LookupAllOptions, (err, addresses) => {
    if (err) return callback(err, []);
    const refused = addresses.find((a) => isInternalAddress(a.address));
    if (refused) {
      const error: NodeJS.ErrnoException = new Error(
        `push endpoint host ${hostname} resolves to an internal address (${refused.address}); refused`,
      );
      error.code = 'EPUSHINTERNAL';
      return callback(error, []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}

/** The push channel's default agent: kept-alive connections, resolved through `guardedLookup`. */
export const guardedAgent = (): Agent => new Agent({ keepAlive: true, lookup: guardedLookup as never });
