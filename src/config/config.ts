/**
 * The live agent's configuration: every tunable of `ghost-hunter run`. Its
 * defaults are in `defaults.ts`; a config file (JSON, see `load_config.ts`)
 * overrides them key by key, and command-line flags override the file. Keys
 * are snake_case because they are the file's keys.
 *
 * @module
 */

/** Levels of the structured log, most verbose first. */
export type LogLevel = "debug" | "info" | "warning" | "error";

/**
 * How a jittered session is delayed: `sigstop`, the probe stops the process
 * writing the session's pty master (sshd, tmux, script) at each input and
 * the agent resumes it with SIGCONT when the input's delay is due. The one
 * mechanism measured to hold every input (README, "Active response").
 */
export type Actuator = "sigstop";

/**
 * The Gamma prior of the per-session delay rate λ (1/s) and the bounds λ is
 * clamped to (a clamp is logged as a warning).
 */
export interface LambdaConfig {
  /** Prior shape α₀ > 0. */
  prior_alpha: number;
  /** Prior rate β₀ > 0, in seconds. */
  prior_beta: number;
  /** Lower bound on λ, 1/s. */
  min: number;
  /** Upper bound on λ, 1/s, at least `min`. */
  max: number;
}

/** Sessions that are never scored and never delayed. */
export interface AllowConfig {
  /** Users, by numeric uid or by user name. */
  users: (number | string)[];
  /** Process names (the kernel's `comm`, at most 15 bytes), matched exactly. */
  comms: string[];
  /** Terminals by name, e.g. "pts/3", "tty1", "ttyS0". */
  ttys: string[];
}

/** Sizes and counts; nothing is derived from the machine (e.g. its CPU count). */
export interface LimitsConfig {
  /** Sessions tracked at once; past it the least recently seen is evicted. */
  max_sessions: number;
  /** Kernel ring buffer size in bytes, a power of two ≥ 4096. */
  ring_buffer_bytes: number;
  /** Entries of the kernel jitter command map. */
  jitter_map_entries: number;
}

/** How the agent answers alerts other than automation. */
export interface ResponseConfig {
  /** An impostor alert: "alert" only, or "jitter" as for automation. */
  impostor: "alert" | "jitter";
}

/** Everything `ghost-hunter run` can be configured with. */
export interface Config {
  /** Anomaly score in [0, 1] at which a session alerts and jitter starts. */
  threshold: number;
  /** λ prior and bounds. */
  lambda: LambdaConfig;
  /** Cap on one injected delay, in milliseconds. */
  max_delay_ms: number;
  /** How sessions are delayed. */
  actuator: Actuator;
  /** Score and alert only: no kernel map write, no actuation. */
  dry_run: boolean;
  /** Users, process names and terminals never scored or delayed. */
  allow: AllowConfig;
  /** Where alerts go as JSON lines: a file path (mode 0600, appended) or "-" for stdout. */
  alerts: string;
  /** Lowest level of log record written to stderr. */
  log_level: LogLevel;
  /** `HOST:PORT` to serve Prometheus metrics on, or null for none. */
  metrics_listen: string | null;
  /** Allows a non-loopback `metrics_listen` address. */
  metrics_allow_remote: boolean;
  /** Sizes and counts. */
  limits: LimitsConfig;
  /** The users' timing profile database, or null to keep none. */
  profiles: string | null;
  /** Answers to alerts other than automation. */
  response: ResponseConfig;
}
