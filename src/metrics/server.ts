/**
 * Serves a {@linkcode MetricsRegistry} at `GET /metrics` for Prometheus to
 * scrape. Opt-in, and on the loopback interface unless told otherwise.
 *
 * @module
 */
import { EnvironmentError } from "../errors.ts";
import { EXPOSITION_CONTENT_TYPE, type MetricsRegistry } from "./registry.ts";

/** Options of {@linkcode MetricsServer.start}. */
export interface MetricsServerOptions {
  /** Extra read-only JSON documents by path, e.g. `/sessions` for `ghost-hunter top`. */
  jsonRoutes?: Record<string, () => unknown>;
  /** The metrics to serve. */
  registry: MetricsRegistry;
  /** Address to listen on. Default "127.0.0.1". */
  hostname?: string;
  /** TCP port; 0 picks a free one (see {@linkcode MetricsServer.port}). */
  port: number;
}

/** An HTTP server for `/metrics`. Close it with `close()` or `using`/`await using`. */
export class MetricsServer implements Disposable, AsyncDisposable {
  #server: Deno.HttpServer<Deno.NetAddr>;
  #closed: Promise<void> | undefined;

  private constructor(server: Deno.HttpServer<Deno.NetAddr>) {
    this.#server = server;
  }

  /**
   * Starts listening. Throws an {@linkcode EnvironmentError} when the
   * address cannot be bound.
   */
  static start(options: MetricsServerOptions): MetricsServer {
    const hostname = options.hostname ?? "127.0.0.1";
    const handler = (request: Request): Response => {
      const path = new URL(request.url).pathname;
      const jsonRoute = options.jsonRoutes?.[path];
      if (path !== "/metrics" && jsonRoute === undefined) {
        return new Response("Not found: metrics are at /metrics\n", { status: 404 });
      }
      if (request.method !== "GET" && request.method !== "HEAD") {
        return new Response("Method not allowed\n", {
          status: 405,
          headers: { allow: "GET, HEAD" },
        });
      }
      if (jsonRoute !== undefined) return Response.json(jsonRoute());
      return new Response(options.registry.exposition(), {
        headers: { "content-type": EXPOSITION_CONTENT_TYPE },
      });
    };
    try {
      return new MetricsServer(
        Deno.serve({ hostname, port: options.port, onListen: () => {} }, handler),
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new EnvironmentError(
        `Cannot serve metrics on ${hostname}:${options.port} (${reason})`,
        { fix: "choose another metrics_listen address" },
      );
    }
  }

  /** The address actually listened on. */
  get hostname(): string {
    return this.#server.addr.hostname;
  }

  /** The port actually listened on (the chosen one when started with port 0). */
  get port(): number {
    return this.#server.addr.port;
  }

  /** Stops listening and waits for open requests to finish. Safe to call again. */
  close(): Promise<void> {
    this.#closed ??= this.#server.shutdown();
    return this.#closed;
  }

  /** Starts closing; `close()` can be awaited for the end. */
  [Symbol.dispose](): void {
    void this.close();
  }

  /** Same as {@linkcode MetricsServer.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
