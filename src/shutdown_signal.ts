/**
 * SIGINT and SIGTERM as an AbortSignal, so every loop of the agent stops the
 * same way and cleans up on its own path.
 *
 * @module
 */

/** An AbortSignal that fires on SIGINT or SIGTERM (or after `timeoutMs`, when given). Dispose to remove the listeners. */
export function shutdownSignal(timeoutMs?: number): AbortSignal & Disposable {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const signals = ["SIGINT", "SIGTERM"] as const;
  for (const name of signals) Deno.addSignalListener(name, abort);
  const timer = timeoutMs === undefined ? undefined : setTimeout(abort, timeoutMs);
  return Object.assign(controller.signal, {
    [Symbol.dispose]() {
      clearTimeout(timer);
      for (const name of signals) Deno.removeSignalListener(name, abort);
    },
  });
}
