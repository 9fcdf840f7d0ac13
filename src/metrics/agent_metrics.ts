/**
 * The live agent's metrics, declared once in one registry: what the pipeline
 * updates and what `/metrics` serves.
 *
 * @module
 */
import { type Counter, type Gauge, type Histogram, MetricsRegistry } from "./registry.ts";
import { VERSION } from "../version.ts";

/** The agent's metrics and the registry that exposes them. */
export interface AgentMetrics {
  /** Serves every metric below. */
  registry: MetricsRegistry;
  /** `ghost_hunter_events_total{direction="input"|"output"}`: terminal events received. */
  events: Counter;
  /** `ghost_hunter_kernel_drops_total`: events the probe could not reserve ring buffer space for. */
  kernelDrops: Counter;
  /** `ghost_hunter_sessions_tracked`: sessions with scoring state now. */
  sessionsTracked: Gauge;
  /** `ghost_hunter_alerts_total{type}`: alerts written, by type (e.g. "anomaly", "confirmation"). */
  alerts: Counter;
  /** `ghost_hunter_injected_delay_seconds`: each delay injected into a session. */
  injectedDelay: Histogram;
  /** `ghost_hunter_scoring_lag_seconds`: from an event's kernel timestamp to its score. */
  scoringLag: Histogram;
  /** `ghost_hunter_session_evictions_total`: sessions dropped to stay within `limits.max_sessions`. */
  sessionEvictions: Counter;
}

/** Event directions, shown at 0 from the start so rates work from the first scrape. */
const DIRECTIONS = ["input", "output"] as const;

/** Creates the agent's metrics in a new registry. */
export function createAgentMetrics(): AgentMetrics {
  const registry = new MetricsRegistry();
  registry.gauge({
    name: "ghost_hunter_build_info",
    help: "Always 1; the version label names the running ghost-hunter.",
    labelNames: ["version"],
  }).set(1, { version: VERSION });
  const events = registry.counter({
    name: "ghost_hunter_events_total",
    help: "Terminal read and write events received from the probe, by direction.",
    labelNames: ["direction"],
  });
  for (const direction of DIRECTIONS) events.inc({ direction }, 0);
  return {
    registry,
    events,
    kernelDrops: registry.counter({
      name: "ghost_hunter_kernel_drops_total",
      help: "Events dropped in the kernel because the ring buffer was full.",
    }),
    sessionsTracked: registry.gauge({
      name: "ghost_hunter_sessions_tracked",
      help: "Terminal sessions with scoring state.",
    }),
    alerts: registry.counter({
      name: "ghost_hunter_alerts_total",
      help: "Alerts written, by type.",
      labelNames: ["type"],
    }),
    injectedDelay: registry.histogram({
      name: "ghost_hunter_injected_delay_seconds",
      help: "Delays injected into jittered sessions.",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    scoringLag: registry.histogram({
      name: "ghost_hunter_scoring_lag_seconds",
      help: "Time from an event's kernel timestamp to its score.",
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    }),
    sessionEvictions: registry.counter({
      name: "ghost_hunter_session_evictions_total",
      help: "Sessions evicted to stay within limits.max_sessions.",
    }),
  };
}
