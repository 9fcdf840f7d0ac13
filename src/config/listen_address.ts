/**
 * `HOST:PORT` listen addresses, as `metrics_listen` takes them, and whether
 * one is reachable only from this machine.
 *
 * @module
 */

/** A parsed listen address, ready for `Deno.serve`. */
export interface ListenAddress {
  /** An IPv4 or IPv6 literal (IPv6 without brackets), or "localhost". */
  hostname: string;
  /** TCP port, 1 to 65535. */
  port: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6 = /^[0-9a-fA-F:.]+$/;

function isIpv4(host: string): boolean {
  const match = IPV4.exec(host);
  return match !== null && match.slice(1).every((octet) => Number(octet) <= 255);
}

/** What {@linkcode parseListenAddress} accepts, for error messages. */
export const LISTEN_ADDRESS_FORMAT =
  'HOST:PORT with HOST an IP address or "localhost" (IPv6 in brackets) and PORT from 1 to 65535';

/**
 * Parses `127.0.0.1:9464`, `[::1]:9464` or `localhost:9464`; undefined when
 * `text` is not such an address.
 */
export function parseListenAddress(text: string): ListenAddress | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:\[\]]+)):(\d{1,5})$/.exec(text);
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  const ipv6 = match[1];
  if (ipv6 !== undefined) {
    return IPV6.test(ipv6) && ipv6.includes(":") ? { hostname: ipv6, port } : undefined;
  }
  const host = match[2] ?? "";
  return host === "localhost" || isIpv4(host) ? { hostname: host, port } : undefined;
}

/** True when `address` accepts connections from this machine only. */
export function isLoopback(address: ListenAddress): boolean {
  return address.hostname === "localhost" || address.hostname === "::1" ||
    address.hostname.startsWith("127.");
}
