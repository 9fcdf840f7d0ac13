/**
 * Ports for servers the tests start on loopback.
 *
 * @module
 */

/** A port nobody listens on now (the kernel's pick for an ephemeral bind). */
export function freeLoopbackPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}
