/**
 * Every default of the agent, defined once. The config schema's defaults,
 * the command-line help and the components' own defaults (scoring engine,
 * jitter policy, λ posterior) all read them from here, so a component built
 * without options behaves as `ghost-hunter run` with no flags.
 *
 * @module
 */
import type { Config } from "./config.ts";

/** The configuration used where neither the config file nor a flag says otherwise. */
export const DEFAULT_CONFIG: Readonly<Config> = Object.freeze({
  threshold: 0.72,
  // Prior mean λ = α₀/β₀ = 5/s, a 200 ms typing gap.
  lambda: Object.freeze({ prior_alpha: 2, prior_beta: 0.4, min: 0.1, max: 50 }),
  max_delay_ms: 2000,
  actuator: "sigstop",
  dry_run: false,
  allow: Object.freeze({ users: [], comms: [], ttys: [] }),
  alerts: "-",
  log_level: "info",
  metrics_listen: null,
  metrics_allow_remote: false,
  limits: Object.freeze({
    max_sessions: 4096,
    ring_buffer_bytes: 1_048_576,
    jitter_map_entries: 4096,
  }),
  profiles: "/var/lib/ghost-hunter/profiles.db",
  response: Object.freeze({ impostor: "alert" }),
});

/** Sessions `replay` tracks at once: more than the live agent, since a trace may hold many. */
export const DEFAULT_REPLAY_MAX_SESSIONS = 100_000;

/**
 * Forgetting factor γ of each jittered session's λ posterior: λ follows
 * about the last 1/(1 − γ) = 50 inputs, so it tracks a change of tempo.
 */
export const DEFAULT_LAMBDA_FORGETTING = 0.98;
